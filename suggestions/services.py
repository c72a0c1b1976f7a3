"""Every write that changes a suggestion: one function per transition of ``transitions.TRANSITIONS``.

Each service runs in one transaction: it locks the suggestion row (``select_for_update``), checks the
move against the transition table (``TransitionNotAllowed`` → 409 / a page message), saves with
``update_fields``, appends a ``SuggestionEvent`` and defers notifications to ``on_commit``.
``actor=None`` is a system move (the router, beat) and is labelled so on the timeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role
from accounts.scope import region_in_scope
from config.exceptions import Conflict, PermissionRefused
from config.uploads import validate_upload
from suggestions import transitions
from suggestions.calendar import HOLIDAY_NAMES_ZH, WorkCalendar
from suggestions.models import (
    Answer,
    Assignment,
    AssignmentRole,
    AssignmentState,
    Attachment,
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
    CoSignature,
    Department,
    ExtensionRequest,
    Notification,
    OutcomeClass,
    RatingValue,
    Reminder,
    ReminderKind,
    RequestDecision,
    ReturnRequest,
    Status,
    Suggestion,
    SuggestionEvent,
    TrainingExample,
)
from suggestions.notifications import (
    Notice,
    deputies_of,
    handler_ids_by_department,
    handlers_of,
    lead_deputy_user_ids,
    notify_on_commit,
    office_ids_by_suggestion,
    offices_for,
    send_notices_on_commit,
)
from suggestions.transitions import TransitionNotAllowed

# Stored as the actor of events nobody did by hand; the timeline translates them when shown.
SYSTEM_ROUTER = gettext_noop("系统分办")
SYSTEM = gettext_noop("系统")
SYSTEM_LABELS = (SYSTEM_ROUTER, SYSTEM)

# Assignments whose clock is running (the department still owes something).
RUNNING_ASSIGNMENT_STATES = [AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED, AssignmentState.RETURN_REQUESTED]


# --- policy: deadlines per campaign ------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    answer_months: int
    return_window_days: int
    cohandler_opinion_months: int
    reminder_days: int
    long_overdue_days: int


def policy_for(suggestion: Suggestion) -> Policy:
    """The suggestion's campaign's deadlines, or the settings' defaults when it has none."""
    campaign = suggestion.campaign
    if campaign is not None:
        return Policy(
            campaign.answer_months,
            campaign.return_window_days,
            campaign.cohandler_opinion_months,
            campaign.reminder_days,
            campaign.long_overdue_days,
        )
    return Policy(
        settings.SUGGESTION_ANSWER_MONTHS,
        settings.SUGGESTION_RETURN_WINDOW_DAYS,
        settings.SUGGESTION_COHANDLER_OPINION_MONTHS,
        settings.SUGGESTION_REMINDER_DAYS,
        settings.SUGGESTION_LONG_OVERDUE_DAYS,
    )


def _set_due(assignment: Assignment, due: dt.date, explanation: dict, policy: Policy, cal: WorkCalendar) -> None:
    """Store a due date and what derives from it (reminder start, long-overdue day)."""
    assignment.due_at = due
    assignment.due_explanation = explanation
    assignment.remind_at = cal.add_working_days(due, -policy.reminder_days)[0]
    assignment.long_overdue_at = cal.add_working_days(due, policy.long_overdue_days)[0]


DUE_FIELDS = ["due_at", "due_explanation", "remind_at", "long_overdue_at"]


# --- helpers --------------------------------------------------------------------------------------


def _label(actor, system_label: str = SYSTEM) -> str:
    return actor.display_name[:64] if actor is not None else system_label


def _lock(suggestion_id: int) -> Suggestion:
    return Suggestion.objects.select_for_update(of=("self",)).select_related("region", "campaign", "lead_deputy").get(pk=suggestion_id)


def _lock_assignment(assignment_id: int) -> tuple[Suggestion, Assignment]:
    suggestion_id = Assignment.objects.values_list("suggestion_id", flat=True).get(pk=assignment_id)
    suggestion = _lock(suggestion_id)
    # Read after the lock: a stale copy would let two handlers act on the same state.
    assignment = Assignment.objects.select_related("department").get(pk=assignment_id)
    return suggestion, assignment


def _new_event(suggestion, action, *, actor, from_status="", to_status="", note="", data=None, system_label=SYSTEM) -> SuggestionEvent:
    """A timeline entry, not yet saved."""
    return SuggestionEvent(
        suggestion=suggestion,
        action=action,
        actor=actor,
        actor_label=_label(actor, system_label),
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def _event(suggestion, action, **kwargs) -> SuggestionEvent:
    event = _new_event(suggestion, action, **kwargs)
    event.save()
    return event


def _transition(suggestion: Suggestion, action: str, *, actor, note="", data=None, system_label=SYSTEM) -> SuggestionEvent:
    """Check ``action`` against the table and change the status; return the event, not yet saved."""
    transition = transitions.check(action, suggestion.status)
    from_status = suggestion.status
    if transition.target:
        suggestion.status = transition.target
    return _new_event(
        suggestion, action, actor=actor, from_status=from_status, to_status=suggestion.status, note=note, data=data,
        system_label=system_label,
    )


def _move(suggestion: Suggestion, action: str, *, actor, note="", data=None, fields=(), system_label=SYSTEM) -> SuggestionEvent:
    """Check ``action`` against the table, change the status, save the given fields, write the event."""
    event = _transition(suggestion, action, actor=actor, note=note, data=data, system_label=system_label)
    suggestion.save(update_fields=["status", "updated_at", *fields])
    event.save()
    return event


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionRefused(message)


def _is_office_for(actor, suggestion: Suggestion) -> bool:
    return actor is not None and actor.is_office and region_in_scope(actor, suggestion.region)


def _require_office(actor, suggestion: Suggestion) -> None:
    _require(_is_office_for(actor, suggestion), _("只有人大常委会办公室可以进行此操作。"))


def _is_handler_of(actor, assignment: Assignment) -> bool:
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    return actor.is_handler and getattr(getattr(actor, "handler", None), "department_id", None) == assignment.department_id


def _require_handler(actor, assignment: Assignment) -> None:
    _require(_is_handler_of(actor, assignment), _("只有该承办单位的经办人可以进行此操作。"))


def _is_lead_deputy(actor, suggestion: Suggestion) -> bool:
    return actor is not None and (actor.is_superuser or suggestion.lead_deputy.user_id == actor.pk)


def _may_act_for_deputy(actor, suggestion: Suggestion) -> bool:
    """The lead deputy, or the staff member who entered it on the deputy's behalf."""
    return _is_lead_deputy(actor, suggestion) or (
        actor is not None and suggestion.submitted_by_id == actor.pk and actor.role in (Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE)
    )


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _lead_assignment(suggestion: Suggestion, states=RUNNING_ASSIGNMENT_STATES) -> Assignment | None:
    return (
        suggestion.assignments.select_related("department")
        .filter(role=AssignmentRole.LEAD, state__in=states)
        .order_by("-assigned_at", "-id")
        .first()
    )


def _close_open_assignments(suggestion: Suggestion, *, to_state: str, exclude: Iterable[int] = ()) -> list[int]:
    """End every assignment still running or co-handling; returns the departments concerned."""
    qs = suggestion.assignments.filter(
        state__in=[*RUNNING_ASSIGNMENT_STATES, AssignmentState.OPINION_SENT]
    ).exclude(pk__in=list(exclude))
    departments = list(qs.values_list("department_id", flat=True))
    qs.update(state=to_state)
    return departments


def _attach(suggestion: Suggestion, files, *, actor, answer: Answer | None = None) -> None:
    for upload in files or ():
        content_type = validate_upload(upload)
        Attachment.objects.create(
            suggestion=suggestion,
            answer=answer,
            file=upload,
            original_name=(upload.name or "附件")[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )


def _validate_files(files) -> None:
    errors = []
    for upload in files or ():
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})


