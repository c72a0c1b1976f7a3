"""Django's ModelBackend, with the unread-message count fetched in the same query as the user.

Every page shows the unread badge (``context_processors.inbox``). Loading the user for the session
is a query every page already makes; a subquery column on it makes the badge free instead of one
more query on every page of every app.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from suggestions.models import Notification


def unread_count_subquery():
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)


class InboxModelBackend(ModelBackend):
    def get_user(self, user_id):
        # The region comes with the user: every scoped page and query asks for it.
        users = get_user_model()._default_manager.select_related("region").annotate(unread_notifications_count=unread_count_subquery())
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
