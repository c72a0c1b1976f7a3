"""Who is told when a resident leaves a message: the station's deputies and the clerks of its
township, in the same inbox (消息) as suggestion notifications, with a link to the message."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from regions.models import PREFIX_LENGTH, RegionLevel
from residents import selectors
from suggestions.notifications import Notice, send_notices_on_commit


def recipients_of(message) -> list[int]:
    """Active logins of the station's current deputies and of township staff whose township holds the station."""
    station = message.station
    township_prefix = station.region.prefix[: PREFIX_LENGTH[RegionLevel.TOWNSHIP]]
    deputies = User.objects.filter(
        is_active=True, deputy_profile__in=selectors._current_assignments().filter(station=station).values("deputy_id")
    ).values_list("pk", flat=True)
    clerks = User.objects.filter(is_active=True, role=Role.TOWNSHIP_STAFF, region__prefix=township_prefix).values_list("pk", flat=True)
    return sorted(set(deputies) | set(clerks))


def message_notice(message) -> Notice:
    """The notice each recipient gets: the station's name, the start of the text, a link to the message."""
    title = _("新的群众留言：%(station)s") % {"station": message.station.name}
    body = message.text[:80] + ("…" if len(message.text) > 80 else "")
    # Inbox only, as before the outbox: a resident's message is not mailed or texted to anyone.
    return Notice(tuple(recipients_of(message)), title[:200], body, url=reverse("residents:detail", args=[message.pk]), email=False)


def notify_on_commit(*messages) -> None:
    """Record the messages' notices in the outbox inside the caller's transaction (one write for all of
    them); the worker puts them in the inboxes."""
    send_notices_on_commit([message_notice(message) for message in messages])
