"""The unread count shown on every page (base.html's menu badge)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from suggestions.models import Notification


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Usually already loaded with the user (suggestions.auth.InboxModelBackend); otherwise one
    # query, and only if the page renders the badge.
    count = getattr(user, "unread_notifications_count", None)
    if count is not None:
        return {"unread_notifications": count}
    return {"unread_notifications": SimpleLazyObject(lambda: Notification.objects.filter(user=user, read_at__isnull=True).count())}
