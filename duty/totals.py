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
from deputies.models import Mandate
from duty.models import ACTIVITY_KINDS, PointRule, PointScheme
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


def _count_queries(kinds: list[str], start: dt.date, end: dt.date, breaks: list[dt.date], deputy_ids) -> list[QuerySet]:
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


def per_kind_sql(mandates: QuerySet, year: int, schemes: dict[int, int] | None = None) -> tuple[str, list] | None:
    """A ``WITH …`` prefix defining ``cards`` (deputy_id, congress_id) and ``per_kind`` (deputy_id,
    congress_id, kind, points) for the mandates in play, with its params; None when no congress in
    play has a scheme for ``year``. Costs two small queries (the schemes in play, their rule dates),
    one when the caller passes the schemes in play (scheme id → congress region id).

    The congresses with a scheme are put in the statement as constants (``congress_region_id IN
    (…)``), not joined to the schemes table: PostgreSQL then estimates the scorecards from the
    mandates' own statistics (which congresses hold how many mandates: 56,775 estimated for 32,539
    on the province, where the join was estimated at 36–850 and the plan then looped over the rule
    versions, 46 s), and every source counts only the duties of deputies with a seat in them."""
    from duty.scoring import year_bounds

    start, end = year_bounds(year)
    schemes = schemes if schemes is not None else dict(
        PointScheme.objects.filter(year=year, congress_region_id__in=mandates.values("congress_region_id")).values_list(
            "id", "congress_region_id"
        )
    )
    if not schemes:
        return None
    dated = list(PointRule.objects.filter(scheme_id__in=list(schemes)).values_list("kind", "effective_from").distinct())
    if not dated:
        return None
    kinds = sorted({kind for kind, _ in dated})
    breaks = sorted({day for _, day in dated if start < day < end})
    starts = [start] + breaks
    congresses = sorted(set(schemes.values()))
    # Whose duties are counted: the deputies holding a seat in a congress in play, read from the
    # mandates table itself (its statistics give the planner the right size: hashed on the province,
    # looked up deputy by deputy on a county); the join to ``cards`` then keeps exactly the cards.
    deputy_ids = Mandate.objects.filter(congress_region_id__in=congresses).values("deputy_id")
    params: list = []
    parts = []
    for qs in _count_queries(kinds, start, end, breaks, deputy_ids):
        sql, p = qs.query.sql_with_params()
        parts.append(f"SELECT d, c, k, b, n FROM ({sql}) AS s{len(parts)}")  # noqa: S608 - compiled querysets, values are params
        params += list(p)
    in_play = mandates.filter(congress_region_id__in=congresses)
    m_sql, m_params = in_play.values("deputy_id", "congress_region_id").order_by().query.sql_with_params()
    scheme_marks = ", ".join(["%s"] * len(schemes))
    # Each duty count is joined to its scorecard first (both sides large: hashed), then to its rule
    # version (small). Kept apart (MATERIALIZED) so that the planner cannot join the scorecards to
    # the rule versions first (one row per card, kind and period: 18 million on the province).
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
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
WITH cards AS (SELECT DISTINCT m.deputy_id, m.congress_region_id AS congress_id FROM ({m_sql}) AS m),
counts AS ({" UNION ALL ".join(parts)}),
periods AS ({periods}),
rates AS {materialized}(
  SELECT s.congress_region_id AS congress_id, r.kind, p.b, r.points, r.ceiling
  FROM duty_pointrule AS r JOIN duty_pointscheme AS s ON s.id = r.scheme_id JOIN periods AS p ON r.effective_from <= p.day
  WHERE r.scheme_id IN ({scheme_marks}) AND NOT EXISTS (
    SELECT 1 FROM duty_pointrule AS later WHERE later.scheme_id = r.scheme_id AND later.kind = r.kind
    AND later.effective_from <= p.day AND later.effective_from > r.effective_from)
),
scored AS {materialized}(
  SELECT cd.deputy_id, cd.congress_id, k.k, k.b, k.n
  FROM counts AS k JOIN cards AS cd ON cd.deputy_id = k.d AND (k.c IS NULL OR k.c = cd.congress_id)
),
pivot AS (
  SELECT k.deputy_id, k.congress_id, r.kind, {pivot}
  FROM scored AS k JOIN rates AS r ON r.congress_id = k.congress_id AND r.kind = k.k AND r.b = k.b
  GROUP BY k.deputy_id, k.congress_id, r.kind
),
{", ".join(folds)},
per_kind AS (SELECT deputy_id, congress_id, kind, t{len(starts) - 1} AS points FROM {previous})
"""  # noqa: S608
    return sql, [*m_params, *params, *starts, *schemes]


def roomy_statement():
    """Around the statement (``config.statements.roomy_reads``): no JIT (it compiled 362
    functions for 15.2 s of the province share's 28.9 s) and room to sort in memory (three sorts
    spilled to disk at 4 MB)."""
    from config.statements import roomy_reads

    return roomy_reads()


def points(value) -> Decimal:
    """A database total as the one-decimal figure the rules are written in (SQLite sums in floats)."""
    return Decimal(str(value or 0)).quantize(ONE_DECIMAL) + Decimal("0.0")
