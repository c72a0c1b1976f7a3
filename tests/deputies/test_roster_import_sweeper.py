"""A large roster import whose task was lost (the broker was down when it was saved, or the worker
died holding it) is sent again by beat's sweeper within about a minute: it is never left queued."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies import roster
from deputies.models import ImportJob, ImportJobState
from deputies.tasks import run_roster_import, sweep_roster_imports
from tests.deputies.test_roster_import import make_row, xlsx_file

pytestmark = pytest.mark.django_db


def _job(user, state, age: dt.timedelta) -> ImportJob:
    job = ImportJob.objects.create(created_by=user, original_name="名册.xlsx", rows_total=10)
    ImportJob.objects.filter(pk=job.pk).update(state=state, updated_at=timezone.now() - age)
    return job


def test_it_finds_jobs_that_lost_their_task_and_leaves_the_rest(xuanen_office):
    minute = dt.timedelta(minutes=1)
    lost = _job(xuanen_office, ImportJobState.QUEUED, 2 * minute)
    just_queued = _job(xuanen_office, ImportJobState.QUEUED, dt.timedelta(seconds=10))
    dead_worker = _job(xuanen_office, ImportJobState.WRITING, 20 * minute)
    running = _job(xuanen_office, ImportJobState.CHECKING, minute)
    finished = _job(xuanen_office, ImportJobState.SUCCEEDED, 60 * minute)
    owed = roster.import_jobs_owed(queued_for=minute)
    assert owed == [lost.pk, dead_worker.pk]
    assert not {just_queued.pk, running.pk, finished.pk} & set(owed)


def test_an_upload_while_the_broker_is_down_is_saved_and_sent_by_the_sweeper(
    monkeypatch, xuanen_office, client_as, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(roster, "BACKGROUND_MIN_BYTES", 0)

    def broker_down(*_args, **_kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_roster_import, "delay", broker_down)
    # when an office uploads a large roster while Redis is away
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(xuanen_office).post(reverse("deputies:import"), {"file": xlsx_file([make_row(i) for i in range(3)])})
    # then the job is saved and its page shown, not a 500
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == ImportJobState.QUEUED
    # and a minute later the sweeper sends it again, once Redis is back
    sent = []
    monkeypatch.setattr(run_roster_import, "delay", sent.append)
    assert sweep_roster_imports() == 0  # not yet: its own task may still be on its way
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=2))
    assert sweep_roster_imports() == 1
    assert sent == [job.pk]
