"""Routing and triage: the router's decisions, assignment by hand, not accepted (不予立案)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.calendar import WorkCalendar
from suggestions.models import (
    Assignment,
    AssignmentRole,
    Department,
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
    lead_deputy_user_ids,
    notify_on_commit,
    office_ids_by_suggestion,
    offices_for,
    send_notices_on_commit,
)
from suggestions.permissions import require
from suggestions.services.assignments import running_lead, sync_running_lead
from suggestions.services.deadlines import _set_due, policy_for
from suggestions.services.events import SYSTEM_ROUTER, _lock, _move, _transition
from suggestions.services.inputs import _required_text
from suggestions.services.values import department_errors


def suggestion_route_to_triage(suggestion_id: int, *, guesses, actor=None, note: str = "") -> Suggestion:
    """submitted → triage: the router was not confident; the office decides, seeing its best guesses."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        if actor is not None:
            require("route_to_triage", actor, suggestion)
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
            require("assign", actor, suggestion)
        errors = {**department_errors(actor, [lead], field="lead"), **department_errors(actor, co_handlers, field="co_handlers")}
        if errors:
            raise ValidationError(errors)
        from_triage = suggestion.status == Status.TRIAGE
        fields = []
        if category:
            suggestion.category = category
            fields.append("category")
        planned = _plan_assignments(suggestion, lead, co_handlers, actor=actor, now=timezone.now(), cal=WorkCalendar.load())
        Assignment.objects.bulk_create(planned)
        sync_running_lead([suggestion.pk])
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
        # ... which also stores each one's running lead, the assignment just planned (services.assignments).
        Suggestion.objects.filter(pk__in=ids).update(status=status, category=category, updated_at=now, lead_assignment=running_lead())
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
        require("not_accept", actor, suggestion)
        suggestion.not_accepted_reason = reason
        suggestion.closed_at = timezone.now()
        _move(suggestion, "not_accept", actor=actor, note=reason, fields=["not_accepted_reason", "closed_at"])
        notify_on_commit(
            deputies_of(suggestion), title=_("建议不予立案：%(title)s") % {"title": suggestion.title}, body=reason, suggestion_id=suggestion.pk
        )
    return suggestion
