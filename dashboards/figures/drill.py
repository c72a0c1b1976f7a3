"""The list behind a number: the rows a figure counts, narrowed as the user asked."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from dashboards.figures.definitions import FIGURES, Figure
from dashboards.figures.families import FAMILIES
from dashboards.figures.filters import Filters, Narrowing
from dashboards.figures.measures import with_rates


def figure_rows(figure: Figure, filters: Filters, narrowing: Narrowing | None = None) -> QuerySet:
    """The rows behind one figure: its family's base narrowed by the figure's condition.

    For a sum, only rows that add something; for a rate, the rows of its denominator.
    """
    family = FAMILIES[figure.family]
    narrowing = narrowing or Narrowing()
    qs = family.rows(filters)
    shown = FIGURES[figure.denominator] if figure.kind == "rate" else figure
    condition = shown.q(filters)
    if condition is not None:
        qs = qs.filter(condition)
    if shown.kind == "sum":
        qs = qs.filter(**{f"{shown.field}__gt": 0})
    if narrowing.category is not None and family.category_path:
        qs = qs.filter(**{family.category_path: narrowing.category})
    if narrowing.department is not None and family.department:
        qs = qs.filter(family.department(narrowing.department))
    if narrowing.month is not None and family.month_path:
        year, month = narrowing.month
        qs = qs.filter(**{f"{family.month_path}__year": year, f"{family.month_path}__month": month})
    return qs.select_related(*family.related).order_by(*family.order_by)


def figure_value_of(figure: Figure, rows: QuerySet, filters: Filters) -> Any:
    """The figure recomputed over its own list, shown at the top of the list."""
    if figure.kind == "count":
        return rows.count()
    if figure.kind == "sum":
        return rows.aggregate(v=Coalesce(Sum(figure.field), 0))["v"]
    # A rate: its list holds the denominator's rows; the numerator's rows are those of them that meet
    # its condition too (one query each: a FILTER over a DISTINCT list cannot carry a correlated EXISTS).
    values = {}
    for part in (FIGURES[figure.numerator], FIGURES[figure.denominator]):
        condition = part.q(filters) if part.key == figure.numerator else None
        values[part.key] = figure_value_of(part, rows.filter(condition) if condition is not None else rows, filters)
    return with_rates(values)[figure.key]
