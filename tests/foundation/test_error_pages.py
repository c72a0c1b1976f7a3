"""The product's own error pages: Chinese, with a way back, in every mode (DEBUG too)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from config.errors import forbidden, server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_page_answers_the_products_404(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in page and 'href="/"' in page
    assert "DEBUG = True" not in page


def test_an_unknown_api_path_answers_json_even_with_debug(client, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_403_and_500_pages_are_chinese_with_a_way_back(rf):
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    page = forbidden(request).content.decode()
    assert "不能进行这项操作" in page and "回到首页" in page
    response = server_error(request)
    assert response.status_code == 500
    assert "系统出了点问题" in response.content.decode() and 'href="/"' in response.content.decode()