def _region_refusal(actor, region) -> str | None:
    """Why ``actor`` may not raise a matter of ``region``, or None: a deputy raises matters of the county
    they live in, staff and offices those of their own scope."""
    if actor.is_deputy:
        profile = getattr(actor, "deputy_profile", None)
        if profile is not None and not region.prefix.startswith(profile.region.prefix[:6]):
            return _("只能就本县(市、区)范围内的事项提出建议。")
        return None
    if not region_in_scope(actor, region):
        return _("所选区划不在您的管辖范围内。")
    return None


# --- drafting and submission ----------------------------------------------------------------------


def suggestion_create(
    *,
    actor,
    title: str,
    content: str,
    region,
    lead_deputy,
    co_signers: Iterable = (),
    campaign=None,
    source_activity=None,
    source_issue=None,
    attachments=(),
    submit: bool = False,
) -> Suggestion:
    """A new draft by a deputy (or by staff on a deputy's behalf); ``submit=True`` submits it at once."""
    _require(
        actor.is_superuser or actor.is_deputy or actor.is_township_staff or actor.role == Role.CONGRESS_OFFICE,
        _("只有代表本人、乡镇人大或县(市)人大常委会可以录入建议。"),
    )
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写标题。")]
    if not (content or "").strip():
        errors["content"] = [_("请填写建议内容。")]
    if actor.is_deputy:
        profile = getattr(actor, "deputy_profile", None)
        if profile is None or lead_deputy.pk != profile.pk:
            errors["lead_deputy"] = [_("代表只能以本人作为领衔代表提出建议。")]
    if refusal := _region_refusal(actor, region):
        errors["region"] = [refusal]
    co_signers = [d for d in co_signers if d.pk != lead_deputy.pk]
    if errors:
        raise ValidationError(errors)
    _validate_files(attachments)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            title=title.strip(),
            content=content.strip(),
            region=region,
            lead_deputy=lead_deputy,
            campaign=campaign,
            source_activity=source_activity,
            source_issue=source_issue,
            submitted_by=actor,
        )
        CoSignature.objects.bulk_create([CoSignature(suggestion=suggestion, deputy=d) for d in {d.pk: d for d in co_signers}.values()])
        _attach(suggestion, attachments, actor=actor)
        _event(suggestion, "create", actor=actor, to_status=Status.DRAFT, data={"co_signers": [d.pk for d in co_signers]})
        _index_on_commit(suggestion.pk)
        notify_on_commit(
            deputies_of(suggestion, co_signers=True).exclude(pk=suggestion.lead_deputy.user_id or 0),
            title=_("请确认附议：%(title)s") % {"title": suggestion.title},
            body=_("%(name)s 邀请您附议这件建议。") % {"name": lead_deputy.name},
            suggestion_id=suggestion.pk,
        )
        if submit:
            suggestion_submit(suggestion.pk, actor=actor)
            suggestion.refresh_from_db()
    return suggestion


def check_draft_editable(actor, suggestion: Suggestion) -> None:
    """Refuse as editing would: ``PermissionRefused`` for anyone but the lead deputy (or whoever entered
    it for them), ``TransitionNotAllowed`` (409) once it is no longer a draft."""
    _require(_may_act_for_deputy(actor, suggestion), _("只有领衔代表可以修改建议。"))
    transitions.check("edit", suggestion.status)


def suggestion_update_draft(suggestion_id: int, *, actor, title: str, content: str, region, campaign=None) -> Suggestion:
    """Edit a draft (only the lead deputy or whoever entered it); a submitted one is a 409."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        check_draft_editable(actor, suggestion)
        if refusal := _region_refusal(actor, region):
            raise ValidationError({"region": refusal})
        suggestion.title = _required_text(title, "title", _("请填写标题。"))
        suggestion.content = _required_text(content, "content", _("请填写建议内容。"))
        suggestion.region = region
        suggestion.campaign = campaign
        _move(suggestion, "edit", actor=actor, fields=["title", "content", "region", "campaign"])
        _index_on_commit(suggestion.pk)
    return suggestion


def _index_on_commit(suggestion_id: int) -> None:
    # Similar-suggestion lookups read stored terms; the worker writes them once the text is saved.
    from suggestions.tasks import index_similarity, send_safely

    transaction.on_commit(lambda: send_safely(index_similarity, suggestion_id))


def suggestion_submit(suggestion_id: int, *, actor) -> Suggestion:
    """draft → submitted; the routing task is dispatched after commit."""
    from suggestions.tasks import dispatch_routing_on_commit

    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require(_may_act_for_deputy(actor, suggestion), _("只有领衔代表可以提交建议。"))
        fields = []
        # The first submission date is kept through returns and reassignments.
        if suggestion.submitted_at is None:
            suggestion.submitted_at = timezone.now()
            fields.append("submitted_at")
        if not suggestion.number:
            suggestion.number = f"{timezone.localdate(suggestion.submitted_at).year}-{suggestion.pk:06d}"
            fields.append("number")
        _move(suggestion, "submit", actor=actor, fields=fields)
        # Not delay_on_commit: a broker that is down must not turn the saved submission into a 500.
        dispatch_routing_on_commit(suggestion.pk)
    return suggestion


def suggestion_cosign_confirm(suggestion_id: int, *, actor) -> CoSignature:
    """A co-signing deputy confirms (附议)."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        signature = CoSignature.objects.filter(suggestion=suggestion, deputy__user=actor).first() if actor else None
        _require(signature is not None, _("您不是这件建议的附议代表。"))
        if signature.confirmed_at is not None:
            raise TransitionNotAllowed(_("您已确认过附议。"))
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["confirmed_at"])
        _move(suggestion, "cosign_confirm", actor=actor, data={"deputy": signature.deputy_id})
    return signature


# --- routing and triage -------------------------------------------------------------------------


