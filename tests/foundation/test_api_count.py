"""API lists count exactly; a large count is kept for a few seconds under its own SQL (scope and filters)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories.deputies import DeputyFactory

pytestmark = pytest.mark.django_db


def _count(client, **params) -> int:
    response = client.get("/api/v1/deputies/", params)
    assert response.status_code == 200
    return response.json()["count"]


def test_a_large_count_is_kept_and_a_small_one_is_not(tree, provincial, xuanen_office, api_as, settings):
    settings.FRESH_CACHE_SECONDS = 0  # no shared cache: kept for API_COUNT_CACHE_SECONDS (test_freshness: with one)
    settings.API_COUNT_CACHE_MIN = 3
    settings.API_COUNT_CACHE_SECONDS = 30
    cache.clear()
    DeputyFactory.create_batch(3, region=tree.zhushan)
    DeputyFactory.create_batch(1, region=tree.fengkou)
    province, county = api_as(provincial), api_as(xuanen_office)
    assert _count(province) == 4
    assert _count(county) == 3
    DeputyFactory(region=tree.zhushan)
    # a count at or above the minimum is kept (the next page of the same list costs no COUNT)…
    assert _count(province) == 4
    assert _count(province, page=1, page_size=2) == 4
    # …but each scope and each filter has its own
    assert _count(county) == 3
    assert _count(province, region=tree.fengkou.code) == 1
    cache.clear()
    assert _count(province) == 5


def test_counts_below_the_minimum_are_always_fresh(tree, provincial, api_as, settings):
    settings.FRESH_CACHE_SECONDS = 0
    settings.API_COUNT_CACHE_MIN = 100
    cache.clear()
    DeputyFactory.create_batch(2, region=tree.zhushan)
    client = api_as(provincial)
    assert _count(client) == 2
    DeputyFactory(region=tree.zhushan)
    assert _count(client) == 3


def test_keeping_counts_can_be_turned_off(tree, provincial, api_as, settings):
    settings.API_COUNT_CACHE_MIN = 0
    settings.API_COUNT_CACHE_SECONDS = 0
    cache.clear()
    client = api_as(provincial)
    DeputyFactory(region=tree.zhushan)
    assert _count(client) == 1
    DeputyFactory(region=tree.zhushan)
    assert _count(client) == 2
