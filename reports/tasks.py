"""Celery tasks of the reports app: thin callers of ``reports.services``."""

from __future__ import annotations

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
