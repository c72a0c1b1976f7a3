"""Finding 9 and 11 of the attack run: crafted input is a 400 naming the field, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.security.routes import CONGRESS_OFFICE, DEPUTY, TOWNSHIP_STAFF

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_an_anonymous_path_is_a_400():
    assert Client().get("/voice/m/%00/").status_code == 400


def test_a_nul_byte_in_a_query_parameter_names_it(world, api_as):
    response = api_as(world.insiders[CONGRESS_OFFICE]).get("/api/v1/deputies/", {"search": "张\x00"})
    assert response.status_code == 400
    assert response.json()["search"]


def test_a_nul_byte_in_a_json_field_names_the_field(world, api_as):
    body = {"title": "便民桥\x00", "content": "村口便民桥年久失修", "region": world.tree.zhushan.code}
    response = api_as(world.insiders[DEPUTY]).post("/api/v1/suggestions/", body, format="json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_a_lone_surrogate_in_json_is_refused():
    body = b'{"username": "a\\ud800", "password": "x"}'
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "username" in response.json()


def test_json_nested_a_thousand_deep_is_refused_before_parsing():
    body = "[" * 1000 + "]" * 1000
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"


def test_an_oversized_api_body_answers_json(world, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api_as(world.insiders[DEPUTY]).post("/api/v1/suggestions/", {"title": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "request_too_large"


def test_a_nul_byte_in_a_page_form_is_a_chinese_400(world, client_as):
    response = client_as(world.insiders[TOWNSHIP_STAFF]).post(reverse("activities:visit"), {"summary": "走访\x00"})
    assert response.status_code == 400
    assert "不允许的字符" in response.content.decode()
    assert "summary" in response.content.decode()


def test_a_form_body_that_is_not_utf8_is_a_400(world, client_as):
    response = client_as(world.insiders[TOWNSHIP_STAFF]).post(
        reverse("activities:visit"), "summary=%FF%FE", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("ordering", ["shown_phone", "shown_name", "-shown_phone", "nonexistent"])
def test_ordering_by_an_undeclared_field_is_a_400_naming_ordering(world, api_as, ordering):
    response = api_as(world.insiders[CONGRESS_OFFICE]).get("/api/v1/resident-messages/", {"ordering": ordering})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_a_declared_ordering_still_sorts(world, api_as):
    assert api_as(world.insiders[CONGRESS_OFFICE]).get("/api/v1/resident-messages/", {"ordering": "-created_at"}).status_code == 200


# --- sanity bounds (finding 11) ------------------------------------------------------------------


def _activity(world, **overrides):
    body = {"type": "visit", "date": dt.date.today().isoformat(), "region": world.tree.zhushan.code, "summary": "走访农户"}
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"date": "0001-01-01"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"households_visited": 10**9}, "households_visited"),
        ({"issues": [{"text": f"问题{i}", "deputies": []} for i in range(5000)]}, "issues"),
    ],
)
def test_an_activity_outside_sane_bounds_is_refused_naming_the_field(world, api_as, overrides, field):
    from activities.models import Activity

    response = api_as(world.insiders[TOWNSHIP_STAFF]).post("/api/v1/activities/", _activity(world, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Activity.objects.exists()


def test_an_activity_in_2000_is_accepted(world, api_as):
    response = api_as(world.insiders[TOWNSHIP_STAFF]).post("/api/v1/activities/", _activity(world, date="2000-01-01"), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("birth_date", ["9999-12-31", "0001-01-01"])
def test_a_deputy_born_outside_the_past_century_is_refused(world, api_as, birth_date):
    body = {"name": "李四", "region": world.tree.zhushan.code, "birth_date": birth_date}
    response = api_as(world.insiders[CONGRESS_OFFICE]).post("/api/v1/deputies/", body, format="json")
    assert response.status_code == 400, response.content
    assert "birth_date" in response.json()
    response = api_as(world.insiders[CONGRESS_OFFICE]).patch(f"/api/v1/deputies/{world.deputy_a.pk}/", {"birth_date": birth_date}, format="json")
    assert response.status_code == 400
    assert "birth_date" in response.json()
