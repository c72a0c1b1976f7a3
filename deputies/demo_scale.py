"""Large-scale deputies: persons, seats of the five levels, groups and memberships (through ctx.loader).

The seats follow the plan's spread; a share of the county, city, provincial and national seats go to
someone who already holds a lower seat, so about one deputy in fourteen holds two mandates.
"""

from __future__ import annotations

from array import array
from datetime import date
from functools import cache

from deputies.demo import ETHNICITIES, GIVEN, SECTORS, SURNAMES, TERMS
from deputies.models import Deputy, DeputyGroup, Gender, GroupKind, Mandate, MandateLevel, Membership, MembershipRole
from deputies.names import name_sort_keys

# Share of the seats at each level held by someone who already has a seat (the rest are new people).
SECOND_SEAT_SHARE = {
    MandateLevel.COUNTY: 0.2,
    MandateLevel.CITY: 0.2,
    MandateLevel.PROVINCIAL: 0.2,
    MandateLevel.NATIONAL: 0.3,
}
UNITS = ["村委会", "社区居委会", "中心学校", "卫生院", "合作社", "农业服务中心", "派出所", "供电所", "有限公司", "镇政府"]
INDUSTRIES = ["茶", "粮油", "柑橘", "生猪", "汽车零部件", "文旅", "中药材", "水产", "光电子", "建材"]


@cache
def _keys(name: str) -> tuple[str, str, int, str]:
    return name_sort_keys(name)


def seed(ctx) -> None:
    plan = ctx.data["plan"]
    loader = ctx.loader
    rng = ctx.rng_for("deputies")
    townships = ctx.data["township_rows"]
    counties = ctx.data["counties"]
    county_parent = dict(ctx.data["county_parent"])
    province_id = ctx.data["province_id"]
    region_prefix = ctx.data["region_prefix"]
    now = loader.now
    # Townships of one county are consecutive in township_rows (generated county by county).
    spans: dict[int, tuple[int, int]] = {}
    for i, (_id, _code, _name, county_index) in enumerate(townships):
        spans[county_index] = (spans.get(county_index, (i, i))[0], i)

    deputy_spec = loader.spec(
        Deputy,
        ["id", "name", "name_pinyin", "name_initials", "surname_strokes", "name_stroke_key", "gender", "ethnicity",
         "birth_date", "sector", "work_unit", "phone", "region_id", "region_prefix", "active", "user_id", "created_at", "updated_at"],
    )
    mandate_spec = loader.spec(
        Mandate, ["id", "deputy_id", "level", "congress_region_id", "term", "electoral_unit", "start_date", "end_date"]
    )
    # Two more than the plan: the demo login's own person and seats come first.
    deputy_ids = iter(loader.ids(Deputy, sum(plan.seats.values()) + 2))
    mandate_ids = iter(loader.ids(Mandate, sum(plan.seats.values()) + 2))
    by_township = [array("q") for _ in townships]
    by_county = [array("q") for _ in counties]
    everyone = array("q")
    township_of: dict[int, int] = {}
    person_rows: list[tuple] = []
    seat_rows: list[tuple] = []
    seats_held: set[tuple[int, str]] = set()

    def flush(force: bool = False) -> None:
        if force or len(person_rows) >= plan.chunk:
            loader.write(deputy_spec, person_rows)
            person_rows.clear()
        if force or len(seat_rows) >= plan.chunk:
            loader.write(mandate_spec, seat_rows)
            seat_rows.clear()

    def new_person(township_index: int, *, name: str | None = None, user_id: int | None = None) -> int:
        t_id, _code, t_name, county_index = townships[township_index]
        if name is None:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        pinyin, initials, strokes, stroke_key = _keys(name)
        minority = counties[county_index][1].startswith("4228")  # 恩施州: 土家族 and 苗族 homeland
        deputy_id = next(deputy_ids)
        person_rows.append((
            deputy_id, name, pinyin, initials, strokes, stroke_key,
            Gender.FEMALE if rng.random() < 0.32 else Gender.MALE,
            rng.choice(ETHNICITIES) if minority else "汉族",
            date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28)),
            rng.choice(SECTORS),
            t_name + rng.choice(UNITS),
            f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            t_id, region_prefix[t_id], True, user_id, now, now,
        ))
        by_township[township_index].append(deputy_id)
        by_county[county_index].append(deputy_id)
        everyone.append(deputy_id)
        township_of[deputy_id] = township_index
        return deputy_id

    def seat(deputy_id: int, level: str, congress_id: int) -> None:
        if (deputy_id, level) in seats_held:
            return
        seats_held.add((deputy_id, level))
        term, start = TERMS[level]
        township_name = townships[township_of[deputy_id]][2]
        seat_rows.append((next(mandate_ids), deputy_id, level, congress_id, term, f"{township_name}选区", start, None))

    # The demo login "deputy" is 向明华 of 珠山镇, a county and township deputy, as in the small demo.
    users = ctx.data.get("users", {})
    zhushan = next((i for i, t in enumerate(townships) if t[1] == "422825100"), None)
    if zhushan is not None:
        xiang = new_person(zhushan, name="向明华", user_id=users["deputy"].id if "deputy" in users else None)
        seat(xiang, MandateLevel.TOWNSHIP, townships[zhushan][0])
        seat(xiang, MandateLevel.COUNTY, counties[townships[zhushan][3]][0])

    for i in range(plan.seats[MandateLevel.TOWNSHIP]):
        township_index = i % len(townships)
        seat(new_person(township_index), MandateLevel.TOWNSHIP, townships[township_index][0])
        flush()
    for i in range(plan.seats[MandateLevel.COUNTY]):
        county_index = i % len(counties)
        pool = by_county[county_index]
        if pool and rng.random() < SECOND_SEAT_SHARE[MandateLevel.COUNTY]:
            deputy_id = pool[rng.randrange(len(pool))]
        else:
            deputy_id = new_person(_township_in(rng, spans, county_index))
        seat(deputy_id, MandateLevel.COUNTY, counties[county_index][0])
        flush()
    # City seats: counties under a city (the four county-level units under the province have none).
    under_city = [i for i, c in enumerate(counties) if county_parent[c[0]] != province_id]
    for i in range(plan.seats[MandateLevel.CITY] if under_city else 0):
        county_index = under_city[i % len(under_city)]
        pool = by_county[county_index]
        if pool and rng.random() < SECOND_SEAT_SHARE[MandateLevel.CITY]:
            deputy_id = pool[rng.randrange(len(pool))]
        else:
            deputy_id = new_person(_township_in(rng, spans, county_index))
        seat(deputy_id, MandateLevel.CITY, county_parent[counties[county_index][0]])
        flush()
    for level in (MandateLevel.PROVINCIAL, MandateLevel.NATIONAL):
        for _ in range(plan.seats[level]):
            if rng.random() < SECOND_SEAT_SHARE[level]:
                deputy_id = everyone[rng.randrange(len(everyone))]
            else:
                deputy_id = new_person(rng.randrange(len(townships)))
            seat(deputy_id, level, province_id)
            flush()
    flush(force=True)
    loader.done(deputy_spec)
    loader.done(mandate_spec)

    groups_by_township = _groups(ctx, rng, by_township, by_county)
    ctx.data["deputies_by_township"] = by_township
    ctx.data["deputies_by_county"] = by_county
    ctx.data["all_deputies"] = everyone
    ctx.data["groups_by_township"] = groups_by_township
    ctx.data["deputy_xiang"] = everyone[0] if zhushan is not None else None
    ctx.say(f"  代表 {len(everyone):,} 人，职务 {len(seats_held):,} 条")


