"""The unread count shown on every page (base.html's menu badge)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from suggestions.models import Notification


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never render the badge (JSON, files) pay no query.
    return {"unread_notifications": SimpleLazyObject(lambda: Notification.objects.filter(user=user, read_at__isnull=True).count())}
