"""Duty-point totals computed set-based in the database: one statement per page, whatever the number
of deputies. The scored lines of the few deputies shown come from ``duty.scoring.score_lines``; a test
holds both to the same figures (tests/duty/test_totals_match_lines.py).

How the statement reads (the meaning is ``duty.scoring``'s, unchanged):

- ``counts``: per (deputy, congress for office entries, rule kind, period) the number of duties, one
  grouped query per source (activities grouped by type), joined with UNION ALL. A *period* lies
  between consecutive ``effective_from`` dates of the year's rules, so each lies inside one version.
- ``cards``: one row per (deputy, congress with a scheme this year) among the mandates in play.
- ``rates``: the version of each rule kind in effect at the start of each period, picked by date in
  the query (the latest ``effective_from`` not after it).
- ``per_kind``: per (card, kind) the points of each period pivoted into columns, then folded period
  after period: ``GREATEST(total, LEAST(total + points, ceiling))`` (a deduction:
  ``LEAST(total, GREATEST(total + points, -ceiling))``), so reaching the ceiling is final and a later,
  lower ceiling takes nothing back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import BigIntegerField, Case, CharField, Count, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Cast

from activities.models import Attendance
from duty.models import ACTIVITY_KINDS, PointRule
from duty.record import bound, source, within

ONE_DECIMAL = Decimal("0.1")
# A typed NULL, so that the UNION ALL of the sources agrees on the congress column.
NO_CONGRESS = Cast(Value(None), output_field=BigIntegerField())


def _functions() -> tuple[str, str]:
    # SQLite spells the scalar GREATEST/LEAST as two-argument MAX/MIN.
    return ("MAX", "MIN") if connection.vendor == "sqlite" else ("GREATEST", "LEAST")


def _bucket(when: str, src, breaks: list[dt.date]):
    whens = [When(**{f"{when}__lt": bound(src, b)}, then=Value(i)) for i, b in enumerate(breaks)]
    return Case(*whens, default=Value(len(breaks)), output_field=IntegerField())


def _count_queries(kinds: list[str], start: dt.date, end: dt.date, breaks: list[dt.date], deputy_ids: QuerySet) -> list[QuerySet]:
    """Each source's grouped counts as (d, c, k, b, n): deputy, congress (office entries), kind, period, count."""
    out = []
    activity_kinds = {ACTIVITY_KINDS[k]: k for k in kinds if k in ACTIVITY_KINDS}
    if activity_kinds:
        src = source(next(iter(activity_kinds.values())))
        kind = Case(*[When(activity__type=t, then=Value(str(k))) for t, k in activity_kinds.items()], output_field=CharField())
        out.append(
            Attendance.objects.filter(within(src, start, end), activity__type__in=list(activity_kinds), deputy_id__in=deputy_ids)
            .annotate(d=F("deputy_id"), c=NO_CONGRESS, k=kind, b=_bucket(src.when, src, breaks))
            .values("d", "c", "k", "b")
            .annotate(n=Count("pk"))
            .order_by()
        )
    for kind in kinds:
        if kind in ACTIVITY_KINDS:
            continue
        src = source(kind)
        congress = F("congress_region_id") if src.per_congress else NO_CONGRESS
        out.append(
            src.rows.filter(within(src, start, end), **{f"{src.deputy}__in": deputy_ids})
            .annotate(d=F(src.deputy), c=congress, k=Value(str(kind), output_field=CharField()), b=_bucket(src.when, src, breaks))
            .values("d", "c", "k", "b")
            .annotate(n=Count("pk"))
            .order_by()
        )
    return out


def _fold(total: str, d: str, c: str) -> str:
    greatest, least = _functions()
    return (
        f"CASE WHEN {d} IS NULL OR {d} = 0 THEN {total}"
        f" WHEN {c} IS NULL THEN {total} + {d}"
        f" WHEN {d} > 0 THEN {greatest}({total}, {least}({total} + {d}, {c}))"
        f" ELSE {least}({total}, {greatest}({total} + {d}, -{c})) END"
    )


