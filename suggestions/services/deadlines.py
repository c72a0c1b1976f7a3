"""Deadlines: the campaign's policy, the stored due dates of an assignment, and their recomputation when the calendar changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from suggestions.calendar import WorkCalendar
from suggestions.models import (
    Assignment,
    Status,
    Suggestion,
)
from suggestions.services.events import _event, _lock
from suggestions.states import RUNNING_ASSIGNMENT_STATES

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