def suggestion_route_to_triage(suggestion_id: int, *, guesses, actor=None, note: str = "") -> Suggestion:
    """submitted → triage: the router was not confident; the office decides, seeing its best guesses."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        if actor is not None:
            _require_office(actor, suggestion)
        suggestion.router_guesses = list(guesses or [])
        _move(
            suggestion,
            "route_to_triage",
            actor=actor,
            note=note,
            data={"guesses": suggestion.router_guesses},
            fields=["router_guesses"],
            system_label=SYSTEM_ROUTER,
        )
        send_notices_on_commit([_triage_notice(suggestion, [u.pk for u in offices_for(suggestion)])])
    return suggestion


def _plan_assignments(suggestion: Suggestion, lead: Department, co_handlers, *, actor, now, cal: WorkCalendar) -> list[Assignment]:
    """The lead's assignment first, then one per co-handler, with due dates on the working-day calendar.

    The due date runs from now (assignment), not from acknowledgement.
    """
    start = timezone.localdate(now)
    policy = policy_for(suggestion)
    planned = []
    for department, role in [(lead, AssignmentRole.LEAD), *[(d, AssignmentRole.CO_HANDLER) for d in co_handlers]]:
        months = policy.answer_months if role == AssignmentRole.LEAD else policy.cohandler_opinion_months
        assignment = Assignment(suggestion=suggestion, department=department, role=role, assigned_by=actor, assigned_at=now)
        due, explanation = cal.months_then_roll(start, months)
        explanation["label"] = "答复期限" if role == AssignmentRole.LEAD else "协办意见期限"
        _set_due(assignment, due, explanation, policy, cal)
        assignment.return_deadline = cal.add_working_days(start, policy.return_window_days)[0]
        planned.append(assignment)
    return planned


def _assign_data(suggestion, lead, co_handlers, planned, *, decided_by_router, confidence) -> dict:
    """What the "assign" event keeps: who leads, who helps, the due date, the category, who decided."""
    return {
        "lead": {"id": lead.pk, "name": lead.name},
        "co_handlers": [{"id": d.pk, "name": d.name} for d in co_handlers],
        "due_at": planned[0].due_at.isoformat(),
        "category": suggestion.category,
        "decided_by_router": decided_by_router,
        "confidence": confidence,
    }


def _assign_notices(suggestion, lead, co_handlers, planned, *, handlers: dict[int, list[int]], deputies: list[int]) -> list[Notice]:
    """The lead's handlers (texted), the co-handlers' handlers (texted) and the lead deputy are told."""
    notices = [
        Notice(
            tuple(handlers.get(lead.pk, ())),
            _("新交办件（主办）：%(title)s") % {"title": suggestion.title},
            _("请签收，办理期限 %(due)s。") % {"due": planned[0].due_at.isoformat()},
            suggestion.pk,
            sms=True,
        )
    ]
    if co_handlers:
        notices.append(Notice(
            tuple(i for d in co_handlers for i in handlers.get(d.pk, ())),
            _("新交办件（协办）：%(title)s") % {"title": suggestion.title},
            _("请在 %(due)s 前向主办单位提交协办意见。") % {"due": planned[1].due_at.isoformat()},
            suggestion.pk,
            sms=True,
        ))
    notices.append(Notice(
        tuple(deputies), _("您的建议已交办：%(title)s") % {"title": suggestion.title}, _("主办单位：%(name)s") % {"name": lead.name},
        suggestion.pk,
    ))
    return notices


def _triage_notice(suggestion: Suggestion, offices: list[int]) -> Notice:
    return Notice(tuple(offices), _("待分办：%(title)s") % {"title": suggestion.title}, suggestion_id=suggestion.pk)


def suggestion_assign(
    suggestion_id: int,
    *,
    lead: Department,
    co_handlers: Iterable[Department] = (),
    actor,
    category: str | None = None,
    note: str = "",
    decided_by_router: bool = False,
    confidence: float | None = None,
) -> Suggestion:
    """submitted/triage → assigned: one lead department (主办) and any co-handlers (协办).

    A decision by hand from triage with a category is kept as a training example for the router.
    """
    co_handlers = [d for d in {d.pk: d for d in co_handlers}.values() if d.pk != lead.pk]
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        if actor is not None:
            _require_office(actor, suggestion)
            for department in [lead, *co_handlers]:
                if not region_in_scope(actor, department.region):
                    raise ValidationError({"lead": _("承办单位「%(name)s」不在您的管辖范围内。") % {"name": department.name}})
        for department in [lead, *co_handlers]:
            if not department.active:
                raise ValidationError({"lead": _("承办单位「%(name)s」已停用。") % {"name": department.name}})
        from_triage = suggestion.status == Status.TRIAGE
        fields = []
        if category:
            suggestion.category = category
            fields.append("category")
        planned = _plan_assignments(suggestion, lead, co_handlers, actor=actor, now=timezone.now(), cal=WorkCalendar.load())
        Assignment.objects.bulk_create(planned)
        data = _assign_data(suggestion, lead, co_handlers, planned, decided_by_router=decided_by_router, confidence=confidence)
        _move(suggestion, "assign", actor=actor, note=note, data=data, fields=fields, system_label=SYSTEM_ROUTER)
        if from_triage and category and not decided_by_router:
            returned = ReturnRequest.objects.filter(
                assignment__suggestion=suggestion, decision=RequestDecision.APPROVED
            ).exists()
            TrainingExample.objects.create(
                text=f"{suggestion.title}\n{suggestion.content}",
                category=category,
                source="return" if returned else "triage",
                suggestion=suggestion,
            )
        send_notices_on_commit(_assign_notices(
            suggestion, lead, co_handlers, planned,
            handlers=handler_ids_by_department([lead.pk, *[d.pk for d in co_handlers]]),
            deputies=[u.pk for u in deputies_of(suggestion)],
        ))
    return suggestion


@dataclass
class RouterDecision:
    """What the router decided for one suggestion: a lead department (assign) or none (triage)."""

    suggestion: Suggestion
    category: str
    confidence: float
    note: str
    lead: Department | None = None
    co_handlers: tuple[Department, ...] = ()
    guesses: list[dict] = field(default_factory=list)


def router_apply(decisions: list[RouterDecision]) -> None:
    """Write the router's decisions for suggestions the caller holds locked and still ``submitted``.

    The same moves as ``suggestion_assign`` (actor None, decided by the router) and
    ``suggestion_route_to_triage``, written for a whole batch at once: the calendar, one insert of
    assignments, one update per category assigned (and one per suggestion sent to triage, each with
    its own guesses), one insert of events, and the recipients of every notice in three queries.
    Must run inside the caller's transaction.
    """
    if not decisions:
        return
    now = timezone.now()
    assigned = [d for d in decisions if d.lead is not None]
    cal = WorkCalendar.load() if assigned else None
    planned_for, events = {}, []
    for d in decisions:
        suggestion = d.suggestion
        if d.lead is not None:
            suggestion.category = d.category
            planned = planned_for[suggestion.pk] = _plan_assignments(suggestion, d.lead, d.co_handlers, actor=None, now=now, cal=cal)
            data = _assign_data(suggestion, d.lead, d.co_handlers, planned, decided_by_router=True, confidence=round(d.confidence, 4))
            events.append(_transition(suggestion, "assign", actor=None, note=d.note, data=data, system_label=SYSTEM_ROUTER))
        else:
            suggestion.router_guesses = list(d.guesses)
            events.append(_transition(
                suggestion, "route_to_triage", actor=None, note=d.note, data={"guesses": suggestion.router_guesses}, system_label=SYSTEM_ROUTER,
            ))
        suggestion.updated_at = now
    Assignment.objects.bulk_create([a for planned in planned_for.values() for a in planned])
    # One UPDATE per category assigned (at most one per category) and one per suggestion sent to
    # triage (each keeps its own guesses): cheaper than a CASE over the whole batch.
    by_category: dict[tuple[str, str], list[int]] = {}
    for d in assigned:
        by_category.setdefault((d.suggestion.status, d.suggestion.category), []).append(d.suggestion.pk)
    for (status, category), ids in by_category.items():
        Suggestion.objects.filter(pk__in=ids).update(status=status, category=category, updated_at=now)
    for d in decisions:
        if d.lead is None:
            Suggestion.objects.filter(pk=d.suggestion.pk).update(status=d.suggestion.status, router_guesses=d.suggestion.router_guesses, updated_at=now)
    SuggestionEvent.objects.bulk_create(events)
    handlers = handler_ids_by_department({x.pk for d in assigned for x in (d.lead, *d.co_handlers)})
    deputies = lead_deputy_user_ids(d.suggestion for d in assigned)
    triaged = [d.suggestion for d in decisions if d.lead is None]
    offices = office_ids_by_suggestion(triaged) if triaged else {}
    notices = []
    for d in decisions:
        s = d.suggestion
        if d.lead is not None:
            notices += _assign_notices(s, d.lead, d.co_handlers, planned_for[s.pk], handlers=handlers, deputies=deputies[s.pk])
        else:
            notices.append(_triage_notice(s, offices[s.pk]))
    send_notices_on_commit(notices)


def suggestion_not_accept(suggestion_id: int, *, actor, reason: str) -> Suggestion:
    """triage → not_accepted (不予立案), with a reason the deputy sees."""
    reason = _required_text(reason, "reason", _("请填写不予立案的理由。"))
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require_office(actor, suggestion)
        suggestion.not_accepted_reason = reason
        suggestion.closed_at = timezone.now()
        _move(suggestion, "not_accept", actor=actor, note=reason, fields=["not_accepted_reason", "closed_at"])
        notify_on_commit(
            deputies_of(suggestion), title=_("建议不予立案：%(title)s") % {"title": suggestion.title}, body=reason, suggestion_id=suggestion.pk
        )
    return suggestion


# --- the department ---------------------------------------------------------------------------------


def _require_assignment_state(assignment: Assignment, states: Iterable[str]) -> None:
    if assignment.state not in states:
        raise TransitionNotAllowed(
            _("该交办件当前为「%(state)s」，不能进行此操作（可能已被他人处理，请刷新页面）。")
            % {"state": AssignmentState(assignment.state).label}
        )


def assignment_acknowledge(assignment_id: int, *, actor) -> Assignment:
    """The department signs for it (签收). The lead's acknowledgement moves the suggestion on."""
    with transaction.atomic():
        suggestion, assignment = _lock_assignment(assignment_id)
        _require_handler(actor, assignment)
        _require_assignment_state(assignment, [AssignmentState.ASSIGNED])
        assignment.state = AssignmentState.ACKNOWLEDGED
        assignment.acknowledged_at = timezone.now()
        if assignment.role == AssignmentRole.LEAD:
            _move(suggestion, "acknowledge", actor=actor, data={"department": assignment.department.name})
        else:
            _move(suggestion, "cohandler_acknowledge", actor=actor, data={"department": assignment.department.name})
        assignment.save(update_fields=["state", "acknowledged_at"])
    return assignment