def per_kind_sql(mandates: QuerySet, year: int) -> tuple[str, list] | None:
    """A ``WITH …`` prefix defining ``cards`` (deputy_id, congress_id, scheme_id, threshold) and
    ``per_kind`` (deputy_id, congress_id, kind, points) for the mandates in play, with its params;
    None when no congress in play has a scheme for ``year``. Costs one query (the year's rule dates)."""
    from duty.scoring import year_bounds

    start, end = year_bounds(year)
    congress_ids = mandates.values("congress_region_id")
    rules = PointRule.objects.filter(scheme__year=year, scheme__congress_region_id__in=congress_ids)
    dated = list(rules.values_list("kind", "effective_from").distinct())
    if not dated:
        return None
    kinds = sorted({kind for kind, _ in dated})
    breaks = sorted({day for _, day in dated if start < day < end})
    starts = [start] + breaks
    deputy_ids = mandates.values("deputy_id")
    params: list = []
    parts = []
    for qs in _count_queries(kinds, start, end, breaks, deputy_ids):
        sql, p = qs.query.sql_with_params()
        parts.append(f"SELECT d, c, k, b, n FROM ({sql}) AS s{len(parts)}")  # noqa: S608 - compiled querysets, values are params
        params += list(p)
    m_sql, m_params = mandates.values("deputy_id", "congress_region_id").order_by().query.sql_with_params()
    # SQLite keeps dates as ISO text (its CAST AS date would make a number of one).
    day = "%s" if connection.vendor == "sqlite" else "CAST(%s AS date)"
    periods = " UNION ALL ".join(f"SELECT {i} AS b, {day} AS day" for i in range(len(starts)))
    pivot = ", ".join(
        f"MAX(CASE WHEN r.b = {i} THEN r.points * k.n END) AS d{i}, MAX(CASE WHEN r.b = {i} THEN r.ceiling END) AS c{i}"
        for i in range(len(starts))
    )
    folds = []
    previous = "pivot"
    for i in range(len(starts)):
        total = "0" if i == 0 else f"t{i - 1}"
        folds.append(f"fold{i} AS (SELECT f.*, {_fold(total, f'd{i}', f'c{i}')} AS t{i} FROM {previous} AS f)")  # noqa: S608 - column names only
        previous = f"fold{i}"
    # Only identifiers and compiled querysets are interpolated; every value is a parameter.
    sql = f"""
WITH counts AS ({" UNION ALL ".join(parts)}),
cards AS (
  SELECT DISTINCT m.deputy_id, m.congress_region_id AS congress_id, s.id AS scheme_id, s.threshold
  FROM ({m_sql}) AS m JOIN duty_pointscheme AS s ON s.congress_region_id = m.congress_region_id AND s.year = %s
),
periods AS ({periods}),
rates AS (
  SELECT r.scheme_id, r.kind, p.b, r.points, r.ceiling
  FROM duty_pointrule AS r JOIN periods AS p ON r.effective_from <= p.day
  WHERE r.scheme_id IN (SELECT scheme_id FROM cards) AND NOT EXISTS (
    SELECT 1 FROM duty_pointrule AS later WHERE later.scheme_id = r.scheme_id AND later.kind = r.kind
    AND later.effective_from <= p.day AND later.effective_from > r.effective_from)
),
pivot AS (
  SELECT cd.deputy_id, cd.congress_id, r.kind, {pivot}
  FROM cards AS cd
  JOIN rates AS r ON r.scheme_id = cd.scheme_id
  JOIN counts AS k ON k.d = cd.deputy_id AND k.k = r.kind AND k.b = r.b AND (k.c IS NULL OR k.c = cd.congress_id)
  GROUP BY cd.deputy_id, cd.congress_id, r.kind
),
{", ".join(folds)},
per_kind AS (SELECT deputy_id, congress_id, kind, t{len(starts) - 1} AS points FROM {previous})
"""  # noqa: S608
    return sql, [*params, *m_params, year, *starts]


def points(value) -> Decimal:
    """A database total as the one-decimal figure the rules are written in (SQLite sums in floats)."""
    return Decimal(str(value or 0)).quantize(ONE_DECIMAL) + Decimal("0.0")
