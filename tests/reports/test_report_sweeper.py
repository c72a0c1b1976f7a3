"""A report generation whose task was lost (the broker was down when it was asked for, or the worker
died holding it) is sent again by beat's sweeper within about a minute: it is never left queued."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports import services
from reports.models import CampaignReport, ReportState
from reports.tasks import generate_campaign_report, sweep_campaign_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(tree, xuanen_office, campaign):
    return CampaignReport.objects.create(region=tree.xuanen, campaign=campaign, created_by=xuanen_office)


def test_a_generation_asked_for_while_the_broker_is_down_is_sent_by_the_sweeper(
    report, xuanen_office, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*_args, **_kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(generate_campaign_report, "delay", broker_down)
    # when the office asks for the report while Redis is away: it is queued, not an error
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_generate(actor=xuanen_office, report=report) is True
    report.refresh_from_db()
    assert report.state == ReportState.QUEUED
    # then the sweeper sends it again a minute later (not before: its own task may be on its way)
    sent = []
    monkeypatch.setattr(generate_campaign_report, "delay", sent.append)
    assert sweep_campaign_reports() == 0
    CampaignReport.objects.filter(pk=report.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=2))
    assert sweep_campaign_reports() == 1
    assert sent == [report.pk]


def test_a_generation_left_running_by_a_dead_worker_is_sent_again_and_a_live_one_is_not(report):
    now = timezone.now()
    CampaignReport.objects.filter(pk=report.pk).update(state=ReportState.RUNNING, started_at=now - dt.timedelta(minutes=2))
    assert services.reports_owed(queued_for=dt.timedelta(minutes=1)) == []
    CampaignReport.objects.filter(pk=report.pk).update(started_at=now - dt.timedelta(minutes=services.STALE_MINUTES + 1))
    assert services.reports_owed(queued_for=dt.timedelta(minutes=1)) == [report.pk]
