"""A resident's message from the station's wall to a routed suggestion, on phones.

The deputy of 珠山镇代表联络站 prints the station's QR poster; a resident opens the address the QR
code holds, writes a message (answering the human check) and keeps the private follow-up link; the
deputy finds the message in the inbox, replies — the resident's link shows the reply — and adopts it
into a draft suggestion, submits it, and the worker routes it.

On PostgreSQL + Redis the routing runs in a real ``celery worker`` process; on SQLite Celery runs
the task in-process (CELERY_TASK_ALWAYS_EAGER), so the same journey covers both.
"""

from __future__ import annotations

import io
import re
import time

import pytest
from django.conf import settings

from tests.e2e.conftest import PHONE, _page

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = "东门社区背街小巷的路灯坏了三个月，晚上老人出门摔倒过，希望尽快修好路灯。"
REPLY = "已联系镇政府和社区，本周内安排电工维修路灯。"
TITLE = "关于维修珠山镇东门社区背街小巷路灯的建议"
ROUTED = {"triage", "assigned", "acknowledged"}
CHINESE_DIGITS = "零一二三四五六七八九十"


@pytest.fixture
def station(e2e_world):
    """珠山镇代表联络站, where the 宣恩县 deputy user sits."""
    from liaison_stations.models import StationAssignment

    StationAssignment.objects.create(station=e2e_world.station_a, deputy=e2e_world.own_deputy_a)
    return e2e_world.station_a


@pytest.fixture
def resident_page(browser, request, live_server):
    """A second phone, the resident's: no account, no cookies shared with the deputy."""
    yield from _page(browser, request, live_server, PHONE)


def _solve(page) -> str:
    """The human check is a picture of a sum (a person reads it and adds); the test, which holds the
    server's key, reads the answer from the token instead."""
    from residents import challenge

    picture = page.locator("img.voice-challenge")
    assert picture.is_visible() and picture.evaluate("img => img.naturalWidth") > 0
    return str(challenge.answer_of(page.locator("input[name=challenge]").get_attribute("value")))


def _wait_until_routed(suggestion_id: int, timeout: float = 60.0) -> str:
    from suggestions.models import Suggestion

    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = Suggestion.objects.get(pk=suggestion_id).status
        if status in ROUTED:
            return status
        time.sleep(0.3)
    raise AssertionError(f"suggestion {suggestion_id} was not routed within {timeout:.0f}s (status {status})")


def test_a_residents_message_reaches_the_deputy_is_answered_and_becomes_a_routed_suggestion(
    page, resident_page, shot, sign_in, e2e_world, station, worker
):
    import qrcode
    import qrcode.image.svg

    from residents.models import MessageStatus, ResidentMessage

    deputy_user = e2e_world.insiders["deputy"]

    # 1. The deputy opens the station's poster from the inbox: the QR code holds the form's address.
    sign_in(page, deputy_user)
    page.goto("/voice/")
    page.click(f"a[href='/voice/stations/{station.pk}/poster/']")
    page.wait_for_url(f"**/voice/stations/{station.pk}/poster/")
    form_url = page.locator(".voice-poster .voice-link").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(page.url.split('/voice/')[0])}/voice/s/[^/]+/", form_url), form_url
    qr = page.request.get(page.locator("img.voice-qr").get_attribute("src"))
    assert qr.ok and qr.headers["content-type"] == "image/svg+xml"
    drawn = io.BytesIO()
    qrcode.make(form_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2).save(drawn)
    assert qr.body() == drawn.getvalue(), "the poster's QR code does not encode the address printed under it"
    shot(page, "poster")

    # 2. The resident scans it: a phone-sized form with no login, and sends the message.
    resident = resident_page
    response = resident.goto(form_url)
    assert response.status == 200
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    resident.fill("textarea[name=text]", MESSAGE)
    resident.locator("select[name=region]").select_option(label="东门社区")
    resident.fill("input[name=name]", "王大妈")
    resident.fill("input[name=phone]", "13900001111")
    resident.fill("input[name=answer]", _solve(resident))
    shot(resident, "resident-writes")
    # A person takes longer than the form's time floor (VOICE_MIN_FILL_SECONDS) to read and type.
    resident.wait_for_timeout(settings.VOICE_MIN_FILL_SECONDS * 1000 + 300)
    resident.click("form.voice-form button[type=submit]")
    resident.wait_for_url(re.compile(r"/voice/m/[^/]+/$"))
    follow_up = resident.url
    body = resident.locator("main").inner_text()
    assert "留言已收到" in body and MESSAGE in body and "暂未回复" in body
    assert follow_up in resident.locator(".voice-link").inner_text()
    message = ResidentMessage.objects.get(text=MESSAGE)
    assert (message.station, message.region, message.name, message.phone) == (station, e2e_world.tree.zhushan_village, "王大妈", "13900001111")
    shot(resident, "resident-follow-up-link")

    # 3. The deputy sees it in the station's inbox, with the resident's name and phone, and replies.
    page.goto("/voice/")
    detail = f"/voice/{message.pk}/"
    assert "待回复" in page.locator(f"a[href='{detail}']").locator("xpath=ancestor::tr").inner_text()
    shot(page, "inbox")
    page.click(f"a[href='{detail}']")
    page.wait_for_url(f"**{detail}")
    card = page.locator("main .card:not(.outbox)").first.inner_text()
    assert "王大妈" in card and "13900001111" in card
    page.fill("textarea[name=reply]", REPLY)
    page.click(f"form[action='/voice/{message.pk}/reply/'] button[type=submit]")
    page.wait_for_url(f"**{detail}")
    assert REPLY in page.locator("main").inner_text()
    shot(page, "replied")

    # 4. The resident's link shows the reply (and still no one's personal data).
    resident.goto(follow_up)
    body = resident.locator("main").inner_text()
    assert REPLY in body and "已回复" in body
    assert "13900001111" not in resident.content()
    shot(resident, "resident-sees-reply")

    # 5. The deputy adopts it into a draft suggestion with one click, and submits it.
    adopt = page.locator(f"form[action='/voice/{message.pk}/adopt/']")
    adopt.locator("input[name=title]").fill(TITLE)
    shot(page, "adopting")
    adopt.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/suggestions/\d+/$"))
    message.refresh_from_db()
    suggestion = message.suggestion
    assert suggestion is not None and message.status == MessageStatus.ADOPTED
    assert (suggestion.status, suggestion.title, suggestion.lead_deputy) == ("draft", TITLE, e2e_world.own_deputy_a)
    assert MESSAGE in suggestion.content
    shot(page, "draft")
    page.click("form.action-submit button[type=submit]")
    page.wait_for_url(f"**/suggestions/{suggestion.pk}/")

    # 6. The worker routes it: to a department or, when the router is not confident, to triage.
    status = _wait_until_routed(suggestion.pk)
    page.reload()
    label = {"triage": "待分办", "assigned": "已交办", "acknowledged": "办理中"}[status]
    assert label in page.locator("ol.timeline").inner_text()
    shot(page, "routed")

    # 7. The resident's link says the matter went on as a suggestion.
    resident.goto(follow_up)
    assert "已被代表转为建议" in resident.locator("main").inner_text()
    shot(resident, "resident-sees-adopted")

    for phone in (page, resident):
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert phone.console_errors == []
