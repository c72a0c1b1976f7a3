"""Demo deputies of all five levels for the 宣恩县 and 洪湖市 townships, with groups.

Deterministic (ctx.rng). The demo user "deputy" is 向明华 of 珠山镇.
"""

from __future__ import annotations

from datetime import date

from deputies.models import Deputy, DeputyGroup, Gender, GroupKind, Mandate, MandateLevel, Membership, MembershipRole
from regions.models import Region

SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许邓冯韩曹彭曾田向谭覃丁万卢"
GIVEN = ["明", "华", "建", "国", "春", "兰", "海", "军", "红", "英", "志", "强", "秀", "芳", "德", "清", "玉", "平", "文", "燕"]
ETHNICITIES = ["汉族", "土家族", "苗族", "侗族"]
SECTORS = ["农业", "工业", "教育", "卫生", "基层干部", "个体工商户", "企业管理", "科技"]
TERMS = {
    MandateLevel.NATIONAL: ("第十四届", date(2023, 3, 5)),
    MandateLevel.PROVINCIAL: ("第十四届", date(2023, 1, 14)),
    MandateLevel.CITY: ("第九届", date(2021, 12, 20)),
    MandateLevel.COUNTY: ("第十九届", date(2021, 10, 1)),
    MandateLevel.TOWNSHIP: ("第十九届", date(2021, 10, 1)),
}


def _name(ctx, used: set[str]) -> str:
    while True:
        name = ctx.rng.choice(SURNAMES) + ctx.rng.choice(GIVEN) + (ctx.rng.choice(GIVEN) if ctx.rng.random() < 0.7 else "")
        if name not in used:
            used.add(name)
            return name


def _phone(ctx) -> str:
    return f"1{ctx.rng.choice('3578')}{ctx.rng.randint(0, 999999999):09d}"


def _congress(township: Region, level: str, regions: dict[str, Region]) -> Region:
    code = township.code
    return {
        MandateLevel.NATIONAL: regions["420000"],
        MandateLevel.PROVINCIAL: regions["420000"],
        MandateLevel.CITY: regions[code[:4] + "00"],
        MandateLevel.COUNTY: regions[code[:6]],
        MandateLevel.TOWNSHIP: township,
    }[level]


def _deputy(ctx, *, name, township, levels, regions, user=None) -> Deputy:
    deputy, _ = Deputy.objects.get_or_create(
        name=name,
        region=township,
        defaults={
            "gender": ctx.rng.choice([Gender.MALE, Gender.FEMALE]),
            "ethnicity": ctx.rng.choice(ETHNICITIES),
            "birth_date": date(ctx.rng.randint(1960, 1995), ctx.rng.randint(1, 12), ctx.rng.randint(1, 28)),
            "sector": ctx.rng.choice(SECTORS),
            "work_unit": f"{township.name}{ctx.rng.choice(['村委会', '中心学校', '卫生院', '合作社', '农业服务中心'])}",
            "phone": _phone(ctx),
            "user": user,
        },
    )
    for level in levels:
        term, start = TERMS[level]
        Mandate.objects.get_or_create(
            deputy=deputy,
            level=level,
            congress_region=_congress(township, level, regions),
            term=term,
            defaults={"electoral_unit": f"{township.name}选区", "start_date": start},
        )
    return deputy


def seed(ctx) -> None:
    townships: dict[str, Region] = ctx.data["townships"]
    users = ctx.data["users"]
    regions = {r.code: r for r in Region.objects.filter(code__in=["420000", "422800", "421000", "422825", "421083"])}
    used: set[str] = {"向明华"}
    deputies: list[Deputy] = []
    by_township: dict[str, list[Deputy]] = {}

    zhushan = townships["422825100"]
    xiang = _deputy(
        ctx, name="向明华", township=zhushan, levels=[MandateLevel.COUNTY, MandateLevel.TOWNSHIP], regions=regions,
        user=users["deputy"],
    )
    if xiang.user_id is None:
        xiang.user = users["deputy"]
        xiang.save(update_fields=["user"])
    by_township.setdefault(zhushan.code, []).append(xiang)

    # Higher-level deputies live in a township too; most also hold a county or township seat.
    plan = {
        "422825100": [[MandateLevel.NATIONAL], [MandateLevel.PROVINCIAL, MandateLevel.COUNTY], [MandateLevel.CITY]],
        "421083101": [[MandateLevel.PROVINCIAL], [MandateLevel.CITY, MandateLevel.COUNTY]],
        "421083001": [[MandateLevel.CITY]],
    }
    for code, township in sorted(townships.items()):
        seats = plan.get(code, []) + [[MandateLevel.COUNTY, MandateLevel.TOWNSHIP]] * 2 + [[MandateLevel.COUNTY]] * 2
        seats += [[MandateLevel.TOWNSHIP]] * 6
        for levels in seats:
            deputy = _deputy(ctx, name=_name(ctx, used), township=township, levels=levels, regions=regions)
            by_township.setdefault(code, []).append(deputy)
    for members in by_township.values():
        deputies.extend(members)

    groups: list[DeputyGroup] = []
    for code, township in sorted(townships.items()):
        group, _ = DeputyGroup.objects.get_or_create(
            name=f"{township.name}代表小组", region=township, defaults={"kind": GroupKind.REGIONAL}
        )
        members = by_township.get(code, [])[:8]
        for i, deputy in enumerate(members):
            Membership.objects.get_or_create(
                group=group,
                deputy=deputy,
                defaults={"role": MembershipRole.LEADER if i == 0 else MembershipRole.MEMBER, "start_date": date(2022, 1, 1)},
            )
        if members and group.leader_id is None:
            group.leader = members[0]
            group.save(update_fields=["leader"])
        groups.append(group)

    tea, _ = DeputyGroup.objects.get_or_create(
        name="宣恩县茶产业链代表小组", region=regions["422825"], defaults={"kind": GroupKind.INDUSTRY_CHAIN}
    )
    xuanen_deputies = [d for d in deputies if d.region.code.startswith("422825")]
    for deputy in xuanen_deputies[:: max(1, len(xuanen_deputies) // 6)]:
        Membership.objects.get_or_create(group=tea, deputy=deputy, defaults={"start_date": date(2023, 3, 1)})
    groups.append(tea)

    ctx.data["deputies"] = deputies
    ctx.data["deputies_by_township"] = by_township
    ctx.data["deputy_xiang"] = xiang
    ctx.data["groups"] = groups
    ctx.say(f"  代表 {len(deputies)} 人，职务 {Mandate.objects.count()} 条，代表小组 {len(groups)} 个")
