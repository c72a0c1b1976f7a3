"""Families: the rows each group of figures counts, already scoped and narrowed to the filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext_lazy as _

from accounts.scope import in_scope
from activities.models import Activity
from dashboards.figures.filters import Filters
from deputies.models import Deputy
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationStandard
from suggestions.models import (
    Answer,
    Assignment,
    AssignmentRole,
    Rating,
    Suggestion,
)
from suggestions.states import ENDED_ASSIGNMENT_STATES, received_q

# Defined once in suggestions.states.
STANDING_ASSIGNMENT_EXCLUDED = ENDED_ASSIGNMENT_STATES


def _within(queryset: QuerySet, filters: Filters, region_path: str) -> QuerySet:
    return in_scope(queryset, filters.user, region_path).filter(**{f"{region_path}__prefix__startswith": filters.region.prefix})


def _activities_filtered(filters: Filters, queryset: QuerySet | None = None) -> QuerySet:
    qs = Activity.objects.all() if queryset is None else queryset
    if filters.campaign:
        # A subquery rather than a join, so sums over activities are never multiplied.
        linked = Activity.campaigns.through.objects.filter(campaign=filters.campaign).values("activity_id")
        qs = qs.filter(id__in=linked)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    return qs


def _suggestions_filtered(queryset: QuerySet, filters: Filters, prefix: str = "") -> QuerySet:
    qs = queryset.filter(received_q(prefix))
    if filters.campaign:
        qs = qs.filter(**{f"{prefix}campaign": filters.campaign})
    if filters.date_from:
        qs = qs.filter(**{f"{prefix}submitted_at__date__gte": filters.date_from})
    if filters.date_to:
        qs = qs.filter(**{f"{prefix}submitted_at__date__lte": filters.date_to})
    return qs


def deputies_base(filters: Filters) -> QuerySet:
    return _within(Deputy.objects.filter(active=True), filters, "region")


def activities_base(filters: Filters) -> QuerySet:
    return _activities_filtered(filters, _within(Activity.objects.all(), filters, "region"))


class SubqueryCount(Subquery):
    """``(SELECT COUNT(*) …)`` for a correlated queryset: one number per outer row."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def stations_base(filters: Filters) -> QuerySet:
    # An item applies to every station inside the region of the office that defined it.
    applies = StartsWith(OuterRef("region__prefix"), F("region__prefix"))
    applicable = StandardItem.objects.filter(applies, active=True).values("id")
    met = StationStandard.objects.filter(
        StartsWith(OuterRef("region__prefix"), F("item__region__prefix")),
        station=OuterRef("pk"),
        met=True,
        item__active=True,
    ).values("id")
    return _within(LiaisonStation.objects.filter(active=True), filters, "region").annotate(
        standards_applicable_n=Coalesce(SubqueryCount(applicable), 0),
        standards_met_n=Coalesce(SubqueryCount(met), 0),
    )


def receptions_base(filters: Filters) -> QuerySet:
    start, end = filters.dated_range()
    # Held: a scheduled day still ahead is not a reception day held.
    qs = _within(ReceptionDay.objects.filter(station__active=True, date__lte=filters.today), filters, "station__region")
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs


def suggestions_base(filters: Filters) -> QuerySet:
    return _suggestions_filtered(_within(Suggestion.objects.all(), filters, "region"), filters)


def first_answers_base(filters: Filters) -> QuerySet:
    earlier = Answer.objects.filter(suggestion=OuterRef("suggestion"), id__lt=OuterRef("id"))
    qs = _within(Answer.objects.all(), filters, "suggestion__region").filter(~Exists(earlier))
    return _suggestions_filtered(qs, filters, "suggestion__")


def current_answers_base(filters: Filters) -> QuerySet:
    later = Answer.objects.filter(suggestion=OuterRef("suggestion"), id__gt=OuterRef("id"))
    qs = _within(Answer.objects.all(), filters, "suggestion__region").filter(~Exists(later))
    return _suggestions_filtered(qs, filters, "suggestion__")


