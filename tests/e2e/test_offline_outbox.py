"""Field work without signal (issue #19): visits, a reception day and a suggestion saved offline wait
in the 待发送 list with their photos (resized on the phone), survive closing the page, and reach the
server once each when the signal returns — also when the connection drops in the middle of an upload,
and when the same queued item is sent twice."""

from __future__ import annotations

import re

import pytest

from tests.e2e.offline import (
    OUTBOX_ITEMS,
    PROGRESS,
    camera_photo,
    log_suggestion,
    log_visit,
    queued,
    wait_for_progress,
    wait_until_installed,
)

pytestmark = pytest.mark.django_db(transaction=True)

SUGGESTION = "关于修缮珠山镇东门社区便民桥的建议"


def test_a_days_field_work_logged_offline_reaches_the_server_once_with_its_photos(page, shot, sign_in, e2e_world):
    from activities.models import Activity
    from suggestions.models import Suggestion

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)
    context = page.context

    # given no signal, the clerk logs three visits (the first with two photos) and one suggestion
    context.set_offline(True)
    log_visit(page, deputy, "离线走访一：东门社区", "村口便民桥年久失修", photos=[camera_photo("桥.jpg"), camera_photo("路.png", (3000, 4000), "PNG")])
    page.locator(OUTBOX_ITEMS).nth(0).wait_for()
    log_visit(page, deputy, "离线走访二：西坪村", "自来水管冻裂")
    page.locator(OUTBOX_ITEMS).nth(1).wait_for()
    log_visit(page, deputy, "接待日：珠山镇代表之家", "低保评定不公开", kind="reception", households=0)
    page.locator(OUTBOX_ITEMS).nth(2).wait_for()
    page.goto("/suggestions/new/")  # the copy kept at the last online visit
    log_suggestion(page, deputy, SUGGESTION, "便民桥桥面开裂，雨天通行危险，建议尽快维修。")
    page.locator(OUTBOX_ITEMS).nth(3).wait_for()
    assert "待发送 (4)" in page.locator("[data-outbox]").inner_text()
    shot(page, "four-queued")

    # the photos were resized on the phone before queuing: longest side 1600 px, stored as JPEG blobs
    items = queued(page)
    assert [i["kind"] for i in items] == ["visit", "visit", "visit", "suggestion"]
    assert [f["name"] for f in items[0]["files"]] == ["桥.jpg", "路.jpg"]
    sides = page.evaluate(
        "window.deputyOutbox.all().then(items => Promise.all(items[0].files.map("
        "f => createImageBitmap(f.blob).then(b => [b.width, b.height]))))"
    )
    assert sides == [[1600, 1200], [1200, 1600]]

    # when the page is closed and opened again, still offline, all four are still there
    page.close()
    page = context.new_page()
    page.goto("/activities/new/")
    page.locator(OUTBOX_ITEMS).nth(3).wait_for()
    assert page.locator(OUTBOX_ITEMS).count() == 4
    assert Activity.objects.count() == 0 and Suggestion.objects.count() == 0

    # then back online, all four are sent, oldest first, and the outbox empties
    context.set_offline(False)
    # (on SQLite the submitted suggestion is routed inside its request, which takes a minute there)
    wait_for_progress(page, "已发送 4 条", timeout_ms=120_000)
    assert page.locator(OUTBOX_ITEMS).count() == 0
    assert queued(page) == []
    visits = list(Activity.objects.order_by("id"))
    assert [v.summary for v in visits] == ["离线走访一：东门社区", "离线走访二：西坪村", "接待日：珠山镇代表之家"]
    assert [v.type for v in visits] == ["visit", "visit", "reception"]
    assert all(list(v.deputies.all()) == [deputy] for v in visits)
    assert [v.photos.count() for v in visits] == [2, 0, 0]
    suggestion = Suggestion.objects.get()
    assert (suggestion.title, suggestion.lead_deputy) == (SUGGESTION, deputy)
    shot(page, "sent")

    # and the clerk's lists show them
    page.goto("/activities/")
    for visit in visits:
        assert page.locator(f"a[href='/activities/{visit.pk}/']").count() >= 1
    page.goto("/suggestions/")
    assert page.locator("a", has_text=SUGGESTION).count() >= 1


