"""Reads and bulk moves of a suggestion's assignments shared by the handling and closing services."""

from __future__ import annotations

from collections.abc import Iterable

from suggestions.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Suggestion,
)
from suggestions.states import RUNNING_ASSIGNMENT_STATES


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
