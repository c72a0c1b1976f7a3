"""Large roster imports run in the worker with a progress page: rows done, problems so far, time left;
the page survives a reload; the result is the same all-or-nothing as a small upload."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deputies import roster
from deputies.models import Deputy, ImportJob, ImportJobState
from tests.deputies.test_roster_import import make_row, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def background(monkeypatch):
    # Every upload counts as large, and progress is reported every 50 rows.
    monkeypatch.setattr(roster, "BACKGROUND_MIN_BYTES", 0)
    monkeypatch.setattr("deputies.roster.importing.PROGRESS_EVERY", 50)


@pytest.fixture
def in_process(monkeypatch):
    """The task runs in this process on commit, broker or not (the worker test below uses a real one)."""
    from deputies.tasks import run_roster_import

    monkeypatch.setattr(run_roster_import, "delay", lambda job_id: roster.import_job_run(job_id))


def _upload(client, rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("deputies:import"), {"file": xlsx_file(rows)})


def test_it_imports_a_large_roster_in_the_worker_and_shows_the_result(
    background, in_process, xuanen_office, client_as, django_capture_on_commit_callbacks
):
    # given
    client = client_as(xuanen_office)
    rows = [make_row(i) for i in range(120)]

    # when
    response = _upload(client, rows, django_capture_on_commit_callbacks)

    # then
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("deputies:import_job", args=[job.pk])
    assert job.state == ImportJobState.SUCCEEDED
    assert job.result["created"] == 120 and job.rows_done == 120 and job.rows_total == 120
    assert Deputy.objects.count() == 120
    assert not job.file  # the personal data file is gone once imported
    page = client.get(response["Location"])  # a reload shows the same finished job
    assert page.status_code == 200
    assert "导入完成" in page.content.decode() and "新增代表 120 人" in page.content.decode()
    status = client.get(reverse("deputies:import_job_status", args=[job.pk])).json()
    assert status["finished"] and status["percent"] == 100 and status["errors"] == 0


def test_it_refuses_a_large_roster_with_a_bad_row_and_changes_nothing(
    background, in_process, xuanen_office, client_as, django_capture_on_commit_callbacks
):
    client = client_as(xuanen_office)
    rows = [make_row(i) for i in range(80)]
    rows[60]["出生日期"] = "1975-13-40"
    rows[70]["代表层级"] = "村"

    response = _upload(client, rows, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.state == ImportJobState.REFUSED and job.errors_count == 2
    assert [e[0] for e in job.errors] == [62, 72]  # row numbers as Excel shows them
    assert Deputy.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "发现 2 处问题，未导入任何数据" in page
    report = client.get(reverse("deputies:import_job_errors", args=[job.pk]))
    assert report.status_code == 200 and "62" in report.content.decode("utf-8-sig")


def test_the_progress_counts_rows_and_problems_while_checking(background, xuanen_office, monkeypatch):
    seen = []
    monkeypatch.setattr("deputies.roster.importing.PROGRESS_EVERY", 25)
    rows = [make_row(i) for i in range(100)]
    rows[10]["出生日期"] = "not a date"
    upload = xlsx_file(rows)

    roster.import_roster(actor=xuanen_office, fileobj=upload, filename=upload.name, progress=lambda *a: seen.append(a))

    assert seen == [("checking", 25, 1), ("checking", 50, 1), ("checking", 75, 1), ("checking", 100, 1)]


def test_it_shows_a_running_job_with_time_left(background, xuanen_office, client_as):
    from django.utils import timezone

    job = ImportJob.objects.create(
        created_by=xuanen_office, original_name="big.xlsx", state=ImportJobState.CHECKING, rows_total=40000,
        rows_done=10000, errors_count=3, started_at=timezone.now() - timezone.timedelta(seconds=10),
    )
    status = client_as(xuanen_office).get(reverse("deputies:import_job_status", args=[job.pk])).json()
    assert status["percent"] == 25 and status["errors"] == 3 and not status["finished"]
    assert 25 <= status["seconds_left"] <= 35
    page = client_as(xuanen_office).get(reverse("deputies:import_job", args=[job.pk])).content.decode()
    assert "10000" in page and "40000" in page and 'value="25"' in page


def test_running_the_job_twice_imports_once(background, in_process, xuanen_office, django_capture_on_commit_callbacks):
    upload = xlsx_file([make_row(i) for i in range(30)])
    with django_capture_on_commit_callbacks(execute=True):
        job = roster.import_job_start(actor=xuanen_office, upload=upload)

    roster.import_job_run(job.pk)  # a second delivery of the same task

    job.refresh_from_db()
    assert job.state == ImportJobState.SUCCEEDED and Deputy.objects.count() == 30


def test_an_outsider_gets_404_for_someone_elses_job(background, xuanen_office, honghu_office, client_as):
    job = ImportJob.objects.create(created_by=xuanen_office, original_name="a.xlsx", errors=[[2, "姓名", "x"]])
    client = client_as(honghu_office)
    for name in ("deputies:import_job", "deputies:import_job_status", "deputies:import_job_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == ImportJobState.QUEUED


def test_a_township_clerk_cannot_open_the_job_pages(background, xuanen_office, xuanen_staff, client_as):
    job = ImportJob.objects.create(created_by=xuanen_office, original_name="a.xlsx", errors=[[2, "姓名", "x"]])
    client = client_as(xuanen_staff)
    # The roster is the offices' work: the clerk's role is refused before any job is looked up.
    for name in ("deputies:import_job", "deputies:import_job_status", "deputies:import_job_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 403, name


def test_a_small_roster_still_imports_within_the_request(xuanen_office, client_as):
    response = client_as(xuanen_office).post(reverse("deputies:import"), {"file": xlsx_file([make_row(i) for i in range(5)])})
    assert response.status_code == 302 and response["Location"] == reverse("deputies:list")
    assert not ImportJob.objects.exists() and Deputy.objects.count() == 5


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_large_roster(background, xuanen_office, client_as):
    from tests.worker import WorkerProcess, purge_queue, wait_for

    # given a worker on the broker
    purge_queue()
    worker = WorkerProcess(concurrency=1).start()
    try:
        # when an office uploads a large roster
        response = client_as(xuanen_office).post(reverse("deputies:import"), {"file": xlsx_file([make_row(i) for i in range(60)])})
        job = ImportJob.objects.get()
        # then the worker process imports it and the job row says so
        finished = wait_for(lambda: ImportJob.objects.filter(pk=job.pk, state=ImportJobState.SUCCEEDED).exists(), timeout=90)
    finally:
        worker.stop()
    assert response.status_code == 302
    assert finished, f"the worker did not finish the import; see {worker.log_path}"
    assert Deputy.objects.count() == 60
