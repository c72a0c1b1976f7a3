"""Large-scale regions: the real Hubei province, cities and counties plus generated townships and villages.

Uses ``ctx.loader`` (accounts/demo_scale.py) and hands the next apps plain tuples, not model
objects, so a province's 25,000 villages cost little memory.
"""

from __future__ import annotations

from regions.demo import TOWNSHIPS as DEMO_TOWNSHIPS
from regions.loader import HUBEI_DIVISIONS, load_regions
from regions.models import Region, RegionLevel, code_prefix

STEMS = list(
    "东西南北中上下前后新老大小长高龙凤马牛羊鹿虎石金银铜铁木水火土山河湖江溪泉桥湾坪坝岭岗岩林竹松柏桃李杏梅兰荷花草田园"
    "沙洲港口塘堰庙寺观家店铺集坊营堡寨关"
)
KNOWN_TOWNSHIPS = {code: name for rows in DEMO_TOWNSHIPS.values() for code, name in rows}


def _place(rng) -> str:
    return rng.choice(STEMS) + rng.choice(STEMS)


def seed(ctx) -> None:
    plan = ctx.data["plan"]
    loader = ctx.loader
    rng = ctx.rng_for("regions")
    report = load_regions(HUBEI_DIVISIONS)
    if report.errors:
        raise RuntimeError("; ".join(report.errors))
    county_rows = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").values_list("id", "code", "name", "parent_id")
    if plan.counties:
        county_rows = county_rows.filter(code__in=plan.counties)
    counties = [(c_id, code, name) for c_id, code, name, _parent in county_rows]
    ctx.data["county_parent"] = [(c_id, parent) for c_id, _code, _name, parent in county_rows]
    ctx.data["province_id"] = Region.objects.get(level=RegionLevel.PROVINCE).id
    uppers = Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]).order_by("code")
    ctx.data["office_regions"] = list(uppers.values_list("id", "code", "name")) + counties
    ctx.data["counties"] = counties

    spec = loader.spec(Region, ["id", "code", "name", "level", "parent_id", "prefix"])
    township_rows: list[tuple[int, str, str, int]] = []  # (id, code, name, county index)
    planned = [rng.randint(*plan.townships_per_county) for _ in counties]
    ids = iter(loader.ids(Region, sum(planned)))
    rows = []
    for county_index, ((county_id, county_code, _county_name), count) in enumerate(zip(counties, planned, strict=True)):
        for n in range(count):
            code = f"{county_code}{100 + n:03d}"
            name = KNOWN_TOWNSHIPS.get(code) or (_place(rng) + rng.choice(["镇", "镇", "乡", "街道"]))
            region_id = next(ids)
            rows.append((region_id, code, name, RegionLevel.TOWNSHIP, county_id, code_prefix(code, RegionLevel.TOWNSHIP)))
            township_rows.append((region_id, code, name, county_index))
    loader.write(spec, rows)

    villages_by_township: list[list[int]] = []
    planned = [rng.randint(*plan.villages_per_township) for _ in township_rows]
    ids = iter(loader.ids(Region, sum(planned)))
    rows = []
    for (township_id, township_code, _name, _county), count in zip(township_rows, planned, strict=True):
        village_ids = []
        for n in range(count):
            code = f"{township_code}{200 + n:03d}"
            name = _place(rng) + ("社区" if rng.random() < 0.2 else "村")
            region_id = next(ids)
            rows.append((region_id, code, name, RegionLevel.VILLAGE, township_id, code))
            village_ids.append(region_id)
        villages_by_township.append(village_ids)
        if len(rows) >= plan.chunk:
            loader.write(spec, rows)
            rows = []
    loader.write(spec, rows)
    loader.done(spec)
    ctx.data["township_rows"] = township_rows
    ctx.data["villages_by_township"] = villages_by_township
    # Deputies, activities and suggestions copy their region's prefix (regions.scope.copy_region_prefix).
    ctx.data["region_prefix"] = dict(Region.objects.values_list("id", "prefix"))
    ctx.say(f"  县级 {len(counties)} 个，乡镇 {len(township_rows):,} 个，村(社区) {sum(map(len, villages_by_township)):,} 个")
