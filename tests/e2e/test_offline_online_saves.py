"""A save with signal that loses the connection on the way (issue #19): the visit form is sent by the
page with fetch, and a dropped request puts the whole submission into the outbox, which sends it
once — also when the server had saved it and only its answer was lost. With the connection intact
the form behaves as before: a save goes to the visit with its message, a refusal shows the form
with its errors."""

from __future__ import annotations

import datetime

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


def dropping(attempts, *, after_the_server=False):
    """A route handler that loses the first POST of the form: before it reaches the server, or (after_the_server) its answer."""

    def handle(route):
        if route.request.method != "POST":
            route.continue_()
            return
        attempts.append(route.request.headers.get("idempotency-key"))
        if len(attempts) > 1:
            route.continue_()
            return
        if after_the_server:
            route.fetch()
        route.abort("connectionreset")

    return handle


def test_a_save_whose_request_is_lost_is_queued_and_sent_once(page, shot, sign_in, e2e_world):
    from activities.models import Activity

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)

    # given signal, but the form's POST is lost on the way
    attempts = []
    page.route("**/activities/new/", dropping(attempts))
    log_visit(page, deputy, "信号时有时无的走访", "通组公路缺护栏", photos=[camera_photo("护栏.jpg")])

    # then the whole submission goes into the outbox and is sent from there: one row with its photo
    wait_for_progress(page, "已发送 1 条")
    assert attempts and attempts[0]
    visit = Activity.objects.get()
    assert (visit.summary, visit.issues.get().text, visit.photos.count()) == ("信号时有时无的走访", "通组公路缺护栏", 1)
    assert list(visit.deputies.all()) == [deputy]
    assert queued(page) == []
    assert page.url.endswith("/activities/new/")
    assert page.input_value("textarea[name=summary]") == ""  # cleared for the next household
    shot(page, "lost-then-sent")


def test_a_save_whose_answer_is_lost_makes_one_row(page, sign_in, e2e_world):
    from activities.models import Activity

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)

    # given the form's POST reaches the server, which saves it, but the answer is lost
    attempts = []
    page.route("**/activities/new/", dropping(attempts, after_the_server=True))
    log_visit(page, deputy, "回答丢失的走访", "危房改造")

    # then the outbox sends it under the same key and the server answers with the save: one row
    page.locator(PROGRESS, has_text="已发送 1 条").wait_for()
    assert Activity.objects.filter(summary="回答丢失的走访").count() == 1
    assert queued(page) == []
    assert page.locator(OUTBOX_ITEMS).count() == 0


def test_with_the_connection_intact_a_save_and_a_refusal_look_as_before(page, sign_in, e2e_world):
    from activities.models import Activity

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)

    # a refusal (no date): the form comes back with its errors, what was typed and the photo chosen
    page.set_input_files("input[name=photos]", [camera_photo("村道.jpg", size=(800, 600))])
    page.fill("input[name=date]", "")
    page.eval_on_selector(f"input[name=deputies][value='{deputy.pk}']", "box => { box.checked = true; box.dispatchEvent(new Event('change', {bubbles: true})); }")
    page.fill("textarea[name=summary]", "没有填日期的走访")
    page.click("button.primary[type=submit]")
    page.locator(".error-summary, .errorlist").first.wait_for()
    assert page.input_value("textarea[name=summary]") == "没有填日期的走访"
    assert page.eval_on_selector("input[name=photos]", "input => Array.from(input.files, f => f.name)") == ["村道.jpg"]
    assert not page.locator("[data-photos-dropped]").is_visible()
    assert Activity.objects.count() == 0 and queued(page) == []

    # a save: the visit's page, with the message the save set
    page.fill("input[name=date]", datetime.date.today().isoformat())
    page.click("button.primary[type=submit]")
    page.wait_for_url("**/activities/*/?saved=1")
    assert "已保存履职活动" in page.inner_text("body")
    visit = Activity.objects.get()
    assert (visit.summary, visit.photos.count()) == ("没有填日期的走访", 1)
    assert page.console_errors == []


def test_a_suggestion_whose_request_is_lost_is_queued_and_sent_once(page, sign_in, e2e_world):
    from suggestions.models import Suggestion

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/suggestions/new/")
    wait_until_installed(page)
    attempts = []
    page.route("**/suggestions/new/", dropping(attempts))
    log_suggestion(page, deputy, "关于村口便民桥加装护栏的建议", "桥面无护栏，学生上学经过危险。")
    wait_for_progress(page, "已发送 1 条", timeout_ms=60_000)
    suggestion = Suggestion.objects.get()
    assert (suggestion.title, suggestion.lead_deputy) == ("关于村口便民桥加装护栏的建议", deputy)
    assert suggestion.status != "draft"  # 提交 was pressed, not 保存草稿
    assert queued(page) == []
