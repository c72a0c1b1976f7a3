"""Celery tasks of the deputies app: thin callers of the roster importer."""

from __future__ import annotations

import datetime as dt

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


# A queued job's own task normally starts within seconds; one still queued after this lost it.
QUEUED_FOR = dt.timedelta(minutes=1)


@shared_task(name="deputies.tasks.sweep_roster_imports", acks_late=True, reject_on_worker_lost=True)
def sweep_roster_imports() -> int:
    """Beat (every minute): send again the import jobs whose task was lost (``roster.import_jobs_owed``)."""
    ids = roster.import_jobs_owed(queued_for=QUEUED_FOR)
    for job_id in ids:
        run_roster_import.delay(job_id)
    return len(ids)
