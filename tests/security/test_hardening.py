"""Hardening: security headers, secure cookies in production, CSRF on every form and session API
write, API throttling per user and per address, password rules, lock-out on the API too, and no
personal data in logs."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.conftest import PASSWORD
from tests.security.inline_code import csp_violations
from tests.security.urlwalk import all_routes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# --- headers -----------------------------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/auth/me/", "/healthz", "/api/docs/"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # HSTS only when a deployment turns it on


def test_the_content_security_policy_allows_only_the_apps_own_assets(client):
    csp = _csp(client.get("/accounts/login/"))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for directive, sources in csp.items():
        for source in sources:
            assert source in {"'self'", "'none'", "data:"}, f"{directive} allows {source}"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_is_sent_over_https_when_the_setting_is_on():
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def _templates():
    for base in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" in base.parts:
            continue
        yield from base.rglob("*.html")


@pytest.mark.parametrize("template", sorted(_templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_needs_what_the_csp_forbids(template):
    found = csp_violations(template.read_text(encoding="utf-8"))
    assert not found, f"{template.relative_to(ROOT)} has {', '.join(found)}: move it to static/js or static/css"


# --- cookies in production --------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "daibiao.example.gov.cn",
}


def test_production_settings_keep_cookies_on_https_only():
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    clean.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "Lax", "Lax"]


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_the_session_cookie_is_secure_and_hidden_from_scripts(xuanen_office):
    client = Client()
    client.get("/accounts/login/", secure=True)
    response = client.post("/accounts/login/", {"username": "xuanen", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]


# --- CSRF -----------------------------------------------------------------------------------------------

# Routes that take no session (the token exchange authenticates nothing but the body) or no POST.
CSRF_NOT_NEEDED = {"api-token", "api-ping"}


def _csrf_routes():
    return [r for r in all_routes() if r.name not in CSRF_NOT_NEEDED]


@pytest.mark.parametrize("route", _csrf_routes(), ids=lambda r: r.key)
def test_every_post_without_a_csrf_token_is_refused(route, tree):
    from tests.factories.accounts import UserFactory

    # A superuser with a session: the one user every view would otherwise let act.
    root = UserFactory(username="csrf-root", is_staff=True, is_superuser=True)
    client = APIClient(enforce_csrf_checks=True) if route.is_api else Client(enforce_csrf_checks=True)
    client.force_login(root)
    response = client.post(route.url, {})
    assert response.status_code == 403, f"POST {route.url} ({route.key}) without a CSRF token: {response.status_code}"
    if route.is_api:
        assert "CSRF" in response.json()["detail"]


def test_a_form_with_its_csrf_token_is_accepted(xuanen_office):
    client = Client(enforce_csrf_checks=True)
    client.force_login(xuanen_office)
    client.get(reverse("password_change"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("password_change"),
        {
            "csrfmiddlewaretoken": token,
            "old_password": PASSWORD,
            "new_password1": "Xy7#kq2!Lm9v",
            "new_password2": "Xy7#kq2!Lm9v",
        },
    )
    assert response.status_code == 302


def test_token_authenticated_api_calls_need_no_csrf_token(xuanen_office):
    from accounts.tokens import token_issue

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=xuanen_office)}")
    # 405, not 403: the token passed, the endpoint simply has no POST.
    assert client.post("/api/v1/auth/me/", {}, format="json").status_code == 405


# --- throttling --------------------------------------------------------------------------------------------


@pytest.fixture
def low_rates(monkeypatch):
    # DRF reads the rates once at import; patch the class attribute the throttles consult.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"})


def test_the_api_throttles_each_user(low_rates, xuanen_office, honghu_office):
    client = APIClient()
    client.force_authenticate(xuanen_office)
    assert [client.get("/api/v1/auth/me/").status_code for _ in range(5)] == [200] * 5
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and response.json()["detail"]
    assert "Retry-After" in response
    other = APIClient()
    other.force_authenticate(honghu_office)
    assert other.get("/api/v1/auth/me/").status_code == 200


def test_the_api_throttles_anonymous_callers_per_address(low_rates, db):
    # A different username each time: the growing delay per username (config/signin.py) is not what is tested here.
    client = APIClient()

    def attempt(n, address):
        return client.post("/api/v1/auth/token/", {"username": f"nobody{n}", "password": "x"}, format="json", REMOTE_ADDR=address)

    assert [attempt(n, "127.0.0.7").status_code for n in range(3)] == [400] * 3
    response = attempt(3, "127.0.0.7")
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert attempt(4, "127.0.0.8").status_code == 400


# --- sign-in --------------------------------------------------------------------------------------------------


@pytest.fixture
def no_login_delay(settings):
    """The hard lock-out on its own (the growing delays are tested in test_lockout.py)."""
    settings.LOGIN_DELAY_AFTER = 10_000


def test_the_token_endpoint_gives_no_token_once_locked_out(api_client, xuanen_office, no_login_delay):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post("/api/v1/auth/token/", {"username": "xuanen", "password": "wrong"}, format="json")
    response = api_client.post("/api/v1/auth/token/", {"username": "xuanen", "password": PASSWORD}, format="json")
    assert "token" not in response.json()


def test_the_token_endpoint_is_locked_out_like_the_login_page(api_client, xuanen_office, no_login_delay):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post("/api/v1/auth/token/", {"username": "xuanen", "password": "wrong"}, format="json")
    response = api_client.post("/api/v1/auth/token/", {"username": "xuanen", "password": PASSWORD}, format="json")
    assert response.status_code == 429, response.content
    assert "锁定" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize("password", ["abc12", "12345678", "password", "qwertyuiop", "xuanen2026"])
def test_weak_passwords_are_refused_in_chinese(xuanen_office, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=xuanen_office)
    assert all(re.search(r"[\u4e00-\u9fff]", m) for m in refused.value.messages), refused.value.messages


def test_a_strong_password_is_accepted(xuanen_office):
    validate_password("Xy7#kq2!Lm9v", user=xuanen_office)


# --- personal data stays out of the logs ------------------------------------------------------------------------


def test_sign_in_attempts_leave_no_password_or_phone_in_the_logs(client, caplog, tree):
    from tests.factories.accounts import UserFactory

    phone, secret = "13812345678", "Wr0ng-but-Secret!"
    UserFactory(username=phone, phone=phone, region=tree.zhushan)
    with caplog.at_level(logging.DEBUG):
        client.post("/accounts/login/", {"username": phone, "password": secret})
        client.post("/accounts/login/", {"username": phone, "password": PASSWORD})
        APIClient().post("/api/v1/auth/token/", {"username": phone, "password": secret}, format="json")
        APIClient().post("/api/v1/auth/token/", {"username": phone, "password": PASSWORD}, format="json")
    text = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert caplog.records, "nothing was logged: the test would pass for the wrong reason"
    for personal in (phone, secret, PASSWORD):
        assert personal not in text


# --- API errors are JSON even outside DRF --------------------------------------------------------------


def test_an_unknown_api_path_answers_json_404(api_as, xuanen_office):
    response = api_as(xuanen_office).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_a_page_404_stays_a_page(client_as, xuanen_office):
    response = client_as(xuanen_office).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_answers_json():
    from django.test import RequestFactory

    from config.urls import server_error

    response = server_error(RequestFactory().get("/api/v1/anything/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("length", [151, 300, 5000])
def test_an_overlong_username_is_an_ordinary_failed_sign_in(client, api_client, xuanen_office, length):
    # axes stores the attempted username in a 255-character column: on PostgreSQL this was a 500.
    response = client.post(
        "/accounts/login/",
        {"username": "x" * length, "password": "wrong"},
        HTTP_USER_AGENT="U" * length,
        HTTP_ACCEPT="A" * length,
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = api_client.post("/api/v1/auth/token/", {"username": "x" * length, "password": "wrong"}, format="json")
    assert response.status_code == 400


def test_the_lock_out_still_counts_a_real_username(client, xuanen_office, no_login_delay):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "xuanen", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "xuanen", "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_a_throttled_caller_is_let_in_again_when_the_window_turns(low_rates, xuanen_office, monkeypatch):
    from config.throttling import UserRateThrottle

    now = [6000.0]  # the start of a one-minute window
    monkeypatch.setattr(UserRateThrottle, "timer", staticmethod(lambda: now[0]))
    client = APIClient()
    client.force_authenticate(xuanen_office)
    assert [client.get("/api/v1/auth/me/").status_code for _ in range(5)] == [200] * 5
    now[0] += 45
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15  # until the window's end, not a full minute
    now[0] += 15
    assert client.get("/api/v1/auth/me/").status_code == 200


def test_production_answers_the_api_in_json_only_never_the_browsable_forms():
    # Finding 4 of the attack run: ?format=api listed every deputy, station and group of the province.
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    clean.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "import django; django.setup(); from deputies.api import DeputyViewSet; from activities.api import ActivityViewSet; "
        "print(*sorted({r.__name__ for v in (DeputyViewSet, ActivityViewSet) for r in v.renderer_classes}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["JSONRenderer"]


def test_a_token_request_whose_json_is_not_an_object_is_a_400_not_a_500(db):
    # Found by schemathesis: the lock-out's username lookup called .get() on a JSON list.
    response = APIClient().post("/api/v1/auth/token/", "[null, null]", content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