def test_a_connection_dropped_in_the_middle_of_an_upload_loses_nothing_and_doubles_nothing(page, shot, sign_in, e2e_world):
    from activities.models import Activity, ActivityPhoto

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)
    page.context.set_offline(True)
    log_visit(page, deputy, "断网中上传的走访", "山路塌方", photos=[camera_photo("塌方.jpg")])
    page.locator(OUTBOX_ITEMS).nth(0).wait_for()
    log_visit(page, deputy, "第二户", "危房改造")
    page.locator(OUTBOX_ITEMS).nth(1).wait_for()

    # given the first upload reaches the server but its answer is lost with the connection. Routed on
    # the context: with Background Sync the service worker may be the one sending, not the page.
    attempts = []

    def drop_the_first_answer(route):
        attempts.append((route.request.headers.get("idempotency-key"), route.request.service_worker is not None))
        if len(attempts) == 1:
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.context.route("**/api/v1/activities/", drop_the_first_answer)
    page.context.set_offline(False)
    for _ in range(60):
        if attempts:
            break
        page.wait_for_timeout(250)
    assert attempts, "the outbox never tried to send"
    page.locator(PROGRESS, has_text=re.compile("网络中断|已发送")).wait_for()
    assert Activity.objects.filter(summary="断网中上传的走访").count() == 1
    shot(page, "dropped")

    # when whoever stopped is told to send again (the 立即发送 button calls this; a page waiting on the
    # outbox's lock may already have sent the rest by itself)
    page.evaluate("window.deputyOutbox.flush()")
    page.locator(PROGRESS, has_text="已发送 2 条").wait_for()

    # then the first visit was answered from its first result: two rows, one photo, nothing left
    assert len(attempts) == 3 and attempts[0][0] == attempts[1][0]
    assert sorted(Activity.objects.values_list("summary", flat=True)) == ["断网中上传的走访", "第二户"]
    assert ActivityPhoto.objects.count() == 1
    assert queued(page) == []
    print("attempts (key, from the service worker):", attempts)


def test_a_queued_visit_sent_twice_makes_one_row(page, sign_in, e2e_world):
    from activities.models import Activity

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)
    page.context.set_offline(True)
    log_visit(page, deputy, "发送了两次的走访", "路灯不亮")
    page.locator(OUTBOX_ITEMS).nth(0).wait_for()
    item = page.evaluate("window.deputyOutbox.all().then(items => items[0])")
    csrf = page.input_value("input[name=csrfmiddlewaretoken] >> nth=0")

    # given the queued visit already reached the server once (a double tap, another tab)
    first = page.request.post(
        item["url"], data=item["body"], headers={"Idempotency-Key": item["key"], "X-CSRFToken": csrf, "Referer": page.url}
    )
    assert first.status == 201, first.text()
    # when the signal returns and the outbox sends it again
    page.context.set_offline(False)
    page.locator(PROGRESS, has_text="已发送 1 条").wait_for()

    # then the server answered with the first result and there is still one row
    assert page.locator(OUTBOX_ITEMS).count() == 0
    assert Activity.objects.filter(summary="发送了两次的走访").count() == 1



def test_background_sync_sends_the_queue_with_the_app_closed(page, sign_in, e2e_world, live_server):
    import time

    from activities.models import Activity

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)
    page.context.set_offline(True)
    log_visit(page, deputy, "关掉应用后送出的走访", "垃圾清运不及时", photos=[camera_photo("垃圾站.jpg")])
    page.locator(OUTBOX_ITEMS).nth(0).wait_for()
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())") == ["deputy-outbox"]

    # given the clerk closed the app before the signal came back
    context = page.context
    blank = context.new_page()  # not the app: only a handle for DevTools to speak to the browser
    page.close()
    context.set_offline(False)
    # when the browser fires the sync the page registered (DevTools' "Sync" button, so the test does
    # not wait on the browser's own timing), the service worker sends the queue by itself
    cdp = context.new_cdp_session(blank)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        blank.wait_for_timeout(100)
    registration = next(r for r in registrations if r["scopeURL"].startswith(live_server.url))
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": live_server.url, "registrationId": registration["registrationId"], "tag": "deputy-outbox", "lastChance": False},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not Activity.objects.exists():
        time.sleep(0.25)
    visit = Activity.objects.get()
    assert visit.summary == "关掉应用后送出的走访" and visit.photos.count() == 1
