"""Celery tasks of the deputies app: thin callers of the roster importer."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from config.transient import TRANSIENT_ERRORS
from deputies import roster


@shared_task(
    name="deputies.tasks.run_roster_import",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=settings.TASK_MAX_RETRIES,
)
def run_roster_import(job_id: int) -> None:
    """Import a large roster in the worker (see ``roster.import_job_run``); a second run does nothing."""
    roster.import_job_run(job_id)
