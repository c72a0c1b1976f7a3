"""Bench step ``duty``: a county's duty-point ranking and the province's share above threshold per city.

Every county, city and the province get this year's point scheme (the demo's county rules, with a
mid-year change of the visit rule so the versions split the year) when they have none; then the
county office's ranking (the API's first page with its lines) and the provincial dashboard's share
per city are timed in-process, with their query counts. Targets (issue #21): under 1 s and 2 s.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

TARGETS = {"duty_county_ranking_s": ("<=", 1.0), "duty_province_share_s": ("<=", 2.0)}


def _ensure_schemes(year: int) -> int:
    from duty.demo import COUNTY_RULES
    from duty.models import PointRule, PointScheme, RuleKind
    from regions.models import Region, RegionLevel

    regions = Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY]).exclude(
        point_schemes__year=year
    )
    made = 0
    for region in regions:
        scheme = PointScheme.objects.create(congress_region=region, year=year, threshold=Decimal(30))
        rules = [
            PointRule(scheme=scheme, kind=k, points=Decimal(p), ceiling=None if c is None else Decimal(c), effective_from=dt.date(year, 1, 1))
            for k, p, c in COUNTY_RULES
        ]
        rules.append(PointRule(scheme=scheme, kind=RuleKind.VISIT, points=Decimal(3), ceiling=Decimal(30), effective_from=dt.date(year, 7, 1)))
        PointRule.objects.bulk_create(rules)
        made += 1
    if made:
        # What autovacuum's analyze does after such a load (this server runs with autovacuum off).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE duty_pointscheme, duty_pointrule")
    return made


def _timed(samples: int, function) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # warm
    times = []
    for _ in range(samples):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - started)
    return statistics.median(times), len(queries), result


def measure_duty(cfg: dict) -> dict:
    from accounts.models import Role, User
    from duty import selectors
    from regions.models import Region

    year = dt.date.today().year
    made = _ensure_schemes(year)
    county = Region.objects.get(code="422825")
    province = Region.objects.get(code="420000")
    office = User(username="bench-duty-county", role=Role.CONGRESS_OFFICE, region=county)
    provincial = User(username="bench-duty-province", role=Role.PROVINCIAL_OFFICE, region=province)
    samples = max(3, cfg.get("samples", 3))

    def county_page():
        cards = selectors.ranking(office, year)
        selectors.with_lines(cards[:50], year)
        return cards

    ranking_s, ranking_queries, cards = _timed(samples, county_page)
    share_s, share_queries, rows = _timed(samples, lambda: selectors.share_above_threshold(provincial, province, year))
    return {
        "duty_county_ranking_s": round(ranking_s, 3),
        "duty_province_share_s": round(share_s, 3),
        "duty": {
            "schemes_created": made,
            "county_scorecards": len(cards),
            "county_queries": ranking_queries,
            "province_scorecards": sum(r.scored for r in rows),
            "province_queries": share_queries,
        },
    }
