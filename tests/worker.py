"""A real ``celery worker`` process for tests that claim to cover the worker.

It runs against the test database of the current session (pytest-django's ``test_…`` database), so
tests that use it must commit their data: mark them ``django_db(transaction=True)``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url_for_current_connection() -> str:
    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class WorkerProcess:
    def __init__(self, *, concurrency: int = 2, log_path: Path | None = None, extra_env: dict | None = None, extra_args: list | None = None):
        self.concurrency = concurrency
        self.extra_args = list(extra_args or [])  # e.g. ["--beat", "--schedule", path]: beat inside the worker
        self.log_path = log_path or ROOT / "var" / "test-worker.log"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        env = dict(os.environ)
        env["DATABASE_URL"] = database_url_for_current_connection()
        env["DATABASE_CONN_MAX_AGE"] = "0"
        env.update(self.extra_env)
        return env

    def start(self) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--loglevel=INFO", f"--concurrency={self.concurrency}", "--pool=prefork",
                "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h", *self.extra_args,
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its pool children), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def purge_queue() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)


def wait_for(predicate, *, timeout: float = 60.0, interval: float = 0.2):
    """Poll ``predicate`` until it returns a truthy value or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class StallingSMSBackend:
    """An SMS gateway that hangs (``SMS_BACKEND=tests.worker.StallingSMSBackend`` in a worker's
    environment): it writes the file named by ``SMS_STALL_MARKER`` and waits, so a test can SIGKILL
    the worker in the middle of delivering a notice."""

    def send(self, phone: str, text: str) -> None:
        Path(os.environ["SMS_STALL_MARKER"]).write_text(text, encoding="utf-8")
        time.sleep(float(os.environ.get("SMS_STALL_SECONDS", "300")))