def _lock_running_assignment(assignment_id: int, *, actor, role: str, wrong_role: str) -> tuple[Suggestion, Assignment]:
    """Lock an assignment of the actor's department that is still running (assigned or acknowledged) in ``role``."""
    suggestion, assignment = _lock_assignment(assignment_id)
    _require_handler(actor, assignment)
    if assignment.role != role:
        raise PermissionRefused(wrong_role)
    _require_assignment_state(assignment, [AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED])
    return suggestion, assignment


def assignment_request_return(assignment_id: int, *, actor, reason: str, suggested_department: Department | None = None) -> ReturnRequest:
    """The lead department asks to give it back (退回) within the window, with a reason."""
    reason = _required_text(reason, "reason", _("请填写退回理由。"))
    with transaction.atomic():
        suggestion, assignment = _lock_running_assignment(
            assignment_id, actor=actor, role=AssignmentRole.LEAD, wrong_role=_("协办单位不能申请退回，请向主办单位提出意见。")
        )
        if assignment.return_deadline and timezone.localdate() > assignment.return_deadline:
            raise TransitionNotAllowed(
                _("已超过申请退回期限（%(date)s），请按期办理或申请延期。") % {"date": assignment.return_deadline.isoformat()},
                code="return_window_closed",
            )
        request = ReturnRequest.objects.create(
            assignment=assignment,
            reason=reason,
            suggested_department=suggested_department,
            requested_by=actor,
            requested_at=timezone.now(),
        )
        assignment.state = AssignmentState.RETURN_REQUESTED
        assignment.save(update_fields=["state"])
        _move(
            suggestion,
            "request_return",
            actor=actor,
            note=reason,
            data={"request": request.pk, "suggested_department": suggested_department.name if suggested_department else ""},
        )
        notify_on_commit(
            offices_for(suggestion),
            title=_("退回申请：%(title)s") % {"title": suggestion.title},
            body=_("%(dept)s：%(reason)s") % {"dept": assignment.department.name, "reason": reason},
            suggestion_id=suggestion.pk,
        )
    return request


def _decide_request(model, request_id: int, *, actor, action: str, decision: str, note: str):
    """Lock a pending return or extension request, check that this office may take ``action`` on it now,
    and record the decision. The caller then moves the assignment and the suggestion on."""
    assignment_id = model.objects.values_list("assignment_id", flat=True).get(pk=request_id)
    suggestion, assignment = _lock_assignment(assignment_id)
    request = model.objects.get(pk=request_id)
    if request.decision != RequestDecision.PENDING:
        raise TransitionNotAllowed(_("该申请已经审核过了。"))
    _require_office(actor, suggestion)
    transitions.check(action, suggestion.status)
    request.decision = decision
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    return suggestion, assignment, request


def return_approve(return_request_id: int, *, actor, note: str = "") -> ReturnRequest:
    """return_requested → triage: the office agrees; the suggestion waits for a fresh assignment."""
    with transaction.atomic():
        suggestion, assignment, request = _decide_request(
            ReturnRequest, return_request_id, actor=actor, action="approve_return", decision=RequestDecision.APPROVED, note=note
        )
        assignment.state = AssignmentState.RETURNED
        assignment.save(update_fields=["state"])
        others = _close_open_assignments(suggestion, to_state=AssignmentState.WITHDRAWN, exclude=[assignment.pk])
        if request.suggested_department_id:
            # The returning department's hint is shown to the office beside the router's guesses.
            suggestion.router_guesses = [
                {"department": request.suggested_department_id, "name": request.suggested_department.name, "source": "return"},
                *[g for g in suggestion.router_guesses if isinstance(g, dict) and g.get("source") != "return"],
            ]
        _move(suggestion, "approve_return", actor=actor, note=note, data={"request": request.pk}, fields=["router_guesses"])
        notify_on_commit(
            handlers_of([assignment.department_id, *others]),
            title=_("退回申请已同意：%(title)s") % {"title": suggestion.title},
            body=note,
            suggestion_id=suggestion.pk,
        )
    return request


