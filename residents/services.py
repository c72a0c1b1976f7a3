"""Every write to residents' messages: the public submission, the reply and the adoption as a suggestion."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from config.exceptions import Conflict, PermissionRefused
from deputies.privacy import is_valid_phone, normalize_phone
from residents import notices, selectors
from residents.models import NAME_MAX, TEXT_MAX, UNRELEASED, HoldReason, MessageStatus, ResidentMessage
from suggestions.services import suggestion_create

logger = logging.getLogger(__name__)

TEXT_MIN = 5
REPLY_MAX = 2000
TITLE_MAX = 60


class RateLimited(Exception):
    """One address has sent far more than any resident would within the window: refused outright."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def address_hash(address: str) -> str:
    """A keyed hash of the sender's address: enough to count and to block, useless to identify."""
    return salted_hmac("residents.address", address or "-").hexdigest()


def hold_reason(*, station_id: int, submitter_hash: str) -> str:
    """Why a new message should wait for review (a ``HoldReason``), or "" to pass it on at once.

    A sliding window over the stored messages themselves (the last ``VOICE_RATE_WINDOW`` seconds,
    not a clock hour), so it needs no cache and a flood cannot reset it at the top of the hour:
    - an address past ``VOICE_RATE_PER_IP`` has its further messages held; past
      ``VOICE_REFUSE_PER_IP`` (far above what a shared village address sends) they are refused;
    - a station that passed ``VOICE_RATE_PER_STATION`` messages on has the rest held.
    A flood from many addresses thus fills the review queue, never refuses a genuine resident: their
    message is kept and the township's clerks release it.
    """
    since = timezone.now() - timedelta(seconds=settings.VOICE_RATE_WINDOW)
    sent = ResidentMessage.objects.filter(submitter_hash=submitter_hash, created_at__gte=since).count()
    if sent >= settings.VOICE_REFUSE_PER_IP:
        logger.warning("voice rate limit per address: refused (address hash %s…)", submitter_hash[:12])
        raise RateLimited(_("您留言过于频繁，请一小时后再试。"))
    if sent >= settings.VOICE_RATE_PER_IP:
        logger.warning("voice rate limit per address: held for review (address hash %s…)", submitter_hash[:12])
        return HoldReason.ADDRESS
    passed = ResidentMessage.objects.filter(station_id=station_id, created_at__gte=since).exclude(status__in=UNRELEASED).count()
    if passed >= settings.VOICE_RATE_PER_STATION:
        logger.warning("voice rate limit per station: held for review (station %s)", station_id)
        return HoldReason.STATION
    return ""


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
    held = hold_reason(station_id=station.pk, submitter_hash=submitter_hash)
    with transaction.atomic():
        message = ResidentMessage.objects.create(
            station=station, region=region or station.region, text=text, name=name, phone=phone, submitter_hash=submitter_hash,
            status=MessageStatus.HELD if held else MessageStatus.NEW, held_reason=held,
        )
        if not held:
            # The station's deputies and the township's clerks find it in 消息 (residents/notices.py):
            # recorded in the outbox with the message, sent by the worker.
            notices.notify_on_commit(message)
    logger.info("resident message %s received at station %s%s", message.pk, station.pk, " (held for review)" if held else "")
    return message


def _require_reviewer(actor, message: ResidentMessage) -> None:
    if not selectors.may_review(actor):
        raise PermissionRefused(_("待审核留言由乡镇人大工作人员和县级人大常委会审核。"))
    if not selectors.messages_visible_to(actor).filter(pk=message.pk).exists():
        raise PermissionRefused(_("这条留言不归您办理。"))


def message_release(message_id: int, *, actor) -> ResidentMessage:
    """放行: a held message goes to the station's deputies as if it had just arrived (and is notified)."""
    return _review(message_id, actor=actor, release=True)


def messages_review(message_ids, *, actor, release: bool) -> int:
    """Release or discard many held messages at once (a flood's queue, one page of 群众留言 → 待审核):
    only held messages the actor may review are touched; returns how many. The released are notified."""
    if not selectors.may_review(actor):
        raise PermissionRefused(_("待审核留言由乡镇人大工作人员和县级人大常委会审核。"))
    with transaction.atomic():
        held = list(
            selectors.messages_visible_to(actor)
            .select_for_update(of=("self",))
            .filter(pk__in=list(message_ids), status=MessageStatus.HELD)
            .select_related("station", "station__region")
        )
        ResidentMessage.objects.filter(pk__in=[m.pk for m in held]).update(
            status=MessageStatus.NEW if release else MessageStatus.DISCARDED, reviewed_by=actor, reviewed_at=timezone.now()
        )
        if release and held:
            notices.notify_on_commit(*held)
    return len(held)


def message_discard(message_id: int, *, actor) -> ResidentMessage:
    """不予处理: a held message (a flood, an advertisement) is kept for the record but goes no further."""
    return _review(message_id, actor=actor, release=False)


def _review(message_id: int, *, actor, release: bool) -> ResidentMessage:
    with transaction.atomic():
        message = _lock(message_id)
        _require_reviewer(actor, message)
        if message.status != MessageStatus.HELD:
            raise Conflict(_("这条留言不在待审核状态。"), code="not_held")
        message.status = MessageStatus.NEW if release else MessageStatus.DISCARDED
        message.reviewed_by, message.reviewed_at = actor, timezone.now()
        message.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        if release:
            notices.notify_on_commit(message)
    return message


def _lock(message_id: int) -> ResidentMessage:
    return ResidentMessage.objects.select_for_update().select_related("station", "region").get(pk=message_id)


def _require_handler(actor, message: ResidentMessage) -> None:
    # Visibility is checked by the caller's selector; here only the right to act on it.
    if not selectors.may_handle(actor):
        raise PermissionRefused(_("您可以查看留言，但回复和转为建议由联络站代表和县乡人大办理。"))
    if not selectors.messages_visible_to(actor).filter(pk=message.pk).exists():
        raise PermissionRefused(_("这条留言不归您办理。"))
    if message.status in UNRELEASED:
        raise Conflict(_("这条留言尚未放行，请先审核。"), code="not_released")


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
