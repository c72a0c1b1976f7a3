"""Residents' voice (群众留言): messages left through a station's QR code, and the hot-issue clusters."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 1000
NAME_MAX = 32
PHONE_MAX = 20


def new_token() -> str:
    return secrets.token_urlsafe(24)


class MessageStatus(models.TextChoices):
    NEW = "new", _("待回复")
    REPLIED = "replied", _("已回复")
    ADOPTED = "adopted", _("已转为建议")
    # Kept back for review when the sender or the station sent too much within the window
    # (residents/services.py); the station's clerks and county office release or discard it.
    HELD = "held", _("待审核")
    DISCARDED = "discarded", _("不予处理")


# Not (yet) passed on: no deputy sees them, nothing is notified, no hot issue counts them.
UNRELEASED = (MessageStatus.HELD, MessageStatus.DISCARDED)


class HoldReason(models.TextChoices):
    ADDRESS = "address", _("同一来源短时间内留言过多")
    STATION = "station", _("本站短时间内留言过多")


class ResidentMessage(models.Model):
    station = models.ForeignKey(
        "liaison_stations.LiaisonStation", verbose_name=_("联络站"), on_delete=models.PROTECT, related_name="resident_messages"
    )
    # Where the matter is (a village of the station's township); the station's region when not given.
    region = models.ForeignKey("regions.Region", verbose_name=_("所在村(社区)"), on_delete=models.PROTECT, related_name="resident_messages")
    text = models.TextField(_("留言内容"), max_length=TEXT_MAX)
    name = models.CharField(_("姓名"), max_length=NAME_MAX, blank=True)
    phone = models.CharField(_("联系电话"), max_length=PHONE_MAX, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.NEW)
    reply = models.TextField(_("回复"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回复人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    # The resident's private link to follow the reply; shown once, after sending.
    token = models.CharField(_("查询码"), max_length=64, unique=True, default=new_token, editable=False)
    suggestion = models.OneToOneField(
        "suggestions.Suggestion",
        verbose_name=_("转为建议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_message",
    )
    # A keyed hash of the sender's address, for rate limiting and abuse review; never the address itself.
    submitter_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Why a message was held for review, and who released or discarded it.
    held_reason = models.CharField(_("待审核原因"), max_length=16, choices=HoldReason.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("留言时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众留言")
        verbose_name_plural = _("群众留言")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox: a station's messages by state; scope filters go through station__region.
            models.Index(fields=["station", "status", "created_at"], name="message_station_status_idx"),
            models.Index(fields=["created_at"], name="message_created_idx"),
            # The sliding window per sender address (residents/services.py hold_reason).
            models.Index(fields=["submitter_hash", "created_at"], name="message_sender_created_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:30]

    def get_absolute_url(self) -> str:
        return reverse("residents:detail", args=[self.pk])


class HotIssue(models.Model):
    """One cluster of suggestions and messages about the same matter, computed weekly."""

    computed_at = models.DateTimeField(_("计算时间"), db_index=True)
    campaign = models.ForeignKey(
        "activities.Campaign", verbose_name=_("代表行动"), null=True, blank=True, on_delete=models.CASCADE, related_name="hot_issues"
    )
    label = models.CharField(_("关键词"), max_length=200)
    terms = models.JSONField(_("关键词列表"), default=list)
    size = models.PositiveIntegerField(_("件数"), default=0)
    suggestion_count = models.PositiveIntegerField(_("建议数"), default=0)
    message_count = models.PositiveIntegerField(_("留言数"), default=0)
    # Region prefixes (county level) with counts, and category codes with counts.
    regions = models.JSONField(_("涉及区划"), default=dict)
    categories = models.JSONField(_("类别"), default=dict)
    answered_count = models.PositiveIntegerField(_("已答复数"), default=0)
    satisfied_count = models.PositiveIntegerField(_("满意数"), default=0)
    rated_count = models.PositiveIntegerField(_("已评价数"), default=0)
    # The smallest region containing every item: the cluster is visible to offices at or above it.
    scope_prefix = models.CharField(_("覆盖区划前缀"), max_length=12, default="")
    suggestions = models.ManyToManyField("suggestions.Suggestion", related_name="hot_issues", verbose_name=_("建议"))
    messages = models.ManyToManyField(ResidentMessage, related_name="hot_issues", verbose_name=_("留言"))

    class Meta:
        verbose_name = _("热点问题")
        verbose_name_plural = _("热点问题")
        ordering = ["-computed_at", "-size", "id"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("residents:hot_detail", args=[self.pk])

    @property
    def satisfaction(self) -> float | None:
        return round(self.satisfied_count / self.rated_count, 2) if self.rated_count else None
