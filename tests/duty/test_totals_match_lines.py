"""The set-based totals (``duty.totals``, one statement) equal the line-by-line scorecards
(``duty.scoring.score_lines``) for every deputy and kind of a varied year, and cost the same queries
for two deputies or many."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import ActivityType
from deputies.models import MandateLevel
from duty import selectors
from duty.models import EntryKind, OfficeEntry, RuleKind
from duty.scoring import score_lines
from suggestions.models import CoSignature, Status
from tests.factories.dashboards import DashActivityFactory, DashMandateFactory, DashSuggestionFactory
from tests.factories.duty import county_deputy, make_scheme

pytestmark = pytest.mark.django_db


def _varied_year(tree, year, deputies):
    """Versions mid-year (a lower ceiling after a higher one, a deduction growing), ceilings reached
    before and after a change, deductions, a second seat with other rules, drafts and withdrawn ones."""
    make_scheme(tree.xuanen, year, [
        (RuleKind.VISIT, 2, 7, None), (RuleKind.VISIT, 3, 5, dt.date(year, 7, 1)), (RuleKind.VISIT, 4, 20, dt.date(year, 10, 1)),
        (RuleKind.TRAINING, 1, None, None), (RuleKind.TRAINING, 6, 8, dt.date(year, 4, 1)),
        (RuleKind.ABSENCE, -5, 12, None), (RuleKind.ABSENCE, -8, 30, dt.date(year, 7, 1)),
        (RuleKind.SESSION_ATTENDANCE, 10, None, None),
        (RuleKind.SUGGESTION_SUBMITTED, 5, 10, None), (RuleKind.SUGGESTION_COSIGNED, 1, None, dt.date(year, 3, 1)),
    ], threshold=15)
    make_scheme(tree.zhushan, year, [(RuleKind.VISIT, 1, 3, None), (RuleKind.SESSION_ATTENDANCE, 2, None, None)])
    for i, deputy in enumerate(deputies):
        if i % 2:
            DashMandateFactory(deputy=deputy, level=MandateLevel.TOWNSHIP, congress_region=tree.zhushan)
        for month in range(1, 13)[: 2 + i % 11]:
            DashActivityFactory(region=tree.zhushan, type=ActivityType.VISIT, date=dt.date(year, month, 1 + i % 27), attendees=[deputy])
        for month in (2, 5, 8)[: i % 4]:
            DashActivityFactory(region=tree.zhushan, type=ActivityType.TRAINING, date=dt.date(year, month, 3), attendees=[deputy])
        for day in range(i % 5):
            kind = EntryKind.ABSENCE if day % 2 else EntryKind.SESSION_ATTENDANCE
            OfficeEntry.objects.create(congress_region=tree.xuanen, deputy=deputy, kind=kind, date=dt.date(year, 3 + 2 * day, 2))
        OfficeEntry.objects.create(congress_region=tree.zhushan, deputy=deputy, kind=EntryKind.SESSION_ATTENDANCE, date=dt.date(year, 6, 1))
        OfficeEntry.objects.create(congress_region=tree.xuanen, deputy=deputy, kind=EntryKind.ABSENCE, date=dt.date(year, 8 + i % 4, 9))
        when = timezone.make_aware(dt.datetime(year, 1 + i % 12, 10, 9))
        for status in (Status.ASSIGNED, Status.WITHDRAWN, Status.ANSWERED)[: 1 + i % 3]:
            suggestion = DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, status=status, submitted_at=when)
            CoSignature.objects.create(suggestion=suggestion, deputy=deputies[i - 1], confirmed_at=when)
        DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, status=Status.DRAFT, submitted_at=None)


def test_the_set_based_totals_equal_the_line_by_line_scorecards(tree, xuanen_office, last_year):
    # given: a varied year for six deputies, three with a second seat
    deputies = [county_deputy(tree, name=f"代表{i}", phone=f"1390000000{i}") for i in range(6)]
    _varied_year(tree, last_year, deputies)
    # when: every scorecard's total in one statement, and the same cards scored line by line
    ranked = selectors.ranking(xuanen_office, last_year)
    totals = {(c.deputy_id, c.congress_region_id): (c.points, dict(c.by_kind)) for c in ranked}
    score_lines(ranked, last_year)
    by_lines = {(c.deputy_id, c.congress_region_id): (c.points, dict(c.by_kind)) for c in ranked}
    # then: the same figures, per card and per kind; the fixture did reach ceilings and deductions
    assert len(totals) == 9
    assert {key: (p, {k: v for k, v in kinds.items() if v}) for key, (p, kinds) in totals.items()} == {
        key: (p, {k: v for k, v in kinds.items() if v}) for key, (p, kinds) in by_lines.items()
    }
    assert any(line.capped for c in ranked for line in c.lines)
    assert min(kinds.get(RuleKind.ABSENCE, 0) for _, kinds in by_lines.values()) < Decimal(-5)
    assert len({p for p, _ in totals.values()}) > 4


def test_the_share_above_threshold_agrees_with_the_scorecards(tree, provincial, xuanen_office, last_year):
    deputies = [county_deputy(tree, name=f"代表{i}", phone=f"1390000000{i}") for i in range(6)]
    _varied_year(tree, last_year, deputies)
    ranked = selectors.ranking(xuanen_office, last_year)
    rows = {row.region.name: (row.scored, row.above) for row in selectors.share_above_threshold(provincial, tree.province, last_year)}
    above = sum(c.points >= c.scheme.threshold for c in ranked)
    assert 0 < above < len(ranked)
    assert rows[tree.enshi.name] == (len(ranked), above)


def test_the_totals_cost_the_same_queries_for_two_deputies_or_twelve(tree, xuanen_office, last_year, django_assert_num_queries):
    _varied_year(tree, last_year, [county_deputy(tree, name=f"代表{i}", phone=f"1380000000{i}") for i in range(2)])
    # mandates, schemes, the year's rule dates, one statement (with its planner settings around it on
    # PostgreSQL: config.statements)
    with CaptureQueriesContext(connection) as few:
        assert len(selectors.ranking(xuanen_office, last_year)) == 3
    for i in range(10):
        deputy = county_deputy(tree, name=f"新代表{i}", phone=f"1370000000{i}")
        DashActivityFactory(region=tree.zhushan, type=ActivityType.VISIT, date=dt.date(last_year, 5, 1), attendees=[deputy])
    with CaptureQueriesContext(connection) as more:
        assert len(selectors.ranking(xuanen_office, last_year)) == 13
    statements = [q["sql"] for q in more.captured_queries if not q["sql"].startswith(("SET ", "RESET "))]
    assert len(few.captured_queries) == len(more.captured_queries) and len(statements) == 4
