"""The office's ranking, rules and Excel; the API contract; scope (404 outside); query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from activities.models import ActivityType
from deputies.models import MandateLevel
from duty.models import PointScheme, RuleKind
from tests.factories.dashboards import DashActivityFactory, DashDeputyFactory, DashMandateFactory
from tests.factories.duty import county_deputy, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(tree, last_year):
    """Two county deputies of 宣恩县 (one below the threshold of 5) and one of 洪湖市."""
    make_scheme(tree.xuanen, last_year, [(RuleKind.VISIT, 2, None, None), (RuleKind.TRAINING, 3, None, None)], threshold=5)
    make_scheme(tree.honghu, last_year, [(RuleKind.VISIT, 1, None, None)])
    busy, idle = county_deputy(tree, name="张三"), county_deputy(tree, name="=SUM(A1)", phone="13900000001")
    activities = [
        DashActivityFactory(region=tree.zhushan, type=ActivityType.VISIT, date=dt.date(last_year, 3, d), attendees=[busy]) for d in (1, 2)
    ]
    DashActivityFactory(region=tree.zhushan, type=ActivityType.TRAINING, date=dt.date(last_year, 4, 1), attendees=[busy, idle])
    outsider = DashDeputyFactory(region=tree.fengkou, name="王五")
    DashMandateFactory(deputy=outsider, level=MandateLevel.COUNTY, congress_region=tree.honghu)
    DashActivityFactory(region=tree.fengkou, date=dt.date(last_year, 3, 1), attendees=[outsider])
    return {"busy": busy, "idle": idle, "outsider": outsider, "visits": activities}


def test_the_api_lists_the_readers_deputies_highest_first_with_traced_lines(api_as, xuanen_office, scored, last_year):
    response = api_as(xuanen_office).get(f"/api/v1/duty-points/?year={last_year}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert (first["deputy"], first["name"], first["points"]) == (scored["busy"].pk, "张三", 7.0)
    assert (second["deputy"], second["points"], second["below_threshold"]) == (scored["idle"].pk, 3.0, True)
    assert {(line["kind"], line["id"], line["points"]) for line in first["lines"] if line["rule"] == RuleKind.VISIT} == {
        ("activity", a.pk, 2.0) for a in scored["visits"]
    }


def test_the_api_refuses_a_bad_year_naming_the_field_and_strangers(api_as, api_client, xuanen_office, scored):
    response = api_as(xuanen_office).get("/api/v1/duty-points/?year=abc")
    assert response.status_code == 400
    assert "year" in response.json()
    assert api_client.get("/api/v1/duty-points/").status_code == 401


def test_the_api_is_in_the_openapi_schema(api_as, provincial):
    response = api_as(provincial).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/duty-points/" in response.json()["paths"]


def test_another_countys_office_sees_none_of_these_deputies(api_as, client_as, honghu_office, scored, last_year):
    body = api_as(honghu_office).get(f"/api/v1/duty-points/?year={last_year}").json()
    assert [r["deputy"] for r in body["results"]] == [scored["outsider"].pk]
    client = client_as(honghu_office)
    assert client.get(f"/duty/deputies/{scored['busy'].pk}/?year={last_year}").status_code == 404
    assert client.get(f"/duty/deputies/{scored['busy'].pk}/report/?year={last_year}").status_code == 404
    assert client.get(f"/duty/deputies/{scored['busy'].pk}/report.docx?year={last_year}").status_code == 404
    assert client.get(f"/duty/deputies/{scored['busy'].pk}/meetings/new/").status_code == 404
    assert client.post(f"/duty/deputies/{scored['busy'].pk}/public/", {"hidden": "1"}).status_code == 404


def test_a_county_office_edits_only_its_own_rules(client_as, xuanen_office, honghu_office, tree, scored, last_year):
    year = last_year + 1
    make_scheme(tree.xuanen, year, [(RuleKind.VISIT, 2, None, None)])
    # 洪湖's office opens "its" rules page: 洪湖's (none this year), never 宣恩's.
    page = client_as(honghu_office).get(f"/duty/rules/{year}/")
    assert page.status_code == 200
    assert "宣恩县" not in page.content.decode()
    client_as(honghu_office).post(f"/duty/rules/{year}/", {"kind": RuleKind.VISIT, "points": "9", "effective_from": f"{year}-12-31"})
    assert not PointScheme.objects.filter(congress_region=tree.honghu, year=year).exists()
    assert list(PointScheme.objects.get(congress_region=tree.xuanen, year=year).rules.values_list("points", flat=True)) == [Decimal(2)]


def test_a_deputy_cannot_open_the_rules_or_the_ranking(client_as, tree, scored, last_year):
    from accounts.models import Role
    from tests.factories.accounts import UserFactory

    user = UserFactory(username="deputy", role=Role.DEPUTY, region=tree.zhushan)
    scored["busy"].user = user
    scored["busy"].save(update_fields=["user"])
    client = client_as(user)
    assert client.get(f"/duty/rules/{last_year}/").status_code == 404
    assert client.get("/duty/ranking/").status_code == 404
    own = client.get(f"/duty/me/?year={last_year}")
    assert own.status_code == 200
    assert client.get(f"/duty/deputies/{scored['idle'].pk}/?year={last_year}").status_code == 404


def test_the_ranking_highlights_those_below_the_threshold_and_exports_them(client_as, xuanen_office, scored, last_year):
    client = client_as(xuanen_office)
    page = client.get(f"/duty/ranking/?year={last_year}").content.decode()
    assert page.count("data-below-threshold") == 1
    export = client.get(f"/duty/ranking/export.xlsx?year={last_year}")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[:2] + (r[4],) for r in rows[1:]] == [(1, "张三", 7.0), (2, "'=SUM(A1)", 3.0)]


def test_the_scored_record_links_each_line_to_what_earned_it(client_as, xuanen_office, scored, last_year):
    page = client_as(xuanen_office).get(f"/duty/deputies/{scored['busy'].pk}/?year={last_year}").content.decode()
    for activity in scored["visits"]:
        assert f'href="/activities/{activity.pk}/"' in page


def test_filtering_by_level_narrows_the_ranking(client_as, xuanen_office, scored, last_year):
    page = client_as(xuanen_office).get(f"/duty/ranking/?year={last_year}&level=township").content.decode()
    assert "张三" not in page


def _ranked_with(tree, last_year, n):
    for i in range(n):
        deputy = county_deputy(tree, name=f"代表{i}", phone=f"1380000{i:04d}")
        DashActivityFactory(region=tree.zhushan, date=dt.date(last_year, 5, 1), attendees=[deputy])


def test_the_ranking_costs_the_same_queries_for_three_deputies_or_thirty(api_as, xuanen_office, tree, last_year, django_assert_num_queries):
    make_scheme(tree.xuanen, last_year, [(RuleKind.VISIT, 2, None, None), (RuleKind.ABSENCE, -5, None, None)])
    client = api_as(xuanen_office)
    _ranked_with(tree, last_year, 3)
    # totals: mandates, schemes, the year's rule dates, one set-based statement (on PostgreSQL with JIT
    # off and more work_mem around it: config.statements); the page's lines: rules, one per kind
    with CaptureQueriesContext(connection) as three:
        assert client.get(f"/api/v1/duty-points/?year={last_year}").json()["count"] == 3
    _ranked_with(tree, last_year, 27)
    with CaptureQueriesContext(connection) as thirty:
        assert client.get(f"/api/v1/duty-points/?year={last_year}").json()["count"] == 30
    assert len(three.captured_queries) == len(thirty.captured_queries) <= 10
