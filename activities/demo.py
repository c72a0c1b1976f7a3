"""Demo campaigns (a mandated and a self-chosen one) and a few months of activities in the demo townships."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from activities import services
from activities.models import Activity, ActivityType, Campaign, CampaignKind
from activities.services import ActivityInput, IssueInput
from deputies.models import Deputy, DeputyGroup
from liaison_stations.models import LiaisonStation
from regions.models import Region

SUMMARIES = {
    ActivityType.VISIT: "代表深入农户家中，了解产业发展、饮水安全和子女就学情况，现场解答政策问题。",
    ActivityType.RECEPTION: "代表在联络站接待选民，登记群众诉求，能当场答复的当场答复。",
    ActivityType.RESEARCH: "代表小组围绕乡村道路养护开展专题调研，实地查看路段并座谈。",
    ActivityType.GROUP_MEETING: "代表小组集中学习，交流走访中收集的问题，明确下一步分工。",
    ActivityType.TRAINING: "组织代表参加履职能力培训，学习建议撰写和联络站工作规范。",
    ActivityType.FOLLOW_UP: "对上半年群众反映问题的办理情况开展“回头看”，逐户回访。",
}
ISSUES = [
    "村组公路年久失修，雨天泥泞，群众出行困难",
    "集中供水管网老化，夏季经常停水",
    "茶叶收购价格波动大，希望引进深加工企业",
    "村卫生室缺少全科医生，老人看病要跑镇上",
    "小学校车接送线路不覆盖偏远组",
    "农村电网电压不稳，影响加工设备使用",
    "河道垃圾清理不及时",
    "希望增加农业技术培训场次",
]
WEIGHTED_TYPES = [ActivityType.VISIT] * 5 + [
    ActivityType.RECEPTION,
    ActivityType.RECEPTION,
    ActivityType.RESEARCH,
    ActivityType.GROUP_MEETING,
    ActivityType.TRAINING,
    ActivityType.FOLLOW_UP,
]


def _campaigns(ctx) -> list[Campaign]:
    year = timezone.localdate().year
    mandated, _ = Campaign.objects.get_or_create(
        year=year,
        title="察民情、聚民智、惠民生",
        region=ctx.data["province"],
        defaults={
            "kind": CampaignKind.MANDATED,
            "start_date": datetime.date(year, 1, 1),
            "end_date": datetime.date(year, 12, 31),
            "description": "全省五级人大代表统一开展“察民情、聚民智、惠民生”代表行动。",
        },
    )
    self_chosen, _ = Campaign.objects.get_or_create(
        year=year,
        title="助企纾困、优化营商环境",
        region=ctx.data["xuanen"],
        defaults={
            "kind": CampaignKind.SELF_CHOSEN,
            "start_date": datetime.date(year, 4, 1),
            "end_date": datetime.date(year, 12, 31),
            "description": "宣恩县人大常委会自选动作：组织代表走访企业，收集营商环境问题。",
        },
    )
    return [mandated, self_chosen]


def _actor_for(ctx, township: Region):
    users = ctx.data.get("users", {})
    for user in users.values():
        if user.region_id == township.pk and user.is_township_staff:
            return user
    county_office = {"422825": "xuanen", "421083": "honghu"}.get(township.code[:6])
    return users.get(county_office)


def seed(ctx) -> None:
    campaigns = _campaigns(ctx)
    ctx.data["campaigns"] = {"mandated": campaigns[0], "self_chosen": campaigns[1]}
    townships = ctx.data["townships"]
    counties = Q(region__prefix__startswith=ctx.data["xuanen"].prefix) | Q(region__prefix__startswith=ctx.data["honghu"].prefix)
    if Activity.objects.filter(counties).exists():
        ctx.say("  履职活动已存在，跳过")
        return
    rng = ctx.rng
    today = timezone.localdate()
    created = 0
    for township in townships.values():
        actor = _actor_for(ctx, township)
        if actor is None:
            continue
        places = [township, *Region.objects.filter(parent=township).order_by("code")]
        deputies = list(Deputy.objects.filter(region__prefix__startswith=township.prefix, active=True).order_by("id"))
        stations = list(LiaisonStation.objects.filter(region__prefix__startswith=township.prefix, active=True).order_by("id"))
        groups = list(DeputyGroup.objects.filter(region__prefix__startswith=township.prefix, active=True).order_by("id"))
        applying = [c for c in campaigns if c.applies_to(township)]
        for _ in range(rng.randint(8, 12)):
            kind = rng.choice(WEIGHTED_TYPES)
            attendees = rng.sample(deputies, k=min(len(deputies), rng.randint(2, 5))) if deputies else []
            issues = []
            if kind in {ActivityType.VISIT, ActivityType.RECEPTION} and attendees:
                for text in rng.sample(ISSUES, k=rng.randint(0, 2)):
                    issues.append(IssueInput(text=text, deputies=rng.sample(attendees, k=min(2, len(attendees)))))
            visit = kind == ActivityType.VISIT
            data = ActivityInput(
                type=kind,
                date=today - datetime.timedelta(days=rng.randint(0, 120)),
                start_time=datetime.time(rng.choice([9, 10, 14, 15]), 0),
                region=rng.choice(places),
                station=rng.choice(stations) if stations and kind == ActivityType.RECEPTION else None,
                group=rng.choice(groups) if groups and rng.random() < 0.5 else None,
                campaigns=applying,
                deputies=attendees,
                households_visited=rng.randint(5, 30) if visit else 0,
                enterprises_visited=rng.randint(0, 3) if visit else 0,
                people_reached=rng.randint(10, 80),
                person_times=rng.randint(20, 60) if kind == ActivityType.TRAINING else 0,
                summary=SUMMARIES.get(kind, SUMMARIES[ActivityType.VISIT]),
                issues=issues,
            )
            services.activity_create(actor=actor, data=data)
            created += 1
    ctx.say(f"  代表行动 {len(campaigns)} 个，履职活动 {created} 条")
