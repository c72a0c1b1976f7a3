"""Housekeeping of accounts' own tables, run by beat."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.models import IdempotencyKey

BATCH = 5000


@shared_task(name="accounts.tasks.prune_idempotency_keys")
def prune_idempotency_keys() -> int:
    """Forget the ``Idempotency-Key``s older than ``IDEMPOTENCY_KEY_DAYS`` (daily, config/settings.py).

    A key only has to outlive the resends of its submission: the outbox sends within hours or days
    of the signal returning. An older key sent again would create a new row. Deleted in batches so a
    first run over a large table holds no long lock. Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=settings.IDEMPOTENCY_KEY_DAYS)
    deleted = 0
    while True:
        ids = list(IdempotencyKey.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return deleted
        deleted += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
