"""The suggestions app's routes in the authorization matrix (merged into routes.DESCRIBED).

Each description moves the world's ``suggestion_a`` (珠山镇, led by the 宣恩县 deputy) through the
services to the state its action starts from, assigned to the 宣恩县 handler's department.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.security.routes import (
    ALL_ROLES,
    CONGRESS_OFFICE,
    DEPUTY,
    HANDLER,
    OFFICES,
    PROVINCIAL_OFFICE,
    SUPERUSER,
    TOWNSHIP_STAFF,
    Described,
    listing,
    target,
)

STAGES = ["draft", "triage", "assigned", "return_requested", "acknowledged", "extension_requested", "answered"]
# An action's refusal in the API: 403 (may see, may not act), 404 (may not see), 409 (nothing of
# theirs to act on, e.g. no assignment for their department).
API_REFUSED = (403, 404, 409)


def _suggestion(w, stage: str, *, co_handled: bool = False):
    from suggestions import services
    from suggestions.models import Department

    s = w.suggestion_a
    office, deputy, handler = w.insiders[CONGRESS_OFFICE], w.insiders[DEPUTY], w.insiders[HANDLER]
    if stage == "draft":
        return s
    services.suggestion_submit(s.pk, actor=deputy)
    services.suggestion_route_to_triage(s.pk, guesses=[])
    if stage == "triage":
        return _fresh(s)
    if co_handled:
        # The handler's department co-handles; another 宣恩县 department leads.
        lead = Department.objects.create(region=w.tree.xuanen, type=w.department_a.type, name="宣恩县主办局")
        services.suggestion_assign(s.pk, lead=lead, co_handlers=[w.department_a], actor=office, category="transport")
        return _fresh(s)
    services.suggestion_assign(s.pk, lead=w.department_a, actor=office, category="transport")
    lead = s.assignments.get(role="lead")
    if stage == "assigned":
        return _fresh(s)
    if stage == "return_requested":
        services.assignment_request_return(lead.pk, actor=handler, reason="不属于本单位职责")
        return _fresh(s)
    services.assignment_acknowledge(lead.pk, actor=handler)
    if stage == "acknowledged":
        return _fresh(s)
    if stage == "extension_requested":
        services.assignment_request_extension(lead.pk, actor=handler, reason="需协调资金", requested_due_at=dt.date(2099, 12, 31))
        return _fresh(s)
    services.suggestion_answer(
        s.pk, actor=handler, text="已列入计划", outcome_class="B", follow_up_date=dt.date.today() + dt.timedelta(days=60)
    )
    return _fresh(s)


def _fresh(s):
    s.refresh_from_db()
    return s


def _detail_marker(w, stage):
    return reverse("suggestions:detail", args=[_suggestion(w, stage).pk])


def _attachment(w):
    from suggestions.models import Attachment

    s = _suggestion(w, "assigned")
    pdf = b"%PDF-1.4\n%%EOF\n"
    return Attachment.objects.create(
        suggestion=s, file=SimpleUploadedFile("现场.pdf", pdf), original_name="现场.pdf", content_type="application/pdf", size=len(pdf)
    )


def _merge_target(w):
    from suggestions.models import Status, Suggestion

    return Suggestion.objects.create(
        title="重复的便民桥建议", content="同上", region=w.tree.zhushan, lead_deputy=w.own_deputy_a, status=Status.TRIAGE
    )


def _api_action(action: str, stage: str, allowed, data=None, *, co_handled=False):
    return Described(
        build=lambda w: target(_suggestion(w, stage, co_handled=co_handled), f"suggestion-{action}", pk=w.suggestion_a.pk),
        post=allowed,
        post_status=200,
        post_data=(lambda w, t: data(w)) if callable(data) else (lambda w, t: dict(data or {})),
        refused=API_REFUSED,
    )


LEAD_DEPUTY = {DEPUTY, SUPERUSER}
ENTERING = {DEPUTY, TOWNSHIP_STAFF, CONGRESS_OFFICE, SUPERUSER}  # who may write a suggestion (for a deputy)
SEES_DEPARTMENTS_OF_SCOPE = ALL_ROLES


def _new_suggestion(w):
    return {"title": "关于增设路灯的建议", "content": "夜间照明不足。", "region": w.tree.zhushan.pk, "lead_deputy": w.own_deputy_a.pk, "submit": "1"}


SUGGESTION_ROUTES = {
    # pages
    "suggestions:list": Described(build=lambda w: listing("suggestions:list", marker=_detail_marker(w, "assigned")), get=ALL_ROLES),
    "suggestions:mine": Described(build=lambda w: listing("suggestions:mine", marker=_detail_marker(w, "assigned")), get=ALL_ROLES),
    "suggestions:supervision": Described(build=lambda w: listing("suggestions:supervision"), get=ALL_ROLES),
    "suggestions:triage": Described(build=lambda w: listing("suggestions:triage", marker=_detail_marker(w, "triage")), get=OFFICES),
    "suggestions:inbox": Described(build=lambda w: listing("suggestions:inbox", marker=_detail_marker(w, "assigned")), get={HANDLER}),
    "suggestions:create": Described(
        build=lambda w: listing("suggestions:create"), get=ENTERING, post=ENTERING, post_data=lambda w, t: _new_suggestion(w)
    ),
    # Correcting the draft: the lead deputy's own (who also entered it); anyone else who sees it gets 403.
    "suggestions:edit": Described(
        build=lambda w: target(_suggestion(w, "draft"), "suggestions:edit", pk=w.suggestion_a.pk),
        get=LEAD_DEPUTY,
        post=LEAD_DEPUTY,
        post_data=lambda w, t: {"title": "关于修建东门社区便民桥的建议", "content": "雨季出行困难。", "region": w.tree.zhushan.pk},
    ),
    "suggestions:export": Described(
        build=lambda w: listing("suggestions:export", marker=_suggestion(w, "assigned").title), get=OFFICES | {TOWNSHIP_STAFF}
    ),
    "suggestions:notifications": Described(build=lambda w: listing("suggestions:notifications"), get=ALL_ROLES),
    "suggestions:calendar": Described(
        build=lambda w: listing("suggestions:calendar"),
        get=ALL_ROLES,
        post={PROVINCIAL_OFFICE, SUPERUSER},
        post_data=lambda w, t: {"form": "day", "date": "2026-06-03", "kind": "holiday", "name": "临时假日"},
    ),
    "suggestions:attachment": Described(build=lambda w: target((a := _attachment(w)), "suggestions:attachment", pk=a.pk), get=ALL_ROLES),
    "suggestions:detail": Described(
        build=lambda w: target(_suggestion(w, "assigned"), "suggestions:detail", pk=w.suggestion_a.pk), get=ALL_ROLES
    ),
    "suggestions:act": Described(
        build=lambda w: target(_suggestion(w, "assigned"), "suggestions:act", pk=w.suggestion_a.pk, action="acknowledge"),
        post={HANDLER},
        # A role that may see the suggestion but has nothing to sign is sent back to it with a message.
        refused_redirect_to="/suggestions/",
        note="one action shown; every action's outsider 404 is in tests/suggestions/test_suggestion_pages.py",
    ),
    # API
    "suggestion-list": Described(
        build=lambda w: listing("suggestion-list", marker=_suggestion(w, "assigned").title),
        get=ALL_ROLES,
        post=ENTERING,
        post_status=201,
        post_data=lambda w, t: {**_new_suggestion(w), "region": w.tree.zhushan.code, "submit": False},
    ),
    "suggestion-detail": Described(
        build=lambda w: target(_suggestion(w, "assigned"), "suggestion-detail", pk=w.suggestion_a.pk),
        get=ALL_ROLES,
        note="PATCH corrects a draft (the lead deputy's; 409 once submitted): tests/suggestions/test_suggestion_api.py covers who may",
    ),
    "suggestion-submit": _api_action("submit", "draft", LEAD_DEPUTY),
    "suggestion-cosign": _api_action("cosign", "draft", set()),
    "suggestion-assign": _api_action("assign", "triage", OFFICES, lambda w: {"lead": w.department_a.pk, "category": "transport"}),
    "suggestion-not-accept": _api_action("not-accept", "triage", OFFICES, {"reason": "属于司法程序"}),
    "suggestion-acknowledge": _api_action("acknowledge", "assigned", {HANDLER}),
    "suggestion-request-return": _api_action("request-return", "assigned", {HANDLER}, {"reason": "不属于本单位职责"}),
    "suggestion-approve-return": _api_action("approve-return", "return_requested", OFFICES, {"note": "同意"}),
    "suggestion-refuse-return": _api_action("refuse-return", "return_requested", OFFICES, {"note": "属于贵单位职责"}),
    "suggestion-request-extension": _api_action(
        "request-extension", "acknowledged", {HANDLER}, {"reason": "需协调资金", "requested_due_at": "2099-12-31"}
    ),
    "suggestion-approve-extension": _api_action("approve-extension", "extension_requested", OFFICES, {"note": "同意"}),
    "suggestion-refuse-extension": _api_action("refuse-extension", "extension_requested", OFFICES, {"note": "请按期办理"}),
    "suggestion-opinion": _api_action("opinion", "assigned", {HANDLER}, {"opinion": "同意主办意见"}, co_handled=True),
    "suggestion-answer": _api_action("answer", "acknowledged", {HANDLER, SUPERUSER}, {"text": "已修缮完毕", "outcome_class": "A"}),
    "suggestion-rate": _api_action("rate", "answered", LEAD_DEPUTY, {"value": "satisfied"}),
    "suggestion-withdraw": _api_action("withdraw", "assigned", LEAD_DEPUTY | OFFICES, {"note": "已自行解决"}),
    "suggestion-merge": _api_action("merge", "assigned", OFFICES, lambda w: {"into": _merge_target(w).pk}),
    "suggestion-follow-up": _api_action("follow-up", "answered", OFFICES, {"note": "已现场查看"}),
    "department-list": Described(build=lambda w: listing("department-list", marker=w.department_a.name), get=ALL_ROLES),
    "department-detail": Described(build=lambda w: target(w.department_a, "department-detail", pk=w.department_a.pk), get=ALL_ROLES),
    "calendar-list": Described(
        build=lambda w: listing("calendar-list"),
        get=ALL_ROLES,
        post={PROVINCIAL_OFFICE, SUPERUSER},
        post_status=201,
        post_data=lambda w, t: {"date": "2026-06-03", "kind": "holiday", "name": "临时假日"},
    ),
    "calendar-detail": Described(
        build=lambda w: listing("calendar-detail", date="2026-10-01"),
        note="DELETE only (the provincial office); tests/suggestions/test_suggestion_deadlines.py covers who may",
    ),
    "calendar-years": Described(build=lambda w: listing("calendar-years"), get=ALL_ROLES),
    "calendar-import-csv": Described(
        build=lambda w: listing("calendar-import-csv"),
        note="multipart CSV upload by the provincial office; tests/suggestions/test_suggestion_deadlines.py covers it",
    ),
    "notification-list": Described(build=lambda w: listing("notification-list"), get=ALL_ROLES),
    "notification-mark-read": Described(build=lambda w: listing("notification-mark-read"), post=ALL_ROLES, post_status=200),
}
