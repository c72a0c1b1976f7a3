"""Finding 12 of the attack run: a lock-out a stranger cannot turn against a user, a distinct answer
when locked, and a proxy header trusted only from the proxy."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from config import signin
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def _guess(address: str, username: str = "xuanen", password: str = "wrong"):  # noqa: S107 - a wrong guess
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def test_guesses_spread_over_addresses_are_slowed_per_username(xuanen_office, settings):
    # given three wrong guesses, each from a different address
    for n in range(settings.LOGIN_DELAY_AFTER):
        assert _guess(f"10.0.0.{n + 1}").status_code == 400
    # when a fourth address tries at once, even with the right password
    response = _guess("10.0.0.99", password=PASSWORD)
    # then it must wait, and is told so (not "wrong password")
    assert response.status_code == 429
    assert response.json()["code"] == "login_delayed"
    assert int(response["Retry-After"]) >= 1
    assert "token" not in response.json()


def test_the_delay_grows_with_each_failure_and_is_capped(xuanen_office, settings, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(signin.time, "time", lambda: now[0])
    waits = []
    for _ in range(12):
        signin.record_failure("xuanen")
        waits.append(signin.login_wait("xuanen"))
    assert waits[: settings.LOGIN_DELAY_AFTER - 1] == [0] * (settings.LOGIN_DELAY_AFTER - 1)
    assert waits[settings.LOGIN_DELAY_AFTER - 1 : settings.LOGIN_DELAY_AFTER + 3] == [1, 2, 4, 8]
    assert max(waits) == settings.LOGIN_DELAY_MAX


def test_a_stranger_cannot_lock_a_user_out_with_a_few_failures(xuanen_office, settings, monkeypatch):
    # given a stranger on the user's network fails ten times, waiting out each delay
    now = [1_000_000.0]
    monkeypatch.setattr(signin.time, "time", lambda: now[0])
    for _ in range(10):
        assert _guess("192.168.1.20").status_code == 400
        now[0] += settings.LOGIN_DELAY_MAX + 1
    # then the user, on the same address, still signs in once the last delay has passed
    response = _guess("192.168.1.20", password=PASSWORD)
    assert response.status_code == 200, response.content
    assert "token" in response.json()
    # and a success clears the count
    assert signin.login_wait("xuanen") == 0


def test_the_login_page_shows_the_wait_in_chinese(xuanen_office, settings):
    client = Client()
    for _ in range(settings.LOGIN_DELAY_AFTER):
        client.post("/accounts/login/", {"username": "xuanen", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "xuanen", "password": PASSWORD})
    assert response.status_code == 429
    assert "秒后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_locked_is_a_distinct_answer(xuanen_office, settings):
    settings.LOGIN_DELAY_AFTER = 10_000
    for n in range(settings.AXES_FAILURE_LIMIT):
        _guess(f"10.1.0.{n + 1}")
    response = _guess("10.1.9.9", password=PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "locked"
    assert "锁定" in response.json()["detail"]


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), TRUSTED_PROXIES=frozenset({"10.9.9.9"}))
def test_the_https_header_is_believed_only_from_a_trusted_proxy(xuanen_office):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from config.proxy import TrustedProxyMiddleware

    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    middleware(RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.5"))
    assert seen["secure"] is False
    middleware(RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.9.9.9"))
    assert seen["secure"] is True
