"""The inbox: scope, personal data, reply, adopt into a draft suggestion, outsiders, query counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from residents.models import MessageStatus
from suggestions.models import Status, Suggestion
from tests.factories.residents import ResidentMessageFactory

pytestmark = pytest.mark.django_db


def test_the_station_deputy_sees_the_message_with_personal_data(client_as, voice):
    message = ResidentMessageFactory(station=voice.station)
    page = client_as(voice.deputy_user).get(reverse("residents:inbox")).content.decode()
    assert reverse("residents:detail", args=[message.pk]) in page
    assert "张三丰" in page and "13812345678" in page


def test_a_deputy_of_another_station_does_not_see_it(client_as, voice):
    message = ResidentMessageFactory(station=voice.station)
    client = client_as(voice.other_deputy_user)
    assert reverse("residents:detail", args=[message.pk]) not in client.get(reverse("residents:inbox")).content.decode()
    assert client.get(reverse("residents:detail", args=[message.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["xuanen_office", "xuanen_staff"])
def test_township_and_county_offices_see_personal_data(client_as, voice, persona, request):
    message = ResidentMessageFactory(station=voice.station)
    page = client_as(request.getfixturevalue(persona)).get(reverse("residents:detail", args=[message.pk])).content.decode()
    assert "张三丰" in page and "13812345678" in page


@pytest.mark.parametrize("persona", ["provincial", "city"])
def test_provincial_and_city_offices_see_it_masked(client_as, voice, persona, request):
    user = voice.city_office if persona == "city" else request.getfixturevalue(persona)
    message = ResidentMessageFactory(station=voice.station)
    page = client_as(user).get(reverse("residents:detail", args=[message.pk])).content.decode()
    assert "张**" in page and "138****5678" in page
    assert "张三丰" not in page and "13812345678" not in page
    # They may read it, not answer it.
    response = client_as(user).post(reverse("residents:reply", args=[message.pk]), {"reply": "收到"})
    message.refresh_from_db()
    assert message.reply == "" and response.status_code == 302


def test_the_api_masks_personal_data_for_the_province(api_as, voice, provincial):
    ResidentMessageFactory(station=voice.station)
    row = api_as(provincial).get("/api/v1/resident-messages/").json()["results"][0]
    assert row["name"] == "张**" and row["phone"] == "138****5678"
    assert "token" not in row and "submitter_hash" not in row


@pytest.mark.parametrize("persona", ["honghu_office", "honghu_staff", "honghu_deputy"])
def test_outsiders_get_404_and_change_nothing(client_as, api_as, voice, persona, request):
    user = voice.honghu_deputy_user if persona == "honghu_deputy" else request.getfixturevalue(persona)
    message = ResidentMessageFactory(station=voice.station)
    client = client_as(user)
    assert client.get(reverse("residents:detail", args=[message.pk])).status_code == 404
    assert client.post(reverse("residents:reply", args=[message.pk]), {"reply": "越权回复"}).status_code == 404
    assert client.post(reverse("residents:adopt", args=[message.pk]), {"title": ""}).status_code == 404
    assert client.get(reverse("residents:poster", args=[voice.station.pk])).status_code == 404
    assert client.get(reverse("residents:poster_qr", args=[voice.station.pk])).status_code == 404
    api = api_as(user)
    assert api.get(f"/api/v1/resident-messages/{message.pk}/").status_code == 404
    assert api.post(f"/api/v1/resident-messages/{message.pk}/reply/", {"reply": "x"}).status_code == 404
    assert api.get("/api/v1/resident-messages/").json()["count"] == 0
    message.refresh_from_db()
    assert message.reply == "" and message.status == MessageStatus.NEW and message.suggestion_id is None


def test_a_handler_has_no_inbox(client_as, voice, tree):
    from tests.factories.suggestions import DepartmentFactory, handler_user

    handler = handler_user(DepartmentFactory(region=tree.xuanen))
    assert client_as(handler).get(reverse("residents:inbox")).status_code == 404


def test_the_deputy_replies_and_the_resident_reads_it(client_as, client, voice):
    message = ResidentMessageFactory(station=voice.station)
    response = client_as(voice.deputy_user).post(reverse("residents:reply", args=[message.pk]), {"reply": "已转交镇政府，下周修复。"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.REPLIED and message.replied_by == voice.deputy_user
    assert "下周修复" in client.get(reverse("residents:follow_up", args=[message.token])).content.decode()


def test_an_empty_reply_is_refused(client_as, voice):
    message = ResidentMessageFactory(station=voice.station)
    response = client_as(voice.deputy_user).post(reverse("residents:reply", args=[message.pk]), {"reply": "  "})
    assert response.status_code == 400
    message.refresh_from_db()
    assert message.status == MessageStatus.NEW
    # the page says so at the top, with a link to the reply box
    page = response.content.decode()
    summary = page.index('class="errors error-summary"')
    assert summary < page.index('id="reply"') and 'href="#id_reply"' in page[summary:page.index('id="reply"')]


def test_adopting_makes_a_draft_suggestion_linked_both_ways(client_as, voice):
    message = ResidentMessageFactory(station=voice.station, text="东门社区小区门口积水严重，雨天无法通行。")
    response = client_as(voice.deputy_user).post(reverse("residents:adopt", args=[message.pk]), {"title": ""})
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("suggestions:detail", args=[suggestion.pk])
    message.refresh_from_db()
    assert message.status == MessageStatus.ADOPTED and message.suggestion == suggestion
    assert suggestion.resident_message == message
    assert suggestion.status == Status.DRAFT and suggestion.lead_deputy == voice.deputy
    assert "积水严重" in suggestion.content and suggestion.region == voice.station.region


def test_a_message_is_adopted_only_once(api_as, voice):
    message = ResidentMessageFactory(station=voice.station)
    api = api_as(voice.deputy_user)
    assert api.post(f"/api/v1/resident-messages/{message.pk}/adopt/", {}).status_code == 201
    assert api.post(f"/api/v1/resident-messages/{message.pk}/adopt/", {}).status_code == 409
    assert Suggestion.objects.count() == 1


def test_county_office_adopts_on_behalf_of_a_station_deputy(api_as, voice, xuanen_office):
    message = ResidentMessageFactory(station=voice.station)
    api = api_as(xuanen_office)
    refused = api.post(f"/api/v1/resident-messages/{message.pk}/adopt/", {}, format="json")
    assert refused.status_code == 400 and "lead_deputy" in refused.json()
    response = api.post(f"/api/v1/resident-messages/{message.pk}/adopt/", {"lead_deputy": voice.deputy.pk}, format="json")
    assert response.status_code == 201
    assert Suggestion.objects.get().lead_deputy == voice.deputy


def test_the_poster_carries_a_qr_code_of_the_public_form(client_as, voice, xuanen_staff):
    from residents.selectors import station_public_key

    client = client_as(xuanen_staff)
    page = client.get(reverse("residents:poster", args=[voice.station.pk])).content.decode()
    assert reverse("residents:public_form", args=[station_public_key(voice.station)]) in page
    svg = client.get(reverse("residents:poster_qr", args=[voice.station.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_the_station_page_offers_its_poster_to_offices_staff_and_its_deputy(client_as, voice, xuanen_office, xuanen_staff):
    poster = reverse("residents:poster", args=[voice.station.pk])
    for user in (xuanen_office, xuanen_staff, voice.deputy_user):
        client = client_as(user)
        page = client.get(reverse("liaison_stations:detail", args=[voice.station.pk])).content.decode()
        assert f'href="{poster}"' in page, user.username
        # and every link on the station page and the station list opens (a colleague's name, 覆盖情况,
        # the poster): a link is drawn only for a page the reader may open
        for url in (reverse("liaison_stations:detail", args=[voice.station.pk]), reverse("liaison_stations:list")):
            for href in set(re.findall(r'href="(/[^"#?]*)', client.get(url).content.decode())):
                if not href.startswith(("/static/", "/i18n/", "/accounts/logout")) and "export" not in href:
                    assert client.get(href).status_code != 404, (user.username, url, href)


def test_a_deputy_sees_a_colleagues_name_without_a_link_they_cannot_open(client_as, voice, tree):
    from tests.factories.liaison_stations import AssignmentFactory
    from tests.factories.suggestions import deputy_user

    _colleague_user, colleague = deputy_user(tree.zhushan, username="colleague", name="张同事")
    AssignmentFactory(station=voice.station, deputy=colleague)
    page = client_as(voice.deputy_user).get(reverse("liaison_stations:detail", args=[voice.station.pk])).content.decode()
    assert "张同事" in page and reverse("deputies:detail", args=[colleague.pk]) not in page
    assert reverse("liaison_stations:coverage") not in client_as(voice.deputy_user).get(reverse("liaison_stations:list")).content.decode()


@pytest.mark.parametrize("rows", [2, 50])
def test_the_inbox_query_count_does_not_grow(client_as, voice, xuanen_office, django_assert_num_queries, rows):
    for _ in range(rows):
        ResidentMessageFactory(station=voice.station)
    client = client_as(xuanen_office)
    client.get(reverse("residents:inbox"))  # warm the session
    with django_assert_num_queries(5):  # session, user, count, page, and the messages held for review
        assert client.get(reverse("residents:inbox")).status_code == 200


@pytest.mark.parametrize("rows", [2, 50])
def test_the_api_list_query_count_does_not_grow(api_as, voice, xuanen_office, django_assert_num_queries, rows):
    for _ in range(rows):
        ResidentMessageFactory(station=voice.station)
    api = api_as(xuanen_office)
    with django_assert_num_queries(1):  # the list ends on its page: counted without a COUNT query
        assert api.get("/api/v1/resident-messages/").status_code == 200
