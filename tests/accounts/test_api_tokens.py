"""API tokens expire, rotate at each login, and are revoked by logout and by a password change (issue 24, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xy7#kq2!Lm9v"


def _login(api_client, username="xuanen", password=PASSWORD) -> str:
    response = api_client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    assert list(response.json()) == ["token"]
    return response.json()["token"]


def _me_status(api_client, token: str) -> int:
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    try:
        return api_client.get("/api/v1/auth/me/").status_code
    finally:
        api_client.credentials()


def test_each_login_issues_a_new_token_and_both_work(api_client, xuanen_office):
    first, second = _login(api_client), _login(api_client)
    assert first != second
    assert _me_status(api_client, first) == 200
    assert _me_status(api_client, second) == 200


def test_a_token_lives_api_token_days(api_client, xuanen_office, settings):
    before = timezone.now()
    _login(api_client)
    expiry = AuthToken.objects.get(user=xuanen_office).expiry
    assert dt.timedelta(days=7) <= expiry - before < dt.timedelta(days=7, minutes=1)


def test_an_expired_token_is_401_and_is_deleted(api_client, xuanen_office):
    token = _login(api_client)
    AuthToken.objects.filter(user=xuanen_office).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.filter(user=xuanen_office).exists()


def test_a_login_drops_the_users_expired_tokens(api_client, xuanen_office):
    _login(api_client)
    AuthToken.objects.filter(user=xuanen_office).update(expiry=timezone.now() - dt.timedelta(days=1))
    fresh = _login(api_client)
    assert AuthToken.objects.filter(user=xuanen_office).count() == 1
    assert _me_status(api_client, fresh) == 200


def test_logout_revokes_every_token_of_the_user_and_no_one_elses(api_client, xuanen_office, honghu_office):
    phone, desktop = _login(api_client), _login(api_client)
    other = _login(api_client, username="honghu")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {phone}")
    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    api_client.credentials()
    assert _me_status(api_client, phone) == 401
    assert _me_status(api_client, desktop) == 401
    assert _me_status(api_client, other) == 200


def test_logout_needs_a_signed_in_user(api_client, db):
    response = api_client.post("/api/v1/auth/logout/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_logout_with_a_session_ends_the_session_too(client, xuanen_office):
    client.force_login(xuanen_office)
    response = client.post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert "_auth_user_id" not in client.session
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_changing_the_password_on_the_page_revokes_every_token(api_client, client, xuanen_office):
    token = _login(api_client)
    client.force_login(xuanen_office)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _me_status(api_client, token) == 401
    assert _me_status(api_client, _login(api_client, password=NEW_PASSWORD)) == 200


def test_a_password_set_anywhere_revokes_the_tokens_but_other_saves_do_not(api_client, xuanen_office):
    token = _login(api_client)
    xuanen_office.refresh_from_db()
    xuanen_office.full_name = "宣恩县人大常委会办公室"
    xuanen_office.save()
    assert _me_status(api_client, token) == 200
    xuanen_office.set_password(NEW_PASSWORD)
    xuanen_office.save()
    assert _me_status(api_client, token) == 401


def test_tokens_are_stored_only_as_a_hash(api_client, xuanen_office):
    token = _login(api_client)
    stored = AuthToken.objects.get(user=xuanen_office)
    assert token not in (stored.digest, stored.token_key)
    assert stored.token_key == token[:15]

