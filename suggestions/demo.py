"""Demo departments (one per type for 宣恩县 and 洪湖市), the transport-xuanen handler, the calendar,
and the demo deputy's suggestions in several states — made through the services, like real use."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.demo import make_user
from accounts.models import Role
from suggestions import services
from suggestions.models import AssignmentRole, CalendarYear, Department, Handler, Suggestion
from suggestions.taxonomy import department_type_choices

DEMO_SUGGESTIONS = [
    # (title, content, category, how far it gets)
    ("关于修缮椒园镇至珠山镇公路的建议", "该路段坑洼严重，雨天积水，校车和农用车通行困难，建议列入今年农村公路提档升级计划。", "transport", "answered"),
    ("关于增设珠山镇东门社区公交站点的建议", "东门社区老人多，最近的公交站距离一公里以上，建议增设站点并调整线路。", "transport", "extension"),
    ("关于改善中心学校食堂条件的建议", "学校食堂面积小、设备老化，学生分三批就餐，建议改扩建。", "education", "assigned"),
    # Two remits in one text (housing and the roads): the router itself is not sure, so it waits in triage.
    ("关于东门社区老旧小区改造的建议", "小区管网老化、路面破损、没有停车位，雨天积水，老人出行不便，建议纳入改造计划。", "housing", "triage"),
    ("关于村卫生室配备常用药品的建议", "村卫生室常用药品短缺，群众需到镇上购药，建议完善药品配送。", "health", "closed"),
    ("关于茶叶产业冷链物流建设的建议", "茶叶采摘旺季缺少冷链仓储，建议统筹建设产地冷库。", "agriculture", "draft"),
]


def _departments(ctx) -> dict[str, dict[str, Department]]:
    result = {}
    for key in ("xuanen", "honghu"):
        county = ctx.data[key]
        result[key] = {}
        for dept_type, dept_name in department_type_choices():
            result[key][dept_type], _ = Department.objects.get_or_create(
                region=county, name=f"{county.name}{dept_name}", defaults={"type": dept_type}
            )
    return result


def seed(ctx) -> None:
    if not CalendarYear.objects.exists():
        services.calendar_load_chinese_calendar()
    departments = _departments(ctx)
    handler = make_user(ctx, "transport-xuanen", full_name="宣恩县交通运输局", role=Role.DEPARTMENT_HANDLER, region=ctx.data["xuanen"])
    Handler.objects.get_or_create(user=handler, defaults={"department": departments["xuanen"]["transport"]})
    ctx.data.setdefault("users", {})["transport-xuanen"] = handler
    ctx.data["departments"] = departments
    ctx.say(f"  承办单位 {sum(len(d) for d in departments.values())} 个")

    from deputies.models import Deputy

    user = ctx.data.get("users", {}).get("deputy")
    deputy = Deputy.objects.filter(user=user).first() if user else None
    if deputy is None or Suggestion.objects.filter(lead_deputy=deputy).exists():
        return
    office = ctx.data["users"]["xuanen"]
    co_signers = list(Deputy.objects.filter(region=deputy.region).exclude(pk=deputy.pk).order_by("id")[:2])
    if co_signers and co_signers[0].user_id is None:
        # The demo login "cosigner" is the first co-signer: co-signing can be tried from the demo.
        cosigner = make_user(ctx, "cosigner", full_name=co_signers[0].name, role=Role.DEPUTY, region=co_signers[0].region)
        co_signers[0].user = cosigner
        co_signers[0].save(update_fields=["user"])
    for title, content, category, stage in DEMO_SUGGESTIONS:
        s = services.suggestion_create(
            actor=user, title=title, content=content, region=ctx.data["xuanen"], lead_deputy=deputy, co_signers=co_signers,
            # raised in this year's campaign, so its dashboard and campaign report count them
            campaign=ctx.data.get("campaigns", {}).get("mandated"),
        )
        if stage == "draft":
            continue
        services.suggestion_submit(s.pk, actor=user)
        if stage == "triage":
            # Routed by the router itself, as a real submission is: its guesses, its calibrated
            # confidence and the reasons it leaves this one to a person are the ones the office sees.
            from suggestions.routing.router import decide

            services.router_apply(decide([Suggestion.objects.select_related("region", "campaign").get(pk=s.pk)]))
            continue
        lead = departments["xuanen"].get(category) or departments["xuanen"]["transport"]
        co = [departments["xuanen"]["development_reform"]] if stage == "answered" else []
        services.suggestion_assign(s.pk, lead=lead, co_handlers=co, actor=office, category=category)
        if stage == "assigned":
            continue
        lead_assignment = s.assignments.get(role=AssignmentRole.LEAD)
        lead_handler = handler if lead.pk == handler.handler.department_id else None
        acting = lead_handler or _department_user(ctx, lead)
        services.assignment_acknowledge(lead_assignment.pk, actor=acting)
        if stage == "extension":
            services.assignment_request_extension(
                lead_assignment.pk, actor=acting, reason="需与公交公司协调线路，申请延期一个月。",
                requested_due_at=lead_assignment.due_at + dt.timedelta(days=30),
            )
            continue
        follow_up = timezone.localdate() + dt.timedelta(days=180)
        services.suggestion_answer(
            s.pk, actor=acting, text="已将该事项列入年度计划，正在开展前期设计。", outcome_class="B" if stage == "answered" else "A",
            follow_up_date=follow_up if stage == "answered" else None,
        )
        if stage == "closed":
            services.suggestion_rate(s.pk, actor=user, value="satisfied", comment="办理及时，效果明显。")
    ctx.say(f"  建议 {len(DEMO_SUGGESTIONS)} 件（{deputy.name}）")


def _department_user(ctx, department: Department):
    """A handler login for a department other than transport (not printed as a demo login)."""
    username = f"{department.type}-xuanen"
    user = make_user(ctx, username, full_name=department.name, role=Role.DEPARTMENT_HANDLER, region=department.region)
    Handler.objects.get_or_create(user=user, defaults={"department": department})
    return user
