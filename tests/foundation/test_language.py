import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "用户名" in response.content.decode()


def test_english_is_available_when_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("login"))
    assert response["Content-Language"] == "en"
    assert "Username" in response.content.decode()


def test_the_language_menu_names_each_language_in_itself(client):
    page = client.get(reverse("login")).content.decode()
    assert '<option value="en" lang="en">English</option>' in page
    assert "英语" not in page
