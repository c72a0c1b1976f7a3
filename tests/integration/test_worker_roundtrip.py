"""A task sent through Redis to a real ``celery worker`` process changes the database."""

import uuid

import pytest

from health.models import WorkerHeartbeat
from health.tasks import record_heartbeat
from tests.worker import WorkerProcess, purge_queue, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_real_worker_runs_a_task_and_writes_the_database():
    # given a worker on the broker and an empty queue
    purge_queue()
    worker = WorkerProcess(concurrency=1).start()
    hostname = f"roundtrip-{uuid.uuid4()}"
    try:
        # when a task is sent through the broker
        record_heartbeat.delay(hostname)
        # then the worker process writes its effect into the test database
        found = wait_for(lambda: WorkerHeartbeat.objects.filter(hostname=hostname).exists(), timeout=60)
    finally:
        worker.stop()
    assert found, f"the worker did not run the task; see {worker.log_path}"
