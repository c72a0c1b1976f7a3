"""A real ``celery worker`` loads the router and the similarity check when it starts (in its main
process before it forks, and checks again in each pool process), so its first routing task does not."""

import pytest

from config.warmup import LOADED_MESSAGE
from tests.worker import WorkerProcess, purge_queue, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_starting_worker_warms_up_its_main_process_and_its_pool(tmp_path):
    purge_queue()
    log = tmp_path / "worker.log"
    worker = WorkerProcess(concurrency=1, log_path=log).start()
    done = LOADED_MESSAGE.split("%")[0]  # "warm-up done in "

    def warmed_twice():
        lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if done in line]
        return len(lines) >= 2 and all(line.endswith("suggestions") for line in lines)

    try:
        found = wait_for(warmed_twice, timeout=120)
    finally:
        worker.stop()
    assert found, log.read_text(encoding="utf-8", errors="replace")[-3000:]
