"""Large-scale activities: six yearly campaigns and the plan's activities with attendance.

Rows are generated chunk by chunk (activity, its attendance, its campaign link, the issues raised)
so memory stays flat however many activities the plan asks for.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.utils import timezone

from activities.models import Activity, ActivityType, Attendance, Campaign, CampaignKind, IssueRaised

THEMES = {
    2021: "疫后重振 代表在行动",
    2022: "优化营商环境 代表在行动",
    2023: "聚力乡村振兴 代表在行动",
    2024: "察民情、聚民智、惠民生",
    2025: "察民情、聚民智、惠民生",
    2026: "察民情、聚民智、惠民生",
}
# (type, cumulative weight): most of the work is household visits.
TYPES = [
    (ActivityType.VISIT, 0.55),
    (ActivityType.RECEPTION, 0.70),
    (ActivityType.OUTREACH, 0.75),
    (ActivityType.CONSULTATION, 0.78),
    (ActivityType.RESEARCH, 0.86),
    (ActivityType.GROUP_MEETING, 0.94),
    (ActivityType.TRAINING, 0.97),
    (ActivityType.FOLLOW_UP, 1.00),
]
ISSUES = [
    "村组道路破损，雨天出行困难",
    "饮水管网老化，夏季常停水",
    "村卫生室缺少全科医生",
    "留守老人就餐困难，希望办老年食堂",
    "农产品销路不畅，希望搭建电商平台",
    "河道垃圾清理不及时",
    "学校周边交通秩序乱",
    "农村客运班次太少",
]


def seed(ctx) -> None:
    plan = ctx.data["plan"]
    loader = ctx.loader
    rng = ctx.rng_for("activities")
    today = timezone.localdate()
    province_id = ctx.data["province_id"]
    campaigns = {}
    for year in plan.years:
        end = min(date(year, 12, 31), today) if year <= today.year else date(year, 12, 31)
        campaign, _ = Campaign.objects.get_or_create(
            year=year,
            kind=CampaignKind.MANDATED,
            region_id=province_id,
            defaults={"title": THEMES.get(year, "察民情、聚民智、惠民生"), "start_date": date(year, 1, 1), "end_date": end},
        )
        campaigns[year] = campaign.id
    ctx.data["campaigns"] = campaigns

    by_township = ctx.data["deputies_by_township"]
    stations = ctx.data["stations_by_township"]
    region_prefix = ctx.data["region_prefix"]
    groups = ctx.data["groups_by_township"]
    staff = ctx.data["staff_by_township"]
    everyone = ctx.data["all_deputies"]
    township_index_of = {}
    for index, members in enumerate(by_township):
        for deputy_id in members:
            township_index_of[deputy_id] = index

    activity_spec = loader.spec(
        Activity,
        ["id", "type", "date", "start_time", "region_id", "region_prefix", "station_id", "group_id", "households_visited", "enterprises_visited",
         "people_reached", "person_times", "summary", "created_by_id", "created_at", "updated_at"],
    )
    attendance_spec = loader.spec(Attendance, ["id", "activity_id", "deputy_id"])
    link_spec = loader.spec(Activity.campaigns.through, ["id", "activity_id", "campaign_id"])
    issue_spec = loader.spec(IssueRaised, ["id", "activity_id", "text"])
    low, high = plan.attendance_per_activity
    activity_ids = loader.ids(Activity, plan.activities)
    attendance_ids = iter(loader.ids(Attendance, plan.activities * high))
    link_ids = iter(loader.ids(Activity.campaigns.through, plan.activities))
    issue_ids = iter(loader.ids(IssueRaised, plan.activities))
    years = [y for y in plan.years if date(y, 1, 1) <= today]
    year_days = {y: ((min(date(y, 12, 31), today) - date(y, 1, 1)).days + 1) for y in years}
    stamps: dict[date, datetime] = {}
    activities, attendance, links, issues = [], [], [], []

    def flush():
        loader.write(activity_spec, activities)
        loader.write(attendance_spec, attendance)
        loader.write(link_spec, links)
        loader.write(issue_spec, issues)
        activities.clear()
        attendance.clear()
        links.clear()
        issues.clear()

    for activity_id in activity_ids:
        # A random deputy picks the township, so busy townships (more deputies) log more.
        first = everyone[rng.randrange(len(everyone))]
        t = township_index_of[first]
        pool = by_township[t]
        year = years[rng.randrange(len(years))]
        day = date(year, 1, 1) + timedelta(days=rng.randrange(year_days[year]))
        stamp = stamps.get(day)
        if stamp is None:
            stamp = stamps[day] = timezone.make_aware(datetime.combine(day, dtime(18, 0)))
        roll = rng.random()
        kind = next(k for k, edge in TYPES if roll < edge)
        station_id, region_id = stations[t][rng.randrange(len(stations[t]))]
        if kind == ActivityType.VISIT:
            station_id = None
            households, enterprises, people, person_times = rng.randint(3, 15), rng.randint(0, 2), rng.randint(5, 40), 0
            summary = f"入户走访{households}户，宣传政策，听取群众意见。"
        elif kind == ActivityType.TRAINING:
            households, enterprises, people, person_times = 0, 0, 0, rng.randint(20, 120)
            summary = "代表履职能力培训。"
        else:
            households, enterprises, people, person_times = 0, rng.randint(0, 3), rng.randint(5, 80), 0
            summary = "接待选民，收集意见建议。"
        group_id = groups[t][rng.randrange(len(groups[t]))] if kind == ActivityType.GROUP_MEETING and groups[t] else None
        activities.append((
            activity_id, kind, day, dtime(9, 0), region_id, region_prefix[region_id], station_id, group_id, households, enterprises, people,
            person_times, summary, staff[t], stamp, stamp,
        ))
        size = min(rng.randint(low, high), len(pool))
        chosen = {first}
        while len(chosen) < size:
            chosen.add(pool[rng.randrange(len(pool))])
        for deputy_id in chosen:
            attendance.append((next(attendance_ids), activity_id, deputy_id))
        links.append((next(link_ids), activity_id, campaigns[year]))
        if rng.random() < 0.1:
            issues.append((next(issue_ids), activity_id, ISSUES[rng.randrange(len(ISSUES))]))
        if len(activities) >= plan.chunk:
            flush()
    flush()
    for spec in (activity_spec, attendance_spec, link_spec, issue_spec):
        loader.done(spec)
    ctx.say(f"  代表行动 {len(campaigns)} 个，履职活动 {activity_spec.written:,} 次，出席 {attendance_spec.written:,} 人次")
