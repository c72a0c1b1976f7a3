"""Demo townships and villages under 宣恩县 (422825) and 洪湖市 (421083)."""

from __future__ import annotations

from regions.models import Region, RegionLevel

TOWNSHIPS = {
    "422825": [("422825100", "珠山镇"), ("422825101", "椒园镇"), ("422825102", "沙道沟镇")],
    "421083": [("421083001", "新堤街道"), ("421083101", "峰口镇"), ("421083102", "曹市镇")],
}
VILLAGE_NAMES = ["东门社区", "西坪村", "龙河村", "松坪村", "桃园村", "新华村"]


def seed(ctx) -> None:
    townships: dict[str, Region] = {}
    for county_code, rows in TOWNSHIPS.items():
        county = Region.objects.get(code=county_code)
        for code, name in rows:
            township, _ = Region.objects.get_or_create(
                code=code, defaults={"name": name, "level": RegionLevel.TOWNSHIP, "parent": county}
            )
            townships[code] = township
            for i, village_name in enumerate(VILLAGE_NAMES[:4]):
                Region.objects.get_or_create(
                    code=f"{code}{200 + i:03d}",
                    defaults={"name": village_name, "level": RegionLevel.VILLAGE, "parent": township},
                )
    ctx.data["townships"] = townships
    ctx.data["xuanen"] = Region.objects.get(code="422825")
    ctx.data["honghu"] = Region.objects.get(code="421083")
    ctx.data["province"] = Region.objects.get(code="420000")
    ctx.say(f"  乡镇 {len(townships)} 个，村(社区) {Region.objects.filter(level=RegionLevel.VILLAGE).count()} 个")
