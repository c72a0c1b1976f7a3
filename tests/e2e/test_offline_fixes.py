"""When the queue cannot simply be sent: a visit the server refuses stays in the outbox with the
server's message, reopens in its form with everything entered (photos too) and is fixed and sent, or
discarded; an expired session asks the clerk to log in and the queue resumes afterwards; and the
deputy picker searches the township list kept at the last online visit, saying how old it is."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.offline import (
    OUTBOX_ITEMS,
    PROGRESS,
    camera_photo,
    eventually,
    log_visit,
    queued,
    wait_until_installed,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_deputy(e2e_world):
    from deputies.models import Deputy

    return Deputy.objects.create(name="向明华", region=e2e_world.tree.zhushan, phone="13900000001")


def test_a_refused_visit_is_kept_reopened_with_everything_fixed_and_sent(page, shot, sign_in, e2e_world, second_deputy):
    from activities.models import Activity

    staff, leaving = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)
    page.context.set_offline(True)
    log_visit(page, leaving, "回访椿木营村", "通村公路塌方", photos=[camera_photo("塌方.jpg")], households=7)
    page.locator(OUTBOX_ITEMS).nth(0).wait_for()
    log_visit(page, leaving, "不要了的一条", "重复登记")
    page.locator(OUTBOX_ITEMS).nth(1).wait_for()

    # given the deputy left office while the clerk was in the village: the server refuses both
    leaving.active = False
    leaving.save(update_fields=["active"])
    page.context.set_offline(False)
    page.locator(PROGRESS, has_text="2 条被服务器退回").wait_for()
    refused = page.locator(f"{OUTBOX_ITEMS}.refused")
    assert refused.count() == 2
    assert f"代表不在本辖区内：{leaving.name}（{leaving.pk}）" in refused.nth(0).inner_text()
    assert Activity.objects.count() == 0
    shot(page, "refused")

    # the second one is discarded
    page.once("dialog", lambda dialog: dialog.accept())
    refused.nth(1).locator("button", has_text="放弃这一条").click()
    page.locator(OUTBOX_ITEMS).nth(1).wait_for(state="detached")

    # when the clerk opens the first in its form: everything entered is there, with the photo
    refused.nth(0).locator("[data-outbox-fix]").click()
    page.locator("[data-outbox-edit]").wait_for()
    assert "代表不在本辖区内" in page.locator("[data-outbox-edit]").inner_text()
    assert "塌方.jpg" in page.locator("[data-outbox-edit]").inner_text()
    # the server's message also stands beside the field it is about, naming the deputy
    beside = page.locator("[data-deputy-field] [data-outbox-field-error=deputies]")
    assert f"代表不在本辖区内：{leaving.name}（{leaving.pk}）" in beside.inner_text()
    assert page.input_value("textarea[name=summary]") == "回访椿木营村"
    assert page.input_value("textarea[name='issues-0-text']") == "通村公路塌方"
    assert page.input_value("input[name=households_visited]") == "7"
    assert page.is_checked(f"input[name=deputies][value='{leaving.pk}']")
    shot(page, "reopened")

    # and replaces the deputy who left with the one who came, then saves
    page.eval_on_selector(f"input[name=deputies][value='{leaving.pk}']", "box => { box.checked = false; box.dispatchEvent(new Event('change', {bubbles: true})); }")
    page.eval_on_selector(f"input[name=deputies][value='{second_deputy.pk}']", "box => { box.checked = true; box.dispatchEvent(new Event('change', {bubbles: true})); }")
    page.click("button.primary[type=submit]")
    page.locator("[data-outbox-field-error]").first.wait_for(state="detached")

    # then it is sent: one row with what was entered, the photo, the right deputy; the outbox is empty
    page.locator(PROGRESS, has_text="已发送 1 条").wait_for()
    visit = Activity.objects.get()
    assert (visit.summary, visit.households_visited, visit.issues.get().text) == ("回访椿木营村", 7, "通村公路塌方")
    assert list(visit.deputies.all()) == [second_deputy]
    assert visit.photos.count() == 1
    assert queued(page) == []
    assert "outbox=" not in page.url
    assert page.console_errors == []


def test_an_expired_session_asks_to_log_in_and_the_queue_resumes_afterwards(page, shot, sign_in, e2e_world):
    from activities.models import Activity

    staff, deputy = e2e_world.insiders["township_staff"], e2e_world.deputy_a
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)
    page.context.set_offline(True)
    log_visit(page, deputy, "登录过期前记下的走访", "饮水安全", photos=[camera_photo("水井.jpg")])
    page.locator(OUTBOX_ITEMS).nth(0).wait_for()

    # given the session expired while the clerk was out of signal
    page.context.clear_cookies(name="sessionid")
    page.context.set_offline(False)

    # then the clerk is asked to log in again and nothing is lost
    page.locator(PROGRESS, has_text="登录已过期").wait_for()
    assert page.locator(OUTBOX_ITEMS).count() == 1
    assert Activity.objects.count() == 0
    shot(page, "asked-to-log-in")

    # when they log in again, they come back and the queue resumes by itself
    page.click("[data-outbox-login]")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/activities/new/$"))
    page.locator(PROGRESS, has_text="已发送 1 条").wait_for()
    visit = Activity.objects.get()
    assert visit.summary == "登录过期前记下的走访" and visit.photos.count() == 1
    assert queued(page) == []


def test_the_deputy_picker_works_offline_from_the_list_kept_at_the_last_visit(page, shot, sign_in, e2e_world, second_deputy):
    staff = e2e_world.insiders["township_staff"]
    group = e2e_world.group_a  # 张三 is its member
    sign_in(page, staff)
    page.goto("/activities/new/")
    wait_until_installed(page)
    eventually(page, "window.deputyOutbox.roster().then(r => !!r && r.deputies.some(d => d.name === '向明华'))")

    # given no signal, the form opens from the copy kept on the phone
    page.context.set_offline(True)
    page.reload()
    # when the clerk types pinyin initials, the kept list answers and says how old it is
    page.fill("[data-deputy-query]", "xmh")
    result = page.locator("[data-deputy-results] button.result", has_text="向明华")
    result.wait_for()
    assert "离线名单" in page.inner_text("[data-roster-age]")
    result.click()
    assert page.is_checked(f"input[name=deputies][value='{second_deputy.pk}']")
    # and a whole group can be added
    page.fill("[data-deputy-query]", group.name[:4])
    page.locator("[data-deputy-results] button.group").click()
    assert page.is_checked(f"input[name=deputies][value='{e2e_world.deputy_a.pk}']")
    shot(page, "picked-offline")
    assert page.console_errors == []
