"""Field work without signal: visits saved offline wait in the 待发送 list, survive a reload, and are
sent once when the signal returns — even when two tabs send the same queued item at once."""

from __future__ import annotations

import datetime

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

OUTBOX_ITEMS = "[data-outbox] li[data-outbox-item]"


def _eventually(page, script: str, timeout_ms: int = 15_000):
    # The page's CSP forbids eval, so no wait_for_function(string): poll with evaluate instead.
    for _ in range(timeout_ms // 250):
        if page.evaluate(script):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"never true: {script}")


def _wait_until_installed(page):
    # The service worker controls the page and keeps a copy of the visit form for offline use.
    _eventually(page, "navigator.serviceWorker.controller !== null")
    _eventually(page, "caches.open('pages-v1').then(c => c.match('/activities/new/')).then(r => !!r)")


def _log_visit_offline(page, deputy, summary, issue):
    page.fill("input[name=date]", datetime.date.today().isoformat())
    page.eval_on_selector(f"input[name=deputies][value='{deputy.pk}']", "box => { box.checked = true; }")
    page.fill("input[name=households_visited]", "5")
    page.fill("textarea[name=summary]", summary)
    page.fill("textarea[name='issues-0-text']", issue)
    page.click("button.primary[type=submit]")


def test_visits_logged_offline_are_sent_once_when_the_signal_returns(page, shot, sign_in, e2e_world):
    from activities.models import Activity

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    _wait_until_installed(page)

    # given no signal, the clerk logs two visits; each goes to the 待发送 list at once
    page.context.set_offline(True)
    _log_visit_offline(page, deputy, "离线走访一：东门社区", "村口便民桥年久失修")
    page.locator(OUTBOX_ITEMS).nth(0).wait_for()
    _log_visit_offline(page, deputy, "离线走访二：西坪村", "自来水管冻裂")
    page.locator(OUTBOX_ITEMS).nth(1).wait_for()
    assert "待发送 (2)" in page.locator("[data-outbox]").inner_text()
    shot(page, "queued")

    # when the page is closed and opened again, still offline, the list is still there
    page.reload()
    page.locator(OUTBOX_ITEMS).nth(1).wait_for()
    assert page.locator(OUTBOX_ITEMS).count() == 2
    assert Activity.objects.count() == 0
    shot(page, "reopened-offline")

    # then back online, both are sent, oldest first, and the list empties
    page.context.set_offline(False)
    page.locator("[data-outbox] .outbox-progress", has_text="已发送 2 条").wait_for()
    assert page.locator(OUTBOX_ITEMS).count() == 0
    assert page.evaluate("window.deputyOutbox.all().then(items => items.length)") == 0
    visits = list(Activity.objects.order_by("id"))
    assert [v.summary for v in visits] == ["离线走访一：东门社区", "离线走访二：西坪村"]
    assert all(list(v.deputies.all()) == [deputy] and v.households_visited == 5 for v in visits)
    assert [v.issues.get().text for v in visits] == ["村口便民桥年久失修", "自来水管冻裂"]
    shot(page, "sent")
    assert page.console_errors == []


def test_a_queued_visit_sent_twice_makes_one_row(page, sign_in, e2e_world):
    from activities.models import Activity

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    _wait_until_installed(page)
    page.context.set_offline(True)
    _log_visit_offline(page, deputy, "发送了两次的走访", "路灯不亮")
    page.locator(OUTBOX_ITEMS).nth(0).wait_for()
    item = page.evaluate("window.deputyOutbox.all().then(items => items[0])")
    csrf = page.input_value("input[name=csrfmiddlewaretoken] >> nth=0")

    # given the queued visit already reached the server once (the answer was lost to a timeout)
    first = page.request.post(
        item["url"], data=item["body"], headers={"Idempotency-Key": item["key"], "X-CSRFToken": csrf, "Referer": page.url}
    )
    assert first.status == 201, first.text()
    # when the signal returns and the outbox sends it again
    page.context.set_offline(False)
    page.locator("[data-outbox] .outbox-progress", has_text="已发送 1 条").wait_for()

    # then the server answered with the first result and there is still one row
    assert page.locator(OUTBOX_ITEMS).count() == 0
    assert Activity.objects.filter(summary="发送了两次的走访").count() == 1
