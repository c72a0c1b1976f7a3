"""Who is told when a resident leaves a message: the station's deputies and the clerks of its
township, in the same inbox (消息) as suggestion notifications, with a link to the message."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from regions.models import PREFIX_LENGTH, RegionLevel
from residents import selectors
from suggestions.models import Notification


def recipients_of(message) -> list[int]:
    """Active logins of the station's current deputies and of township staff whose township holds the station."""
    station = message.station
    township_prefix = station.region.prefix[: PREFIX_LENGTH[RegionLevel.TOWNSHIP]]
    deputies = User.objects.filter(
        is_active=True, deputy_profile__in=selectors._current_assignments().filter(station=station).values("deputy_id")
    ).values_list("pk", flat=True)
    clerks = User.objects.filter(is_active=True, role=Role.TOWNSHIP_STAFF, region__prefix=township_prefix).values_list("pk", flat=True)
    return sorted(set(deputies) | set(clerks))


def notify_message_received(message) -> None:
    """Put a notice in each recipient's inbox; called after the message is committed."""
    url = reverse("residents:detail", args=[message.pk])
    title = _("新的群众留言：%(station)s") % {"station": message.station.name}
    body = message.text[:80] + ("…" if len(message.text) > 80 else "")
    Notification.objects.bulk_create(
        [Notification(user_id=pk, title=title[:200], body=body, url=url) for pk in recipients_of(message)]
    )


def notify_on_commit(message) -> None:
    transaction.on_commit(lambda: notify_message_received(message))