def return_refuse(return_request_id: int, *, actor, note: str = "") -> ReturnRequest:
    """return_requested → assigned: the office holds the department responsible; the clock kept running."""
    note = _required_text(note, "note", _("请填写不同意退回的理由。"))
    with transaction.atomic():
        suggestion, assignment, request = _decide_request(
            ReturnRequest, return_request_id, actor=actor, action="refuse_return", decision=RequestDecision.REFUSED, note=note
        )
        assignment.state = AssignmentState.ASSIGNED
        assignment.save(update_fields=["state"])
        _move(suggestion, "refuse_return", actor=actor, note=note, data={"request": request.pk})
        notify_on_commit(
            handlers_of([assignment.department_id]),
            title=_("退回申请未同意，请签收办理：%(title)s") % {"title": suggestion.title},
            body=note,
            suggestion_id=suggestion.pk,
            sms=True,
        )
    return request


def assignment_request_extension(assignment_id: int, *, actor, reason: str, requested_due_at: dt.date) -> ExtensionRequest:
    """The lead department asks for more time (延期); the office decides."""
    reason = _required_text(reason, "reason", _("请填写延期理由。"))
    with transaction.atomic():
        suggestion, assignment = _lock_running_assignment(
            assignment_id, actor=actor, role=AssignmentRole.LEAD, wrong_role=_("协办单位不能申请延期。")
        )
        transitions.check("request_extension", suggestion.status)
        if requested_due_at is None or requested_due_at <= assignment.due_at:
            raise ValidationError({"requested_due_at": _("延期后的期限必须晚于当前期限 %(due)s。") % {"due": assignment.due_at.isoformat()}})
        if assignment.extension_requests.filter(decision=RequestDecision.PENDING).exists():
            raise Conflict(_("已有一项延期申请在审核中。"), code="extension_pending")
        request = ExtensionRequest.objects.create(
            assignment=assignment,
            reason=reason,
            requested_due_at=requested_due_at,
            previous_due_at=assignment.due_at,
            requested_by=actor,
            requested_at=timezone.now(),
        )
        _move(suggestion, "request_extension", actor=actor, note=reason, data={"request": request.pk, "requested_due_at": requested_due_at.isoformat()})
        notify_on_commit(
            offices_for(suggestion),
            title=_("延期申请：%(title)s") % {"title": suggestion.title},
            body=_("%(dept)s 申请延期至 %(date)s：%(reason)s")
            % {"dept": assignment.department.name, "date": requested_due_at.isoformat(), "reason": reason},
            suggestion_id=suggestion.pk,
        )
    return request


def extension_approve(extension_request_id: int, *, actor, note: str = "") -> ExtensionRequest:
    """The office agrees: the due date moves (rolled to a working day) and says why."""
    with transaction.atomic():
        suggestion, assignment, request = _decide_request(
            ExtensionRequest, extension_request_id, actor=actor, action="approve_extension", decision=RequestDecision.APPROVED, note=note
        )
        cal = WorkCalendar.load()
        due, explanation = cal.date_then_roll(
            request.requested_due_at, rule="extension", start=timezone.localdate(assignment.assigned_at)
        )
        explanation.update(label="答复期限（延期）", reason=request.reason)
        previous = assignment.due_at
        _set_due(assignment, due, explanation, policy_for(suggestion), cal)
        assignment.save(update_fields=DUE_FIELDS)
        _move(
            suggestion,
            "approve_extension",
            actor=actor,
            note=note or request.reason,
            data={"request": request.pk, "from": previous.isoformat(), "to": due.isoformat()},
        )
        notify_on_commit(
            handlers_of([assignment.department_id]),
            title=_("延期申请已同意：%(title)s") % {"title": suggestion.title},
            body=_("办理期限延至 %(date)s。") % {"date": due.isoformat()},
            suggestion_id=suggestion.pk,
        )
    return request


def extension_refuse(extension_request_id: int, *, actor, note: str = "") -> ExtensionRequest:
    """The office refuses: the due date stays."""
    note = _required_text(note, "note", _("请填写不同意延期的理由。"))
    with transaction.atomic():
        suggestion, assignment, request = _decide_request(
            ExtensionRequest, extension_request_id, actor=actor, action="refuse_extension", decision=RequestDecision.REFUSED, note=note
        )
        _move(suggestion, "refuse_extension", actor=actor, note=note, data={"request": request.pk})
        notify_on_commit(
            handlers_of([assignment.department_id]),
            title=_("延期申请未同意：%(title)s") % {"title": suggestion.title},
            body=note,
            suggestion_id=suggestion.pk,
        )
    return request


def cohandler_opinion_submit(assignment_id: int, *, actor, opinion: str) -> Assignment:
    """A co-handling department sends its opinion (协办意见) to the lead department."""
    opinion = _required_text(opinion, "opinion", _("请填写协办意见。"))
    with transaction.atomic():
        suggestion, assignment = _lock_running_assignment(
            assignment_id, actor=actor, role=AssignmentRole.CO_HANDLER, wrong_role=_("只有协办单位提交协办意见。")
        )
        assignment.opinion, assignment.opinion_at = opinion, timezone.now()
        assignment.state = AssignmentState.OPINION_SENT
        assignment.save(update_fields=["opinion", "opinion_at", "state"])
        _move(suggestion, "cohandler_opinion", actor=actor, note=opinion, data={"department": assignment.department.name})
        lead = _lead_assignment(suggestion)
        if lead:
            notify_on_commit(
                handlers_of([lead.department_id]),
                title=_("收到协办意见：%(title)s") % {"title": suggestion.title},
                body=_("%(dept)s：%(opinion)s") % {"dept": assignment.department.name, "opinion": opinion},
                suggestion_id=suggestion.pk,
            )
    return assignment


