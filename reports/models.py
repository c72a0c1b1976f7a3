"""A campaign report (代表行动情况报告): who asked for it, for which region and campaign, what the
office wrote around the figures, and the files the worker generated (kept for download again)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    DRAFT = "draft", _("待生成")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


FINISHED_STATES = {ReportState.DRAFT, ReportState.DONE, ReportState.FAILED}


class CampaignReport(models.Model):
    region = models.ForeignKey("regions.Region", verbose_name=_("报告区划"), on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        "activities.Campaign", verbose_name=_("代表行动"), on_delete=models.PROTECT, related_name="reports"
    )
    date_from = models.DateField(_("起始日期"), null=True, blank=True)
    date_to = models.DateField(_("截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # What the office writes around the figures; empty means the generated default.
    opening = models.TextField(_("开头段落"), blank=True)
    closing = models.TextField(_("结尾段落"), blank=True)
    # The typical cases the office chose (suggestion ids, in order); empty means the picker's choice.
    case_ids = models.JSONField(_("典型案例"), default=list, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    percent = models.PositiveSmallIntegerField(_("进度"), default=0)
    step = models.CharField(_("当前步骤"), max_length=64, blank=True)
    message = models.TextField(_("说明"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("生成人")
    )
    requested_at = models.DateTimeField(_("申请生成时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    docx = models.FileField(_("Word 文档"), upload_to="reports/%Y/%m/", blank=True)
    pdf = models.FileField(_("PDF 文档"), upload_to="reports/%Y/%m/", blank=True)
    # Why there is no PDF (LibreOffice missing or failed), shown beside the PDF button.
    pdf_message = models.CharField(_("PDF 说明"), max_length=200, blank=True)
    # The figures as the document printed them: a later check compares them with the dashboard.
    figures = models.JSONField(_("报告数字"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("代表行动情况报告")
        verbose_name_plural = _("代表行动情况报告")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.campaign.title}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES
