"""Tasks retry only what is transient; the dashboard refresh lock is released only by its owner."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from kombu.exceptions import OperationalError as BrokerOperationalError

from dashboards import tasks as dashboard_tasks
from deputies.tasks import run_roster_import
from suggestions.tasks import route_suggestion


@pytest.mark.parametrize("task", [route_suggestion, run_roster_import])
def test_tasks_retry_transient_errors_only(task):
    retried = tuple(task.autoretry_for)
    for transient in (OperationalError, InterfaceError, BrokerOperationalError):
        assert issubclass(transient, retried), transient
    for bug in (IntegrityError, ProgrammingError, ValueError):
        assert not issubclass(bug, retried), bug


def test_a_refresh_that_outlived_its_lock_leaves_the_next_owners_lock(monkeypatch):
    # given a refresh so slow that its lock expired and another run took it
    def slow_refresh(everything=False):
        cache.set(dashboard_tasks.LOCK, "the-next-run", 60)
        return {"refreshed": 0}

    monkeypatch.setattr("dashboards.rollup.refresh", slow_refresh)
    # when the slow one finishes
    dashboard_tasks.refresh_rollups()
    # then the other run's lock is still there
    assert cache.get(dashboard_tasks.LOCK) == "the-next-run"


def test_a_refresh_releases_its_own_lock(monkeypatch):
    monkeypatch.setattr("dashboards.rollup.refresh", lambda everything=False: {"refreshed": 0})
    dashboard_tasks.refresh_rollups()
    assert cache.get(dashboard_tasks.LOCK) is None
