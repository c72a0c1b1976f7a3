"""Scores come from the record under each congress's rules: versions, ceilings, deductions, two seats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.models import ActivityType
from deputies.models import MandateLevel
from duty import selectors, services
from duty.models import EntryKind, OfficeEntry, PointScheme, RuleKind
from suggestions.models import CoSignature, Status
from tests.factories.dashboards import DashActivityFactory, DashMandateFactory, DashSuggestionFactory
from tests.factories.duty import county_deputy, make_scheme

pytestmark = pytest.mark.django_db


def _visit(tree, deputy, day, kind=ActivityType.VISIT):
    return DashActivityFactory(region=tree.zhushan, type=kind, date=day, attendees=[deputy])


def _card(user, year, deputy):
    _, cards = selectors.deputy_scorecards(user, deputy.pk, year)
    return {c.scheme.congress_region.name: c for c in cards}


def test_a_rule_changed_mid_year_does_not_move_points_earned_before_it(tree, xuanen_office, last_year):
    # given: visits earn 2 from 1 January and 5 from 1 July of last year
    deputy = county_deputy(tree)
    make_scheme(tree.xuanen, last_year, [(RuleKind.VISIT, 2, None, None), (RuleKind.VISIT, 5, None, dt.date(last_year, 7, 1))])
    march, june, august = _visit(tree, deputy, dt.date(last_year, 3, 1)), _visit(tree, deputy, dt.date(last_year, 6, 30)), _visit(
        tree, deputy, dt.date(last_year, 8, 1)
    )
    # when
    card = _card(xuanen_office, last_year, deputy)["宣恩县"]
    ranked = selectors.ranking(xuanen_office, last_year)
    # then: the lines before July keep 2; the set-based total agrees with the lines
    assert {(line.target_id, line.points) for line in card.lines} == {(march.pk, 2), (june.pk, 2), (august.pk, 5)}
    assert card.points == Decimal(9)
    assert [(c.deputy_id, c.points) for c in ranked] == [(deputy.pk, Decimal(9))]


def test_a_change_applies_from_today_on_and_last_years_rules_are_frozen(tree, xuanen_office, last_year):
    year = last_year + 1
    scheme = make_scheme(tree.xuanen, year, [(RuleKind.VISIT, 2, None, None)])
    old = make_scheme(tree.xuanen, last_year, [(RuleKind.VISIT, 2, None, None)])
    today = timezone.localdate()
    if today > dt.date(year, 1, 1):
        with pytest.raises(ValidationError) as excinfo:
            services.rule_set(actor=xuanen_office, scheme=scheme, kind=RuleKind.VISIT, points=Decimal(9), ceiling=None,
                              effective_from=today - dt.timedelta(days=1))
        assert "effective_from" in excinfo.value.error_dict
    services.rule_set(actor=xuanen_office, scheme=scheme, kind=RuleKind.VISIT, points=Decimal(3), ceiling=None, effective_from=today)
    assert sorted(scheme.rules.values_list("points", flat=True)) == [Decimal(2), Decimal(3)]
    with pytest.raises(ValidationError) as excinfo:
        services.rule_set(actor=xuanen_office, scheme=old, kind=RuleKind.VISIT, points=Decimal(9), ceiling=None, effective_from=today)
    assert "year" in excinfo.value.error_dict
    assert list(old.rules.values_list("points", flat=True)) == [Decimal(2)]


def test_copying_last_years_rules_starts_the_year_from_1_january(tree, xuanen_office, last_year):
    make_scheme(tree.xuanen, last_year, [(RuleKind.VISIT, 2, 30, None), (RuleKind.VISIT, 4, 40, dt.date(last_year, 9, 1))], threshold=55)
    scheme = services.scheme_start(actor=xuanen_office, year=last_year + 1)
    assert scheme.threshold == Decimal(55)
    assert list(scheme.rules.values_list("kind", "points", "ceiling", "effective_from")) == [
        (RuleKind.VISIT, Decimal(4), Decimal(40), dt.date(last_year + 1, 1, 1))
    ]


def test_a_ceiling_stops_the_points_of_a_kind_and_the_lines_say_so(tree, xuanen_office, last_year):
    deputy = county_deputy(tree)
    make_scheme(tree.xuanen, last_year, [(RuleKind.VISIT, 2, 5, None)])
    for month in (1, 2, 3, 4):
        _visit(tree, deputy, dt.date(last_year, month, 10))
    card = _card(xuanen_office, last_year, deputy)["宣恩县"]
    assert [(line.points, line.capped) for line in card.lines] == [(2, False), (2, False), (1, True), (0, True)]
    assert card.points == Decimal(5)
    assert selectors.ranking(xuanen_office, last_year)[0].points == Decimal(5)


def test_deductions_subtract_up_to_their_ceiling(tree, xuanen_office, last_year):
    deputy = county_deputy(tree)
    make_scheme(tree.xuanen, last_year, [(RuleKind.SESSION_ATTENDANCE, 10, None, None), (RuleKind.ABSENCE, -10, 15, None)])
    for day, kind in [(3, EntryKind.SESSION_ATTENDANCE), (4, EntryKind.ABSENCE), (5, EntryKind.ABSENCE), (6, EntryKind.ABSENCE)]:
        OfficeEntry.objects.create(congress_region=tree.xuanen, deputy=deputy, kind=kind, date=dt.date(last_year, 1, day))
    card = _card(xuanen_office, last_year, deputy)["宣恩县"]
    assert card.by_kind == {RuleKind.SESSION_ATTENDANCE: Decimal(10), RuleKind.ABSENCE: Decimal(-15)}
    assert card.points == Decimal(-5)
    assert selectors.ranking(xuanen_office, last_year)[0].points == Decimal(-5)


def test_a_deputy_with_two_seats_is_scored_by_each_congress_under_its_own_rules(tree, xuanen_office, last_year):
    deputy = county_deputy(tree)
    DashMandateFactory(deputy=deputy, level=MandateLevel.TOWNSHIP, congress_region=tree.zhushan)
    make_scheme(tree.xuanen, last_year, [(RuleKind.VISIT, 2, None, None), (RuleKind.SESSION_ATTENDANCE, 10, None, None)])
    make_scheme(tree.zhushan, last_year, [(RuleKind.VISIT, 5, None, None), (RuleKind.SESSION_ATTENDANCE, 1, None, None)])
    _visit(tree, deputy, dt.date(last_year, 5, 5))
    # The county's session counts only under the county's rules.
    OfficeEntry.objects.create(congress_region=tree.xuanen, deputy=deputy, kind=EntryKind.SESSION_ATTENDANCE, date=dt.date(last_year, 1, 9))
    cards = _card(xuanen_office, last_year, deputy)
    assert {name: c.points for name, c in cards.items()} == {"宣恩县": Decimal(12), "珠山镇": Decimal(5)}
    ranked = {(c.scheme.congress_region.name, c.points) for c in selectors.ranking(xuanen_office, last_year)}
    assert ranked == {("宣恩县", Decimal(12)), ("珠山镇", Decimal(5))}


def test_drafts_and_withdrawn_suggestions_earn_nothing(tree, xuanen_office, last_year):
    deputy = county_deputy(tree)
    co_signer = county_deputy(tree, name="李四", phone="13900000000")
    make_scheme(tree.xuanen, last_year, [(RuleKind.SUGGESTION_SUBMITTED, 5, None, None), (RuleKind.SUGGESTION_COSIGNED, 1, None, None)])
    when = timezone.make_aware(dt.datetime(last_year, 4, 1, 10))
    counted = DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, status=Status.ASSIGNED, submitted_at=when)
    withdrawn = DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, status=Status.WITHDRAWN, submitted_at=when)
    DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, status=Status.DRAFT, submitted_at=None)
    for s in (counted, withdrawn):
        CoSignature.objects.create(suggestion=s, deputy=co_signer, confirmed_at=when)
    cards = {c.deputy_id: c for c in selectors.with_lines(selectors.ranking(xuanen_office, last_year), last_year)}
    assert [(line.target_id, line.points) for line in cards[deputy.pk].lines] == [(counted.pk, 5)]
    assert [(line.target_id, line.points) for line in cards[co_signer.pk].lines] == [(counted.pk, 1)]
    assert cards[deputy.pk].points == Decimal(5)


def test_a_deputy_outside_any_scheme_is_not_ranked(tree, xuanen_office, last_year):
    county_deputy(tree)
    assert selectors.ranking(xuanen_office, last_year) == []
    assert not PointScheme.objects.exists()
