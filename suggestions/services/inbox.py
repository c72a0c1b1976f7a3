"""The user's notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from suggestions.models import (
    Notification,
)


def notifications_mark_read(*, actor, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all of them when no ids are given)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
