"""API list pages: a count that costs nothing when the list ends on the page, PostgreSQL's estimate
for a large list (shown as "约 12 万条"), an exact count when asked; queries independent of page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import pagination
from config.pagination import count_text, estimated_count
from deputies.models import Deputy
from tests.factories.activities import ActivityFactory
from tests.factories.deputies import DeputyFactory
from tests.factories.suggestions import SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_deputies(tree):
    return DeputyFactory.create_batch(5, region=tree.zhushan)


@pytest.fixture
def planner_estimates(monkeypatch):
    """Make the planner's estimate whatever the test says (SQLite has none)."""

    def set_estimate(value):
        monkeypatch.setattr(pagination, "estimated_count", lambda queryset: value)

    return set_estimate


def test_a_list_that_ends_on_its_page_is_counted_without_a_count_query(api_as, provincial, five_deputies, django_assert_num_queries):
    api = api_as(provincial)
    with django_assert_num_queries(2) as captured:  # the deputies page and its mandates
        body = api.get("/api/v1/deputies/", {"page_size": 10}).json()
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert (body["count"], body["count_exact"], body["count_text"], body["next"]) == (5, True, "共 5 条", None)


def test_a_large_list_shows_the_planners_estimate(api_as, provincial, five_deputies, planner_estimates, settings):
    settings.API_EXACT_COUNT_MAX = 3
    planner_estimates(123_456)
    body = api_as(provincial).get("/api/v1/deputies/", {"page_size": 2}).json()
    assert (body["count"], body["count_exact"], body["count_text"]) == (123_456, False, "约 12 万条")
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]


def test_an_exact_count_is_given_when_asked(api_as, provincial, five_deputies, planner_estimates, settings):
    settings.API_EXACT_COUNT_MAX = 3
    planner_estimates(123_456)
    body = api_as(provincial).get("/api/v1/deputies/", {"page_size": 2, "count": "exact"}).json()
    assert (body["count"], body["count_exact"], body["count_text"]) == (5, True, "共 5 条")


def test_a_small_estimate_is_counted_exactly(api_as, provincial, five_deputies, planner_estimates, settings):
    settings.API_EXACT_COUNT_MAX = 10_000
    planner_estimates(9_999)
    body = api_as(provincial).get("/api/v1/deputies/", {"page_size": 2}).json()
    assert (body["count"], body["count_exact"]) == (5, True)


def test_an_estimate_below_the_rows_seen_never_hides_the_next_page(api_as, provincial, five_deputies, planner_estimates, settings):
    settings.API_EXACT_COUNT_MAX = 0
    planner_estimates(1)
    body = api_as(provincial).get("/api/v1/deputies/", {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5  # two pages read and at least one row after them
    assert body["count_exact"] is False
    assert "page=3" in body["next"]


def test_the_last_page_knows_the_exact_count_and_a_page_past_it_is_404(api_as, provincial, five_deputies, planner_estimates, settings):
    settings.API_EXACT_COUNT_MAX = 0
    planner_estimates(123_456)
    api = api_as(provincial)
    last = api.get("/api/v1/deputies/", {"page_size": 2, "page": 3}).json()
    assert (last["count"], last["count_exact"], last["next"], len(last["results"])) == (5, True, None, 1)
    past = api.get("/api/v1/deputies/", {"page_size": 2, "page": 4})
    assert past.status_code == 404
    assert api.get("/api/v1/deputies/", {"page": "x"}).status_code == 400  # not a page number at all


def test_every_row_is_reached_by_following_next(api_as, provincial, five_deputies, planner_estimates, settings):
    settings.API_EXACT_COUNT_MAX = 0
    planner_estimates(2)
    api, url, seen = api_as(provincial), "/api/v1/deputies/?page_size=2", []
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(d.pk for d in five_deputies)


def test_an_outsider_counts_nothing(api_as, honghu_office, five_deputies):
    body = api_as(honghu_office).get("/api/v1/deputies/").json()
    assert (body["count"], body["count_exact"], body["results"]) == (0, True, [])


@pytest.mark.parametrize(
    ("count", "exact", "text"),
    [(37, True, "共 37 条"), (123_456, False, "约 12 万条"), (23_456, False, "约 2.3 万条"), (8_523_000, False, "约 850 万条"),
     (4_321, False, "约 4300 条"), (87, False, "约 87 条")],
)
def test_count_text(count, exact, text):
    assert count_text(count, exact=exact) == text


@pytest.mark.postgres
def test_postgresql_estimates_a_scoped_list(tree, five_deputies):
    estimate = estimated_count(Deputy.objects.filter(region__prefix__startswith=tree.province.prefix))
    assert isinstance(estimate, int) and estimate >= 1


def _rows(tree, n):
    deputies = DeputyFactory.create_batch(2, region=tree.zhushan)
    for _ in range(n):
        ActivityFactory(region=tree.zhushan, deputies=deputies)
        SuggestionFactory(region=tree.zhushan, lead_deputy=deputies[0])
        DeputyFactory(region=tree.zhushan)


@pytest.mark.parametrize("path", ["/api/v1/deputies/", "/api/v1/activities/", "/api/v1/suggestions/"])
def test_a_lists_queries_do_not_depend_on_the_page_size(api_as, provincial, tree, path, django_assert_num_queries, planner_estimates, settings):
    # given more rows than either page holds, so both pages count (here: the planner's estimate)
    settings.API_EXACT_COUNT_MAX = 0
    planner_estimates(100_000)
    _rows(tree, 12)
    api = api_as(provincial)
    api.get(path, {"page_size": 2})  # the first request of a process loads what Django keeps (content types)
    with CaptureQueriesContext(connection) as small:
        assert api.get(path, {"page_size": 2}).status_code == 200
    # when the page is five times larger, then the same queries run
    with django_assert_num_queries(len(small.captured_queries)):
        response = api.get(path, {"page_size": 10})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 10
