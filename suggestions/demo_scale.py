"""Large-scale suggestions: the standard departments of every government and the plan's suggestions
in every state, each with the assignments, answers, ratings and events its path implies.

A suggestion's state follows from its age (old ones are mostly closed, this month's are mostly
being assigned), and its events walk the transition table from ``draft`` to that state.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from suggestions.models import (
    Answer,
    Assignment,
    AssignmentRole,
    AssignmentState,
    CoSignature,
    Department,
    Handler,
    OutcomeClass,
    Rating,
    RatingValue,
    RequestDecision,
    ReturnRequest,
    Status,
    Suggestion,
    SuggestionEvent,
)
from suggestions.states import RUNNING_ASSIGNMENT_STATES
from suggestions.taxonomy import categories, department_type_choices

S = Status
# (state, cumulative weight) by the suggestion's age in days.
STATES_BY_AGE = [
    (150, [(S.CLOSED, 0.80), (S.NOT_ACCEPTED, 0.84), (S.WITHDRAWN, 0.86), (S.MERGED, 0.88), (S.ANSWERED, 0.91),
           (S.ACKNOWLEDGED, 0.97), (S.ASSIGNED, 0.98), (S.TRIAGE, 0.99), (S.RETURN_REQUESTED, 1.0)]),
    (30, [(S.CLOSED, 0.25), (S.ANSWERED, 0.40), (S.ACKNOWLEDGED, 0.75), (S.ASSIGNED, 0.83), (S.RETURN_REQUESTED, 0.86),
          (S.TRIAGE, 0.90), (S.NOT_ACCEPTED, 0.93), (S.WITHDRAWN, 0.95), (S.MERGED, 0.97), (S.SUBMITTED, 0.98), (S.DRAFT, 1.0)]),
    (0, [(S.DRAFT, 0.10), (S.SUBMITTED, 0.15), (S.TRIAGE, 0.30), (S.ASSIGNED, 0.62), (S.ACKNOWLEDGED, 0.86),
         (S.RETURN_REQUESTED, 0.89), (S.NOT_ACCEPTED, 0.92), (S.WITHDRAWN, 0.96), (S.MERGED, 1.0)]),
]
# The actions that lead to each state, after draft.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.TRIAGE: ["submit", "route_to_triage"],
    S.NOT_ACCEPTED: ["submit", "route_to_triage", "not_accept"],
    S.ASSIGNED: ["submit", "assign"],
    S.RETURN_REQUESTED: ["submit", "assign", "acknowledge", "request_return"],
    S.ACKNOWLEDGED: ["submit", "assign", "acknowledge"],
    S.ANSWERED: ["submit", "assign", "acknowledge", "answer"],
    S.CLOSED: ["submit", "assign", "acknowledge", "answer", "rate"],
    S.WITHDRAWN: ["submit", "withdraw"],
    S.MERGED: ["submit", "merge"],
}
TARGET = {
    "submit": S.SUBMITTED, "route_to_triage": S.TRIAGE, "not_accept": S.NOT_ACCEPTED, "assign": S.ASSIGNED,
    "acknowledge": S.ACKNOWLEDGED, "request_return": S.RETURN_REQUESTED, "answer": S.ANSWERED, "rate": S.CLOSED,
    "rate_unsatisfied": S.ACKNOWLEDGED, "withdraw": S.WITHDRAWN, "merge": S.MERGED,
}
# Days from the previous step, (low, high).
STEP_DAYS = {
    "submit": (0, 3), "route_to_triage": (0, 0), "not_accept": (2, 10), "assign": (0, 2), "acknowledge": (1, 8),
    "request_return": (1, 6), "answer": (20, 85), "rate": (3, 20), "rate_unsatisfied": (3, 20), "withdraw": (1, 20), "merge": (1, 20),
}
ROUTER_ACTIONS = {"route_to_triage", "assign"}
OUTCOMES = [(OutcomeClass.A, 0.55), (OutcomeClass.B, 0.80), (OutcomeClass.C, 0.92), (OutcomeClass.D, 1.0)]
TOPICS = {
    "transport": ("通村公路", "村里通组公路坑洼多，雨天泥泞，客运班次少", "硬化道路并增开城乡公交"),
    "water": ("农田灌溉", "堰塘淤塞，灌溉渠道年久失修，夏季饮水也常停", "清淤整修渠道，改造供水管网"),
    "education": ("乡村学校", "村小教师不足，寄宿生食堂条件差", "补充乡村教师，改善寄宿条件"),
    "health": ("村卫生室", "村卫生室缺医少药，乡镇卫生院夜间无人值班", "配齐村医，落实卫生院值班"),
    "medical_insurance": ("医保报销", "异地就医报销手续繁琐，门诊慢病报销比例低", "简化医保报销流程"),
    "employment_social_security": ("就业和社保", "返乡农民工就业难，养老保险缴费不便", "开展技能培训，方便社保缴费"),
    "civil_affairs": ("养老服务", "留守老人多，缺少日间照料和老年食堂", "建设村级养老服务点"),
    "agriculture": ("农业产业", "茶叶、柑橘销路不畅，农技服务跟不上", "扶持合作社和电商销售"),
    "housing": ("危房改造", "部分农户住房老旧，存在安全隐患", "加快农村危房改造"),
    "urban_management": ("集镇管理", "集镇占道经营、乱停乱放严重", "规范集镇管理秩序"),
    "environment": ("环境污染", "养殖场污水直排，河道发黑发臭", "加强养殖污染治理"),
    "natural_resources": ("宅基地审批", "宅基地审批慢，村庄规划不清", "加快村庄规划和审批"),
    "business_environment": ("营商环境", "企业办事跑多次，审批材料多", "推进一网通办"),
    "market_regulation": ("食品安全", "校园周边小卖部销售三无食品", "加强食品安全检查"),
    "public_security": ("社会治安", "村里夜间偷盗时有发生，缺少监控", "增设监控，加强巡逻"),
    "culture_tourism": ("乡村旅游", "传统村落失修，旅游配套不足", "保护性修缮并发展乡村旅游"),
    "emergency_safety": ("安全隐患", "山体滑坡隐患点多，应急物资不足", "排查隐患，储备应急物资"),
    "utilities": ("电力通信", "电压不稳，部分村组手机信号差", "改造电网，增设通信基站"),
    "veterans": ("退役军人服务", "退役军人优待政策落实不到位", "落实优待政策"),
    "other": ("综合事项", "群众反映的问题涉及多个部门", "由人大常委会协调分办"),
}


def _pick(rng, table):
    roll = rng.random()
    return next(value for value, edge in table if roll < edge)


def seed(ctx) -> None:
    plan = ctx.data["plan"]
    loader = ctx.loader
    rng = ctx.rng_for("suggestions")
    now = loader.now
    departments = _departments(ctx)
    users = ctx.data.get("users", {})
    if "transport-xuanen" in users:
        county = next((c for c in ctx.data["counties"] if c[1] == "422825"), None)
        if county:
            Handler.objects.get_or_create(user=users["transport-xuanen"], defaults={"department_id": departments[(county[0], "transport")]})

    townships = ctx.data["township_rows"]
    region_prefix = ctx.data["region_prefix"]
    counties = ctx.data["counties"]
    villages = ctx.data["villages_by_township"]
    by_township = ctx.data["deputies_by_township"]
    campaigns = ctx.data["campaigns"]
    codes = list(categories())
    names = {code: c.name_zh for code, c in categories().items()}
    low_confidence = "置信度低于阈值"
    types = {code: c.department_type for code, c in categories().items()}
    type_codes = [t for t, _ in department_type_choices()]
    weighted_townships = [i for i, pool in enumerate(by_township) if pool]

    specs = {
        "suggestion": loader.spec(Suggestion, [
            "id", "number", "title", "content", "region_id", "region_prefix", "lead_deputy_id", "campaign_id", "category", "status",
            "submitted_at", "key_supervision", "unsatisfied_count", "not_accepted_reason", "duplicate_of_id",
            "router_guesses", "closed_at", "lead_assignment_id", "created_at", "updated_at"]),
        "cosign": loader.spec(CoSignature, ["id", "suggestion_id", "deputy_id", "confirmed_at"]),
        "assignment": loader.spec(Assignment, [
            "id", "suggestion_id", "department_id", "role", "state", "assigned_at", "due_at", "due_explanation",
            "acknowledged_at", "opinion", "opinion_at", "answered_at", "remind_at?", "long_overdue_at?", "return_deadline?"]),
        "return": loader.spec(ReturnRequest, ["id", "assignment_id", "reason", "requested_at", "decision"]),
        "answer": loader.spec(Answer, [
            "id", "suggestion_id", "assignment_id", "text", "outcome_class", "follow_up_date", "answered_at", "on_time"]),
        "rating": loader.spec(Rating, ["id", "suggestion_id", "answer_id", "deputy_id", "value", "comment", "rated_at"]),
        "event": loader.spec(SuggestionEvent, [
            "id", "suggestion_id", "action", "actor_label", "from_status", "to_status", "note", "data", "created_at"]),
    }
    n = plan.suggestions
    ids = {
        "suggestion": iter(loader.ids(Suggestion, n)),
        "cosign": iter(loader.ids(CoSignature, 2 * n)),
        "assignment": iter(loader.ids(Assignment, 2 * n)),
        "return": iter(loader.ids(ReturnRequest, n)),
        "answer": iter(loader.ids(Answer, n)),
        "rating": iter(loader.ids(Rating, n)),
        "event": iter(loader.ids(SuggestionEvent, 8 * n)),
    }
    rows: dict[str, list] = {key: [] for key in specs}
    first_id = None
    start = datetime(plan.years[0], 1, 1, 9, tzinfo=now.tzinfo)
    span = (now - timedelta(days=1) - start).total_seconds()

    def flush():
        for key, spec in specs.items():
            loader.write(spec, rows[key])
            rows[key].clear()

    for serial in range(n):
        suggestion_id = next(ids["suggestion"])
        first_id = first_id or suggestion_id
        t = weighted_townships[rng.randrange(len(weighted_townships))]
        t_id, _t_code, t_name, county_index = townships[t]
        county_id = counties[county_index][0]
        pool = by_township[t]
        lead = pool[rng.randrange(len(pool))]
        category = codes[rng.randrange(len(codes))]
        topic, problem, ask = TOPICS.get(category, TOPICS["other"])
        created = start + timedelta(seconds=rng.random() * span)
        age = (now - created).days
        status = _pick(rng, next(table for limit, table in STATES_BY_AGE if age >= limit))
        # The first suggestions take each state in turn, so even the smallest plan has every state.
        if serial < len(Status.values):
            status = Status.values[serial]
        actions = list(PATHS[status])
        reopened = status == S.ACKNOWLEDGED and age > 150 and rng.random() < 0.15
        if reopened:
            actions += ["answer", "rate_unsatisfied"]

        # Walk the path, never past now.
        moments = []
        moment = created
        for action in actions:
            low, high = STEP_DAYS[action]
            moment = min(moment + timedelta(days=rng.uniform(low, high)), now - timedelta(minutes=len(actions) - len(moments)))
            moments.append(moment)
        when = dict(zip(actions, moments, strict=True))  # the last time each action happened
        submitted_at = when.get("submit")
        year = created.year
        events = rows["event"]
        previous = S.DRAFT
        for action, moment in zip(actions, moments, strict=True):
            target = TARGET[action]
            label = "router" if action in ROUTER_ACTIONS else ("代表" if action in {"submit", "rate", "rate_unsatisfied", "withdraw"} else "经办人")
            events.append((next(ids["event"]), suggestion_id, action, label, previous, target, "", {}, moment))
            previous = target

        lead_assignment = lead_state = None
        if "assign" in actions:
            assigned_at = when["assign"]
            due = (assigned_at + timedelta(days=91)).date()
            if reopened:
                due = (when["rate_unsatisfied"] + timedelta(days=91)).date()
            lead_state = {
                S.ASSIGNED: AssignmentState.ASSIGNED, S.RETURN_REQUESTED: AssignmentState.RETURN_REQUESTED,
                S.ACKNOWLEDGED: AssignmentState.ACKNOWLEDGED, S.ANSWERED: AssignmentState.ANSWERED, S.CLOSED: AssignmentState.ANSWERED,
            }[status]
            answered_at = when.get("answer") if status in (S.ANSWERED, S.CLOSED) else None
            explanation = {"start": assigned_at.date().isoformat(), "rule": "交办之日起3个月", "source": "seed"}
            lead_assignment = next(ids["assignment"])
            department_id = departments[(county_id, types[category])]
            rows["assignment"].append((
                lead_assignment, suggestion_id, department_id, AssignmentRole.LEAD, lead_state, assigned_at, due, explanation,
                when.get("acknowledge"), "", None, answered_at,
                due - timedelta(days=7), due + timedelta(days=7), (assigned_at + timedelta(days=9)).date(),
            ))
            if rng.random() < 0.15:
                other = type_codes[rng.randrange(len(type_codes))]
                if other != types[category]:
                    done = status in (S.ANSWERED, S.CLOSED)
                    rows["assignment"].append((
                        next(ids["assignment"]), suggestion_id, departments[(county_id, other)], AssignmentRole.CO_HANDLER,
                        AssignmentState.OPINION_SENT if done else AssignmentState.ASSIGNED, assigned_at, due, explanation,
                        when.get("acknowledge"), "同意主办单位意见。" if done else "", when.get("answer") if done else None, None,
                        due - timedelta(days=7), due + timedelta(days=7), (assigned_at + timedelta(days=9)).date(),
                    ))
            if status == S.RETURN_REQUESTED:
                rows["return"].append((next(ids["return"]), lead_assignment, "不属于本单位职责范围。", when["request_return"], RequestDecision.PENDING))
            if "answer" in actions:
                answer_id = next(ids["answer"])
                outcome = _pick(rng, OUTCOMES)
                answered = when["answer"]
                follow_up = (answered + timedelta(days=180)).date() if outcome in (OutcomeClass.B, OutcomeClass.C) else None
                rows["answer"].append((
                    answer_id, suggestion_id, lead_assignment, f"关于{topic}的建议已收悉，现答复如下：{ask}。", outcome,
                    follow_up, answered, answered.date() <= (assigned_at + timedelta(days=91)).date(),
                ))
                if status == S.CLOSED or reopened:
                    value = RatingValue.UNSATISFIED if reopened else (RatingValue.SATISFIED if rng.random() < 0.72 else RatingValue.BASICALLY_SATISFIED)
                    rated = when.get("rate") or when["rate_unsatisfied"]
                    rows["rating"].append((next(ids["rating"]), suggestion_id, answer_id, lead, value, "", rated))

        for deputy_id in {pool[rng.randrange(len(pool))] for _ in range(rng.randint(0, 2))} - {lead}:
            rows["cosign"].append((next(ids["cosign"]), suggestion_id, deputy_id, submitted_at))
        region_id = t_id if rng.random() < 0.5 or not villages[t] else villages[t][rng.randrange(len(villages[t]))]
        guesses = []
        if "route_to_triage" in actions:
            # Shaped as the router stores them: below the threshold, which is why a person decides.
            second = codes[rng.randrange(len(codes))]
            guesses = [
                {"category": category, "name": names[category], "confidence": 0.42, "source": "router", "reasons": [low_confidence]},
                {"category": second, "name": names[second], "confidence": 0.21, "source": "router"},
            ]
        rows["suggestion"].append((
            suggestion_id, f"{year}-{serial + 1:06d}", f"关于解决{t_name}{topic}问题的建议",
            f"{t_name}群众反映：{problem}。建议有关部门{ask}。", region_id, region_prefix[region_id], lead, campaigns.get(year), category, status,
            submitted_at, reopened and rng.random() < 0.2, 1 if reopened else 0,
            "属于个人诉求，不宜作为代表建议。" if status == S.NOT_ACCEPTED else "",
            suggestion_id - rng.randint(1, 20) if status == S.MERGED and suggestion_id - 20 > first_id else None,
            guesses, when.get("rate") if status == S.CLOSED else None,
            # The running lead (services.assignments.sync_running_lead): the one lead, while its state runs.
            lead_assignment if lead_state in RUNNING_ASSIGNMENT_STATES else None,
            created, moments[-1] if moments else created,
        ))
        if len(rows["suggestion"]) >= plan.chunk // 4:
            flush()
    flush()
    for spec in specs.values():
        loader.done(spec)
    ctx.say(
        f"  承办单位 {len(departments):,} 个，建议 {specs['suggestion'].written:,} 件，交办 {specs['assignment'].written:,} 条，"
        f"答复 {specs['answer'].written:,} 条，办理记录 {specs['event'].written:,} 条"
    )


def _departments(ctx) -> dict[tuple[int, str], int]:
    """One department of each type for the province, every city and every county seeded."""
    loader = ctx.loader
    spec = loader.spec(Department, ["id", "region_id", "type", "name", "active"])
    offices = ctx.data["office_regions"]
    choices = department_type_choices()
    ids = iter(loader.ids(Department, len(offices) * len(choices)))
    found: dict[tuple[int, str], int] = {}
    rows = []
    for region_id, _code, name in offices:
        for type_code, type_name in choices:
            department_id = next(ids)
            found[(region_id, type_code)] = department_id
            rows.append((department_id, region_id, type_code, f"{name}{type_name}", True))
    loader.write(spec, rows)
    return found