def _township_in(rng, spans, county_index: int) -> int:
    first, last = spans[county_index]
    return rng.randint(first, last)


def _groups(ctx, rng, by_township, by_county) -> list[list[int]]:
    plan = ctx.data["plan"]
    loader = ctx.loader
    townships = ctx.data["township_rows"]
    counties = ctx.data["counties"]
    group_spec = loader.spec(DeputyGroup, ["id", "name", "kind", "region_id", "leader_id", "active"])
    member_spec = loader.spec(Membership, ["id", "group_id", "deputy_id", "role", "start_date"])
    total_groups = len(townships) * plan.groups_per_township + len(counties) * plan.industry_groups_per_county
    group_ids = iter(loader.ids(DeputyGroup, total_groups))
    member_ids = iter(loader.ids(Membership, total_groups * plan.group_size))
    groups, members = [], []
    groups_by_township: list[list[int]] = []
    start = date(2022, 1, 1)

    def add(name, kind, region_id, pool):
        chosen = rng.sample(list(pool), min(plan.group_size, len(pool)))
        group_id = next(group_ids)
        groups.append((group_id, name, kind, region_id, chosen[0] if chosen else None, True))
        for n, deputy_id in enumerate(chosen):
            members.append((next(member_ids), group_id, deputy_id, MembershipRole.LEADER if n == 0 else MembershipRole.MEMBER, start))
        return group_id

    for township_index, (t_id, _code, t_name, _county) in enumerate(townships):
        groups_by_township.append(
            [add(f"{t_name}第{n + 1}代表小组", GroupKind.REGIONAL, t_id, by_township[township_index]) for n in range(plan.groups_per_township)]
        )
        if len(members) >= plan.chunk:
            loader.write(group_spec, groups)
            loader.write(member_spec, members)
            groups.clear()
            members.clear()
    for county_index, (c_id, _code, c_name) in enumerate(counties):
        for industry in rng.sample(INDUSTRIES, plan.industry_groups_per_county):
            add(f"{c_name}{industry}产业链代表小组", GroupKind.INDUSTRY_CHAIN, c_id, by_county[county_index])
    loader.write(group_spec, groups)
    loader.write(member_spec, members)
    loader.done(group_spec)
    loader.done(member_spec)
    ctx.say(f"  代表小组 {group_spec.written:,} 个，成员 {member_spec.written:,} 人次")
    return groups_by_township
