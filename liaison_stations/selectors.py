"""Reads of stations, their standards, deputies and reception days, scoped through accounts.scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.scope import has_scope, in_scope, regions_in_scope
from deputies.models import Deputy
from deputies.selectors import current_filter, deputies_visible_to
from liaison_stations.filters import StationFilter
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationStandard
from regions.models import Region
from regions.scope import in_scope_or_above


def stations_visible_to(user) -> QuerySet[LiaisonStation]:
    """Stations whose region lies inside the user's scope (department handlers see none)."""
    if not has_scope(user) or (user.is_handler and not user.is_superuser):
        return LiaisonStation.objects.none()
    return in_scope(LiaisonStation.objects.all(), user, "region")


def get_station(user, pk) -> LiaisonStation:
    try:
        return stations_visible_to(user).select_related("region", "region__parent", "region__parent__parent").get(pk=pk)
    except (LiaisonStation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def items_applying_within(user) -> list[StandardItem]:
    """Active checklist items that can apply to some station the user sees: items defined inside the
    scope, and items defined by the offices above it (a province's items apply to every station)."""
    return list(standard_items_applying_within(user).select_related("region", "region__parent", "region__parent__parent"))


def standard_items_applying_within(user) -> QuerySet[StandardItem]:
    """``items_applying_within`` as a queryset: the items an office may record for its stations (the API's choices)."""
    return in_scope_or_above(StandardItem.objects.filter(active=True), user, "region").order_by("position", "id")


def items_for_station(station: LiaisonStation, items: list[StandardItem]) -> list[StandardItem]:
    """The items that apply to one station: those whose defining region contains the station's."""
    return [item for item in items if station.region.prefix.startswith(item.region.prefix)]


def completion(met: int, applicable: int) -> int | None:
    return None if applicable == 0 else round(100 * met / applicable)


def station_list(user, params) -> tuple[StationFilter, QuerySet[LiaisonStation]]:
    """Stations with their current deputy count and met-standard count (completion is computed by
    ``attach_completion`` against the applicable items, loaded once)."""
    base = (
        stations_visible_to(user)
        .select_related("region", "region__parent", "region__parent__parent")
        .annotate(
            deputy_count=Count("assignments", filter=current_filter("assignments__"), distinct=True),
            met_count=Count("standards", filter=Q(standards__met=True, standards__item__active=True), distinct=True),
        )
        .order_by("region__code", "name")
    )
    filterset = StationFilter(params, queryset=base)
    return filterset, filterset.qs


def attach_completion(stations, items: list[StandardItem]) -> None:
    for station in stations:
        station.applicable_count = len(items_for_station(station, items))
        station.completion = completion(station.met_count, station.applicable_count)


@dataclass
class ChecklistRow:
    item: StandardItem
    record: StationStandard | None


@dataclass
class StationDetail:
    station: LiaisonStation
    checklist: list[ChecklistRow]
    completion: int | None
    assignments: list[StationAssignment]
    past_assignments: list[StationAssignment]
    reception_days: list[ReceptionDay]
    groups: list


def station_detail(user, pk) -> StationDetail:
    """One station: its checklist with completion, its deputies and its coming reception days."""
    station = get_station(user, pk)
    items = items_for_station(station, items_applying_within(user))
    records = {r.item_id: r for r in station.standards.all()}
    checklist = [ChecklistRow(item, records.get(item.pk)) for item in items]
    met = sum(1 for row in checklist if row.record and row.record.met)
    assignments = list(
        station.assignments.select_related("deputy", "deputy__region", "deputy__region__parent", "deputy__region__parent__parent")
        .prefetch_related("deputy__mandates")
        .order_by("deputy__name_stroke_key", "deputy__name_pinyin")
    )
    today = timezone.localdate()  # the congress's day (Asia/Shanghai), not the server's
    current = [a for a in assignments if a.end_date is None or a.end_date >= today]
    past = [a for a in assignments if a.end_date is not None and a.end_date < today]
    return StationDetail(
        station=station,
        checklist=checklist,
        completion=completion(met, len(items)),
        assignments=current,
        past_assignments=past,
        reception_days=reception_schedule(station, since=today)[:20],
        groups=list(station.groups.order_by("name")),
    )


def reception_schedule(station: LiaisonStation, *, since: date | None = None) -> list[ReceptionDay]:
    """The station's reception days from ``since`` on, each with the deputies on duty."""
    # Who is on duty is posted on the station's door: names only, no personal data.
    qs = station.reception_days.prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.only("id", "name", "name_stroke_key").order_by("name_stroke_key"))
    ).order_by("date", "start_time")
    if since is not None:
        qs = qs.filter(date__gte=since)
    return list(qs)


