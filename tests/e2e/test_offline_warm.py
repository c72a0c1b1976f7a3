"""The forms kept for offline use are fetched ahead once a sign-in and an hour, not on every page view: on
village data a page view must not cost two more whole pages (static/js/outbox.js, config/offline.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.offline import eventually, wait_until_installed

pytestmark = pytest.mark.django_db(transaction=True)

KEPT = ("/activities/new/", "/suggestions/new/")


def test_the_offline_forms_are_fetched_ahead_once_not_on_every_page(page, sign_in, e2e_world):
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.resource_type == "fetch" and r.url.endswith(KEPT) else None)
    sign_in(page, e2e_world.insiders["township_staff"])
    wait_until_installed(page)
    # the first page after signing in keeps both forms (the warm-up is remembered once both are in the cache)
    eventually(page, "() => localStorage.getItem('outbox-warm') !== null")
    for path in ("/activities/", "/", "/activities/"):
        page.goto(path)
        page.wait_for_load_state("load")
    assert sorted(urlsplit(url).path for url in fetched) == sorted(KEPT)
    # and both opened from the page cache's copy would be there for a village without signal
    kept = page.evaluate(
        "async () => { const c = await caches.open('pages-v1'); return (await c.keys()).map(r => new URL(r.url).pathname); }"
    )
    assert set(KEPT) <= set(kept)
