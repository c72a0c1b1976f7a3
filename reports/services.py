"""Campaign reports: create one, edit what the office writes around the figures, generate it in the
worker (progress on the row, as the roster import does), and the documents for the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation

from accounts.scope import has_scope, in_scope, region_in_scope
from activities.models import Campaign
from dashboards.selectors import DASHBOARD_ROLES, campaigns_for
from regions.models import Region
from reports import content as report_content
from reports import document, writing
from reports.content import Progress
from reports.models import CampaignReport, ReportState

# Offices and township staff (the township congress): whoever may open the region's dashboard.
REPORT_ROLES = DASHBOARD_ROLES
# A generation still "running" this long after its last progress was left by a dead worker.
STALE_MINUTES = 15


def may_report(user) -> bool:
    return has_scope(user) and (user.is_superuser or user.role in REPORT_ROLES)


def reports_visible_to(user) -> QuerySet[CampaignReport]:
    """Reports of regions inside the user's scope (a colleague's report of the same county too)."""
    if not may_report(user):
        return CampaignReport.objects.none()
    return in_scope(CampaignReport.objects.select_related("region", "campaign", "created_by", "requested_by"), user, "region")


def report_for(user, pk) -> CampaignReport:
    """One report inside the user's scope, or 404 (the same answer as for a missing id)."""
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


class ReportRefused(Exception):
    """A request the report cannot take; the message is for the page."""


@dataclass
class Built:
    content: dict[str, Any]
    composed: dict[str, Any]
    docx: bytes


def build(
    *,
    user,
    region: Region,
    campaign: Campaign,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    opening: str = "",
    closing: str = "",
    case_ids: list[int] | None = None,
    today: dt.date | None = None,
    progress: Progress = report_content._nothing,
) -> Built:
    """Gather, write and lay out one report (.docx); the PDF is ``document.docx_to_pdf`` of it."""
    from config.statements import roomy_reads

    # The figures' large statements run once per report: planned without JIT (it cost 1.5–4.4 s apiece).
    with translation.override("zh-hans"), roomy_reads():
        data = report_content.gather(
            user=user, region=region, campaign=campaign, date_from=date_from, date_to=date_to, today=today, case_ids=case_ids,
            progress=progress,
        )
    with translation.override("zh-hans"):
        composed = writing.compose(data, opening=opening, closing=closing)
        progress(75, "排版与图表")
        return Built(data, composed, document.write_docx(composed, data))


def report_create(*, actor, region: Region, campaign: Campaign, date_from=None, date_to=None) -> CampaignReport:
    """A new report (draft) of a region in the actor's scope for a campaign that applies there."""
    if not may_report(actor) or not region_in_scope(actor, region):
        raise Http404
    if campaign.pk not in {c.pk for c in campaigns_for(region)}:
        raise ReportRefused("该代表行动不适用于所选区划。")
    if date_from and date_to and date_from > date_to:
        raise ReportRefused("起始日期不能晚于截止日期。")
    return CampaignReport.objects.create(
        region=region, campaign=campaign, date_from=date_from, date_to=date_to, created_by=actor
    )


class EditConflict(Exception):
    """Someone saved the report since this form was opened."""


def report_edit(*, actor, report: CampaignReport, opening: str, closing: str, case_ids: list[int], version: str) -> None:
    """Keep the office's opening, closing and chosen cases; refused if another save came first."""
    if version != report.updated_at.isoformat():
        raise EditConflict
    changed = CampaignReport.objects.filter(pk=report.pk, updated_at=report.updated_at).update(
        opening=opening.strip(), closing=closing.strip(), case_ids=case_ids, updated_at=timezone.now()
    )
    if changed != 1:
        raise EditConflict


def report_generate(*, actor, report: CampaignReport) -> bool:
    """Queue a (re)generation; False when one is already queued or running (the other click won)."""
    from reports.tasks import generate_campaign_report

    with transaction.atomic():
        claimed = CampaignReport.objects.filter(
            pk=report.pk, state__in=[ReportState.DRAFT, ReportState.DONE, ReportState.FAILED]
        ).update(
            state=ReportState.QUEUED, percent=0, step="排队等待", message="", requested_by=actor, requested_at=timezone.now(),
            started_at=None, finished_at=None,
        )
        if claimed == 1:
            # Robust: a broker that is down is logged, not a 500; the sweeper sends it once it is back.
            transaction.on_commit(lambda: generate_campaign_report.delay(report.pk), robust=True)
    return claimed == 1


