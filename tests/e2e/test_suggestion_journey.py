"""A suggestion from start to end: a deputy submits it on a phone, the worker routes it, the office
assigns it (when the router leaves it in triage), the department acknowledges and answers, the
deputy rates the answer, and the timeline shows every step.

On PostgreSQL + Redis the routing runs in a real ``celery worker`` process; on SQLite Celery runs
the task in-process (CELERY_TASK_ALWAYS_EAGER), so the same journey covers both.
"""

from __future__ import annotations

import re
import time

import pytest

# On SQLite as well as on PostgreSQL: the embedded mode runs the routing in-process.
pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

TITLE = "关于修复珠山镇椿木营村村口便民桥的建议"
DEPARTMENT = "宣恩县交通运输局"
ROUTED = {"triage", "assigned", "acknowledged"}


@pytest.fixture
def transport_handler(e2e_world):
    from suggestions.models import Department, Handler
    from tests.factories.accounts import UserFactory

    department = Department.objects.create(region=e2e_world.tree.xuanen, type="transport", name=DEPARTMENT)
    user = UserFactory(username="xuanen-transport", role="department_handler", region=e2e_world.tree.xuanen)
    Handler.objects.create(user=user, department=department)
    return user


def _switch_user(page, sign_in, user):
    page.context.clear_cookies()
    sign_in(page, user)


def _wait_until_routed(suggestion_id: int, timeout: float = 60.0) -> str:
    from suggestions.models import Suggestion

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Suggestion.objects.get(pk=suggestion_id).status
        if status in ROUTED:
            return status
        time.sleep(0.3)
    raise AssertionError(f"suggestion {suggestion_id} was not routed within {timeout:.0f}s (status {status})")


def _handler_of_lead(suggestion_id: int, fallback):
    """The handler of the department the suggestion is assigned to (the router may pick one)."""
    from suggestions.models import Assignment, Handler

    lead = Assignment.objects.filter(suggestion_id=suggestion_id, role="lead").order_by("-assigned_at", "-id").first()
    if lead is None or lead.department.name == DEPARTMENT:
        return fallback
    handler = Handler.objects.filter(department=lead.department).select_related("user").first()
    assert handler is not None, f"the router assigned it to {lead.department.name}, which has no handler"
    return handler.user


def test_a_suggestion_goes_from_the_deputy_to_the_department_and_back(page, shot, sign_in, e2e_world, transport_handler, worker):
    from suggestions.models import Suggestion

    deputy = e2e_world.insiders["deputy"]
    office = e2e_world.insiders["congress_office"]

    # 1. The deputy writes and submits it on a phone.
    sign_in(page, deputy)
    page.goto("/suggestions/new/")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=content]", "椿木营村村口便民桥年久失修，雨季群众出行困难，建议尽快维修加固。")
    region = page.locator("select[name=region]")
    if region.count() and not region.input_value():
        region.select_option(str(e2e_world.tree.zhushan.pk))
    shot(page, "written")
    page.click("button[name=submit]")
    page.wait_for_url(re.compile(r"/suggestions/\d+/$"))
    suggestion = Suggestion.objects.get(title=TITLE)
    assert suggestion.lead_deputy == e2e_world.own_deputy_a
    shot(page, "submitted")

    # 2. The worker routes it: to triage (no classifier yet) or, once one is trained, to a department.
    status = _wait_until_routed(suggestion.pk)
    detail = f"/suggestions/{suggestion.pk}/"

    # 3. In triage the county office assigns it to the transport bureau.
    if status == "triage":
        _switch_user(page, sign_in, office)
        page.goto("/suggestions/triage/")
        page.click(f"a[href='{detail}']")
        page.wait_for_url(f"**{detail}")
        form = page.locator("form.action-assign")
        form.locator("select[name=lead]").select_option(label=DEPARTMENT)
        shot(page, "assigning")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"**{detail}")
        assert DEPARTMENT in page.locator("main").inner_text()
        shot(page, "assigned")
    handler = _handler_of_lead(suggestion.pk, transport_handler)

    # 4. The department acknowledges it from its inbox, then answers.
    _switch_user(page, sign_in, handler)
    page.goto("/suggestions/inbox/?tab=all")
    page.click(f"a[href='{detail}']")
    page.wait_for_url(f"**{detail}")
    if page.locator("form.action-acknowledge").count():
        page.click("form.action-acknowledge button[type=submit]")
        page.wait_for_url(f"**{detail}")
    shot(page, "acknowledged")
    answer = page.locator("form.action-answer")
    answer.locator("textarea[name=text]").fill("已安排维修资金，便民桥加固工程将于下月完工。")
    answer.locator("input[name=outcome_class][value=A]").check()
    answer.locator("button[type=submit]").click()
    page.wait_for_url(f"**{detail}")
    assert "已安排维修资金" in page.locator("main").inner_text()
    shot(page, "answered")

    # 5. The deputy rates the answer.
    _switch_user(page, sign_in, deputy)
    page.goto(detail)
    rate = page.locator("form.action-rate")
    rate.locator("input[name=value][value=satisfied]").check()
    # A rating cannot be changed: the page asks first, then says what happened.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    rate.locator("button[type=submit]").click()
    page.wait_for_url(f"**{detail}")
    assert asked and "不能修改" in asked[0]
    assert "这件建议已办结" in page.inner_text("body")
    shot(page, "rated")

    # 6. The timeline shows every step, and the suggestion is closed.
    timeline = page.locator("ol.timeline").inner_text()
    # 待分办 appears only when the router was not confident and the office assigned it by hand.
    steps = ("待分办", "已交办", "办理中", "已答复") if status == "triage" else ("已提交", "已交办", "办理中", "已答复")
    for step in steps:
        assert step in timeline, f"the timeline lacks {step}: {timeline}"
    suggestion.refresh_from_db()
    assert suggestion.status == "closed"
    assert suggestion.answers.get().rating.value == "satisfied"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []
