"""Large imports in the worker: a job row, its progress and its result."""

from __future__ import annotations

from celery import current_app
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import PermissionRefused
from config.transient import TRANSIENT_ERRORS
from deputies.roster.columns import MAX_BYTES, RosterFileError
from deputies.roster.importing import check_importer, estimate_rows, import_roster

RUN_IMPORT_TASK = "deputies.tasks.run_roster_import"

# A job whose row has not moved for this long lost its worker (killed mid-run): it may be claimed again.
STALE_JOB_MINUTES = 15
KEPT_JOB_ERRORS = 20000


def import_job_start(*, actor, upload):
    """Save a large roster and queue its import in the worker; returns the ImportJob.

    The worker is sent the job's id after the row commits, so it always finds the file and the row.
    """
    from deputies.models import ImportJob
    check_importer(actor)
    if upload.size > MAX_BYTES:
        raise RosterFileError(_("文件过大：不能超过 %(limit)s MB。") % {"limit": MAX_BYTES // (1024 * 1024)})
    total = estimate_rows(upload, upload.name)
    upload.seek(0)
    with transaction.atomic():
        job = ImportJob(created_by=actor, original_name=upload.name[:200], rows_total=total)
        job.file.save(upload.name, upload, save=False)
        job.save()
        # By name, not by import: the tasks module imports this one (no cycle). Robust: a broker that
        # is down is logged instead of answering 500 for a job that is saved; the sweeper sends it.
        transaction.on_commit(lambda: current_app.tasks[RUN_IMPORT_TASK].delay(job.pk), robust=True)
    return job


def import_jobs_owed(*, queued_for) -> list[int]:
    """Jobs whose task was lost: still queued ``queued_for`` after their last change (the broker was
    down when they were saved, or a worker died holding the message), or left mid-run by a dead worker
    (no progress for STALE_JOB_MINUTES). Sending one again is harmless: the job is claimed once."""
    from datetime import timedelta

    from deputies.models import ImportJob, ImportJobState

    now = timezone.now()
    owed = ImportJob.objects.filter(
        Q(state=ImportJobState.QUEUED, updated_at__lt=now - queued_for)
        | Q(state__in=[ImportJobState.CHECKING, ImportJobState.WRITING], updated_at__lt=now - timedelta(minutes=STALE_JOB_MINUTES))
    )
    return list(owed.order_by("pk").values_list("pk", flat=True)[:100])


def import_job_run(job_id: int) -> None:
    """Run one queued import job: the same all-or-nothing ``import_roster``, reporting progress on the row.

    The job is claimed with a conditional UPDATE, so a second delivery of the task does nothing
    (unless the first worker died: a job stuck mid-way past STALE_JOB_MINUTES is claimed again, and
    since the write is one transaction, nothing of the dead attempt remains).
    """
    from datetime import timedelta

    from deputies.models import ImportJob, ImportJobState

    now = timezone.now()
    stale = now - timedelta(minutes=STALE_JOB_MINUTES)
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(Q(state=ImportJobState.QUEUED) | Q(state__in=[ImportJobState.CHECKING, ImportJobState.WRITING], updated_at__lt=stale))
        .update(state=ImportJobState.CHECKING, started_at=now, updated_at=now, rows_done=0, errors_count=0)
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("created_by", "created_by__region").get(pk=job_id)

    def progress(phase: str, rows: int, errors: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(state=phase, rows_done=rows, errors_count=errors, updated_at=timezone.now())

    def finish(state: str, **fields) -> None:
        ImportJob.objects.filter(pk=job_id).update(state=state, finished_at=timezone.now(), updated_at=timezone.now(), **fields)
        # The file holds personal data: keep it no longer than the import needs it.
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job_id).update(file="")

    try:
        with job.file.open("rb") as handle:
            result = import_roster(actor=job.created_by, fileobj=handle, filename=job.original_name, progress=progress)
    except RosterFileError as exc:
        finish(ImportJobState.REFUSED, message=str(exc))
        return
    except PermissionRefused as exc:
        finish(ImportJobState.FAILED, message=exc.message)
        return
    except TRANSIENT_ERRORS:
        # Transient: the task retries with backoff, and the retry must be able to claim the job.
        ImportJob.objects.filter(pk=job_id).update(state=ImportJobState.QUEUED, updated_at=timezone.now())
        raise
    if result.ok:
        finish(
            ImportJobState.SUCCEEDED,
            rows_done=result.rows,
            rows_total=result.rows,
            result={"rows": result.rows, "created": result.created, "updated": result.updated,
                    "mandates_created": result.mandates_created, "mandates_updated": result.mandates_updated},
        )
    else:
        finish(
            ImportJobState.REFUSED,
            rows_done=result.rows,
            rows_total=result.rows,
            errors_count=len(result.errors),
            errors=[[e.row, e.column, e.message] for e in result.errors[:KEPT_JOB_ERRORS]],
        )


def import_job_for(user, pk: int):
    """The user's own import job, or 404: a job (its file, its errors) belongs to whoever uploaded it."""
    from django.shortcuts import get_object_or_404

    from deputies.models import ImportJob

    return get_object_or_404(ImportJob, pk=pk, created_by=user)


def import_job_status(job) -> dict:
    """What the progress page shows: rows done of the total, errors so far, seconds left (estimated)."""
    total = max(job.rows_total, job.rows_done)
    left = None
    if job.started_at and not job.finished and job.rows_done and total:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        left = round(elapsed / job.rows_done * (total - job.rows_done)) if job.state == "checking" else None
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "finished": job.finished,
        "rows_done": job.rows_done,
        "rows_total": total,
        "percent": 100 if job.state == "succeeded" else (round(job.rows_done * 100 / total) if total else 0),
        "errors": job.errors_count,
        "seconds_left": left,
        "message": job.message,
        "result": job.result,
    }
