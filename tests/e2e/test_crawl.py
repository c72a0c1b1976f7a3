"""Every page works on a phone, for every role: the crawl of tests/e2e/crawl.py over the demo data.

Signs in as each demo user (seed_demo's, password ``demo``), opens every page reachable from the
menu and from the objects those pages list (a bounded number of each kind), and checks each page at
390×844, then resized in place to 1366×768. It fails on a document wider than the screen (or a list still scrolling sideways on a
phone), a link answering 404 or 5xx, a serious or critical axe-core violation, English words in
the Chinese interface, or a choice that says nothing ("---------", 未知), at either size. One page
load serves both sizes: the demo data is seeded, each user signed in and each page rendered once.
Screenshots of the pages
with a finding go to tests/e2e/screenshots/crawl/<user>-<width>/ (gitignored); ``E2E_SCREENSHOTS=all``
keeps one of every page, for looking them over.
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_USERS
from tests.e2e.conftest import CHROMIUM_ARGS, SCREENSHOTS, TIMEOUT_MS
from tests.e2e.crawl import Crawler, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1366, "height": 768}]
MAX_PAGES = 30


@pytest.fixture
def demo_world(transactional_db):
    call_command("load_regions", verbosity=0)
    call_command("seed_demo", password="demo", force=True, verbosity=0)
    return [username for username, _label in DEMO_USERS]


def test_every_page_works_for_every_demo_role(browser, live_server, demo_world):
    assert CHROMIUM_ARGS  # the shared browser fixture launches Debian's Chromium with these
    findings = []
    visited = 0
    for username in demo_world:
        context = browser.new_context(
            viewport=VIEWPORTS[0], locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        try:
            sign_in(page, live_server.url, username, "demo")
            crawler = Crawler(
                context,
                live_server.url,
                shots=SCREENSHOTS / "crawl" / username,
                max_pages=MAX_PAGES,
                data_words={username, *username.split("-")},
                every_shot=os.environ.get("E2E_SCREENSHOTS") == "all",
                viewports=VIEWPORTS,
            )
            result = crawler.run(page)
        finally:
            context.close()
        visited += len(result.visited)
        # Seen as it goes (pytest -s): a crawl of every role takes minutes.
        print(f"{username}: {len(result.visited)} pages, {len(result.findings)} findings", flush=True)
        findings += [f"{username} {f}" for f in result.findings]
        findings += [f"{username} script error: {e}" for e in errors]
        # Each role reaches more than its start page.
        assert len(result.visited) > 3, (username, result.visited)
    assert visited > 0
    assert findings == [], "\n".join(findings)
