"""Every number on a dashboard is a link to the list behind it, and the list shows the same number."""

from __future__ import annotations

import pytest

from dashboards.figures import CHILD_TABLE, FIGURES, Filters, compute_dashboard
from dashboards.presentation import list_url
from tests.conftest import fresh

pytestmark = pytest.mark.django_db


# Every test here reads the two-county data: it is made once for the module, and each test gets
# its own re-read instances (what a test writes is rolled back before the next).
@pytest.fixture
def campaign(module_data, db):
    return fresh(module_data[0])


@pytest.fixture
def county_item(module_data, db):
    return fresh(module_data[1])


@pytest.fixture
def data(module_data, db):
    return fresh(module_data[2])


# Figures the test data must make non-zero, so equality is not 0 == 0.
MUST_COUNT = [
    "deputies_total",
    "deputies_county",
    "deputies_township",
    "deputies_active",
    "deputies_active_county",
    "deputies_no_station",
    "activities_total",
    "activities_visit",
    "activities_training",
    "households_visited",
    "enterprises_visited",
    "people_reached",
    "training_person_times",
    "stations_total",
    "standards_met",
    "reception_days",
    "suggestions_received",
    "suggestions_triage",
    "suggestions_assigned",
    "suggestions_answered",
    "suggestions_closed",
    "suggestions_not_accepted",
    "suggestions_due_soon",
    "suggestions_overdue",
    "suggestions_long_overdue",
    "answers_total",
    "answers_on_time",
    "outcome_A",
    "outcome_B",
    "ratings_total",
    "ratings_satisfied",
]


def test_each_key_figure_equals_the_count_of_its_list(tree, provincial, data, campaign, client_as):
    # given the province dashboard's figures
    filters = Filters.build(user=provincial, region=tree.province, campaign=campaign)
    totals = compute_dashboard(filters)["totals"]
    assert set(totals) == set(FIGURES)
    client = client_as(provincial)
    mismatches = []
    for key, figure in FIGURES.items():
        number = totals[key]
        if key in MUST_COUNT and not number:
            mismatches.append((key, "test data leaves it at zero"))
        # when the list behind the number is opened with the same filters
        response = client.get(list_url(tree.province.code, key, filters))
        assert response.status_code == 200
        # then it shows the same number, and a count figure lists exactly that many rows
        if response.context["value"] != number:
            mismatches.append((key, number, response.context["value"]))
        if figure.kind == "count" and response.context["count"] != number:
            mismatches.append((key, number, response.context["count"]))
    assert mismatches == []


def test_child_region_and_station_cells_equal_their_lists(tree, xuanen_office, data, campaign, client_as):
    client = client_as(xuanen_office)
    for region in (tree.xuanen, tree.zhushan):  # townships, then a township's stations
        filters = Filters.build(user=xuanen_office, region=region, campaign=campaign)
        dash = compute_dashboard(filters)
        assert dash["children"], region
        for child in dash["children"]:
            for key in CHILD_TABLE:
                narrowing = {"station": child["id"]} if child["kind"] == "station" else {}
                response = client.get(list_url(child["code"], key, filters, **narrowing))
                assert response.context["value"] == child["figures"][key], (region.name, child["name"], key)


def test_every_link_on_the_page_leads_to_a_list_showing_the_same_number(tree, xuanen_office, data, client_as):
    # given the county dashboard as its office sees it (default campaign)
    client = client_as(xuanen_office)
    page = client.get(f"/dashboard/{tree.xuanen.code}/")
    assert page.status_code == 200
    ctx = page.context
    cells = [item for section in ctx["sections"] for item in section["items"]]
    cells += [c for row in ctx["by_level"] for c in row["cells"]] + ctx["by_type"] + ctx["outcomes"]
    cells += [c for child in ctx["children"] for c in child["cells"]]
    # when each link is followed, then its list shows the number the link carried
    for cell in cells:
        assert cell["url"] in page.content.decode()
        listed = client.get(cell["url"])
        assert listed.context["value_display"] == cell["display"], cell["key"]
    for row in ctx["categories"]:
        assert client.get(row["url"]).context["count"] == row["count"]
    for row in ctx["trend"]:
        assert client.get(row["activities_url"]).context["count"] == row["activities"]
        assert client.get(row["suggestions_url"]).context["count"] == row["suggestions"]
        assert client.get(row["answers_url"]).context["count"] == row["answers"]


def test_the_league_ranks_departments_and_links_to_their_suggestions(tree, xuanen_office, data, client_as, settings):
    settings.DASHBOARD_LEAGUE_MIN = 3
    client = client_as(xuanen_office)
    league = client.get(f"/dashboard/{tree.xuanen.code}/").context["league"]
    # only 宣恩县's department is inside the office's county
    assert [row["name"] for row in league] == ["宣恩县交通运输局"]
    row = league[0]
    assert row["rank"] == 1
    assert client.get(row["suggestions_url"]).context["count"] == row["suggestions"]
    assert client.get(row["on_time_url"]).context["value_display"] == row["on_time_display"]
    assert client.get(row["satisfaction_url"]).context["value_display"] == row["satisfaction_display"]


def test_the_league_leaves_out_departments_below_the_minimum(tree, xuanen_office, data, client_as, settings):
    settings.DASHBOARD_LEAGUE_MIN = 1000
    assert client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/").context["league"] == []


def test_a_station_dashboards_figures_equal_their_lists(tree, xuanen_staff, data, campaign, client_as):
    # given the dashboard of one station of 珠山镇, as the township's staff see it
    station = data["zhushan"]["station"]
    filters = Filters.build(user=xuanen_staff, region=tree.zhushan, campaign=campaign, station=station)
    dash = compute_dashboard(filters)
    township = compute_dashboard(Filters.build(user=xuanen_staff, region=tree.zhushan, campaign=campaign))
    # then its figures are the station's row of the township table
    row = next(c for c in township["children"] if c["id"] == station.pk)
    assert {k: dash["totals"][k] for k in CHILD_TABLE} == {k: row["figures"][k] for k in CHILD_TABLE}
    assert dash["children"] == []
    client = client_as(xuanen_staff)
    for key, figure in FIGURES.items():
        response = client.get(list_url(tree.zhushan.code, key, filters))
        assert response.context["value"] == dash["totals"][key], key
        if figure.kind == "count":
            assert response.context["count"] == dash["totals"][key], key


def test_the_page_shows_the_head_of_a_long_league_and_the_export_all_of_it(tree, provincial, data, client_as, settings):
    from io import BytesIO

    from openpyxl import load_workbook

    settings.DASHBOARD_LEAGUE_MIN = 1
    settings.DASHBOARD_LEAGUE_ROWS = 1
    client = client_as(provincial)
    response = client.get(f"/dashboard/{tree.province.code}/")
    # two counties' departments rank, the page shows the first and says how many there are
    assert response.context["league_total"] == 2
    assert [row["rank"] for row in response.context["league"]] == [1]
    assert "共 2 个单位" in response.content.decode()
    workbook = load_workbook(BytesIO(client.get(f"/dashboard/{tree.province.code}/export.xlsx").content))
    names = {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert {"宣恩县交通运输局", "洪湖市交通运输局"} <= names
