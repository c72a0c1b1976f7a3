"""Reads and bulk moves of a suggestion's assignments shared by the handling and closing services,
and the one home of the rule "which assignment is the suggestion's running lead"."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from suggestions.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Suggestion,
)
from suggestions.states import RUNNING_ASSIGNMENT_STATES


def _lead_assignment(suggestion: Suggestion, states=RUNNING_ASSIGNMENT_STATES) -> Assignment | None:
    return _leads(suggestion.assignments.select_related("department"), states).first()


def _leads(assignments, states=RUNNING_ASSIGNMENT_STATES):
    """Lead assignments in ``states``, the latest first: the first is the running lead."""
    return assignments.filter(role=AssignmentRole.LEAD, state__in=states).order_by("-assigned_at", "-id")


def running_lead() -> Subquery:
    """The running lead assignment's id of the outer suggestion row (``None`` when it has none)."""
    return Subquery(_leads(Assignment.objects.filter(suggestion=OuterRef("pk"))).values("id")[:1])


def sync_running_lead(suggestion_ids: Iterable[int]) -> None:
    """Store each suggestion's running lead (``Suggestion.lead_assignment``), which lists join for
    the deadline state. Every service that creates a lead assignment or moves one into or out of a
    running state calls this in its transaction: one UPDATE for the whole batch."""
    ids = list(suggestion_ids)
    if ids:
        Suggestion.objects.filter(pk__in=ids).update(lead_assignment=running_lead())


def _close_open_assignments(suggestion: Suggestion, *, to_state: str, exclude: Iterable[int] = ()) -> list[int]:
    """End every assignment still running or co-handling; returns the departments concerned."""
    qs = suggestion.assignments.filter(
        state__in=[*RUNNING_ASSIGNMENT_STATES, AssignmentState.OPINION_SENT]
    ).exclude(pk__in=list(exclude))
    departments = list(qs.values_list("department_id", flat=True))
    qs.update(state=to_state)
    sync_running_lead([suggestion.pk])
    return departments
