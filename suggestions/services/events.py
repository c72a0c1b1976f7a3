"""The timeline: locking a suggestion, checking a move against the transition table and writing its event."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from suggestions import transitions
from suggestions.models import (
    Assignment,
    Suggestion,
    SuggestionEvent,
)

# Stored as the actor of events nobody did by hand; the timeline translates them when shown.
SYSTEM_ROUTER = gettext_noop("系统分办")
SYSTEM = gettext_noop("系统")
SYSTEM_LABELS = (SYSTEM_ROUTER, SYSTEM)


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
