"""Figures the report states that the dashboard does not show: deputy groups at work, stations used,
townships with a station, suggestions returned and re-routed, key supervision.

Each counts the rows of a dashboard family (``dashboards.figures.FAMILIES[...].rows(filters)``),
so it is narrowed to the same region, scope, campaign and dates as every dashboard figure.
Fixed number of queries (five), whatever the size of the region.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith

from accounts.scope import in_scope
from dashboards.figures import FAMILIES, STANDING_ASSIGNMENT_EXCLUDED, Filters
from deputies.models import DeputyGroup, GroupKind
from liaison_stations.models import LiaisonStation
from regions.models import Region, RegionLevel
from suggestions.models import Assignment, AssignmentRole, AssignmentState


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def group_figures(filters: Filters) -> dict[str, int]:
    """Active deputy groups in the region, mixed (regional) and professional, and how many held an
    activity of the campaign. Two queries: the groups, then those among them whose id is among the
    campaign activities' groups (one hashed semi-join; an ``EXISTS`` per group, once per figure that
    used it, was three correlated probes per group: 7 s on the province's 10,204 groups)."""
    activities = FAMILIES["activities"].rows(filters)
    groups = in_scope(DeputyGroup.objects.filter(active=True), filters.user).filter(
        region__prefix__startswith=filters.region.prefix
    )
    mixed = Q(kind=GroupKind.REGIONAL)
    figures = groups.aggregate(
        groups_total=Count("id"), groups_mixed=Count("id", filter=mixed), groups_professional=Count("id", filter=~mixed)
    )
    figures.update(
        groups.filter(pk__in=activities.filter(group__isnull=False).values("group_id")).aggregate(
            groups_active=Count("id"),
            groups_active_mixed=Count("id", filter=mixed),
            groups_active_professional=Count("id", filter=~mixed),
        )
    )
    return figures


def station_figures(filters: Filters) -> dict[str, Any]:
    """Stations used in the campaign (an activity or a reception day held there) and townships that
    have a station of their own (the coverage the province reports)."""
    stations = in_scope(LiaisonStation.objects.filter(active=True), filters.user).filter(
        region__prefix__startswith=filters.region.prefix
    )
    activities = FAMILIES["activities"].rows(filters)
    receptions = FAMILIES["receptions"].rows(filters)
    used = stations.filter(Q(Exists(activities.filter(station=OuterRef("pk")))) | Q(Exists(receptions.filter(station=OuterRef("pk")))))
    result: dict[str, Any] = {"stations_used": used.count()}
    if filters.region.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        townships = Region.objects.filter(pk=filters.region.pk)
    else:
        townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, prefix__startswith=filters.region.prefix)
    covered = Exists(stations.filter(StartsWith(F("region__prefix"), OuterRef("prefix"))))
    result.update(
        townships.annotate(covered=covered).aggregate(
            townships_total=Count("id"), townships_covered=Count("id", filter=Q(covered=True))
        )
    )
    result["township_coverage_rate"] = _rate(result["townships_covered"], result["townships_total"])
    return result


def handling_figures(filters: Filters) -> dict[str, int]:
    """Suggestions a department returned (退回 approved), those of them handed over again to another
    department (re-routed), and those under key supervision (重点督办)."""
    suggestions = FAMILIES["suggestions"].rows(filters)
    returned = Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), state=AssignmentState.RETURNED))
    standing = Exists(
        Assignment.objects.filter(suggestion=OuterRef("pk"), role=AssignmentRole.LEAD).exclude(state__in=STANDING_ASSIGNMENT_EXCLUDED)
    )
    return suggestions.annotate(was_returned=returned, standing=standing).aggregate(
        suggestions_returned=Count("id", filter=Q(was_returned=True)),
        suggestions_rerouted=Count("id", filter=Q(was_returned=True, standing=True)),
        suggestions_key_supervision=Count("id", filter=Q(key_supervision=True)),
    )


def extra_figures(filters: Filters) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    figures.update(group_figures(filters))
    figures.update(station_figures(filters))
    figures.update(handling_figures(filters))
    return figures