def reports_owed(*, queued_for: dt.timedelta) -> list[int]:
    """Generations whose task was lost: queued ``queued_for`` after they were asked for (the broker
    was down, or a worker died holding the message), or left running by a dead worker (STALE_MINUTES).
    Sending one again is harmless: a generation is claimed once."""
    now = timezone.now()
    owed = CampaignReport.objects.filter(
        Q(state=ReportState.QUEUED, requested_at__lt=now - queued_for)
        | Q(state=ReportState.RUNNING, started_at__lt=now - dt.timedelta(minutes=STALE_MINUTES))
    )
    return list(owed.order_by("pk").values_list("pk", flat=True)[:100])


def _filename(report: CampaignReport, ext: str) -> str:
    return f"report-{report.region.code}-{report.campaign_id}-{report.pk}.{ext}"


def report_run(report_id: int) -> None:
    """Generate one queued report in the worker. Claimed with a conditional UPDATE, so a second
    delivery does nothing (a generation left running by a dead worker is claimed again)."""
    now = timezone.now()
    stale = now - dt.timedelta(minutes=STALE_MINUTES)
    claimed = (
        CampaignReport.objects.filter(pk=report_id)
        .filter(Q(state=ReportState.QUEUED) | Q(state=ReportState.RUNNING, started_at__lt=stale))
        .update(state=ReportState.RUNNING, started_at=now, percent=1, step="开始")
    )
    if claimed != 1:
        return
    report = CampaignReport.objects.select_related("region", "campaign", "requested_by", "created_by").get(pk=report_id)
    user = report.requested_by or report.created_by

    def progress(percent: int, step: str) -> None:
        CampaignReport.objects.filter(pk=report_id).update(percent=percent, step=step)

    try:
        built = build(
            user=user, region=report.region, campaign=report.campaign, date_from=report.date_from, date_to=report.date_to,
            opening=report.opening, closing=report.closing, case_ids=report.case_ids, progress=progress,
        )
    except DatabaseError:
        # Transient: the task retries, and the retry must be able to claim the report.
        CampaignReport.objects.filter(pk=report_id).update(state=ReportState.QUEUED)
        raise
    progress(85, "转换 PDF")
    pdf, pdf_message = None, ""
    try:
        pdf = document.docx_to_pdf(built.docx)
    except document.PdfUnavailable as exc:
        pdf_message = str(exc)
    for field in (report.docx, report.pdf):
        if field:
            field.delete(save=False)
    report.docx.save(_filename(report, "docx"), ContentFile(built.docx), save=False)
    if pdf is not None:
        report.pdf.save(_filename(report, "pdf"), ContentFile(pdf), save=False)
    CampaignReport.objects.filter(pk=report_id).update(
        state=ReportState.DONE, percent=100, step="完成", finished_at=timezone.now(), docx=report.docx.name,
        pdf=report.pdf.name if pdf is not None else "", pdf_message=pdf_message,
        figures={"totals": built.content["totals"], "extra": built.content["extra"], "case_ids": built.content["case_ids"]},
    )


def report_failed(report_id: int, message: str) -> None:
    CampaignReport.objects.filter(pk=report_id).exclude(state=ReportState.DONE).update(
        state=ReportState.FAILED, finished_at=timezone.now(), message=message
    )


def report_status(report: CampaignReport) -> dict[str, Any]:
    """What the progress bar shows (polled as JSON by the page)."""
    return {
        "state": report.state,
        "state_label": str(report.get_state_display()),
        "finished": report.finished,
        "percent": report.percent,
        "step": report.step,
        "message": report.message,
    }


def report_filters(user, report: CampaignReport):
    from dashboards.figures import Filters

    return Filters.build(user=user, region=report.region, campaign=report.campaign, date_from=report.date_from, date_to=report.date_to)


def report_cases(user, report: CampaignReport) -> tuple[list[dict[str, Any]], list[int]]:
    """The qualifying suggestions offered for the typical cases (rule order), and the ids now chosen:
    the office's choice, else the rules' pick."""
    from reports import cases

    filters = report_filters(user, report)
    chosen = cases.valid_choice(filters, report.case_ids) if report.case_ids else cases.pick(filters)
    offered = cases.ranked(filters, limit=cases.CANDIDATES_OFFERED)
    missing = [pk for pk in chosen if pk not in {row["id"] for row in offered}]
    if missing:
        offered += cases.ranked(filters, ids=missing)
    return offered, chosen


def report_defaults(report: CampaignReport) -> tuple[str, str]:
    """The generated opening and closing, shown in the form when the office has written none."""
    header = {
        "region": {"name": report.region.name},
        "campaign": {
            "title": report.campaign.title, "year": report.campaign.year, "kind": str(report.campaign.kind),
            "set_by": report.campaign.region.name, "start": report.campaign.start_date.isoformat(),
            "end": report.campaign.end_date.isoformat(),
        },
        "from": report.date_from.isoformat() if report.date_from else None,
        "to": report.date_to.isoformat() if report.date_to else None,
    }
    return writing.default_opening(header), writing.default_closing(header)
