"""Finding 7 of the attack run (the cap): 22 addresses filled a station's hourly cap in 16.5 s and genuine
residents were refused for the rest of the hour. Now a sliding window per address and per station holds
what comes over it for review (待审核) instead of refusing: the resident's message is kept, nobody is
notified until a clerk releases it, and only the station's own clerks and county office may review it."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from residents import challenge, services
from residents.models import HoldReason, MessageStatus, ResidentMessage
from residents.selectors import station_public_key
from suggestions.models import Notification
from tests.factories.residents import ResidentMessageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("side_effects_in_process")]

TEXT = "村口的路灯坏了两个月，晚上出行很不安全，希望尽快修好。"


def _post(client, station, *, address, text=TEXT, answer=None):
    _question, token = challenge.issue(issued_at=time.time() - 60)
    data = {"text": text, "region": "", "name": "", "phone": "", "website": "", "challenge": token,
            "answer": str(challenge.answer_of(token)) if answer is None else answer}
    return client.post(reverse("residents:public_form", args=[station_public_key(station)]), data, REMOTE_ADDR=address)


def _held(station, **kwargs):
    return ResidentMessageFactory(station=station, status=MessageStatus.HELD, held_reason=HoldReason.STATION, **kwargs)


def test_a_flood_from_22_addresses_does_not_refuse_a_genuine_resident(client, voice, settings):
    # given the default caps (5 an hour per address, 100 an hour passed on per station)
    assert (settings.VOICE_RATE_PER_IP, settings.VOICE_RATE_PER_STATION) == (5, 100)
    # when 22 addresses send 5 messages each within seconds
    codes = [_post(client, voice.station, address=f"198.51.100.{n}", text=f"{TEXT}（第{n}-{i}条）").status_code
             for n in range(22) for i in range(5)]
    # then nothing is refused: 100 are passed on, the other 10 wait for review
    assert set(codes) == {302}
    assert ResidentMessage.objects.filter(status=MessageStatus.NEW).count() == 100
    assert ResidentMessage.objects.filter(status=MessageStatus.HELD, held_reason=HoldReason.STATION).count() == 10
    # and a genuine resident afterwards is not refused either: the message is kept (held) and they are told so
    response = _post(client, voice.station, address="203.0.113.9", text="小区门口的排水沟堵了，下雨就积水。")
    assert response.status_code == 302
    kept = ResidentMessage.objects.get(text="小区门口的排水沟堵了，下雨就积水。")
    assert kept.status == MessageStatus.HELD
    page = client.get(response["Location"]).content.decode()
    assert "留言已收到" in page and "审核" in page and kept.token in page


def test_the_window_slides_rather_than_resetting_at_the_hour(client, voice, settings):
    settings.VOICE_RATE_PER_STATION = 2
    old = [ResidentMessageFactory(station=voice.station) for _ in range(2)]
    assert _post(client, voice.station, address="10.0.0.1").status_code == 302
    assert ResidentMessage.objects.latest("id").status == MessageStatus.HELD
    # an hour and a second later the two old messages have left the window
    ResidentMessage.objects.filter(pk__in=[m.pk for m in old]).update(created_at=ResidentMessage.objects.latest("id").created_at.replace(year=2020))
    assert _post(client, voice.station, address="10.0.0.2").status_code == 302
    assert ResidentMessage.objects.latest("id").status == MessageStatus.NEW


def test_one_address_over_its_window_is_held_and_far_over_it_refused(client, voice, settings):
    settings.VOICE_RATE_PER_IP, settings.VOICE_REFUSE_PER_IP = 2, 4
    statuses = []
    for _ in range(4):
        assert _post(client, voice.station, address="10.0.0.1").status_code == 302
        statuses.append(ResidentMessage.objects.latest("id").status)
    assert statuses == [MessageStatus.NEW, MessageStatus.NEW, MessageStatus.HELD, MessageStatus.HELD]
    assert ResidentMessage.objects.latest("id").held_reason == HoldReason.ADDRESS
    # a script past the refusal line is refused, and the new question comes with an empty answer box
    response = _post(client, voice.station, address="10.0.0.1")
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    answer_box = re.search(r'<input[^>]*name="answer"[^>]*>', response.content.decode()).group(0)
    assert "value=" not in answer_box
    assert ResidentMessage.objects.count() == 4
    # another address is not affected
    assert _post(client, voice.station, address="10.0.0.2").status_code == 302
    assert ResidentMessage.objects.latest("id").status == MessageStatus.NEW


def test_a_held_message_notifies_no_one_until_released(client_as, voice, xuanen_staff, django_capture_on_commit_callbacks, settings):
    settings.VOICE_RATE_PER_STATION = 1
    ResidentMessageFactory(station=voice.station)
    # when a message arrives over the station's window
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_submit(station=voice.station, text=TEXT, submitter_hash="h" * 64)
    # then it is held and nobody is told
    assert message.status == MessageStatus.HELD
    assert not Notification.objects.exists()
    # when the township clerk releases it
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(xuanen_staff).post(reverse("residents:release", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.NEW and message.reviewed_by == xuanen_staff and message.reviewed_at
    # then the station's deputy (and the clerk) are told now
    assert set(Notification.objects.values_list("user", flat=True)) == {voice.deputy_user.pk, xuanen_staff.pk}


def test_a_discarded_message_goes_no_further(api_as, voice, xuanen_office, django_capture_on_commit_callbacks):
    message = _held(voice.station)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(xuanen_office).post(f"/api/v1/resident-messages/{message.pk}/discard/")
    assert response.status_code == 200 and response.json()["status"] == MessageStatus.DISCARDED
    assert not Notification.objects.exists()
    # a second review of the same message is a conflict, not a silent change
    assert api_as(xuanen_office).post(f"/api/v1/resident-messages/{message.pk}/release/").status_code == 409
    message.refresh_from_db()
    assert message.status == MessageStatus.DISCARDED


def test_the_inbox_lists_held_messages_only_under_their_filter(client_as, voice, xuanen_staff):
    held = _held(voice.station, text="待审核的留言内容甲")
    passed = ResidentMessageFactory(station=voice.station, text="已转给代表的留言乙")
    client = client_as(xuanen_staff)
    page = client.get(reverse("residents:inbox")).content.decode()
    assert "已转给代表的留言乙" in page and "待审核的留言内容甲" not in page
    assert "1 条留言待审核" in page and "?status=held" in page
    page = client.get(reverse("residents:inbox"), {"status": "held"}).content.decode()
    assert "待审核的留言内容甲" in page and "已转给代表的留言乙" not in page
    detail = client.get(reverse("residents:detail", args=[held.pk])).content.decode()
    assert reverse("residents:release", args=[held.pk]) in detail and reverse("residents:discard", args=[held.pk]) in detail
    # a held message cannot be answered or adopted before it is released
    assert reverse("residents:reply", args=[held.pk]) not in detail
    client.post(reverse("residents:reply", args=[held.pk]), {"reply": "收到"})
    held.refresh_from_db()
    assert held.reply == "" and passed.reply == ""


def test_a_clerk_discards_a_floods_page_at_once_and_releases_the_genuine_one(client_as, voice, xuanen_staff, django_capture_on_commit_callbacks):
    flood = [_held(voice.station, text=f"广告广告广告{n}") for n in range(3)]
    genuine = _held(voice.station, text="小区门口的排水沟堵了，下雨就积水。")
    client = client_as(xuanen_staff)
    page = client.get(reverse("residents:inbox"), {"status": "held"}).content.decode()
    assert reverse("residents:review_held") in page and f'name="ids" value="{genuine.pk}"' in page
    url = reverse("residents:review_held")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "release", "ids": [genuine.pk]}).status_code == 302
    assert client.post(url, {"action": "discard_page", "page_ids": [m.pk for m in flood] + [genuine.pk]}).status_code == 302
    statuses = dict(ResidentMessage.objects.values_list("pk", "status"))
    assert statuses[genuine.pk] == MessageStatus.NEW
    assert {statuses[m.pk] for m in flood} == {MessageStatus.DISCARDED}
    # only the released one was notified (to the station's deputy and the clerk)
    assert set(Notification.objects.values_list("url", flat=True)) == {reverse("residents:detail", args=[genuine.pk])}


def test_another_countys_bulk_review_changes_nothing(client_as, voice, honghu_staff, honghu_office):
    held = _held(voice.station)
    for user in (honghu_staff, honghu_office):
        response = client_as(user).post(reverse("residents:review_held"), {"action": "release", "ids": [held.pk]})
        assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == MessageStatus.HELD and held.reviewed_by is None
    assert not Notification.objects.exists()


def test_the_stations_deputy_never_sees_a_held_message(client_as, api_as, voice):
    held = _held(voice.station, text="待审核的留言内容甲")
    client = client_as(voice.deputy_user)
    assert "待审核的留言内容甲" not in client.get(reverse("residents:inbox"), {"status": "held"}).content.decode()
    assert client.get(reverse("residents:detail", args=[held.pk])).status_code == 404
    assert client.post(reverse("residents:release", args=[held.pk])).status_code == 404
    assert client.post(reverse("residents:review_held"), {"action": "release", "ids": [held.pk]}).status_code == 404
    assert api_as(voice.deputy_user).get("/api/v1/resident-messages/", {"status": "held"}).json()["count"] == 0
    held.refresh_from_db()
    assert held.status == MessageStatus.HELD


def test_the_api_lists_held_messages_only_when_asked(api_as, voice, xuanen_office):
    _held(voice.station)
    ResidentMessageFactory(station=voice.station)
    api = api_as(xuanen_office)
    assert [r["status"] for r in api.get("/api/v1/resident-messages/").json()["results"]] == [MessageStatus.NEW]
    rows = api.get("/api/v1/resident-messages/", {"status": "held"}).json()["results"]
    assert [(r["status"], r["held_reason"]) for r in rows] == [(MessageStatus.HELD, HoldReason.STATION)]


@pytest.mark.parametrize("persona", ["honghu_office", "honghu_staff"])
def test_another_countys_office_cannot_see_or_review_held_messages(client_as, api_as, voice, persona, request):
    user = request.getfixturevalue(persona)
    held = _held(voice.station)
    client = client_as(user)
    assert client.get(reverse("residents:detail", args=[held.pk])).status_code == 404
    for name in ("residents:release", "residents:discard"):
        assert client.post(reverse(name, args=[held.pk])).status_code == 404
    for action in ("release", "discard"):
        assert api_as(user).post(f"/api/v1/resident-messages/{held.pk}/{action}/").status_code == 404
    assert api_as(user).get("/api/v1/resident-messages/", {"status": "held"}).json()["count"] == 0
    held.refresh_from_db()
    assert held.status == MessageStatus.HELD and held.reviewed_by is None


def test_the_province_may_read_a_held_message_but_not_review_it(api_as, voice, provincial):
    held = _held(voice.station)
    assert api_as(provincial).post(f"/api/v1/resident-messages/{held.pk}/release/").status_code == 403
    held.refresh_from_db()
    assert held.status == MessageStatus.HELD


def test_held_messages_are_not_clustered_into_hot_issues(voice, tree):
    from residents.clustering import _items

    held = _held(voice.station)
    passed = ResidentMessageFactory(station=voice.station)
    ids = {doc[1] for doc in _items(tree.province.prefix, passed.created_at.replace(year=2000)) if doc[0] == "m"}
    assert passed.pk in ids and held.pk not in ids
