"""Sending the suggestions' Celery tasks from the services — by registered name, so the services never
import ``suggestions.tasks`` (which imports the services): no import cycle.

A broker that is down is logged, not raised: what triggered the task is already saved (a suggestion
still ``submitted``, an outbox row in ``SideEffect``), and the sweepers deliver it once the broker is
back, so a deputy's submission never turns into an error page because Redis is away.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

# The tasks' own logger: operators watch one place for dispatch failures.
logger = logging.getLogger("suggestions.tasks")

ROUTE = "suggestions.tasks.route_suggestion"
DELIVER_SIDE_EFFECTS = "suggestions.tasks.deliver_side_effects"

# A submission waits for the dispatch inside its request: give up on a missing broker in about a
# second rather than kombu's default of several attempts with growing waits.
DISPATCH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.25, "interval_max": 0.5}


def send_safely(name: str, *args) -> None:
    """Send the task registered as ``name``; a broker that is down is logged, not raised."""
    try:
        current_app.tasks[name].apply_async(args, retry_policy=DISPATCH_RETRY_POLICY)
    except Exception:
        logger.warning("%s%r not dispatched (broker unavailable)", name, args, exc_info=True)


def dispatch_routing(suggestion_id: int) -> None:
    """Send the routing task; the stuck-submission sweeper re-sends it if the broker was down."""
    send_safely(ROUTE, suggestion_id)


def dispatch_routing_on_commit(suggestion_id: int) -> None:
    """Dispatch routing once the current transaction commits (never for one that rolls back)."""
    transaction.on_commit(lambda: dispatch_routing(suggestion_id))


def deliver_side_effects_on_commit(effect_ids: list[int]) -> None:
    """Once the transaction that wrote these outbox rows commits, ask the worker to deliver them now;
    should the message be lost (broker down, worker killed), the side-effect sweeper delivers them."""
    if effect_ids:
        transaction.on_commit(lambda: send_safely(DELIVER_SIDE_EFFECTS, list(effect_ids)))
