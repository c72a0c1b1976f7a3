"""Categories, league and trend: additive parts, then assembled.

Each is computed as rows that can be added up (counts per category, per department, per month),
optionally per township bucket, and then assembled into what the page shows. The live dashboard
and the rollup (dashboards/rollup.py) share both halves, so they cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext_lazy as _

from dashboards.figures.families import FAMILIES, STANDING_ASSIGNMENT_EXCLUDED
from dashboards.figures.filters import Filters
from dashboards.figures.measures import with_rates
from suggestions.models import (
    Assignment,
    AssignmentRole,
    RatingValue,
)
from suggestions.taxonomy import categories

# The township-sized unit of the rollup: the first nine digits of a region's prefix.
BUCKET_LENGTH = 9


def _by_bucket(qs: QuerySet, region_path: str, bucketed: bool) -> tuple[QuerySet, tuple[str, ...]]:
    if not bucketed:
        return qs, ()
    return qs.annotate(bucket=Substr(f"{region_path}__prefix", 1, BUCKET_LENGTH)), ("bucket",)


def category_parts(filters: Filters, *, bucketed: bool = False) -> list[dict[str, Any]]:
    qs, by = _by_bucket(FAMILIES["suggestions"].rows(filters), "region", bucketed)
    return list(qs.values(*by, "category").annotate(count=Count("id")).order_by())


def categories_from(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {code: c.name for code, c in categories().items()}
    counts: dict[Any, int] = {}
    for row in parts:
        counts[row["category"]] = counts.get(row["category"], 0) + row["count"]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    return [{"code": code, "name": names.get(code) or str(_("未分类")), "count": n} for code, n in ordered]


def league_parts(filters: Filters, *, bucketed: bool = False) -> dict[str, list[dict[str, Any]]]:
    standing = Assignment.objects.filter(
        role=AssignmentRole.LEAD, suggestion__in=FAMILIES["suggestions"].rows(filters).values("id")
    ).exclude(state__in=STANDING_ASSIGNMENT_EXCLUDED)
    standing, by = _by_bucket(standing, "suggestion__region", bucketed)
    answers, _by = _by_bucket(FAMILIES["first_answers"].rows(filters), "suggestion__region", bucketed)
    ratings, _by = _by_bucket(FAMILIES["ratings"].rows(filters), "suggestion__region", bucketed)
    satisfied = Q(value__in=[RatingValue.SATISFIED, RatingValue.BASICALLY_SATISFIED])
    return {
        # A suggestion lies in one bucket, so distinct counts per bucket add up.
        "suggestions": list(
            standing.values(*by, "department", "department__name").annotate(n=Count("suggestion", distinct=True)).order_by()
        ),
        "answers": list(
            answers.values(*by, department=F("assignment__department"))
            .annotate(total=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
            .order_by()
        ),
        "ratings": list(
            ratings.values(*by, department=F("answer__assignment__department"))
            .annotate(total=Count("id"), satisfied=Count("id", filter=satisfied))
            .order_by()
        ),
    }


def league_from(parts: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    from django.conf import settings

    def summed(rows, keys):
        out: dict[Any, dict[str, int]] = {}
        for row in rows:
            target = out.setdefault(row["department"], dict.fromkeys(keys, 0))
            for key in keys:
                target[key] += row[key]
        return out

    names = {row["department"]: row["department__name"] for row in parts["suggestions"]}
    suggestions = summed(parts["suggestions"], ["n"])
    by_answer = summed(parts["answers"], ["total", "on_time"])
    by_rating = summed(parts["ratings"], ["total", "satisfied"])
    league = []
    for department, row in suggestions.items():
        if row["n"] < settings.DASHBOARD_LEAGUE_MIN:
            continue
        a = by_answer.get(department, {})
        r = by_rating.get(department, {})
        league.append(
            with_rates(
                {
                    "department_id": department,
                    "name": names[department],
                    "suggestions": row["n"],
                    "answers_total": a.get("total", 0),
                    "answers_on_time": a.get("on_time", 0),
                    "ratings_total": r.get("total", 0),
                    "ratings_satisfied": r.get("satisfied", 0),
                }
            )
        )
    league.sort(key=lambda d: (-(d["on_time_rate"] or -1), -(d["satisfaction_rate"] or -1), d["name"], d["department_id"]))
    for rank, row in enumerate(league, start=1):
        row["rank"] = rank
    return league


def _month_key(value) -> str:
    return value.strftime("%Y-%m") if value else ""


TREND_SERIES = ("activities", "suggestions", "answers")


def trend_parts(filters: Filters, *, bucketed: bool = False) -> list[dict[str, Any]]:
    series = {
        "activities": (FAMILIES["activities"].rows(filters).annotate(m=TruncMonth("date")), "region"),
        "suggestions": (
            FAMILIES["suggestions"].rows(filters).filter(submitted_at__isnull=False).annotate(m=TruncMonth("submitted_at")),
            "region",
        ),
        "answers": (FAMILIES["first_answers"].rows(filters).annotate(m=TruncMonth("answered_at")), "suggestion__region"),
    }
    parts = []
    for name, (qs, region_path) in series.items():
        qs, by = _by_bucket(qs, region_path, bucketed)
        for row in qs.values(*by, "m").annotate(n=Count("id")).order_by():
            parts.append({**({"bucket": row["bucket"]} if by else {}), "series": name, "month": _month_key(row["m"]), "n": row["n"]})
    return parts


def trend_from(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    months: dict[str, dict[str, Any]] = {}
    for row in parts:
        month = months.setdefault(row["month"], {"month": row["month"], **dict.fromkeys(TREND_SERIES, 0)})
        month[row["series"]] += row["n"]
    return [months[m] for m in sorted(months)]
