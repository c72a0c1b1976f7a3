"""Scores computed from the record: totals for many deputies in a few set-based queries, and the
scored lines of a few deputies (every line traced to what earned it).

A *scorecard* is one deputy under one congress's scheme for one year: a deputy with mandates at two
levels has two, each scored under that congress's own rules.

Versions: a rule kind's versions split the year at their ``effective_from`` dates. A duty is worth the
points of the version in effect on its date, so a change from a date never moves what was earned
before it. Ceiling: points stop adding once the year's running total of the kind reaches the ceiling
of the version in effect (for a deduction: once the deduction reaches it); reaching it is final, a
later, lower ceiling takes nothing back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from duty.models import PointRule, PointScheme
from duty.record import source, within

ZERO = Decimal("0")


@dataclass
class Version:
    effective_from: dt.date
    points: Decimal
    ceiling: Decimal | None


@dataclass
class Scorecard:
    deputy_id: int
    name: str
    scheme: PointScheme
    level: str = ""
    points: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)
    by_kind: dict[str, Decimal] = field(default_factory=dict)

    @property
    def congress_region_id(self) -> int:
        return self.scheme.congress_region_id

    @property
    def below_threshold(self) -> bool:
        return self.points < self.scheme.threshold


@dataclass
class Line:
    rule: str
    date: dt.date
    target_kind: str
    target_id: int
    points: Decimal
    capped: bool = False


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def versions_of(schemes: list[PointScheme]) -> dict[int, dict[str, list[Version]]]:
    """scheme id → rule kind → its versions, oldest first (one query)."""
    out: dict[int, dict[str, list[Version]]] = {s.pk: defaultdict(list) for s in schemes}
    rules = PointRule.objects.filter(scheme__in=[s.pk for s in schemes]).order_by("kind", "effective_from", "id")
    for rule in rules.values("scheme_id", "kind", "effective_from", "points", "ceiling"):
        out[rule["scheme_id"]][rule["kind"]].append(Version(rule["effective_from"], rule["points"], rule["ceiling"]))
    return out


def version_on(versions: list[Version], day: dt.date) -> Version | None:
    current = None
    for version in versions:
        if version.effective_from <= day:
            current = version
    return current


def add_capped(total: Decimal, delta: Decimal, ceiling: Decimal | None) -> Decimal:
    """The running total after ``delta`` more points under ``ceiling`` (never taking back what was earned)."""
    if ceiling is None:
        return total + delta
    if delta >= 0:
        return max(total, min(total + delta, ceiling))
    return min(total, max(total + delta, -ceiling))


def score_totals(cards: list[Scorecard], year: int, mandates: QuerySet) -> None:
    """Fill ``points`` and ``by_kind`` of every scorecard from one set-based statement
    (``duty.totals``) plus one query for the year's rule dates, whatever the number of deputies.
    ``mandates`` are the mandates in play (the cards were made from them)."""
    from duty.totals import per_kind_sql, points, roomy_statement

    for card in cards:
        card.points, card.by_kind = ZERO, {}
    if not cards:
        return
    built = per_kind_sql(mandates, year, schemes={c.scheme.pk: c.congress_region_id for c in cards})
    if built is None:
        return
    sql, params = built
    by_card = {(c.deputy_id, c.congress_region_id): c for c in cards}
    with roomy_statement(), connection.cursor() as cursor:
        cursor.execute(sql + "SELECT deputy_id, congress_id, kind, points FROM per_kind", params)  # noqa: S608 - see duty.totals
        for deputy_id, congress_id, kind, value in cursor.fetchall():
            card = by_card.get((deputy_id, congress_id))
            if card is not None:
                card.by_kind[kind] = points(value)
    for card in cards:
        card.points = sum(card.by_kind.values(), ZERO)


def score_lines(cards: list[Scorecard], year: int) -> None:
    """Fill ``lines`` (and ``points``) of a few scorecards from the rows themselves, each line traced to
    what earned it: one query for the rules and one per rule kind in use, for all the cards at once."""
    schemes = list({c.scheme.pk: c.scheme for c in cards}.values())
    if not schemes:
        return
    versions = versions_of(schemes)
    start, end = year_bounds(year)
    deputy_ids = {c.deputy_id for c in cards}
    kinds = sorted({kind for per_scheme in versions.values() for kind in per_scheme})
    rows_of: dict[str, dict[tuple, list[tuple[dt.date, int]]]] = {}
    sources = {kind: source(kind) for kind in kinds}
    for kind in kinds:
        src = sources[kind]
        fields = [src.deputy, src.when, src.target] + (["congress_region_id"] if src.per_congress else [])
        table: dict[tuple, list[tuple[dt.date, int]]] = defaultdict(list)
        qs = src.rows.filter(within(src, start, end), **{f"{src.deputy}__in": deputy_ids}).order_by(src.when, "pk")
        for row in qs.values_list(*fields):
            when = timezone.localdate(row[1]) if src.is_datetime else row[1]
            key = (row[0], row[3]) if src.per_congress else (row[0],)
            table[key].append((when, row[2]))
        rows_of[kind] = table
    for card in cards:
        lines: list[Line] = []
        by_kind = {}
        for kind, kind_versions in versions[card.scheme.pk].items():
            src = sources[kind]
            key = (card.deputy_id, card.congress_region_id) if src.per_congress else (card.deputy_id,)
            running = ZERO
            for when, target in rows_of[kind].get(key, ()):
                version = version_on(kind_versions, when)
                if version is None:
                    continue
                after = add_capped(running, version.points, version.ceiling)
                lines.append(Line(kind, when, src.target_kind, target, after - running, capped=after - running != version.points))
                running = after
            by_kind[kind] = running
        lines.sort(key=lambda line: (line.date, line.rule, line.target_id))
        card.lines = lines
        card.by_kind = by_kind
        card.points = sum(by_kind.values(), ZERO)
