"""Beat task: refresh the dashboard rollups (dashboards/rollup.py)."""

from __future__ import annotations

import uuid

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

LOCK = "dashboards:rollup-refresh"


@shared_task(
    name="dashboards.tasks.refresh_rollups",
    # A nightly refresh of every campaign at province scale takes minutes, not seconds.
    soft_time_limit=max(settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.BROKER_VISIBILITY_TIMEOUT // 4),
    time_limit=max(settings.CELERY_TASK_TIME_LIMIT, settings.BROKER_VISIBILITY_TIMEOUT // 3),
)
def refresh_rollups(everything: bool = False) -> dict:
    """Refresh the rollups; a refresh still running elsewhere makes this one stand down."""
    from dashboards import rollup

    token = uuid.uuid4().hex
    if not cache.add(LOCK, token, timeout=settings.BROKER_VISIBILITY_TIMEOUT // 3):
        return {"skipped": "another refresh is running"}
    try:
        return rollup.refresh(everything=everything)
    finally:
        # Released only by its owner: when this run outlived the lock, another run may hold it now.
        if cache.get(LOCK) == token:
            cache.delete(LOCK)