def reception_days_visible_to(user) -> QuerySet[ReceptionDay]:
    return ReceptionDay.objects.filter(station__in=stations_visible_to(user))


def get_reception_day(user, pk) -> ReceptionDay:
    try:
        return reception_days_visible_to(user).select_related("station", "station__region").get(pk=pk)
    except (ReceptionDay.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_assignment(user, pk) -> StationAssignment:
    try:
        return StationAssignment.objects.select_related("station", "station__region", "deputy").get(
            pk=pk, station__in=stations_visible_to(user)
        )
    except (StationAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def standard_items_visible_to(user) -> QuerySet[StandardItem]:
    """Checklist items defined inside the user's scope (the ones an office may edit)."""
    if not has_scope(user) or (user.is_handler and not user.is_superuser):
        return StandardItem.objects.none()
    return in_scope(StandardItem.objects.select_related("region", "region__parent", "region__parent__parent"), user, "region").order_by("region__code", "position", "id")


def get_standard_item(user, pk) -> StandardItem:
    try:
        return standard_items_visible_to(user).get(pk=pk)
    except (StandardItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- coverage ----------------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    region: Region
    deputies: int = 0
    deputies_without_station: int = 0
    stations: int = 0
    stations_without_deputies: int = 0
    met: int = 0
    applicable: int = 0

    @property
    def completion(self) -> int | None:
        return completion(self.met, self.applicable)


@dataclass
class Coverage:
    region: Region | None
    rows: list[CoverageRow]
    total: CoverageRow
    deputies_without_station: list
    stations_without_deputies: list


def coverage(user, region_code: str | None = None, *, sample: int = 50) -> Coverage:
    """Per child region: deputies with no station, stations with no deputies, standards completion.

    A constant number of queries: counts are grouped by each object's own region and rolled up to
    the child regions in Python by prefix.
    """
    scope = regions_in_scope(user)
    region = None
    if region_code:
        region = scope.filter(code=region_code).first()
        if region is None:
            raise Http404
    elif not user.is_superuser:
        region = user.region
    children = list(Region.objects.filter(parent=region).order_by("code")) if region else list(
        Region.objects.filter(parent__isnull=True).order_by("code")
    )
    if not children and region is not None:
        children = [region]
    rows = [CoverageRow(child) for child in children]

    def row_for(prefix: str) -> CoverageRow | None:
        for row in rows:
            if prefix.startswith(row.region.prefix):
                return row
        return None

    deputies = deputies_visible_to(user)
    if region is not None:
        deputies = deputies.filter(region__prefix__startswith=region.prefix)
    has_station = Q(station_assignments__isnull=False) & current_filter("station_assignments__")
    for entry in deputies.values("region__prefix").annotate(
        n=Count("id", distinct=True), placed=Count("id", filter=has_station, distinct=True)
    ):
        row = row_for(entry["region__prefix"])
        if row:
            row.deputies += entry["n"]
            row.deputies_without_station += entry["n"] - entry["placed"]

    stations = stations_visible_to(user).filter(active=True)
    if region is not None:
        stations = stations.filter(region__prefix__startswith=region.prefix)
    items = items_applying_within(user)
    station_rows = stations.values("region__prefix").annotate(
        n=Count("id", distinct=True),
        staffed=Count("id", filter=current_filter("assignments__") & Q(assignments__isnull=False), distinct=True),
    )
    met_rows = stations.filter(standards__met=True, standards__item__active=True).values("region__prefix").annotate(
        met=Count("standards", distinct=True)
    )
    for entry in station_rows:
        row = row_for(entry["region__prefix"])
        if row:
            row.stations += entry["n"]
            row.stations_without_deputies += entry["n"] - entry["staffed"]
            applicable = sum(1 for item in items if entry["region__prefix"].startswith(item.region.prefix))
            row.applicable += applicable * entry["n"]
    for entry in met_rows:
        row = row_for(entry["region__prefix"])
        if row:
            row.met += entry["met"]

    total = CoverageRow(region)
    for row in rows:
        for name in ("deputies", "deputies_without_station", "stations", "stations_without_deputies", "met", "applicable"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    current = StationAssignment.objects.filter(current_filter())
    unplaced = (
        deputies.filter(~Exists(current.filter(deputy=OuterRef("pk"))))
        .select_related("region", "region__parent", "region__parent__parent")
        .order_by("region__code", "name_stroke_key")[:sample]
    )
    empty = (
        stations.filter(~Exists(current.filter(station=OuterRef("pk"))))
        .select_related("region", "region__parent", "region__parent__parent")
        .order_by("region__code", "name")[:sample]
    )
    return Coverage(region, rows, total, list(unplaced), list(empty))
