"""Duty points (履职积分) and the report to voters (代表向选民述职).

Each congress (the congress region of a mandate) keeps a scheme of point rules per year. A rule is
versioned: a change is a new row with the date it applies from, so points earned before it keep the
old value and a past year's rules are never edited. Scores are never stored: they are computed from
the record (``duty.record`` and ``duty.scoring``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    # Activities the deputy attended, by type (activities.ActivityType).
    VISIT = "activity_visit", _("走访群众/企业")
    RECEPTION = "activity_reception", _("接待选民日")
    OUTREACH = "activity_outreach", _("出诊")
    CONSULTATION = "activity_consultation", _("会诊")
    RESEARCH = "activity_research", _("调研/视察")
    GROUP_MEETING = "activity_group_meeting", _("小组活动")
    TRAINING = "activity_training", _("参加培训")
    FOLLOW_UP = "activity_follow_up", _("回头看")
    # Suggestions (only those the record of duty counts: never drafts or withdrawn ones).
    SUGGESTION_SUBMITTED = "suggestion_submitted", _("领衔提出建议")
    SUGGESTION_COSIGNED = "suggestion_cosigned", _("附议建议")
    SUGGESTION_ANSWERED_A = "suggestion_answered_a", _("建议办理结果为A类")
    SUGGESTION_SATISFIED = "suggestion_satisfied", _("建议答复测评满意")
    # Residents' messages the deputy replied to.
    MESSAGE_REPLIED = "message_replied", _("回复群众留言")
    # The 述职 meeting the office recorded.
    VOTER_REPORT = "voter_report", _("向选民述职")
    # Entered by the office.
    SESSION_ATTENDANCE = "session_attendance", _("出席人代会")
    ABSENCE = "absence", _("无故缺席(扣分)")


ACTIVITY_KINDS = {
    RuleKind.VISIT: "visit",
    RuleKind.RECEPTION: "reception",
    RuleKind.OUTREACH: "outreach",
    RuleKind.CONSULTATION: "consultation",
    RuleKind.RESEARCH: "research",
    RuleKind.GROUP_MEETING: "group_meeting",
    RuleKind.TRAINING: "training",
    RuleKind.FOLLOW_UP: "follow_up",
}


class EntryKind(models.TextChoices):
    """What only the office knows and enters by hand."""

    SESSION_ATTENDANCE = RuleKind.SESSION_ATTENDANCE.value, RuleKind.SESSION_ATTENDANCE.label
    ABSENCE = RuleKind.ABSENCE.value, RuleKind.ABSENCE.label


class PointScheme(models.Model):
    """One congress's duty-point scheme for one year: its rules and the threshold it ranks against."""

    congress_region = models.ForeignKey(
        "regions.Region", verbose_name=_("人大所在区划"), on_delete=models.PROTECT, related_name="point_schemes"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    threshold = models.DecimalField(_("达标分数线"), max_digits=7, decimal_places=1, default=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分办法")
        verbose_name_plural = _("积分办法")
        ordering = ["-year", "congress_region__code"]
        constraints = [models.UniqueConstraint(fields=["congress_region", "year"], name="point_scheme_unique")]

    def __str__(self) -> str:
        return f"{self.congress_region.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("duty:rules", args=[self.year])


class PointRule(models.Model):
    """One version of one rule: from ``effective_from`` on (until the next version), each duty of
    ``kind`` earns ``points`` (negative for a deduction), up to ``ceiling`` a year (in absolute value)."""

    scheme = models.ForeignKey(PointScheme, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("积分项目"), max_length=32, choices=RuleKind.choices)
    points = models.DecimalField(_("每次分值"), max_digits=6, decimal_places=1)
    ceiling = models.DecimalField(
        _("年度上限"), max_digits=7, decimal_places=1, null=True, blank=True, help_text=_("留空表示不设上限；扣分项为最多扣分。")
    )
    effective_from = models.DateField(_("生效日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["kind", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["scheme", "kind", "effective_from"], name="point_rule_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class OfficeEntry(models.Model):
    """A duty only the office can attest (attendance at the congress session, absence without leave)."""

    congress_region = models.ForeignKey(
        "regions.Region", verbose_name=_("人大所在区划"), on_delete=models.PROTECT, related_name="duty_entries"
    )
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="duty_entries")
    kind = models.CharField(_("类型"), max_length=32, choices=EntryKind.choices)
    date = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("机关登记履职")
        verbose_name_plural = _("机关登记履职")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["deputy", "date"], name="duty_entry_deputy_date_idx")]


class MeetingRating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ReportMeeting(models.Model):
    """述职会: the deputy reported to the voters; the office records it and the voters' rating."""

    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="report_meetings")
    date = models.DateField(_("述职日期"))
    station = models.ForeignKey(
        "liaison_stations.LiaisonStation", verbose_name=_("述职地点(联络站)"), on_delete=models.PROTECT, related_name="report_meetings"
    )
    voters_present = models.PositiveIntegerField(_("参加选民人数"))
    rating = models.CharField(_("选民测评"), max_length=24, choices=MeetingRating.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("述职会")
        verbose_name_plural = _("述职会")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["deputy", "date"], name="report_meeting_deputy_idx")]


class VoterReport(models.Model):
    """The deputy's report to voters for a year, as edited and saved (the draft comes from the record)."""

    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="voter_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("述职报告")
        verbose_name_plural = _("述职报告")
        constraints = [models.UniqueConstraint(fields=["deputy", "year"], name="voter_report_unique")]


class PublicPage(models.Model):
    """Whether the deputy's public page (reached from the station's QR page) is hidden."""

    deputy = models.OneToOneField("deputies.Deputy", on_delete=models.CASCADE, related_name="public_page")
    hidden = models.BooleanField(_("不公开"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("代表公开页")
        verbose_name_plural = _("代表公开页")
