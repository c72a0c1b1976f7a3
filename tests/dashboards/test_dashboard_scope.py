"""Who may open which dashboard, list, export, API answer and record: outside scope is a 404."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role
from dashboards.figures import Filters
from tests.factories.accounts import UserFactory
from tests.factories.dashboards import DashDeputyFactory

pytestmark = pytest.mark.django_db


def _urls(code: str) -> list[str]:
    return [
        f"/dashboard/{code}/",
        f"/dashboard/{code}/list/suggestions_received/",
        f"/dashboard/{code}/list/deputies_total/?campaign=all",
        f"/dashboard/{code}/export.xlsx",
    ]


@pytest.mark.parametrize("code", ["420000", "422800", "421083", "421083101"])
def test_a_county_office_gets_404_for_the_province_its_city_and_a_neighbour(code, tree, xuanen_office, data, client_as, api_as):
    client = client_as(xuanen_office)
    for url in _urls(code):
        assert client.get(url).status_code == 404, url
    assert api_as(xuanen_office).get(f"/api/v1/dashboard/{code}/").status_code == 404


def test_a_county_office_opens_its_county_and_below_with_breadcrumbs_from_its_county(tree, xuanen_office, data, client_as):
    client = client_as(xuanen_office)
    for code in ("422825", "422825100"):
        for url in _urls(code):
            assert client.get(url).status_code == 200, url
    crumbs = client.get("/dashboard/422825100/").context["breadcrumbs"]
    assert [r.name for r in crumbs] == ["宣恩县", "珠山镇"]


def test_dashboard_home_opens_the_users_own_region(tree, xuanen_office, provincial, client_as):
    assert client_as(xuanen_office).get("/dashboard/")["Location"] == "/dashboard/422825/"
    assert client_as(provincial).get("/dashboard/")["Location"] == "/dashboard/420000/"


def test_the_provincial_office_drills_down_to_a_station_of_xuanen(tree, provincial, data, client_as):
    client = client_as(provincial)
    province = client.get("/dashboard/420000/")
    enshi = next(c for c in province.context["children"] if c["name"] == "恩施土家族苗族自治州")
    city = client.get(enshi["url"])
    xuanen = next(c for c in city.context["children"] if c["name"] == "宣恩县")
    county = client.get(xuanen["url"])
    zhushan = next(c for c in county.context["children"] if c["name"] == "珠山镇")
    township = client.get(zhushan["url"])
    assert [c["kind"] for c in township.context["children"]] == ["station"]
    station_row = township.context["children"][0]
    assert f"station={data['zhushan']['station'].pk}" in station_row["cells"][0]["url"]
    assert client.get(station_row["cells"][0]["url"]).status_code == 200
    assert [r.code for r in township.context["breadcrumbs"]] == ["420000", "422800", "422825", "422825100"]
    # the station's own dashboard, with the way back up
    station = client.get(station_row["url"])
    assert station.status_code == 200
    assert station.context["filters"].station == data["zhushan"]["station"]
    html = station.content.decode()
    assert data["zhushan"]["station"].name in html and 'href="/dashboard/422825100/?campaign=' in html
    assert client.get(f"/dashboard/422825100/export.xlsx?station={data['zhushan']['station'].pk}").status_code == 200


def test_a_station_outside_the_region_or_scope_is_404(tree, xuanen_office, provincial, data, client_as):
    honghu_station = data["fengkou"]["station"].pk
    jiaoyuan_station = data["jiaoyuan"]["station"].pk
    assert client_as(xuanen_office).get(f"/dashboard/421083101/?station={honghu_station}").status_code == 404
    assert client_as(xuanen_office).get(f"/dashboard/422825/list/activities_total/?station={honghu_station}").status_code == 404
    # a station of another township, under this township's code
    assert client_as(provincial).get(f"/dashboard/422825100/?station={jiaoyuan_station}").status_code == 404
    assert client_as(provincial).get("/dashboard/422825100/?station=abc").status_code == 404


def test_a_township_sees_only_its_own_township(tree, xuanen_staff, data, client_as):
    client = client_as(xuanen_staff)
    assert client.get("/dashboard/422825100/").status_code == 200
    assert client.get("/dashboard/422825101/").status_code == 404  # the neighbouring township
    assert client.get("/dashboard/422825/").status_code == 404


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.DEPARTMENT_HANDLER])
def test_deputies_and_handlers_have_no_dashboard(role, tree, client_as, api_as):
    user = UserFactory(role=role, region=tree.xuanen)
    assert client_as(user).get("/dashboard/").status_code == 404
    assert client_as(user).get("/dashboard/422825/").status_code == 404
    assert api_as(user).get("/api/v1/dashboard/422825/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(tree, client, api_client):
    assert client.get("/dashboard/422825/").status_code == 302
    assert client.get("/dashboard/record/").status_code == 302
    assert api_client.get("/api/v1/dashboard/422825/").status_code == 401


def test_a_county_figure_does_not_count_the_neighbours_rows(tree, xuanen_office, honghu_office, data, client_as):
    xuanen = client_as(xuanen_office).get("/dashboard/422825/?campaign=all").context["sections"]
    honghu = client_as(honghu_office).get("/dashboard/421083/?campaign=all").context["sections"]
    xuanen_received = next(i for i in xuanen[3]["items"] if i["key"] == "suggestions_received")["value"]
    honghu_received = next(i for i in honghu[3]["items"] if i["key"] == "suggestions_received")["value"]
    # populate() makes 6 per size unit + 1 not accepted: 宣恩县 has sizes 2 + 1, 洪湖市 size 1
    assert (xuanen_received, honghu_received) == (6 * 3 + 2, 6 + 1)


def test_the_cache_is_kept_apart_per_scope_and_filters(tree, xuanen_office, provincial, campaign):
    def key(user, **kw):
        return Filters.build(user=user, region=tree.xuanen, campaign=kw.pop("campaign", None), **kw).cache_key()

    assert key(provincial) != key(xuanen_office)
    assert key(provincial) != key(provincial, campaign=campaign)
    assert key(provincial) != key(provincial, date_from=dt.date(2026, 1, 1))
    assert key(provincial) == key(provincial)


def test_a_record_outside_scope_is_404(tree, xuanen_office, honghu_staff, client_as):
    deputy = DashDeputyFactory(region=tree.zhushan)
    assert client_as(honghu_staff).get(f"/dashboard/record/{deputy.pk}/").status_code == 404
    assert client_as(xuanen_office).get(f"/dashboard/record/{deputy.pk}/").status_code == 200
