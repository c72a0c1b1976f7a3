"""Every write to residents' messages: the public submission, the reply and the adoption as a suggestion."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from config.exceptions import Conflict, PermissionRefused
from deputies.privacy import is_valid_phone, normalize_phone
from residents import notices, selectors
from residents.models import NAME_MAX, TEXT_MAX, MessageStatus, ResidentMessage
from suggestions.services import suggestion_create

logger = logging.getLogger(__name__)

TEXT_MIN = 5
REPLY_MAX = 2000
TITLE_MAX = 60
RATE_WINDOW = 3600


class RateLimited(Exception):
    """Too many messages from one address or to one station within the hour."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def address_hash(address: str) -> str:
    """A keyed hash of the sender's address: enough to count and to block, useless to identify."""
    return salted_hmac("residents.address", address or "-").hexdigest()


def _bucket() -> int:
    return int(timezone.now().timestamp()) // RATE_WINDOW


def _over_limit(key: str, limit: int) -> bool:
    """Count one more hit in this hour's window; true once the window holds more than ``limit``."""
    cache.add(key, 0, RATE_WINDOW + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, RATE_WINDOW + 60)
        count = 1
    return count > limit


def check_rate(*, station_id: int, submitter_hash: str) -> None:
    """Raise ``RateLimited`` when the address or the station has sent too much this hour."""
    bucket = _bucket()
    if _over_limit(f"voice:ip:{submitter_hash}:{bucket}", settings.VOICE_RATE_PER_IP):
        logger.warning("voice rate limit per address hit (address hash %s…)", submitter_hash[:12])
        raise RateLimited(_("您留言过于频繁，请一小时后再试。"))
    if _over_limit(f"voice:station:{station_id}:{bucket}", settings.VOICE_RATE_PER_STATION):
        logger.warning("voice rate limit per station hit (station %s)", station_id)
        raise RateLimited(_("该联络站本时段留言过多，请稍后再试。"))


def message_submit(*, station, text: str, region=None, name: str = "", phone: str = "", submitter_hash: str) -> ResidentMessage:
    """A resident's message through the station's public form (no login): checked, rate-limited, saved."""
    text = (text or "").strip()
    name = (name or "").strip()
    phone = normalize_phone(phone)
    errors = {}
    if len(text) < TEXT_MIN:
        errors["text"] = [_("请把情况写清楚一些（至少 %(n)d 个字）。") % {"n": TEXT_MIN}]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("留言最多 %(n)d 个字。") % {"n": TEXT_MAX}]
    if len(name) > NAME_MAX:
        errors["name"] = [_("姓名最多 %(n)d 个字。") % {"n": NAME_MAX}]
    if phone and not is_valid_phone(phone):
        errors["phone"] = [_("请填写正确的手机或固定电话号码。")]
    if region is not None and not selectors.villages_of(station).filter(pk=region.pk).exists():
        errors["region"] = [_("请选择本联络站所在乡镇的村(社区)。")]
    if errors:
        raise ValidationError(errors)
    check_rate(station_id=station.pk, submitter_hash=submitter_hash)
    with transaction.atomic():
        message = ResidentMessage.objects.create(
            station=station, region=region or station.region, text=text, name=name, phone=phone, submitter_hash=submitter_hash
        )
        # The station's deputies and the township's clerks find it in 消息 (residents/notices.py):
        # recorded in the outbox with the message, sent by the worker.
        notices.notify_on_commit(message)
    logger.info("resident message %s received at station %s", message.pk, station.pk)
    return message


def _lock(message_id: int) -> ResidentMessage:
    return ResidentMessage.objects.select_for_update().select_related("station", "region").get(pk=message_id)


def _require_handler(actor, message: ResidentMessage) -> None:
    # Visibility is checked by the caller's selector; here only the right to act on it.
    if not selectors.may_handle(actor):
        raise PermissionRefused(_("您可以查看留言，但回复和转为建议由联络站代表和县乡人大办理。"))
    if not selectors.messages_visible_to(actor).filter(pk=message.pk).exists():
        raise PermissionRefused(_("这条留言不归您办理。"))


def message_reply(message_id: int, *, actor, text: str) -> ResidentMessage:
    """Answer the resident (they read it through their private link); a later reply replaces it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("请填写回复内容。")})
    if len(text) > REPLY_MAX:
        raise ValidationError({"reply": _("回复最多 %(n)d 个字。") % {"n": REPLY_MAX}})
    with transaction.atomic():
        message = _lock(message_id)
        _require_handler(actor, message)
        message.reply = text
        message.replied_by = actor
        message.replied_at = timezone.now()
        fields = ["reply", "replied_by", "replied_at"]
        if message.status == MessageStatus.NEW:
            message.status = MessageStatus.REPLIED
            fields.append("status")
        message.save(update_fields=fields)
    return message


def message_adopt(message_id: int, *, actor, title: str = "", lead_deputy=None):
    """Turn a message into a draft suggestion (one click), linked both ways; a message is adopted once."""
    with transaction.atomic():
        message = _lock(message_id)
        _require_handler(actor, message)
        if message.status == MessageStatus.ADOPTED or message.suggestion_id:
            raise Conflict(_("这条留言已经转为建议。"), code="already_adopted")
        if actor.is_deputy:
            lead_deputy = getattr(actor, "deputy_profile", None)
        elif lead_deputy is None or not selectors.station_deputies(message).filter(pk=lead_deputy.pk).exists():
            raise ValidationError({"lead_deputy": _("请选择本联络站的一位代表作为领衔代表。")})
        if lead_deputy is None:
            raise PermissionRefused(_("您的账号尚未关联代表信息。"))
        title = (title or "").strip() or _("群众反映：%(text)s") % {"text": message.text[:TITLE_MAX]}
        suggestion = suggestion_create(
            actor=actor,
            title=title[:200],
            content=_("%(text)s\n\n（来源：%(station)s 群众留言）") % {"text": message.text, "station": message.station.name},
            region=message.region,
            lead_deputy=lead_deputy,
        )
        message.suggestion = suggestion
        message.status = MessageStatus.ADOPTED
        message.save(update_fields=["suggestion", "status"])
    return suggestion
