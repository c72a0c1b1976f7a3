"""Notifications: the in-app inbox, email, and SMS through a pluggable backend.

Services never call these inside their transaction: they defer ``notify`` with
``transaction.on_commit`` so a rolled-back move sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.models import Role, User
from suggestions.models import Notification, Suggestion

logger = logging.getLogger(__name__)


class SMSBackend:
    """Interface of an SMS gateway: deployments plug in their provider's client."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSMSBackend(SMSBackend):
    """Writes the message to the log instead of sending it (the default; the number is masked)."""

    def send(self, phone: str, text: str) -> None:
        masked = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
        logger.info("SMS to %s: %s", masked, text)


def sms_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()


def _ancestor_prefixes(prefix: str) -> list[str]:
    return [prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(prefix)]


def offices_for(suggestion: Suggestion, *, roles: Iterable[str] = (Role.CONGRESS_OFFICE,)) -> QuerySet:
    """Office users whose scope covers the suggestion's region (the county office, the city's, …)."""
    return User.objects.filter(
        is_active=True, role__in=list(roles), region__prefix__in=_ancestor_prefixes(suggestion.region.prefix)
    )


def handlers_of(department_ids: Iterable[int]) -> QuerySet:
    return User.objects.filter(is_active=True, handler__department_id__in=list(department_ids))


def deputies_of(suggestion: Suggestion, *, co_signers: bool = False) -> QuerySet:
    condition = Q(deputy_profile__led_suggestions=suggestion)
    if co_signers:
        condition |= Q(deputy_profile__co_signatures__suggestion=suggestion)
    return User.objects.filter(condition, is_active=True).distinct()


def notify(user_ids: Iterable[int], *, title: str, body: str = "", suggestion_id: int | None = None, sms: bool = False) -> None:
    """Put a message in each user's inbox and email it; text it as well when ``sms`` (reminders)."""
    users = list(User.objects.filter(pk__in=set(user_ids), is_active=True))
    if not users:
        return
    url = reverse("suggestions:detail", args=[suggestion_id]) if suggestion_id else ""
    Notification.objects.bulk_create(
        [Notification(user=u, suggestion_id=suggestion_id, title=title[:200], body=body, url=url) for u in users]
    )
    for user in users:
        if user.email:
            try:
                send_mail(f"[代表行动] {title}", f"{body}\n\n{url}".strip(), None, [user.email])
            except Exception:  # a mail server being down must not undo the move; the inbox has it
                logger.exception("email to user %s failed", user.pk)
        if sms and user.phone:
            try:
                sms_backend().send(user.phone, f"【代表行动】{title}")
            except Exception:
                logger.exception("SMS to user %s failed", user.pk)


def notify_on_commit(users: Iterable[User] | QuerySet, **kwargs) -> None:
    """Resolve the recipients now (inside the transaction) and send after it commits."""
    ids = [u.pk for u in users]
    if ids:
        transaction.on_commit(lambda: notify(ids, **kwargs))