def suggestion_answer(
    suggestion_id: int, *, actor, text: str, outcome_class: str, follow_up_date: dt.date | None = None, attachments=()
) -> Answer:
    """acknowledged → answered: the lead department's one answer, with the outcome class (A–D).

    B and C answers need a follow-up check date (回头看). Two handlers answering at once: the second
    one waits for the lock, then finds the suggestion answered and gets ``TransitionNotAllowed``.
    """
    errors = {}
    if not (text or "").strip():
        errors["text"] = [_("请填写答复内容。")]
    if outcome_class not in OutcomeClass.values:
        errors["outcome_class"] = [_("请选择办理结果类别（A、B、C、D）。")]
    elif outcome_class in (OutcomeClass.B, OutcomeClass.C):
        if follow_up_date is None:
            errors["follow_up_date"] = [_("B类、C类答复须填写回头看日期。")]
        elif follow_up_date <= timezone.localdate():
            errors["follow_up_date"] = [_("回头看日期须晚于今天。")]
    if errors:
        raise ValidationError(errors)
    _validate_files(attachments)
    if outcome_class in (OutcomeClass.A, OutcomeClass.D):
        follow_up_date = None
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        transitions.check("answer", suggestion.status)
        assignment = _lead_assignment(suggestion, states=[AssignmentState.ACKNOWLEDGED])
        if assignment is None:
            raise TransitionNotAllowed(_("没有可以答复的主办交办件。"))
        _require_handler(actor, assignment)
        now = timezone.now()
        answer = Answer.objects.create(
            suggestion=suggestion,
            assignment=assignment,
            text=text.strip(),
            outcome_class=outcome_class,
            follow_up_date=follow_up_date,
            answered_by=actor,
            answered_at=now,
            on_time=timezone.localdate(now) <= assignment.due_at,
        )
        _attach(suggestion, attachments, actor=actor, answer=answer)
        assignment.state = AssignmentState.ANSWERED
        assignment.answered_at = now
        assignment.save(update_fields=["state", "answered_at"])
        _move(
            suggestion,
            "answer",
            actor=actor,
            note=answer.text,
            data={"answer": answer.pk, "outcome_class": outcome_class, "on_time": answer.on_time,
                  "follow_up_date": follow_up_date.isoformat() if follow_up_date else None},
        )
        notify_on_commit(
            deputies_of(suggestion),
            title=_("您的建议已答复，请测评：%(title)s") % {"title": suggestion.title},
            body=OutcomeClass(outcome_class).label,
            suggestion_id=suggestion.pk,
            sms=True,
        )
    return answer


def suggestion_rate(suggestion_id: int, *, actor, value: str, comment: str = ""):
    """The lead deputy rates the answer: 满意/基本满意 close it; 不满意 reopens it with a new due date,
    and a second 不满意 marks it for key supervision (重点督办)."""
    from suggestions.models import Rating

    if value not in RatingValue.values:
        raise ValidationError({"value": _("请选择测评结果。")})
    if value == RatingValue.UNSATISFIED and not (comment or "").strip():
        raise ValidationError({"comment": _("不满意时请说明理由。")})
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require(_is_lead_deputy(actor, suggestion), _("只有领衔代表可以测评。"))
        transitions.check("rate" if value != RatingValue.UNSATISFIED else "rate_unsatisfied", suggestion.status)
        answer = suggestion.answers.select_related("assignment").filter(rating__isnull=True).order_by("-answered_at", "-id").first()
        if answer is None:
            raise TransitionNotAllowed(_("没有待测评的答复。"))
        now = timezone.now()
        rating = Rating.objects.create(
            suggestion=suggestion, answer=answer, deputy=suggestion.lead_deputy, value=value, comment=comment.strip(), rated_at=now
        )
        data = {"rating": value, "answer": answer.pk}
        if value != RatingValue.UNSATISFIED:
            suggestion.closed_at = now
            _move(suggestion, "rate", actor=actor, note=comment, data=data, fields=["closed_at"])
            departments = [answer.assignment.department_id]
            title = _("建议已办结（%(value)s）：%(title)s")
        else:
            suggestion.unsatisfied_count += 1
            suggestion.key_supervision = suggestion.key_supervision or suggestion.unsatisfied_count >= 2
            assignment = answer.assignment
            cal = WorkCalendar.load()
            due, explanation = cal.months_then_roll(timezone.localdate(now), policy_for(suggestion).answer_months)
            explanation["label"] = "重新办理期限"
            _set_due(assignment, due, explanation, policy_for(suggestion), cal)
            assignment.state = AssignmentState.ACKNOWLEDGED
            assignment.answered_at = None
            assignment.save(update_fields=[*DUE_FIELDS, "state", "answered_at"])
            data.update(due_at=due.isoformat(), key_supervision=suggestion.key_supervision)
            _move(
                suggestion, "rate_unsatisfied", actor=actor, note=comment, data=data, fields=["unsatisfied_count", "key_supervision"]
            )
            departments = [assignment.department_id]
            title = _("代表不满意，请重新办理（%(value)s）：%(title)s")
        notify_on_commit(
            handlers_of(departments),
            title=title % {"value": RatingValue(value).label, "title": suggestion.title},
            body=comment,
            suggestion_id=suggestion.pk,
            sms=value == RatingValue.UNSATISFIED,
        )
        if suggestion.key_supervision and value == RatingValue.UNSATISFIED:
            notify_on_commit(
                offices_for(suggestion),
                title=_("重点督办：%(title)s（代表两次不满意）") % {"title": suggestion.title},
                suggestion_id=suggestion.pk,
            )
    return rating


