"""English through the footer's language switch: the pages, the lists and the API answer in English
once the user picked it, and stay Chinese for everyone else (whatever their browser says)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from regions.models import Region
from suggestions.models import Status
from tests.factories.suggestions import SuggestionDeputyFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff0-9（）()、]*")


def _choose_english(client: Client) -> None:
    """What the footer's <select> posts: Django's set_language view sets the language cookie."""
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_footer_switch_turns_the_login_page_english(client):
    # given a visitor on the Chinese login page
    assert "登录代表行动" in client.get(reverse("login")).content.decode()
    # when they pick English in the footer
    _choose_english(client)
    # then the page is English, marked as such
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert "Log in to Deputy Action" in html
    assert "Username" in html
    assert "登录" not in html


def test_an_english_browser_alone_still_gets_chinese(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录代表行动" in response.content.decode()


def test_the_dashboard_is_english_for_an_office_that_chose_it(client, xuanen_office, tree):
    client.force_login(xuanen_office)
    _choose_english(client)
    html = client.get(reverse("dashboards:home"), follow=True).content.decode()
    # the menu, the title, the section titles, the figure labels and the outcome classes
    for text in ("Dashboard: 宣恩县", "Duty activities", "Suggestion handling", "Deputies in total", "On-time answer rate",
                 "Class A: solved or basically solved", "County (city, district)", "Log out"):
        assert text in html, text
    assert "数据看板" not in html and "建议办理" not in html and "代表总数" not in html
    # a figure's own page, whose label is built per deputy level
    html = client.get(reverse("dashboards:list", args=[tree.xuanen.code, "deputies_county"])).content.decode()
    assert "County (city, district) deputies" in html and "人大代表" not in html


def test_the_dashboard_cache_keeps_each_language_apart(client, xuanen_office, tree, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    client.force_login(xuanen_office)
    url = reverse("dashboards:home")
    client.get(url, follow=True)  # a Chinese visit fills the cache
    _choose_english(client)
    assert "Suggestion handling" in client.get(url, follow=True).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "建议办理" in client.get(url, follow=True).content.decode()


def test_the_suggestion_list_is_english(client, xuanen_office, tree):
    lead = SuggestionDeputyFactory(region=tree.xuanen, name="向明华")
    SuggestionFactory(region=tree.xuanen, lead_deputy=lead, status=Status.TRIAGE, title="关于修缮村道的建议")
    client.force_login(xuanen_office)
    _choose_english(client)
    html = client.get(reverse("suggestions:list")).content.decode()
    for text in ("Export ledger (Excel)", "Lead deputy", "Handling department", "Awaiting triage", "Working-day calendar"):
        assert text in html, text
    # what users typed stays as typed
    assert "关于修缮村道的建议" in html and "向明华" in html
    # and nothing of the interface is left in Chinese: the only Chinese is data (the title, people, regions)
    data = {"关于修缮村道的建议", "向明华", xuanen_office.display_name, "简体中文", *Region.objects.values_list("name", flat=True)}
    leftovers = set(CHINESE.findall(re.sub(r"<[^>]+>", "\n", html))) - data
    assert not leftovers, sorted(leftovers)


def test_an_api_refusal_is_english_for_a_client_that_chose_it(api_client, xuanen_staff):
    api_client.force_authenticate(xuanen_staff)
    # given the same language cookie the footer sets
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when township staff try to change the roster
    response = api_client.post("/api/v1/deputies/", {"name": "向明华"}, format="json")
    # then the JSON error names the problem in English
    assert response.status_code == 403
    assert response.json()["detail"] == "Only a congress office can make changes."


def test_an_api_validation_error_is_english_and_names_the_field(api_client, xuanen_office, tree):
    api_client.force_authenticate(xuanen_office)
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api_client.post(
        "/api/v1/deputies/", {"name": "向明华", "region": tree.zhushan.code, "phone": "12345"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["phone"] == [
        "Invalid phone number: enter an 11-digit mobile number or a landline with its area code."
    ]


def test_the_api_stays_chinese_without_the_choice(api_client, xuanen_staff):
    api_client.force_authenticate(xuanen_staff)
    response = api_client.post("/api/v1/deputies/", {"name": "向明华"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "只有人大常委会办公室可以修改。"
