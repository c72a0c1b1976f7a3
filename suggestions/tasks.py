"""Celery tasks: thin callers of services. They take ids, re-read under a lock (inside the service)
and return quietly when the suggestion has moved on, so running one twice equals running it once."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from config.transient import TRANSIENT_ERRORS
from suggestions import services
from suggestions.models import Status, Suggestion

logger = logging.getLogger(__name__)

RETRY = {
    # A dropped connection or a deadlock is retried; an IntegrityError or a bug is not (config.transient).
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": settings.TASK_MAX_RETRIES,
}


@shared_task(name="suggestions.tasks.route_suggestion", **RETRY)
def route_suggestion(suggestion_id: int) -> str:
    """Route a submitted suggestion: assign it when the router is confident, else send it to triage.

    The model is loaded once per worker process (``suggestions.routing.router``), never per task.
    """
    from suggestions.routing import router

    return router.route(suggestion_id)


@shared_task(name="suggestions.tasks.supervise", **RETRY)
def supervise() -> dict:
    """Beat: send due-soon, overdue, long-overdue, sign-off, opinion and follow-up reminders, once each."""
    return services.supervise()


# Longer than a routing task takes even on a busy worker, so a healthy task is never sent twice.
STUCK_AFTER = dt.timedelta(minutes=10)


@shared_task(name="suggestions.tasks.sweep_stuck_submissions", **RETRY)
def sweep_stuck_submissions(older_than_seconds: float | None = None) -> int:
    """Beat: re-send routing for suggestions still ``submitted`` long after submission, so a broker
    that was down or a worker killed mid-task loses nothing (routing twice equals routing once)."""
    age = STUCK_AFTER if older_than_seconds is None else dt.timedelta(seconds=older_than_seconds)
    ids = list(
        Suggestion.objects.filter(status=Status.SUBMITTED, updated_at__lt=timezone.now() - age).values_list("pk", flat=True)[:1000]
    )
    for suggestion_id in ids:
        route_suggestion.delay(suggestion_id)
    return len(ids)


@shared_task(name="suggestions.tasks.index_similarity", **RETRY)
def index_similarity(suggestion_id: int) -> int:
    """Store a suggestion's terms for similar-suggestion lookups (rewrites them; idempotent)."""
    from suggestions.similarity import index_suggestion

    return index_suggestion(suggestion_id)


@shared_task(name="suggestions.tasks.retrain_router")
def retrain_router() -> int:
    """Beat (weekly): train a new router model version on everything kept and activate it."""
    from suggestions.routing import router

    return router.router_retrain().version
