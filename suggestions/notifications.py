"""Notifications: the in-app inbox, email, and SMS through a pluggable backend.

Services record what to send in the outbox (``send_notices_on_commit``, ``notify_on_commit``) inside
their transaction: a rolled-back move sends nothing, and a committed one is sent by the worker even if
a worker is killed or the broker is down on the way (``suggestions.side_effects``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.models import Role, User
from suggestions import side_effects
from suggestions.models import Notification, SideEffect, SideEffectKind, Suggestion

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
    """One message to some users: what ``notify`` sends, kept so a batch can send many at once.

    ``url`` defaults to the suggestion's page; ``email`` False keeps it to the inbox (and SMS if ``sms``).
    """

    user_ids: tuple[int, ...]
    title: str
    body: str = ""
    suggestion_id: int | None = None
    sms: bool = False
    url: str = ""
    email: bool = True

    def as_payload(self) -> dict:
        """What the outbox row keeps (JSON)."""
        # str(): a title or body may hold lazy translations (a choice's label), resolved in the language now active.
        return {
            **asdict(self), "user_ids": list(dict.fromkeys(self.user_ids)), "title": str(self.title), "body": str(self.body), "url": str(self.url),
        }

    @classmethod
    def from_payload(cls, payload: dict) -> Notice:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in payload.items() if k in known}
        return cls(**{**values, "user_ids": tuple(values.get("user_ids", ()))})


def send_notices(notices: Iterable[Notice], *, side_effect_ids: Iterable[int | None] | None = None) -> None:
    """Put each message in its users' inboxes (one query for the users, one insert for all), then
    email them, and text them as well where ``sms`` (reminders, new assignments).

    With ``side_effect_ids`` (the outbox rows being delivered, one per notice) each inbox message
    names its row, and a row's message to a user is written once however often the row is delivered."""
    notices = list(notices)
    sources = list(side_effect_ids) if side_effect_ids is not None else [None] * len(notices)
    pairs = [(n, source) for n, source in zip(notices, sources, strict=True) if n.user_ids]
    if not pairs:
        return
    users = {u.pk: u for u in User.objects.filter(pk__in={i for n, _s in pairs for i in n.user_ids}, is_active=True)}
    rows, outbox = [], []
    for notice, source in pairs:
        url = notice.url or (reverse("suggestions:detail", args=[notice.suggestion_id]) if notice.suggestion_id else "")
        for user in (users[i] for i in dict.fromkeys(notice.user_ids) if i in users):
            rows.append(Notification(
                user=user, suggestion_id=notice.suggestion_id, title=notice.title[:200], body=notice.body, url=url, side_effect_id=source,
            ))
            outbox.append((user, notice, url))
    Notification.objects.bulk_create(rows, ignore_conflicts=any(source is not None for _n, source in pairs))
    for user, notice, url in outbox:
        if notice.email and user.email:
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
    """Record the notices in the outbox, in the current transaction: the worker sends them once it
    commits (nothing for one that rolls back), and the sweeper does should that task be lost."""
    notices = [n for n in notices if n.user_ids]
    if notices:
        side_effects.record(SideEffectKind.NOTICE, [n.as_payload() for n in notices])


def deliver_notices(effects: list[SideEffect]) -> None:
    """The outbox's handler for notices: send the locked rows' notices (``side_effects.deliver``)."""
    send_notices([Notice.from_payload(e.payload) for e in effects], side_effect_ids=[e.pk for e in effects])


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
    """Resolve the recipients now (inside the transaction) and record the notice in the outbox."""
    ids = [u.pk for u in users]
    if ids:
        send_notices_on_commit([Notice(tuple(ids), **kwargs)])
