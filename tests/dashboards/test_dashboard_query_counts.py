"""The number of queries of a dashboard, a drill list and a record page does not grow with the data."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.models import Region
from tests.dashboards.conftest import add_city, populate
from tests.factories.dashboards import (
    DashActivityFactory,
    DashDepartmentFactory,
    DashDeputyFactory,
    DashSuggestionFactory,
)

pytestmark = pytest.mark.django_db

DRILL_FIGURES = [
    "deputies_total",
    "deputies_active_rate",
    "activities_total",
    "households_visited",
    "stations_total",
    "standards_completion",
    "reception_days",
    "suggestions_received",
    "suggestions_overdue",
    "answers_total",
    "outcome_A",
    "satisfaction_rate",
]


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_province_dashboard_needs_as_many_queries_for_6_cities_as_for_2(
    tree, provincial, campaign, county_item, client_as, django_assert_num_queries
):
    # given 2 cities and a little data
    populate(
        tree.zhushan, size=1, campaign=campaign, department=DashDepartmentFactory(region=tree.xuanen), county_item=county_item
    )
    client = client_as(provincial)
    url = f"/dashboard/{tree.province.code}/"
    client.get(url)  # the session's first use
    small = _queries(client, url)
    # when there are 6 cities with many more rows
    for n in (1, 2, 3, 5):
        add_city(n, campaign, county_item)
    assert Region.objects.filter(parent=tree.province).count() == 6
    cache.clear()
    # then the dashboard takes exactly as many queries
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def test_a_township_dashboard_needs_as_many_queries_for_5_stations_as_for_1(
    tree, xuanen_office, campaign, county_item, client_as, django_assert_num_queries
):
    dept = DashDepartmentFactory(region=tree.xuanen)
    populate(tree.zhushan, size=1, campaign=campaign, department=dept, county_item=county_item)
    client = client_as(xuanen_office)
    url = f"/dashboard/{tree.zhushan.code}/"
    client.get(url)
    small = _queries(client, url)
    for _ in range(4):
        populate(tree.zhushan, size=3, campaign=campaign, department=dept, county_item=county_item)
    cache.clear()
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["children"]) == 5


def test_a_cached_dashboard_is_not_computed_again(tree, provincial, campaign, client_as):
    client = client_as(provincial)
    url = f"/dashboard/{tree.province.code}/"
    client.get(url)
    first = _queries(client, url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert len(captured) < first - 10


@pytest.mark.parametrize("key", DRILL_FIGURES)
def test_a_drill_list_needs_as_many_queries_for_many_rows_as_for_few(
    key, tree, xuanen_office, campaign, county_item, client_as, django_assert_num_queries
):
    dept = DashDepartmentFactory(region=tree.xuanen)
    populate(tree.zhushan, size=1, campaign=campaign, department=dept, county_item=county_item)
    client = client_as(xuanen_office)
    url = f"/dashboard/{tree.xuanen.code}/list/{key}/?campaign={campaign.pk}"
    client.get(url)
    small = _queries(client, url)
    populate(tree.jiaoyuan, size=9, campaign=campaign, department=dept, county_item=county_item)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["count"] > 1


def test_the_activities_list_needs_as_many_queries_for_50_rows_as_for_2(
    tree, xuanen_office, campaign, client_as, django_assert_num_queries
):
    DashActivityFactory.create_batch(2, region=tree.zhushan, campaigns=[campaign])
    client = client_as(xuanen_office)
    url = f"/dashboard/{tree.xuanen.code}/list/activities_total/?campaign={campaign.pk}"
    client.get(url)
    small = _queries(client, url)
    DashActivityFactory.create_batch(48, region=tree.jiaoyuan, campaigns=[campaign])
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["count"] == 50


def test_the_record_page_needs_as_many_queries_for_50_activities_as_for_2(
    tree, xuanen_office, campaign, client_as, django_assert_num_queries
):
    deputy = DashDeputyFactory(region=tree.zhushan)
    DashActivityFactory.create_batch(2, region=tree.zhushan, attendees=[deputy])
    DashSuggestionFactory.create_batch(2, region=tree.zhushan, lead_deputy=deputy)
    client = client_as(xuanen_office)
    url = f"/dashboard/record/{deputy.pk}/"
    client.get(url)
    small = _queries(client, url)
    DashActivityFactory.create_batch(48, region=tree.zhushan, attendees=[deputy])
    DashSuggestionFactory.create_batch(48, region=tree.zhushan, lead_deputy=deputy)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["activities_count"] == 50
