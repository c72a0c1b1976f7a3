"""The dashboard: totals, the child-region table and the header, computed from the definitions."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.functions import Substr

from accounts.scope import in_scope
from dashboards.figures.breakdowns import categories_from, category_parts, league_from, league_parts, trend_from, trend_parts
from dashboards.figures.families import FAMILIES, Family
from dashboards.figures.filters import Filters
from dashboards.figures.measures import _aggregates, with_rates
from liaison_stations.models import LiaisonStation
from regions.models import Region


def child_units(filters: Filters) -> list[dict[str, Any]]:
    """The rows below the totals: child regions, or a township's stations."""
    region = filters.region
    if filters.station is not None:
        return []
    if region.level == "township":
        stations = in_scope(LiaisonStation.objects.filter(active=True), filters.user).filter(
            region__prefix__startswith=region.prefix
        )
        return [{"kind": "station", "id": s.pk, "code": region.code, "name": s.name} for s in stations.order_by("name", "id")]
    if region.level == "village":
        return []
    children = Region.objects.filter(parent=region).order_by("code")
    return [{"kind": "region", "id": r.pk, "code": r.code, "name": r.name, "prefix": r.prefix} for r in children]


def _grouped(family: Family, filters: Filters, units: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """One query: the family's figures per child unit."""
    qs = family.rows(filters)
    if units and units[0]["kind"] == "station":
        if family.station_condition:
            qs = qs.filter(family.station_condition(filters))
        rows = qs.annotate(bucket=F(family.station_path)).values("bucket")
        rows = rows.annotate(**_aggregates(family.name, filters, distinct=family.station_many)).order_by()
        return {row.pop("bucket"): row for row in rows if row["bucket"] is not None}
    length = max(len(u["prefix"]) for u in units)
    rows = qs.annotate(bucket=Substr(f"{family.region_path}__prefix", 1, length)).values("bucket")
    rows = rows.annotate(**_aggregates(family.name, filters)).order_by()
    by_prefix = {u["prefix"]: u["id"] for u in units}
    lengths = sorted({len(p) for p in by_prefix}, reverse=True)
    result: dict[Any, dict[str, Any]] = {}
    # Sums over grouped rows (at most one per county below): not a loop over the data itself.
    for row in rows:
        bucket = row.pop("bucket") or ""
        unit = next((by_prefix[bucket[:n]] for n in lengths if bucket[:n] in by_prefix), None)
        if unit is None:
            continue  # rows attached to the region itself, not to a child
        target = result.setdefault(unit, dict.fromkeys(row, 0))
        for key, value in row.items():
            target[key] += value or 0
    return result


def dashboard_header(filters: Filters) -> dict[str, Any]:
    region = filters.region
    return {
        "region": {"code": region.code, "name": region.name, "level": str(region.level)},
        "filters": {
            "campaign": filters.campaign.pk if filters.campaign else None,
            "campaign_title": str(filters.campaign) if filters.campaign else None,
            "from": filters.date_from.isoformat() if filters.date_from else None,
            "to": filters.date_to.isoformat() if filters.date_to else None,
            "today": filters.today.isoformat(),
            "station": filters.station.pk if filters.station else None,
            "station_name": filters.station.name if filters.station else None,
        },
    }


def compute_dashboard(filters: Filters, units: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Every figure of one region's dashboard as plain JSON-ready data, from the raw rows.

    The query count is fixed: per family one total and one grouped query, plus categories,
    the league (3) and the trend (3), whatever the number of child regions or rows.
    """
    units = child_units(filters) if units is None else units
    totals: dict[str, Any] = {}
    per_unit: dict[Any, dict[str, Any]] = {u["id"]: {} for u in units}
    for family in FAMILIES.values():
        totals.update(family.rows(filters).aggregate(**_aggregates(family.name, filters, distinct=False)))
        if units:
            grouped = _grouped(family, filters, units)
            for unit_id, values in per_unit.items():
                values.update(grouped.get(unit_id) or dict.fromkeys(_aggregates(family.name, filters), 0))
    with_rates(totals)
    children = []
    for unit in units:
        values = with_rates(per_unit[unit["id"]])
        children.append({"kind": unit["kind"], "id": unit["id"], "code": unit["code"], "name": unit["name"], "figures": values})
    return {
        **dashboard_header(filters),
        "totals": totals,
        "children": children,
        "categories": categories_from(category_parts(filters)),
        "league": league_from(league_parts(filters)),
        "trend": trend_from(trend_parts(filters)),
        # Computed from the raw rows just now (a rollup says when it was computed instead).
        "as_of": None,
    }