def ratings_base(filters: Filters) -> QuerySet:
    qs = _within(Rating.objects.all(), filters, "suggestion__region")
    return _suggestions_filtered(qs, filters, "suggestion__")


def _lead_department(department_id: int) -> Q:
    standing = Assignment.objects.filter(role=AssignmentRole.LEAD, department_id=department_id).exclude(
        state__in=STANDING_ASSIGNMENT_EXCLUDED
    )
    return Q(id__in=standing.values("suggestion_id"))


@dataclass(frozen=True)
class Family:
    name: str
    label: str
    base: Callable[[Filters], QuerySet]
    region_path: str
    # The station a row belongs to, for a township's table of stations.
    station_path: str
    station_condition: Callable[[Filters], Q] | None = None
    # True when station_path crosses a many-valued relation (rows must be counted distinct).
    station_many: bool = False
    category_path: str | None = None
    department: Callable[[int], Q] | None = None
    related: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    # The date the monthly trend counts this family by.
    month_path: str | None = None

    def at_station(self, queryset: QuerySet, filters: Filters, station_id: int) -> QuerySet:
        condition = self.station_condition(filters) if self.station_condition else Q()
        if self.station_many:
            # Through a many-valued relation: a subquery keeps one row per object without DISTINCT
            # (an aggregate over a DISTINCT list cannot carry the figures' correlated EXISTS).
            at = queryset.model.objects.filter(condition, **{self.station_path: station_id})
            return queryset.filter(pk__in=at.values("pk"))
        return queryset.filter(condition, **{self.station_path: station_id})

    def rows(self, filters: Filters) -> QuerySet:
        """The family's rows for these filters (scoped, in the region, at the station if one is chosen)."""
        qs = self.base(filters)
        return self.at_station(qs, filters, filters.station.pk) if filters.station else qs


def _open_station_assignment(filters: Filters) -> Q:
    return Q(station_assignments__end_date__isnull=True) | Q(station_assignments__end_date__gte=filters.today)


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in [
        Family(
            "deputies",
            _("代表"),
            deputies_base,
            "region",
            "station_assignments__station",
            station_condition=_open_station_assignment,
            station_many=True,
            related=("region",),
            order_by=("name_pinyin", "id"),
        ),
        Family(
            "activities",
            _("履职活动"),
            activities_base,
            "region",
            "station",
            related=("region", "station"),
            order_by=("-date", "-id"),
            month_path="date",
        ),
        Family(
            "stations", _("联络站"), stations_base, "region", "id", related=("region",), order_by=("region__code", "name", "id")
        ),
        Family(
            "receptions",
            _("接待日"),
            receptions_base,
            "station__region",
            "station",
            related=("station",),
            order_by=("-date", "-id"),
        ),
        Family(
            "suggestions",
            _("建议"),
            suggestions_base,
            "region",
            "source_activity__station",
            category_path="category",
            department=_lead_department,
            related=("region", "lead_deputy"),
            order_by=("-submitted_at", "-id"),
            month_path="submitted_at",
        ),
        Family(
            "first_answers",
            _("首次答复"),
            first_answers_base,
            "suggestion__region",
            "suggestion__source_activity__station",
            category_path="suggestion__category",
            department=lambda pk: Q(assignment__department_id=pk),
            related=("suggestion", "assignment__department"),
            order_by=("-answered_at", "-id"),
            month_path="answered_at",
        ),
        Family(
            "current_answers",
            _("最新答复"),
            current_answers_base,
            "suggestion__region",
            "suggestion__source_activity__station",
            category_path="suggestion__category",
            department=lambda pk: Q(assignment__department_id=pk),
            related=("suggestion", "assignment__department"),
            order_by=("-answered_at", "-id"),
        ),
        Family(
            "ratings",
            _("满意度测评"),
            ratings_base,
            "suggestion__region",
            "suggestion__source_activity__station",
            category_path="suggestion__category",
            department=lambda pk: Q(answer__assignment__department_id=pk),
            related=("suggestion", "deputy", "answer__assignment__department"),
            order_by=("-rated_at", "-id"),
        ),
    ]
}
