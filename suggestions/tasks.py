"""Celery tasks: thin callers of services. They take ids, re-read under a lock (inside the service)
and return quietly when the suggestion has moved on, so running one twice equals running it once."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from suggestions import services
from suggestions.models import Status, Suggestion
from suggestions.transitions import TransitionNotAllowed

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": settings.TASK_MAX_RETRIES,
}


@shared_task(name="suggestions.tasks.route_suggestion", **RETRY)
def route_suggestion(suggestion_id: int) -> None:
    """Route a submitted suggestion. Until the classifier lands it goes to triage with no guesses."""
    if not Suggestion.objects.filter(pk=suggestion_id, status=Status.SUBMITTED).exists():
        return
    try:
        services.suggestion_route_to_triage(suggestion_id, guesses=[], actor=None)
    except (TransitionNotAllowed, Suggestion.DoesNotExist):
        logger.info("suggestion %s already moved on; nothing to route", suggestion_id)


@shared_task(name="suggestions.tasks.supervise", **RETRY)
def supervise() -> dict:
    """Beat: send due-soon, overdue, long-overdue, sign-off, opinion and follow-up reminders, once each."""
    return services.supervise()


# Longer than a routing task takes even on a busy worker, so a healthy task is never sent twice.
STUCK_AFTER = dt.timedelta(minutes=10)


@shared_task(name="suggestions.tasks.sweep_stuck_submissions", **RETRY)
def sweep_stuck_submissions() -> int:
    """Beat: re-send routing for suggestions still ``submitted`` long after submission, so a broker
    that was down or a worker killed mid-task loses nothing (routing twice equals routing once)."""
    ids = list(
        Suggestion.objects.filter(status=Status.SUBMITTED, updated_at__lt=timezone.now() - STUCK_AFTER).values_list("pk", flat=True)[:1000]
    )
    for suggestion_id in ids:
        route_suggestion.delay(suggestion_id)
    return len(ids)


@shared_task(name="suggestions.tasks.index_similarity", **RETRY)
def index_similarity(suggestion_id: int) -> int:
    """Store a suggestion's terms for similar-suggestion lookups (rewrites them; idempotent)."""
    from suggestions.similarity import index_suggestion

    return index_suggestion(suggestion_id)
