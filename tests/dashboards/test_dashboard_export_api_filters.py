"""The Excel export, the JSON API, the filters and the working-day cut-offs."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from dashboards.figures import Filters, compute_dashboard
from tests.factories.dashboards import DashActivityFactory, DashCampaignFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_dashboards_tables_with_chinese_headers(tree, xuanen_office, data, campaign, client_as):
    response = client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/export.xlsx?campaign={campaign.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="dashboard-422825-' in response["Content-Disposition"]
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["总体指标", "下级区划", "建议类别", "承办单位排名", "月度趋势"]
    totals = wb["总体指标"]
    assert [c.value for c in totals[1]] == ["指标", "数值", "单位"]
    received = {row[0]: row[1] for row in totals.iter_rows(min_row=2, values_only=True) if row and row[0]}
    expected = compute_dashboard(Filters.build(user=xuanen_office, region=tree.xuanen, campaign=campaign))["totals"]
    assert received["收到建议"] == expected["suggestions_received"] == 20
    assert received["按期答复率"] == expected["on_time_rate"]
    children = wb["下级区划"]
    assert [c.value for c in children[1]][:3] == ["区划", "代表总数", "参加活动代表"]
    assert sorted(r[0] for r in children.iter_rows(min_row=2, values_only=True)) == ["椒园镇", "珠山镇"]
    assert [c.value for c in wb["承办单位排名"][1]][:3] == ["排名", "承办单位", "建议件数"]
    assert wb["承办单位排名"]["B2"].value == "宣恩县交通运输局"
    assert [c.value for c in wb["建议类别"][1]] == ["类别", "建议件数"]
    assert wb["建议类别"]["A2"].value == "交通出行"
    assert [c.value for c in wb["月度趋势"][1]] == ["月份", "履职活动", "建议", "首次答复"]


def test_the_api_returns_the_same_figures_as_the_page(tree, xuanen_office, data, campaign, api_as):
    response = api_as(xuanen_office).get(f"/api/v1/dashboard/{tree.xuanen.code}/", {"campaign": campaign.pk})
    assert response.status_code == 200
    body = response.json()
    expected = compute_dashboard(Filters.build(user=xuanen_office, region=tree.xuanen, campaign=campaign))
    assert body["totals"] == json.loads(json.dumps(expected["totals"]))
    assert [c["name"] for c in body["children"]] == ["珠山镇", "椒园镇"]
    assert body["region"] == {"code": "422825", "name": "宣恩县", "level": "county"}
    own = api_as(xuanen_office).get("/api/v1/dashboard/")
    assert own.json()["region"]["code"] == "422825"


def test_the_api_names_a_bad_filter(tree, xuanen_office, api_as):
    response = api_as(xuanen_office).get(f"/api/v1/dashboard/{tree.xuanen.code}/", {"from": "2026-13-01", "campaign": "999"})
    assert response.status_code == 400
    assert set(response.json()) == {"from", "campaign"}


def test_the_api_is_in_the_openapi_schema(tree, provincial, client_as):
    schema = client_as(provincial).get("/api/schema/?format=json").json()
    assert "/api/v1/dashboard/{code}/" in schema["paths"]


def test_a_bad_date_is_shown_with_a_chinese_message_and_kept(tree, xuanen_office, client_as):
    response = client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/?from=2026-02-30&to=2026-01-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入有效日期" in html
    assert 'value="2026-02-30"' in html
    response = client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/?from=2026-03-01&to=2026-01-01")
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_the_current_campaign_is_the_default_and_all_shows_every_campaign(tree, xuanen_office, campaign, client_as):
    old = DashCampaignFactory(region=tree.province, year=2020, start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 12, 31))
    DashActivityFactory(region=tree.zhushan, campaigns=[campaign])
    DashActivityFactory(region=tree.zhushan, campaigns=[old], date=dt.date(2020, 5, 1))
    client = client_as(xuanen_office)

    def activities(query=""):
        sections = client.get(f"/dashboard/{tree.xuanen.code}/{query}").context["sections"]
        return next(i for i in sections[1]["items"] if i["key"] == "activities_total")["value"]

    assert activities() == 1
    assert activities(f"?campaign={old.pk}") == 1
    assert activities("?campaign=all") == 2
    assert activities("?campaign=all&from=2021-01-01") == 1
    # the links carry the campaign that was applied
    page = client.get(f"/dashboard/{tree.xuanen.code}/")
    assert f"campaign={campaign.pk}" in page.context["sections"][0]["items"][0]["url"]


def test_a_neighbours_self_chosen_campaign_is_not_offered(tree, xuanen_office, client_as):
    DashCampaignFactory(region=tree.honghu, kind="self_chosen", title="洪湖自选")
    response = client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/")
    assert "洪湖自选" not in response.content.decode()


def test_the_page_carries_chart_data_as_json_and_no_inline_script(tree, xuanen_office, data, client_as):
    html = client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/").content.decode()
    assert '<script id="dashboard-charts" type="application/json">' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/dashboards.js" in html
    # every other <script> loads a file
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or "application/json" in attrs for attrs in scripts)
    assert " style=" not in html
    block = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', html, re.S).group(1)
    charts = json.loads(block)
    assert set(charts) == {"activities_by_type", "categories", "outcomes", "trend"}


def test_the_api_needs_as_many_queries_for_6_cities_as_for_2(
    tree, provincial, campaign, county_item, api_as, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.dashboards.conftest import add_city

    client = api_as(provincial)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/dashboard/420000/").status_code == 200
    for n in (1, 2, 3, 5):
        add_city(n, campaign, county_item)
    cache.clear()
    with django_assert_num_queries(len(captured)):
        assert len(client.get("/api/v1/dashboard/420000/").json()["children"]) == 6


def test_a_bad_narrowing_is_reported_not_a_500(tree, xuanen_office, data, client_as):
    response = client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/list/activities_total/?department=abc&month=2026-13")
    assert response.status_code == 200
    assert set(response.context["narrowing_errors"]) == {"department", "month"}
    assert "月份格式应为" in response.content.decode()


def test_an_unknown_figure_is_404(tree, xuanen_office, client_as):
    assert client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/list/no_such_figure/").status_code == 404


def test_an_ended_mandate_does_not_count_at_its_level(tree, xuanen_office, client_as):
    from deputies.models import MandateLevel
    from tests.factories.dashboards import DashDeputyFactory, DashMandateFactory

    deputy = DashDeputyFactory(region=tree.zhushan)
    DashMandateFactory(deputy=deputy, level=MandateLevel.TOWNSHIP, congress_region=tree.zhushan)
    DashMandateFactory(deputy=deputy, level=MandateLevel.COUNTY, end_date=dt.date(2021, 12, 31), congress_region=tree.xuanen)
    rows = client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/").context["by_level"]
    counts = {row["label"]: row["cells"][0]["value"] for row in rows}
    assert (counts["乡(镇)"], counts["县(市、区)"]) == (1, 0)
