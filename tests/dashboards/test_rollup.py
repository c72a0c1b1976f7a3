"""Province, city and county dashboards read from the rollup: the same numbers as the raw rows, in
two queries, and never from a rollup that is missing, stale or cannot answer the filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Attendance
from dashboards import rollup
from dashboards.figures import Filters, compute_dashboard
from dashboards.models import DashboardRollup, Participation
from dashboards.tasks import LOCK, refresh_rollups
from tests.conftest import fresh
from tests.dashboards.conftest import add_city
from tests.dashboards.test_dashboard_numbers_are_lists import MUST_COUNT
from tests.factories.dashboards import DashActivityFactory, DashCampaignFactory

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


def _without_as_of(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "as_of"}


@pytest.mark.embedded
@pytest.mark.parametrize("level", ["province", "enshi", "xuanen"])
@pytest.mark.parametrize("every_campaign", [False, True])
def test_a_dashboard_from_the_rollup_equals_the_one_from_the_raw_rows(tree, provincial, data, campaign, county_item, level, every_campaign):
    # given data in three cities (one of them only reachable through a city of its own)
    add_city(90, campaign, county_item)
    filters = Filters.build(user=provincial, region=getattr(tree, level), campaign=None if every_campaign else campaign)
    # when the rollup is refreshed
    rollup.refresh()
    # then the dashboard read from it is the live one, figure for figure, child for child
    live = compute_dashboard(filters)
    served = rollup.dashboard(filters)
    assert served is not None
    assert _without_as_of(served) == _without_as_of(live)
    assert served["as_of"] and live["as_of"] is None
    # and the comparison is not between empty dashboards
    if level == "province":
        assert all(live["totals"][key] for key in MUST_COUNT), [k for k in MUST_COUNT if not live["totals"][k]]
        assert live["league"] and live["categories"] and live["trend"] and len(live["children"]) >= 3


def test_the_rollup_keeps_the_numbers_of_its_last_refresh_until_the_next(tree, provincial, data, campaign):
    filters = Filters.build(user=provincial, region=tree.province, campaign=campaign)
    rollup.refresh()
    before = rollup.dashboard(filters)["totals"]["activities_total"]
    # when a visit is logged after the refresh
    DashActivityFactory(region=tree.zhushan, campaigns=[campaign])
    # then the rollup still answers with the old number (the page says when it was computed)…
    assert rollup.dashboard(filters)["totals"]["activities_total"] == before
    # …and the next refresh counts it, as the raw rows do
    rollup.refresh()
    assert rollup.dashboard(filters)["totals"]["activities_total"] == before + 1
    assert compute_dashboard(filters)["totals"]["activities_total"] == before + 1


def test_the_page_of_a_county_says_when_its_figures_were_summed(tree, xuanen_office, data, campaign, client_as):
    rollup.refresh()
    cache.clear()
    response = client_as(xuanen_office).get(f"/dashboard/{tree.xuanen.code}/?campaign={campaign.pk}")
    assert response.status_code == 200
    assert "数据汇总于" in response.content.decode()
    live = compute_dashboard(Filters.build(user=xuanen_office, region=tree.xuanen, campaign=campaign))
    assert response.context["sections"][0]["items"][0]["value"] == live["totals"]["deputies_total"]


@pytest.mark.parametrize(
    "case",
    ["no refresh yet", "stale", "date range", "township", "station", "turned off"],
)
def test_the_rollup_does_not_answer_what_it_cannot(tree, provincial, xuanen_staff, data, campaign, settings, case):
    region, station, date_from = tree.xuanen, None, None
    if case != "no refresh yet":
        rollup.refresh()
    if case == "stale":
        DashboardRollup.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=settings.DASHBOARD_ROLLUP_MAX_AGE_MINUTES + 1))
    if case == "date range":
        date_from = dt.date(2026, 1, 1)
    if case == "township":
        region = tree.zhushan
    if case == "station":
        region, station = tree.zhushan, data["zhushan"]["station"]
    if case == "turned off":
        settings.DASHBOARD_ROLLUPS = False
    filters = Filters.build(user=provincial, region=region, campaign=campaign, date_from=date_from, station=station)
    assert rollup.dashboard(filters) is None


def test_a_rollup_dashboard_takes_two_queries_whatever_the_data(tree, provincial, data, campaign, county_item):
    filters = Filters.build(user=provincial, region=tree.province, campaign=campaign)
    rollup.refresh()
    with CaptureQueriesContext(connection) as small:
        rollup.dashboard(filters)
    for n in range(91, 94):
        add_city(n, campaign, county_item)
    rollup.refresh()
    with CaptureQueriesContext(connection) as large:
        served = rollup.dashboard(filters)
    assert len(small.captured_queries) == len(large.captured_queries) == 2
    assert len(served["children"]) >= 5


def test_participation_is_one_row_per_deputy_and_campaign(tree, data, campaign):
    other = DashCampaignFactory(region=tree.province)
    activity = DashActivityFactory(region=tree.zhushan, campaigns=[campaign, other])
    deputy = Attendance.objects.filter(activity__campaigns=campaign).values_list("deputy", flat=True).first()
    Attendance.objects.create(activity=activity, deputy_id=deputy)
    rollup.rebuild_participation()
    pairs = set(Attendance.objects.filter(activity__campaigns__isnull=False).values_list("deputy", "activity__campaigns").distinct())
    assert set(Participation.objects.values_list("deputy", "campaign")) == pairs
    assert Participation.objects.count() == len(pairs) > 1


def test_a_deleted_campaign_leaves_no_rollup_behind(tree, data, campaign):
    rollup.refresh()
    assert DashboardRollup.objects.filter(campaign_key=campaign.pk).exists()
    campaign.delete()
    rollup.refresh()
    assert not DashboardRollup.objects.filter(campaign_key=campaign.pk).exists()
    assert DashboardRollup.objects.filter(campaign_key=rollup.ALL_CAMPAIGNS_KEY).exists()


def test_the_beat_task_refreshes_and_stands_down_while_another_refresh_runs(tree, data, campaign):
    cache.delete(LOCK)
    assert cache.add(LOCK, "1")
    assert refresh_rollups() == {"skipped": "another refresh is running"}
    assert not DashboardRollup.objects.exists()
    cache.delete(LOCK)
    result = refresh_rollups()
    assert campaign.pk in result["campaigns"] and rollup.ALL_CAMPAIGNS_KEY in result["campaigns"]
    assert DashboardRollup.objects.filter(campaign_key=campaign.pk, bucket=tree.province.prefix).exists()
    assert cache.add(LOCK, "1")  # released
    cache.delete(LOCK)


def test_the_management_command_refreshes_every_campaign_with_all(tree, data, campaign, capsys):
    from django.core.management import call_command

    past = DashCampaignFactory(region=tree.province, start_date=dt.date(2021, 1, 1), end_date=dt.date(2021, 12, 31))
    call_command("refresh_dashboards")
    assert not DashboardRollup.objects.filter(campaign_key=past.pk).exists()
    call_command("refresh_dashboards", "--all")
    assert DashboardRollup.objects.filter(campaign_key=past.pk).exists()
    assert "看板汇总" in capsys.readouterr().out


def test_a_campaign_only_the_nightly_run_refreshes_is_served_for_a_day_and_a_half(tree, provincial, data, settings):
    # given last year's campaign, ended long ago: only the nightly run (everything=True) refreshes it
    year = timezone.localdate().year - 1
    past = DashCampaignFactory(region=tree.province, year=year, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 3, 31))
    rollup.refresh(everything=True)
    filters = Filters.build(user=provincial, region=tree.province, campaign=past)
    hours = settings.DASHBOARD_ROLLUP_MAX_AGE_MINUTES / 60
    # when its rollup is older than a running campaign's may be, it still serves (until the next night)
    DashboardRollup.objects.filter(campaign_key=past.pk).update(computed_at=timezone.now() - dt.timedelta(hours=hours + 12))
    assert rollup.dashboard(filters) is not None
    # a rollup that missed two nights does not
    DashboardRollup.objects.filter(campaign_key=past.pk).update(computed_at=timezone.now() - dt.timedelta(hours=37))
    assert rollup.dashboard(filters) is None
