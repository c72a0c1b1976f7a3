"""Real-browser journeys: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server. No browser is ever downloaded; without /usr/bin/chromium the journeys skip.

Fixtures for a journey:
- ``page``: a fresh browser context on a phone viewport (390×844), zh-CN, Asia/Shanghai;
  ``desktop_page`` for a 1280×900 one (dashboards);
- ``shot(page, "step")``: a screenshot under tests/e2e/screenshots/<test>/NN-step.png; a failing
  test also leaves ``failure.png`` there;
- ``sign_in(page, user)``: signs in through the real login form and waits for the home page;
- ``e2e_world``: the two-county world of tests/security/routes.py (users whose password is
  tests.conftest.PASSWORD), committed so the live server sees it;
- ``real_worker``: a real ``celery worker`` process (needs PostgreSQL and Redis: mark the test
  ``worker`` as well, it then skips on SQLite).

Every test under tests/e2e/ is marked ``e2e`` and ``slow`` (``make test-fast`` leaves the journeys out).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    here = str(Path(__file__).resolve().parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _router_loaded_as_at_server_start():
    """The live server stands for a web process, which loads the router when it starts
    (config/warmup.py); without this the first suggestion of a run would train the bundled
    classifier inside the deputy's request (on SQLite, where routing runs in the request) and the
    journey's click would wait for it. No database: the bundled model learns from the files."""
    from suggestions.routing.classifier import default_classifier

    default_classifier()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's ORM (used by the test
    # itself to arrange data) would otherwise refuse to run next to it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _screenshot_dir(request) -> Path:
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    path = SCREENSHOTS / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _fresh_screenshots(request):
    # Screenshots of an earlier run (a stale failure.png above all) would mislead.
    for old in _screenshot_dir(request).glob("*.png"):
        old.unlink()


def _page(browser, request, live_server, viewport):
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    # A CSP violation or a script error shows up here; a journey asserts there were none. A failed
    # load is left out: a form re-rendered with 400 is deliberate, and journeys check statuses.
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        try:
            page.screenshot(path=str(_screenshot_dir(request) / "failure.png"), full_page=True)
        except Exception:  # noqa: S110 - a broken page must not hide the real failure
            pass
    context.close()


@pytest.fixture
def page(browser, request, live_server):
    yield from _page(browser, request, live_server, PHONE)


@pytest.fixture
def desktop_page(browser, request, live_server):
    yield from _page(browser, request, live_server, DESKTOP)


@pytest.fixture
def shot(request):
    counter = {"n": 0}

    def take(page, step: str) -> Path:
        counter["n"] += 1
        path = _screenshot_dir(request) / f"{counter['n']:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in():
    from tests.conftest import PASSWORD

    def do(page, user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/$"))
        return page

    return do


@pytest.fixture
def e2e_world(transactional_db, tree):
    from tests.security.routes import World

    return World.make(tree)


@pytest.fixture
def real_worker(transactional_db):
    from tests.worker import WorkerProcess, purge_queue

    purge_queue()
    worker = WorkerProcess(concurrency=1).start()
    yield worker
    worker.stop()


@pytest.fixture
def worker(request):
    """A real worker where a broker exists; on SQLite Celery runs tasks eagerly in the server."""
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    return request.getfixturevalue("real_worker")