def suggestion_withdraw(suggestion_id: int, *, actor, note: str = "") -> Suggestion:
    """The lead deputy (or the office) withdraws it, at any state before the answer."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require(
            _may_act_for_deputy(actor, suggestion) or _is_office_for(actor, suggestion), _("只有领衔代表或人大常委会办公室可以撤回建议。")
        )
        departments = _close_open_assignments(suggestion, to_state=AssignmentState.WITHDRAWN)
        suggestion.closed_at = timezone.now()
        _move(suggestion, "withdraw", actor=actor, note=note, fields=["closed_at"])
        notify_on_commit(
            handlers_of(departments), title=_("建议已撤回：%(title)s") % {"title": suggestion.title}, body=note, suggestion_id=suggestion.pk
        )
    return suggestion


def suggestion_merge(suggestion_id: int, *, into: Suggestion, actor, note: str = "") -> Suggestion:
    """The office merges a duplicate into another suggestion (duplicate_of), before it is answered."""
    if into.pk == suggestion_id:
        raise ValidationError({"into": _("不能合并到自身。")})
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require_office(actor, suggestion)
        target = Suggestion.objects.select_for_update().get(pk=into.pk)
        if target.status in (Status.MERGED, Status.WITHDRAWN, Status.DRAFT, Status.NOT_ACCEPTED):
            raise ValidationError({"into": _("目标建议状态为「%(status)s」，不能合并到它。") % {"status": target.get_status_display()}})
        departments = _close_open_assignments(suggestion, to_state=AssignmentState.WITHDRAWN)
        suggestion.duplicate_of = target
        suggestion.closed_at = timezone.now()
        _move(
            suggestion,
            "merge",
            actor=actor,
            note=note,
            data={"into": target.pk, "into_number": target.number, "into_title": target.title},
            fields=["duplicate_of", "closed_at"],
        )
        _event(target, "merged_in", actor=actor, note=note, data={"from": suggestion.pk, "from_title": suggestion.title})
        notify_on_commit(
            [*deputies_of(suggestion), *handlers_of(departments)],
            title=_("建议已合并：%(title)s") % {"title": suggestion.title},
            body=_("并入「%(title)s」办理。") % {"title": target.title},
            suggestion_id=suggestion.pk,
        )
        # The target's deputies learn that another deputy's matter now rides on their suggestion.
        notify_on_commit(
            deputies_of(target),
            title=_("有建议并入：%(title)s") % {"title": target.title},
            body=_("「%(title)s」（%(name)s）已并入本建议一并办理。") % {"title": suggestion.title, "name": suggestion.lead_deputy.name},
            suggestion_id=target.pk,
        )
    return suggestion


def follow_up_record(answer_id: int, *, actor, note: str) -> Answer:
    """The office records the follow-up check (回头看) of a B/C answer."""
    note = _required_text(note, "note", _("请填写回头看情况。"))
    with transaction.atomic():
        suggestion = _lock(Answer.objects.values_list("suggestion_id", flat=True).get(pk=answer_id))
        _require_office(actor, suggestion)
        answer = Answer.objects.get(pk=answer_id)
        if answer.follow_up_date is None or answer.follow_up_done_at is not None:
            raise TransitionNotAllowed(_("该答复没有待完成的回头看。"))
        transitions.check("follow_up", suggestion.status)
        answer.follow_up_done_at = timezone.now()
        answer.save(update_fields=["follow_up_done_at"])
        _move(suggestion, "follow_up", actor=actor, note=note, data={"answer": answer.pk})
    return answer


def notifications_mark_read(*, actor, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all of them when no ids are given)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


# --- the calendar -------------------------------------------------------------------------------


def _require_calendar_editor(actor) -> None:
    _require(
        actor is None or actor.is_superuser or actor.role == Role.PROVINCIAL_OFFICE, _("只有省人大常委会可以维护工作日历。")
    )


def _recompute_deadlines(dates: Iterable[dt.date], *, actor, note: str) -> int:
    """Recompute running deadlines whose window covers any of ``dates``; each moved one gets an event."""
    dates = sorted(set(dates))
    if not dates:
        return 0
    first, last = dates[0], dates[-1]
    candidates = (
        Assignment.objects.filter(
            state__in=RUNNING_ASSIGNMENT_STATES,
            suggestion__status__in=[Status.ASSIGNED, Status.ACKNOWLEDGED, Status.RETURN_REQUESTED],
            assigned_at__date__lte=last,
            long_overdue_at__gte=first,
        )
        .select_related("suggestion", "suggestion__campaign")
        .order_by("suggestion_id", "id")
    )
    cal = WorkCalendar.load()
    moved = 0
    locked: set[int] = set()
    for assignment in candidates:
        if assignment.suggestion_id not in locked:
            _lock(assignment.suggestion_id)
            locked.add(assignment.suggestion_id)
        result = cal.recompute(assignment.due_explanation)
        if result is None:
            continue
        due, explanation = result
        previous = (assignment.due_at, assignment.remind_at, assignment.long_overdue_at)
        _set_due(assignment, due, explanation, policy_for(assignment.suggestion), cal)
        start = timezone.localdate(assignment.assigned_at)
        assignment.return_deadline = cal.add_working_days(start, policy_for(assignment.suggestion).return_window_days)[0]
        if (assignment.due_at, assignment.remind_at, assignment.long_overdue_at) == previous and explanation == assignment.due_explanation:
            continue
        assignment.save(update_fields=[*DUE_FIELDS, "return_deadline"])
        if assignment.due_at != previous[0]:
            moved += 1
            _event(
                assignment.suggestion,
                "deadline_moved",
                actor=actor,
                note=note,
                data={"assignment": assignment.pk, "department": assignment.department_id, "from": previous[0].isoformat(), "to": due.isoformat()},
            )
    return moved


def calendar_day_add(*, actor, date: dt.date, kind: str, name: str = "", source: str = "manual") -> CalendarDay:
    """Add (or change) a holiday or a make-up working day; running deadlines it touches move."""
    _require_calendar_editor(actor)
    if kind not in CalendarDayKind.values:
        raise ValidationError({"kind": _("请选择类型。")})
    if kind == CalendarDayKind.HOLIDAY and date.weekday() >= 5:
        raise ValidationError({"date": _("周末本来就不上班，无需登记为节假日。")})
    if kind == CalendarDayKind.WORKDAY and date.weekday() < 5:
        raise ValidationError({"date": _("调休上班日应为周六或周日。")})
    with transaction.atomic():
        day, _created = CalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name, "source": source})
        label = CalendarDayKind(kind).label
        _recompute_deadlines([date], actor=actor, note=_("工作日历调整：%(date)s %(label)s %(name)s") % {"date": date, "label": label, "name": name})
    return day


def calendar_day_remove(*, actor, date: dt.date) -> None:
    """Remove an exception; running deadlines it touched move back."""
    _require_calendar_editor(actor)
    with transaction.atomic():
        CalendarDay.objects.filter(date=date).delete()
        _recompute_deadlines([date], actor=actor, note=_("工作日历调整：删除 %(date)s") % {"date": date})


def calendar_year_mark(*, actor, year: int, source: str = "manual") -> CalendarYear:
    """Mark a year's schedule as published: its exceptions now count and its deadlines stop being provisional."""
    _require_calendar_editor(actor)
    with transaction.atomic():
        marked, _created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
        dates = list(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
        _recompute_deadlines(dates or [dt.date(year, 1, 1)], actor=actor, note=_("%(year)s年节假日安排已发布") % {"year": year})
    return marked


CSV_KINDS = {"holiday": CalendarDayKind.HOLIDAY, "节假日": CalendarDayKind.HOLIDAY, "休": CalendarDayKind.HOLIDAY,
             "workday": CalendarDayKind.WORKDAY, "调休上班": CalendarDayKind.WORKDAY, "班": CalendarDayKind.WORKDAY}


def calendar_import_csv(*, actor, file) -> list[int]:
    """Import a year's schedule from CSV (date,kind,name). Every row is checked; a bad file changes nothing.

    The years in the file are marked as known (CalendarYear) and running deadlines are recomputed.
    """
    _require_calendar_editor(actor)
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValidationError({"file": _("文件须为 UTF-8 编码的 CSV。")})
    rows, errors = [], []
    for line_no, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            date = dt.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            errors.append(_("第 %(n)d 行：日期格式应为 YYYY-MM-DD。") % {"n": line_no})
            continue
        kind = CSV_KINDS.get((row.get("kind") or "").strip().lower())
        if kind is None:
            errors.append(_("第 %(n)d 行：类型应为 holiday（节假日）或 workday（调休上班）。") % {"n": line_no})
            continue
        if (kind == CalendarDayKind.HOLIDAY) != (date.weekday() < 5):
            errors.append(_("第 %(n)d 行：%(date)s 节假日应在工作日、调休上班日应在周末。") % {"n": line_no, "date": date})
            continue
        rows.append((date, kind, (row.get("name") or "").strip()[:32]))
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": _("文件中没有数据行（表头应为 date,kind,name）。")})
    years = sorted({d.year for d, _k, _n in rows})
    with transaction.atomic():
        for date, kind, name in rows:
            CalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name, "source": "csv"})
        for year in years:
            CalendarYear.objects.update_or_create(year=year, defaults={"source": "csv"})
        _recompute_deadlines([d for d, _k, _n in rows] + [dt.date(y, 1, 1) for y in years], actor=actor, note=_("导入工作日历"))
    return years


