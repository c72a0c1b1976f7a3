"""Shared fixtures: a small region tree, one persona per role, API clients, service markers.

Personas follow the house habit: an owner (inside the region), and an outsider (another county's
office or township) who must get 404s.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.models import Role
from regions.models import Region, RegionLevel
from tests.factories.accounts import UserFactory

PASSWORD = "correct-horse-battery"

# Hypothesis: on a developer's machine every run draws new examples (and replays the failures it
# found, from .hypothesis/); in CI the draw is fixed (derandomize), so a submission never lands or fails
# by the luck of the draw. A failure found once is kept in the test as an explicit ``@example``.
# HYPOTHESIS_PROFILE=ci reproduces CI's draw locally.
hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
hypothesis_settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def chinese_first():
    """Every test starts in the site language. A request with the English cookie leaves English active
    in the thread (Django's locale middleware does not reset it), which must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class Tree:
    province: Region
    enshi: Region
    xuanen: Region
    zhushan: Region
    zhushan_village: Region
    jiaoyuan: Region
    jingzhou: Region
    honghu: Region
    fengkou: Region
    fengkou_village: Region


_TREE_CODES = [
    "420000", "422800", "422825", "422825100", "421000", "421083", "421083101", "422825100200", "422825101",
    "421083101200",
]


def make_tree() -> Tree:
    """The two counties every test knows. What already exists (``load_regions`` ran, or a module's
    tree) is used as it is; the rest is inserted: one lookup and an INSERT per region, not a
    get-or-create with its savepoint each (this runs before most of the suite's tests)."""
    existing = {r.code: r for r in Region.objects.filter(code__in=_TREE_CODES)}

    def _region(code, name, level, parent=None):
        if code not in existing:
            existing[code] = Region.objects.create(code=code, name=name, level=level, parent=parent)
        return existing[code]

    province = _region("420000", "湖北省", RegionLevel.PROVINCE)
    enshi = _region("422800", "恩施土家族苗族自治州", RegionLevel.CITY, province)
    xuanen = _region("422825", "宣恩县", RegionLevel.COUNTY, enshi)
    zhushan = _region("422825100", "珠山镇", RegionLevel.TOWNSHIP, xuanen)
    jingzhou = _region("421000", "荆州市", RegionLevel.CITY, province)
    honghu = _region("421083", "洪湖市", RegionLevel.COUNTY, jingzhou)
    fengkou = _region("421083101", "峰口镇", RegionLevel.TOWNSHIP, honghu)
    return Tree(
        province=province,
        enshi=enshi,
        xuanen=xuanen,
        zhushan=zhushan,
        zhushan_village=_region("422825100200", "东门社区", RegionLevel.VILLAGE, zhushan),
        jiaoyuan=_region("422825101", "椒园镇", RegionLevel.TOWNSHIP, xuanen),
        jingzhou=jingzhou,
        honghu=honghu,
        fengkou=fengkou,
        fengkou_village=_region("421083101200", "西坪村", RegionLevel.VILLAGE, fengkou),
    )


@pytest.fixture
def tree(db) -> Tree:
    return make_tree()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """An outer transaction around a whole test module, for rows made once and read by all its tests.

    A module-scoped fixture that depends on this one makes its rows before the module's first test
    that asks for it (pytest sets up wider-scoped fixtures first). Each test's own transaction is a
    savepoint inside this one, rolled back after the test: what a test writes is gone for the next,
    and the module's rows are gone after the module. Only for modules without ``transaction=True``
    tests. Hand tests instances re-read with ``fresh()``, so a change one test makes to an instance in
    memory does not reach the next.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    yield django_db_blocker
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_tree(module_db) -> Tree:
    with module_db.unblock():
        return make_tree()


def fresh(value):
    """``value`` with every model instance in it read again from the database (lists, dicts, dataclasses)."""
    from dataclasses import fields, is_dataclass, replace

    from django.db.models import Model

    if isinstance(value, Model):
        return type(value)._default_manager.get(pk=value.pk)
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: fresh(getattr(value, f.name)) for f in fields(value) if f.init})
    return value


@pytest.fixture
def provincial(tree):
    return UserFactory(username="provincial", role=Role.PROVINCIAL_OFFICE, region=tree.province)


@pytest.fixture
def xuanen_office(tree):
    return UserFactory(username="xuanen", role=Role.CONGRESS_OFFICE, region=tree.xuanen)


@pytest.fixture
def honghu_office(tree):
    return UserFactory(username="honghu", role=Role.CONGRESS_OFFICE, region=tree.honghu)


@pytest.fixture
def xuanen_staff(tree):
    return UserFactory(username="xuanen-township", role=Role.TOWNSHIP_STAFF, region=tree.zhushan)


@pytest.fixture
def honghu_staff(tree):
    return UserFactory(username="honghu-township", role=Role.TOWNSHIP_STAFF, region=tree.fengkou)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)`` → an APIClient authenticated as that user (session-less, forced)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def client_as(client):
    """``client_as(user)`` → the Django test client logged in as that user."""
    from django.test import Client

    def make(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def side_effects_in_process(monkeypatch):
    """The outbox's prompt task (notices, indexing) runs in this process when the transaction commits,
    as in the embedded mode, even where a broker is configured; every other task goes where it would.
    For tests about who is told, not about the worker (tests/integration covers a real one)."""
    from config.celery import app

    task = app.tasks["suggestions.tasks.deliver_side_effects"]
    monkeypatch.setattr(task, "apply_async", lambda args=None, kwargs=None, **_options: task.apply(args, kwargs))


# --- services --------------------------------------------------------------------------------


def _reachable(url: str | None, default_port: int) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.hookimpl(trylast=True)  # after tests/e2e/conftest.py has marked its journeys
def pytest_collection_modifyitems(config, items):
    """Long tests first in each process's share: the phone crawl, the other browser journeys, then the
    single long checks (a real worker, a retrain, cross-validation, a tick simulation: marked ``worker``
    or ``slow`` and not one case of many); everything else keeps its collected order.

    ``make test`` runs pytest-xdist with ``--dist worksteal``, which hands each of N processes one
    contiguous Nth of this list and lets a process that runs dry take half of another's remaining
    queue. So the long tests are dealt out round-robin to the head of each share: they start at once
    on different processes (a test waiting on a worker process leaves its core to the others), and
    the run ends on short tests that can be shared, not on one long one."""

    def weight(item) -> int:
        if "test_crawl.py" in item.nodeid:
            return 0
        if item.get_closest_marker("e2e"):
            return 1
        if (item.get_closest_marker("worker") or item.get_closest_marker("slow")) and not hasattr(item, "callspec"):
            return 2
        return 3

    ordered = sorted(items, key=weight)
    long = [item for item in ordered if weight(item) < 3]
    rest = [item for item in ordered if weight(item) == 3]
    processes = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    shares: list[list] = [long[i::processes] for i in range(processes)]
    # worksteal's first split: each process in turn gets len(remaining) // processes-still-to-serve.
    remaining = len(items)
    for index, share in enumerate(shares):
        size = remaining // (processes - index)
        remaining -= size
        take = max(0, size - len(share))
        share.extend(rest[:take])
        del rest[:take]
    shares[-1].extend(rest)
    items[:] = [item for share in shares for item in share]


def pytest_runtest_setup(item):
    markers = {m.name for m in item.iter_markers()}
    is_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if markers & {"postgres", "worker"} and not is_postgres:
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (make test does where it answers)")
    if markers & {"redis", "worker"} and not _reachable(os.environ.get("CELERY_BROKER_URL"), 6379):
        pytest.skip("needs Redis: run with CELERY_BROKER_URL=redis://… (make test does where it answers)")


def _redis_namespace() -> str:
    """This test process's own name in a shared Redis: its test database's name (pytest-django's
    ``test_<NAME>``, plus ``_gwN`` under pytest-xdist), so parallel processes and other checkouts
    using other databases never read each other's cache keys or tasks."""
    name = os.path.basename(str(settings.DATABASES["default"]["NAME"])) or "sqlite"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"test_{name}" + (f"_{worker}" if worker else "")


def _clear_own_keys(self, *args, **kwargs):
    """``cache.clear()`` limited to this process's key prefix. Django's Redis backend empties the whole
    database (FLUSHDB), which under xdist would wipe the other processes' cache and celery queues."""
    client = self._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    return True


def pytest_configure(config):
    # Tests make users by the hundred and sign them in; the production hasher (PBKDF2, a million
    # rounds: a third of a second a password) is the project's setting, not what the tests measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _own_redis_namespace()


def _own_redis_namespace():
    """Under Redis, each test process keeps its cache keys under its own prefix and sends its tasks to
    its own queue (a real worker started by a test reads that queue: tests/worker.py)."""
    if not os.environ.get("CELERY_BROKER_URL") and not os.environ.get("CACHE_URL"):
        return
    from asgiref.local import Local
    from django.core.cache import caches, close_caches
    from django.core.cache.backends.redis import RedisCache

    from config.celery import app

    namespace = _redis_namespace()
    queue = f"deputy_action_{namespace}"
    os.environ["CELERY_QUEUE"] = queue  # the worker processes a test starts inherit it
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.task_default_queue = queue
    for alias in settings.CACHES:
        settings.CACHES[alias]["KEY_PREFIX"] = namespace
    close_caches()
    caches._settings = caches.settings = caches.configure_settings(None)
    caches._connections = Local()
    RedisCache.clear = _clear_own_keys


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles, lock-outs and dashboard caches must not leak from one test into the next."""
    from django.core.cache import cache

    from config.throttling import _local_counts

    cache.clear()
    _local_counts.clear()  # the throttle's own count while Redis is away, kept in this process
    yield
