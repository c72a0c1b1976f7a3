"""Celery tasks of the reports app: thin callers of ``reports.services``."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError

from reports import services


@shared_task(
    name="reports.tasks.generate_campaign_report",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=settings.TASK_MAX_RETRIES,
)
def generate_campaign_report(report_id: int) -> None:
    """Generate one report (see ``services.report_run``); a second run does nothing."""
    try:
        services.report_run(report_id)
    except DatabaseError:
        raise
    except SoftTimeLimitExceeded:
        services.report_failed(report_id, "生成超时，请稍后重试或缩小报告范围。")
        raise
    except Exception as exc:  # a bug or bad data: the page says it failed instead of spinning forever
        services.report_failed(report_id, f"生成失败：{type(exc).__name__}")
        raise


# A queued generation's own task normally starts within seconds; one still queued after this lost it.
QUEUED_FOR = dt.timedelta(minutes=1)


@shared_task(name="reports.tasks.sweep_campaign_reports", acks_late=True, reject_on_worker_lost=True)
def sweep_campaign_reports() -> int:
    """Beat (every minute): send again the report generations whose task was lost (``services.reports_owed``)."""
    ids = services.reports_owed(queued_for=QUEUED_FOR)
    for report_id in ids:
        generate_campaign_report.delay(report_id)
    return len(ids)
