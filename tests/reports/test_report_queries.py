"""The report's figures take a fixed number of queries, whatever the size of the region: a province
report never runs a query per sub-region, per row or per case."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from reports import content
from tests.dashboards.conftest import add_city

pytestmark = pytest.mark.django_db


def _gather(user, region, campaign):
    cache.clear()  # the dashboard's short cache would hide its queries
    return content.gather(user=user, region=region, campaign=campaign)


@pytest.mark.parametrize("cities", [0, 2])
def test_a_province_report_gathers_in_a_fixed_number_of_queries(cities, tree, provincial, campaign, county_item, data, cases_data,
                                                                 django_assert_num_queries):
    for n in range(cities):
        add_city(50 + n, campaign, county_item)
    with django_assert_num_queries(QUERIES):
        gathered = _gather(provincial, tree.province, campaign)
    assert len(gathered["cases"]) == 3


# The dashboard computed from the raw rows (its own fixed count), the figures of reports/extra.py (five), the
# previous campaign, self-chosen actions, hot issues, and the typical cases (pick and tell). The
# dashboard's due-soon figure reads each suggestion's stored remind_at (suggestions.states), so it no
# longer loads the working-day calendar (two queries).
QUERIES = 37
