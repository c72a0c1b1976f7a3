"""Notifications: the in-app inbox, email, and SMS through a pluggable backend.

Services never call these inside their transaction: they defer ``notify`` with
``transaction.on_commit`` so a rolled-back move sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Notice:
    """One message to some users: what ``notify`` sends, kept so a batch can send many at once."""

    user_ids: tuple[int, ...]
    title: str
    body: str = ""
    suggestion_id: int | None = None
    sms: bool = False


def send_notices(notices: Iterable[Notice]) -> None:
    """Put each message in its users' inboxes (one query for the users, one insert for all), then
    email them, and text them as well where ``sms`` (reminders, new assignments)."""
    notices = [n for n in notices if n.user_ids]
    if not notices:
        return
    users = {u.pk: u for u in User.objects.filter(pk__in={i for n in notices for i in n.user_ids}, is_active=True)}
    rows, outbox = [], []
    for notice in notices:
        url = reverse("suggestions:detail", args=[notice.suggestion_id]) if notice.suggestion_id else ""
        for user in (users[i] for i in dict.fromkeys(notice.user_ids) if i in users):
            rows.append(Notification(user=user, suggestion_id=notice.suggestion_id, title=notice.title[:200], body=notice.body, url=url))
            outbox.append((user, notice, url))
    Notification.objects.bulk_create(rows)
    for user, notice, url in outbox:
        if user.email:
            try:
                send_mail(f"[代表行动] {notice.title}", f"{notice.body}\n\n{url}".strip(), None, [user.email])
            except Exception:  # a mail server being down must not undo the move; the inbox has it
                logger.exception("email to user %s failed", user.pk)
        if notice.sms and user.phone:
            try:
                sms_backend().send(user.phone, f"【代表行动】{notice.title}")
            except Exception:
                logger.exception("SMS to user %s failed", user.pk)


def notify(user_ids: Iterable[int], *, title: str, body: str = "", suggestion_id: int | None = None, sms: bool = False) -> None:
    """Put a message in each user's inbox and email it; text it as well when ``sms`` (reminders)."""
    send_notices([Notice(tuple(user_ids), title, body, suggestion_id, sms)])


def send_notices_on_commit(notices: Iterable[Notice]) -> None:
    """Send after the current transaction commits (nothing for one that rolls back)."""
    notices = [n for n in notices if n.user_ids]
    if notices:
        transaction.on_commit(lambda: send_notices(notices))


# --- recipients of many suggestions at once (the router's batches) -----------------------------------


def handler_ids_by_department(department_ids: Iterable[int]) -> dict[int, list[int]]:
    """Active handlers of each department: one query for all of them."""
    found: dict[int, list[int]] = {}
    rows = User.objects.filter(is_active=True, handler__department_id__in=set(department_ids))
    for user_id, department_id in rows.values_list("pk", "handler__department_id").order_by("pk"):
        found.setdefault(department_id, []).append(user_id)
    return found


def lead_deputy_user_ids(suggestions: Iterable[Suggestion]) -> dict[int, list[int]]:
    """The active login of each suggestion's lead deputy (what ``deputies_of`` finds), in one query."""
    suggestions = list(suggestions)
    logins = dict(
        User.objects.filter(is_active=True, deputy_profile__in={s.lead_deputy_id for s in suggestions})
        .values_list("deputy_profile", "pk")
        .order_by("pk")
    )
    return {s.pk: [logins[s.lead_deputy_id]] if s.lead_deputy_id in logins else [] for s in suggestions}


def office_ids_by_suggestion(suggestions: Iterable[Suggestion], *, roles: Iterable[str] = (Role.CONGRESS_OFFICE,)) -> dict[int, list[int]]:
    """The office users ``offices_for`` finds for each suggestion (their scope covers its region), in one query."""
    suggestions = list(suggestions)
    wanted = {p for s in suggestions for p in _ancestor_prefixes(s.region.prefix)}
    offices = list(
        User.objects.filter(is_active=True, role__in=list(roles), region__prefix__in=wanted).values_list("pk", "region__prefix").order_by("pk")
    )
    return {
        s.pk: [pk for pk, prefix in offices if prefix in _ancestor_prefixes(s.region.prefix)] for s in suggestions
    }


def notify_on_commit(users: Iterable[User] | QuerySet, **kwargs) -> None:
    """Resolve the recipients now (inside the transaction) and send after it commits."""
    ids = [u.pk for u in users]
    if ids:
        transaction.on_commit(lambda: notify(ids, **kwargs))
