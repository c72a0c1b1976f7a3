"""Celery tasks: thin callers of services. They take ids, re-read under a lock (inside the service)
and return quietly when the suggestion has moved on, so running one twice equals running it once."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings

from config.transient import TRANSIENT_ERRORS
from suggestions import services, side_effects

logger = logging.getLogger(__name__)

RETRY = {
    # A dropped connection or a deadlock is retried; an IntegrityError or a bug is not (config.transient).
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": settings.TASK_MAX_RETRIES,
}
# Also the project's defaults (CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST), said again
# where losing a message would lose work: the message is acknowledged only once the task has run, and
# one whose worker died is given back to the broker for another worker.
DURABLE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="suggestions.tasks.route_suggestion", **RETRY, **DURABLE)
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


# A suggestion still ``submitted`` this long after its last change has probably lost its task (the
# broker was down when it was submitted, or a worker was killed holding it). Short, so that after an
# outage the next beat tick (every minute) routes what waited; one the queue still holds is routed
# once all the same (the router locks the row and checks the status).
STUCK_AFTER = dt.timedelta(seconds=30)
# Beat sends the sweepers every ``SWEEP_EVERY_SECONDS`` (a minute): one run stops within two thirds of
# the tick, the next goes on (rows one run holds, the other skips).
SWEEP_BUDGET_SECONDS = min(40.0, settings.SWEEP_EVERY_SECONDS * 2 / 3)


@shared_task(name="suggestions.tasks.sweep_stuck_submissions", **RETRY, **DURABLE)
def sweep_stuck_submissions(older_than_seconds: float | None = None) -> int:
    """Beat (every minute): route here, in batches, the suggestions still ``submitted`` after
    ``STUCK_AFTER``, so a broker that was down or a worker killed mid-task loses nothing and delays a
    suggestion by about a minute; returns how many were waiting (routing twice equals routing once)."""
    from suggestions.routing import router

    age = STUCK_AFTER if older_than_seconds is None else dt.timedelta(seconds=older_than_seconds)
    return router.route_waiting(older_than=age, budget_seconds=SWEEP_BUDGET_SECONDS)


@shared_task(name="suggestions.tasks.deliver_side_effects", **RETRY, **DURABLE)
def deliver_side_effects(effect_ids: list[int]) -> int:
    """Deliver outbox rows just committed (notices, indexing); returns how many this run delivered.
    A row already delivered, or held by another worker, is left alone."""
    return side_effects.deliver(effect_ids)


@shared_task(name="suggestions.tasks.sweep_side_effects", **RETRY, **DURABLE)
def sweep_side_effects(older_than_seconds: float | None = None) -> int:
    """Beat (every minute): deliver the outbox rows older than about 30 s that are still not done."""
    age = side_effects.SWEEP_AFTER if older_than_seconds is None else dt.timedelta(seconds=older_than_seconds)
    return side_effects.sweep(older_than=age, budget_seconds=SWEEP_BUDGET_SECONDS)


@shared_task(name="suggestions.tasks.index_similarity", **RETRY, **DURABLE)
def index_similarity(suggestion_id: int) -> int:
    """Store a suggestion's terms for similar-suggestion lookups (rewrites them; idempotent). The
    services now record indexing in the outbox (``deliver_side_effects``); this stays for messages
    sent before that and still in a queue."""
    from suggestions.similarity import index_suggestion

    return index_suggestion(suggestion_id)


@shared_task(name="suggestions.tasks.retrain_router")
def retrain_router() -> int:
    """Beat (weekly): train a new router model version on everything kept and activate it."""
    from suggestions.routing import router

    return router.router_retrain().version
