"""The department's side: sign-off, return (退回) and extension (延期) requests and the office's decisions, co-handler opinions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import Conflict, PermissionRefused
from suggestions import transitions
from suggestions.calendar import WorkCalendar
from suggestions.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Department,
    ExtensionRequest,
    RequestDecision,
    ReturnRequest,
    Suggestion,
)
from suggestions.notifications import (
    handlers_of,
    notify_on_commit,
    offices_for,
)
from suggestions.permissions import require
from suggestions.services.assignments import _close_open_assignments, _lead_assignment
from suggestions.services.deadlines import DUE_FIELDS, _set_due, policy_for
from suggestions.services.events import _lock_assignment, _move
from suggestions.services.inputs import _required_text
from suggestions.transitions import TransitionNotAllowed


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
        require("acknowledge", actor, suggestion, assignment=assignment)
        _require_assignment_state(assignment, [AssignmentState.ASSIGNED])
        assignment.state = AssignmentState.ACKNOWLEDGED
        assignment.acknowledged_at = timezone.now()
        if assignment.role == AssignmentRole.LEAD:
            _move(suggestion, "acknowledge", actor=actor, data={"department": assignment.department.name})
        else:
            _move(suggestion, "cohandler_acknowledge", actor=actor, data={"department": assignment.department.name})
        assignment.save(update_fields=["state", "acknowledged_at"])
    return assignment


def _lock_running_assignment(assignment_id: int, *, actor, action: str, role: str, wrong_role: str) -> tuple[Suggestion, Assignment]:
    """Lock an assignment of the actor's department that is still running (assigned or acknowledged) in ``role``."""
    suggestion, assignment = _lock_assignment(assignment_id)
    require(action, actor, suggestion, assignment=assignment)
    if assignment.role != role:
        raise PermissionRefused(wrong_role)
    _require_assignment_state(assignment, [AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED])
    return suggestion, assignment


def assignment_request_return(assignment_id: int, *, actor, reason: str, suggested_department: Department | None = None) -> ReturnRequest:
    """The lead department asks to give it back (退回) within the window, with a reason."""
    reason = _required_text(reason, "reason", _("请填写退回理由。"))
    with transaction.atomic():
        suggestion, assignment = _lock_running_assignment(
            assignment_id, actor=actor, action="request_return", role=AssignmentRole.LEAD, wrong_role=_("协办单位不能申请退回，请向主办单位提出意见。")
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
    require(action, actor, suggestion)
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
            assignment_id, actor=actor, action="request_extension", role=AssignmentRole.LEAD, wrong_role=_("协办单位不能申请延期。")
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
            assignment_id, actor=actor, action="opinion", role=AssignmentRole.CO_HANDLER, wrong_role=_("只有协办单位提交协办意见。")
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
