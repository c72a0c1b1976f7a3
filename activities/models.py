"""Campaigns (代表行动 themes) and the field activities logged under them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import RegionLevel
from regions.scope import copy_region_prefix, prefix_index


def validate_not_future(value) -> None:
    """An activity is logged after it happened: a date after today is a typing slip."""
    if value and value > timezone.localdate():
        raise ValidationError(_("活动日期不能晚于今天。"), code="future_date")


def _count_field(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0, validators=[MinValueValidator(0, message=_("数量不能为负数。"))])


class CampaignKind(models.TextChoices):
    MANDATED = "mandated", _("规定动作")
    SELF_CHOSEN = "self_chosen", _("自选动作")


class Campaign(models.Model):
    """A yearly theme. Mandated by the province (applies everywhere below it) or self-chosen by a
    city, county or township (applies to its own subtree)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("主题"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=CampaignKind.choices, default=CampaignKind.MANDATED)
    region = models.ForeignKey("regions.Region", verbose_name=_("组织区划"), on_delete=models.PROTECT, related_name="campaigns")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True)
    # Suggestion handling defaults for suggestions raised under this campaign.
    answer_months = models.PositiveSmallIntegerField(_("办理期限(月)"), default=3)
    return_window_days = models.PositiveSmallIntegerField(_("申请退回期限(工作日)"), default=7)
    cohandler_opinion_months = models.PositiveSmallIntegerField(_("协办意见期限(月)"), default=1)
    reminder_days = models.PositiveSmallIntegerField(_("到期前催办(工作日)"), default=5)
    long_overdue_days = models.PositiveSmallIntegerField(_("逾期通报(工作日)"), default=5)

    class Meta:
        verbose_name = _("代表行动")
        verbose_name_plural = _("代表行动")
        ordering = ["-year", "-start_date"]

    def __str__(self) -> str:
        return gettext("%(year)s年 %(title)s") % {"year": self.year, "title": self.title}

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("结束日期不能早于开始日期。")
        if self.region_id and self.kind == CampaignKind.MANDATED and self.region.level != RegionLevel.PROVINCE:
            errors["kind"] = _("规定动作由省人大常委会部署；市、县、乡镇请选择“自选动作”。")
        if self.region_id and self.kind == CampaignKind.SELF_CHOSEN and self.region.level == RegionLevel.PROVINCE:
            errors["kind"] = _("省级部署的代表行动请选择“规定动作”。")
        if errors:
            raise ValidationError(errors)

    def applies_to(self, region) -> bool:
        """A campaign covers its organising region and everything below it."""
        return region is not None and region.prefix.startswith(self.region.prefix)


class ActivityType(models.TextChoices):
    VISIT = "visit", _("走访")
    RECEPTION = "reception", _("接待选民/坐诊")
    OUTREACH = "outreach", _("出诊")
    CONSULTATION = "consultation", _("会诊")
    RESEARCH = "research", _("调研/视察")
    GROUP_MEETING = "group_meeting", _("小组活动")
    TRAINING = "training", _("培训")
    FOLLOW_UP = "follow_up", _("回头看")


class Activity(models.Model):
    type = models.CharField(_("活动类型"), max_length=16, choices=ActivityType.choices, default=ActivityType.VISIT)
    campaigns = models.ManyToManyField(Campaign, related_name="activities", verbose_name=_("代表行动"), blank=True)
    date = models.DateField(_("日期"), validators=[validate_not_future])
    start_time = models.TimeField(_("时间"), null=True, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("地点(乡镇/村)"), on_delete=models.PROTECT, related_name="activities")
    # The region's prefix, copied on save (regions.scope.copy_region_prefix): scope is a range of one
    # indexed column of this table, not a join to the region tree on every list.
    region_prefix = models.CharField(_("区划代码前缀"), max_length=12, default="", db_default="", editable=False)
    station = models.ForeignKey(
        "liaison_stations.LiaisonStation", verbose_name=_("联络站"), null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    group = models.ForeignKey(
        "deputies.DeputyGroup", verbose_name=_("代表小组"), null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    deputies = models.ManyToManyField("deputies.Deputy", through="Attendance", related_name="activities", verbose_name=_("参加代表"))
    households_visited = _count_field(_("走访农户数"))
    enterprises_visited = _count_field(_("走访企业数"))
    people_reached = _count_field(_("联系群众人数"))
    person_times = _count_field(_("培训人次"))
    summary = models.TextField(_("活动情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="activities_logged"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["region_prefix", "updated_at"])

    class Meta:
        verbose_name = _("履职活动")
        verbose_name_plural = _("履职活动")
        ordering = ["-date", "-id"]
        indexes = [
            # Lists and dashboards: activities in a region subtree over a date range, by type.
            models.Index(fields=["region", "date"], name="activity_region_date_idx"),
            models.Index(fields=["type", "date"], name="activity_type_date_idx"),
            # Duty points (duty.totals): attendances of the year's activities by type are counted per
            # deputy from the index alone (PostgreSQL covers the id; no visit to the table per row).
            models.Index(fields=["type", "date"], include=["id"], name="activity_type_date_cover_idx"),
            # The lists' order (newest first): the first page of a million activities is read from
            # the index instead of sorting them all.
            models.Index(fields=["-date", "-id"], name="activity_newest_idx"),
            # Scope: a region subtree is a range of this index (LIKE '4228%'). With the type and date,
            # a county's count of its lists (all, one type, since a date) is read from the index alone,
            # not from ~10,000 table pages scattered over a million rows.
            prefix_index("region_prefix", "type", "date", name="activity_scope_type_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_type_display()}"

    def save(self, *args, **kwargs):
        copy_region_prefix(self, kwargs)
        super().save(*args, **kwargs)


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        verbose_name = _("出席")
        verbose_name_plural = _("出席")
        constraints = [models.UniqueConstraint(fields=["activity", "deputy"], name="attendance_unique")]
        indexes = [models.Index(fields=["deputy", "activity"], name="attendance_deputy_idx")]


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to="activity_photos/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")


class IssueRaised(models.Model):
    """A matter residents raised during an activity; may become a draft suggestion."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="issues")
    text = models.CharField(_("反映问题"), max_length=500)
    deputies = models.ManyToManyField("deputies.Deputy", related_name="issues_heard", blank=True, verbose_name=_("听取代表"))

    class Meta:
        verbose_name = _("反映问题")
        verbose_name_plural = _("反映问题")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]
