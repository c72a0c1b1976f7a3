"""Measuring a figure over its family's rows, and the rates derived from other figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from dashboards.figures.definitions import FIGURES, Figure
from dashboards.figures.filters import Filters


def _measure(figure: Figure, filters: Filters, *, distinct: bool = False) -> Any:
    if figure.kind == "sum":
        return Coalesce(Sum(figure.field, filter=figure.q(filters)), 0)
    return Count("pk", filter=figure.q(filters), distinct=distinct)


def _aggregates(family: str, filters: Filters, *, distinct: bool = False) -> dict[str, Any]:
    return {
        fig.key: _measure(fig, filters, distinct=distinct)
        for fig in FIGURES.values()
        if fig.family == family and fig.kind != "rate"
    }


def with_rates(values: dict[str, Any]) -> dict[str, Any]:
    """Fill in the rate figures (a percentage with one decimal, ``None`` when nothing to divide)."""
    for fig in FIGURES.values():
        if fig.kind == "rate" and fig.denominator in values:
            num, den = values.get(fig.numerator) or 0, values.get(fig.denominator) or 0
            values[fig.key] = round(num * 100 / den, 1) if den else None
    return values
