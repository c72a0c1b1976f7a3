"""Township staff log a visit on a phone: an error, the fix, the list; the draft survives a reload."""

from __future__ import annotations

import datetime
import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_township_staff_log_a_visit_with_deputies_and_an_issue(page, shot, sign_in, e2e_world):
    from activities.models import Activity

    staff = e2e_world.insiders["township_staff"]
    deputy = e2e_world.deputy_a
    sign_in(page, staff)

    page.goto("/activities/new/")
    page.select_option("select[name=type]", "visit")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    page.fill("input[name=date]", tomorrow.isoformat())
    # The picker: type the pinyin initials, tap the result, see the chip.
    page.fill("[data-deputy-query]", deputy.name_initials)
    page.click(f"[data-deputy-results] button.result:has-text('{deputy.name}')")
    page.locator("[data-deputy-chips] .chip", has_text=deputy.name).wait_for()
    page.fill("input[name=households_visited]", "12")
    page.fill("textarea[name=summary]", "走访东门社区农户，了解雨季出行情况。")
    page.fill("textarea[name='issues-0-text']", "村口便民桥年久失修，雨天难行。")
    shot(page, "filled")
    page.click("button.primary[type=submit]")

    # A date in the future is refused; everything typed is still there.
    errors = page.locator(".errors")
    errors.wait_for()
    assert "活动日期不能晚于今天" in page.locator("main").inner_text()
    assert page.input_value("textarea[name=summary]") == "走访东门社区农户，了解雨季出行情况。"
    assert page.is_checked(f"input[name=deputies][value='{deputy.pk}']")
    shot(page, "error")

    page.fill("input[name=date]", datetime.date.today().isoformat())
    page.click("button.primary[type=submit]")
    page.wait_for_url(re.compile(r"/activities/\d+/"))
    body = page.locator("main").inner_text()
    assert deputy.name in body and "村口便民桥年久失修" in body
    shot(page, "saved")

    activity = Activity.objects.get(summary="走访东门社区农户，了解雨季出行情况。")
    assert activity.households_visited == 12 and list(activity.deputies.all()) == [deputy]
    assert activity.issues.get().text == "村口便民桥年久失修，雨天难行。"

    page.goto("/activities/")
    assert page.locator(f"a[href='/activities/{activity.pk}/']").count() >= 1
    shot(page, "list")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []


def test_the_visit_draft_survives_a_reload(page, shot, sign_in, e2e_world):
    sign_in(page, e2e_world.insiders["township_staff"])
    page.goto("/activities/new/")
    page.fill("textarea[name=summary]", "信号不好，先存草稿。")
    page.fill("input[name=households_visited]", "7")
    page.wait_for_timeout(600)  # the form saves its draft 300 ms after the last keystroke
    page.reload()
    page.locator("[data-draft-notice]").wait_for(state="visible")
    assert page.input_value("textarea[name=summary]") == "信号不好，先存草稿。"
    assert page.input_value("input[name=households_visited]") == "7"
    shot(page, "draft-restored")