def calendar_load_chinese_calendar(*, years: Iterable[int] | None = None) -> list[int]:
    """Seed the exceptions from the ``chinesecalendar`` package for the years it knows (idempotent).

    Days the provincial office entered by hand or imported are left as they are.
    """
    import chinese_calendar

    known = sorted({d.year for d in chinese_calendar.holidays} & {d.year for d in chinese_calendar.workdays})
    wanted = [y for y in (years or known) if y in known]
    existing = {d.date: d for d in CalendarDay.objects.filter(date__year__in=wanted)}
    create, update = [], []
    for year in wanted:
        day = dt.date(year, 1, 1)
        while day.year == year:
            holiday, name = chinese_calendar.get_holiday_detail(day)
            kind = None
            if holiday and day.weekday() < 5:
                kind = CalendarDayKind.HOLIDAY
            elif not holiday and day.weekday() >= 5:
                kind = CalendarDayKind.WORKDAY
            if kind:
                name = HOLIDAY_NAMES_ZH.get(name or "", name or "")
                row = existing.get(day)
                if row is None:
                    create.append(CalendarDay(date=day, kind=kind, name=name, source="chinesecalendar"))
                elif row.source == "chinesecalendar" and (row.kind, row.name) != (kind, name):
                    row.kind, row.name = kind, name
                    update.append(row)
            day += dt.timedelta(days=1)
    with transaction.atomic():
        CalendarDay.objects.bulk_create(create)
        CalendarDay.objects.bulk_update(update, ["kind", "name"])
        known_years = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
        new_years = [y for y in wanted if y not in known_years]
        CalendarYear.objects.bulk_create([CalendarYear(year=y, source="chinesecalendar") for y in new_years])
        changed = [d.date for d in create + update] + [dt.date(y, 1, 1) for y in new_years]
        _recompute_deadlines(changed, actor=None, note=_("载入法定节假日安排"))
    return wanted


# --- supervision (Celery beat) ---------------------------------------------------------------------


def _remind(assignment: Assignment, kind: str, due_at: dt.date, *, recipients, title: str, body: str = "") -> bool:
    """Record one supervision step once: the unique constraint turns a second tick into a no-op."""
    try:
        with transaction.atomic():
            Reminder.objects.create(assignment=assignment, kind=kind, due_at=due_at)
            _event(
                assignment.suggestion,
                f"reminder_{kind}",
                actor=None,
                note=title,
                data={"assignment": assignment.pk, "department": assignment.department.name, "due_at": due_at.isoformat()},
            )
            notify_on_commit(recipients, title=title, body=body, suggestion_id=assignment.suggestion_id, sms=True)
    except IntegrityError:
        return False
    return True


def _not_yet(kind: str, due_field: str = "due_at"):
    return ~Exists(Reminder.objects.filter(assignment=OuterRef("pk"), kind=kind, due_at=OuterRef(due_field)))


def supervise(*, today: dt.date | None = None) -> dict[str, int]:
    """One beat tick: send each supervision step that is due and was not sent yet for this due date.

    Due soon (催办), overdue (督办), long overdue (通报, to the provincial office as well), sign-off
    reminders for unsigned assignments, co-handler opinion reminders, and B/C follow-ups (回头看).
    """
    today = today or timezone.localdate()
    cal = WorkCalendar.load()
    sent = dict.fromkeys(ReminderKind.values, 0)
    running = Assignment.objects.select_related("suggestion", "suggestion__region", "department").filter(
        suggestion__status__in=[Status.ASSIGNED, Status.ACKNOWLEDGED]
    )
    lead = running.filter(role=AssignmentRole.LEAD, state__in=[AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED])

    for a in lead.filter(remind_at__lte=today, due_at__gte=today).filter(_not_yet(ReminderKind.DUE_SOON)):
        sent[ReminderKind.DUE_SOON] += _remind(
            a, ReminderKind.DUE_SOON, a.due_at, recipients=handlers_of([a.department_id]),
            title=_("催办：%(title)s 将于 %(due)s 到期") % {"title": a.suggestion.title, "due": a.due_at},
        )
    for a in lead.filter(due_at__lt=today).filter(_not_yet(ReminderKind.OVERDUE)):
        sent[ReminderKind.OVERDUE] += _remind(
            a, ReminderKind.OVERDUE, a.due_at, recipients=[*handlers_of([a.department_id]), *offices_for(a.suggestion)],
            title=_("督办：%(title)s 已于 %(due)s 逾期") % {"title": a.suggestion.title, "due": a.due_at},
        )
    for a in lead.filter(long_overdue_at__lte=today).filter(_not_yet(ReminderKind.LONG_OVERDUE)):
        recipients = [*handlers_of([a.department_id]), *offices_for(a.suggestion, roles=[Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE])]
        sent[ReminderKind.LONG_OVERDUE] += _remind(
            a, ReminderKind.LONG_OVERDUE, a.due_at, recipients=recipients,
            title=_("通报：%(dept)s 办理「%(title)s」逾期超过期限") % {"dept": a.department.name, "title": a.suggestion.title},
        )
    sign_off_before = cal.add_working_days(today, -settings.SUGGESTION_SIGN_OFF_REMINDER_DAYS)[0]
    unsigned = running.filter(state=AssignmentState.ASSIGNED, assigned_at__date__lte=sign_off_before)
    for a in unsigned.filter(_not_yet(ReminderKind.SIGN_OFF)):
        sent[ReminderKind.SIGN_OFF] += _remind(
            a, ReminderKind.SIGN_OFF, a.due_at, recipients=handlers_of([a.department_id]),
            title=_("请签收交办件：%(title)s（期限不因未签收而停止计算）") % {"title": a.suggestion.title},
        )
    cohandlers = running.filter(
        role=AssignmentRole.CO_HANDLER, state__in=[AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED], remind_at__lte=today
    )
    for a in cohandlers.filter(_not_yet(ReminderKind.OPINION_DUE)):
        sent[ReminderKind.OPINION_DUE] += _remind(
            a, ReminderKind.OPINION_DUE, a.due_at, recipients=handlers_of([a.department_id]),
            title=_("请于 %(due)s 前提交协办意见：%(title)s") % {"due": a.due_at, "title": a.suggestion.title},
        )
    follow_ups = (
        Answer.objects.select_related("assignment", "assignment__suggestion", "assignment__suggestion__region", "assignment__department")
        .filter(follow_up_date__lte=today, follow_up_done_at__isnull=True)
        .filter(~Exists(Reminder.objects.filter(assignment=OuterRef("assignment"), kind=ReminderKind.FOLLOW_UP, due_at=OuterRef("follow_up_date"))))
    )
    for answer in follow_ups:
        a = answer.assignment
        sent[ReminderKind.FOLLOW_UP] += _remind(
            a, ReminderKind.FOLLOW_UP, answer.follow_up_date,
            recipients=[*handlers_of([a.department_id]), *offices_for(a.suggestion)],
            title=_("回头看：%(title)s（%(cls)s 答复）") % {"title": a.suggestion.title, "cls": answer.get_outcome_class_display()},
        )
    return sent

