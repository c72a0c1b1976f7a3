"""Celery tasks: thin callers of services. They take ids, re-read under a lock (inside the service)
and return quietly when the suggestion has moved on, so running one twice equals running it once."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from suggestions import services
from suggestions.models import Status, Suggestion

logger = logging.getLogger(__name__)

# A submission waits for the dispatch inside its request: give up on a missing broker in about a
# second rather than kombu's default of several attempts with growing waits.
DISPATCH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.25, "interval_max": 0.5}

RETRY = {
    # OperationalError is a DatabaseError: a dropped connection or a deadlock is retried, a bug is not.
    "autoretry_for": (DatabaseError,),
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


def send_safely(task, *args) -> None:
    """Send a task from an on-commit hook: a broker that is down is logged, not raised.

    What triggered it is already saved; the sweepers re-send what matters once the broker is back,
    so a deputy's submission must not turn into an error page because Redis is away.
    """
    try:
        task.apply_async(args, retry_policy=DISPATCH_RETRY_POLICY)
    except Exception:
        logger.warning("%s%r not dispatched (broker unavailable)", task.name, args, exc_info=True)


def dispatch_routing(suggestion_id: int) -> None:
    """Send the routing task; the stuck-submission sweeper re-sends it if the broker was down."""
    send_safely(route_suggestion, suggestion_id)


def dispatch_routing_on_commit(suggestion_id: int) -> None:
    """Dispatch routing once the current transaction commits (never for one that rolls back)."""
    transaction.on_commit(lambda: dispatch_routing(suggestion_id))


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
