"""The dashboard's figures, each defined once and computed by aggregate queries in the database.

A *family* is the set of rows a group of figures counts (deputies, activities, stations, reception
days, suggestions, first answers, current answers, ratings); its ``base`` queryset is already
scoped to the user and narrowed to the region and the filters. A *figure* is a condition on its
family's rows plus a measure (count, sum of a field, or a rate of two other figures). The same
definition drives the totals, the child-region table (one grouped query per family, grouped by
the child's code prefix) and the drill list behind each number, so a list's count is the number
by construction, and the number of queries never depends on how many regions or rows there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import in_scope
from activities.models import Activity, ActivityType, Attendance, Campaign
from deputies.models import Deputy, Mandate, MandateLevel
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationStandard
from regions.models import Region
from suggestions.calendar import WorkCalendar
from suggestions.models import (
    OPEN_STATUSES,
    Answer,
    Assignment,
    AssignmentRole,
    AssignmentState,
    OutcomeClass,
    Rating,
    RatingValue,
    Status,
    Suggestion,
)
from suggestions.taxonomy import categories

# The defaults of activities.Campaign, used when the dashboard shows every campaign at once.
DEFAULT_REMINDER_DAYS = Campaign._meta.get_field("reminder_days").default
DEFAULT_LONG_OVERDUE_DAYS = Campaign._meta.get_field("long_overdue_days").default

OPEN_ASSIGNMENT_STATES = [AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED, AssignmentState.RETURN_REQUESTED]
# Assignments that still stand: a returned or withdrawn one no longer makes the department responsible.
STANDING_ASSIGNMENT_EXCLUDED = [AssignmentState.RETURNED, AssignmentState.WITHDRAWN]
REACHED_ASSIGNMENT = [Status.ASSIGNED, Status.RETURN_REQUESTED, Status.ACKNOWLEDGED, Status.ANSWERED, Status.CLOSED]


# --- Working days -----------------------------------------------------------------------------------


def deadline_cutoffs(today: dt.date, *, reminder_days: int, long_overdue_days: int) -> tuple[dt.date, dt.date]:
    """The two dates the supervision figures filter on, computed once per request.

    Returns ``(due_soon_until, long_overdue_before)``: an open assignment is *due soon* when
    ``today <= due_at <= due_soon_until`` (``reminder_days`` working days ahead), and *long
    overdue* (通报) when ``due_at < long_overdue_before``, i.e. more than ``long_overdue_days``
    working days have passed since the due date.

    Working days are those of the suggestions' own calendar (``suggestions.calendar.WorkCalendar``:
    holidays and make-up working weekends of published years), the one that sets the due dates.
    """
    calendar = WorkCalendar.load()
    due_soon_until = calendar.add_working_days(today, reminder_days)[0]
    # The (N+1)-th working day counting back from today (today included when it is a working day):
    # a due date before it has more than N working days past it.
    back = long_overdue_days + (0 if calendar.is_working_day(today) else 1)
    return due_soon_until, calendar.add_working_days(today, -back)[0]


# --- Filters -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a dashboard (and every list behind it) is computed for."""

    user: Any
    region: Region
    campaign: Campaign | None
    date_from: dt.date | None
    date_to: dt.date | None
    today: dt.date
    due_soon_until: dt.date
    long_overdue_before: dt.date
    # A station of the township: the dashboard and its lists narrowed to that station.
    station: LiaisonStation | None = None
    # Set only by the rollup refresh: participation is read from dashboards.Participation, rebuilt
    # just before, instead of from the attendance rows (see _took_part).
    from_participation: bool = False

    @classmethod
    def build(
        cls, *, user, region: Region, campaign: Campaign | None, date_from=None, date_to=None, today=None, station=None
    ) -> Filters:
        today = today or timezone.localdate()
        due_soon_until, long_overdue_before = deadline_cutoffs(
            today,
            reminder_days=campaign.reminder_days if campaign else DEFAULT_REMINDER_DAYS,
            long_overdue_days=campaign.long_overdue_days if campaign else DEFAULT_LONG_OVERDUE_DAYS,
        )
        return cls(user, region, campaign, date_from, date_to, today, due_soon_until, long_overdue_before, station)

    def query_params(self) -> dict[str, str]:
        """The filters as the query string every link carries (campaign is always explicit)."""
        params = {"campaign": str(self.campaign.pk) if self.campaign else "all"}
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        if self.station:
            params["station"] = str(self.station.pk)
        return params

    def cache_key(self) -> str:
        scope = "*" if self.user.is_superuser else self.user.region.prefix
        return ":".join(
            [
                "dashboard:v1",
                scope,
                self.region.code,
                str(self.campaign.pk) if self.campaign else "all",
                self.date_from.isoformat() if self.date_from else "",
                self.date_to.isoformat() if self.date_to else "",
                str(self.station.pk) if self.station else "",
                self.today.isoformat(),
            ]
        )

    def dated_range(self) -> tuple[dt.date | None, dt.date | None]:
        """For rows that carry only a date (reception days): the date range cut to the campaign's."""
        start, end = self.date_from, self.date_to
        if self.campaign:
            start = max(filter(None, [start, self.campaign.start_date]))
            end = min(filter(None, [end, self.campaign.end_date]))
        return start, end


@dataclass(frozen=True)
class Narrowing:
    """Extra conditions a drill list may add to a figure: a category, a department, a month."""

    category: str | None = None
    department: int | None = None
    month: tuple[int, int] | None = None  # (year, month) of the monthly trend


# --- Families ----------------------------------------------------------------------------------------


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
    qs = queryset.exclude(**{f"{prefix}status": Status.DRAFT})
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


# --- Figures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    family: str
    kind: str = "count"  # "count", "sum" or "rate"
    condition: Callable[[Filters], Q] | None = None
    field: str = ""  # the summed field (kind "sum")
    numerator: str = ""  # rate: keys of two figures of the same family
    denominator: str = ""

    def q(self, filters: Filters) -> Q | None:
        return self.condition(filters) if self.condition else None


def _mandate(level: str) -> Callable[[Filters], Q]:
    """Deputies holding a seat at ``level`` today (a term that has ended does not count)."""

    def build(filters: Filters) -> Q:
        seats = Mandate.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=filters.today), deputy=OuterRef("pk"), level=level
        )
        return Q(Exists(seats))

    return build


def _took_part(filters: Filters) -> Q:
    """Deputies who attended any activity of the campaign and dates, wherever it was held.

    A correlated EXISTS through joins (one index probe per deputy), not ``id IN (attendance…)``:
    at province scale the attendance list is millions of rows, too large for PostgreSQL to hash in
    ``work_mem``, and an unhashed ``IN`` re-scans it for every deputy.
    """
    if filters.from_participation and filters.campaign and not (filters.date_from or filters.date_to):
        from dashboards.models import Participation

        return Q(Exists(Participation.objects.filter(deputy=OuterRef("pk"), campaign=filters.campaign)))
    attended = Attendance.objects.filter(deputy=OuterRef("pk"))
    if filters.campaign:
        attended = attended.filter(activity__campaigns=filters.campaign)
    if filters.date_from:
        attended = attended.filter(activity__date__gte=filters.date_from)
    if filters.date_to:
        attended = attended.filter(activity__date__lte=filters.date_to)
    return Q(Exists(attended))


def _took_part_at(level: str) -> Callable[[Filters], Q]:
    return lambda f: _took_part(f) & _mandate(level)(f)


def _no_station(filters: Filters) -> Q:
    standing = StationAssignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=filters.today), deputy=OuterRef("pk"), station__active=True
    )
    return ~Q(Exists(standing))


def _open_assignment(condition: Callable[[Filters], Q]) -> Callable[[Filters], Q]:
    def build(filters: Filters) -> Q:
        assignments = Assignment.objects.filter(condition(filters), suggestion=OuterRef("pk"), state__in=OPEN_ASSIGNMENT_STATES)
        return Q(Exists(assignments), status__in=OPEN_STATUSES)

    return build


def _figures() -> list[Figure]:
    figs = [Figure("deputies_total", _("代表总数"), "deputies")]
    figs += [
        Figure(f"deputies_{lvl}", format_lazy(_("{level}人大代表"), level=label), "deputies", condition=_mandate(lvl))
        for lvl, label in MandateLevel.choices
    ]
    figs.append(Figure("deputies_active", _("参加活动代表"), "deputies", condition=_took_part))
    figs += [
        Figure(f"deputies_active_{lvl}", format_lazy(_("参加活动的{level}人大代表"), level=label), "deputies", condition=_took_part_at(lvl))
        for lvl, label in MandateLevel.choices
    ]
    figs.append(
        Figure(
            "deputies_active_rate", _("代表参与率"), "deputies", "rate", numerator="deputies_active", denominator="deputies_total"
        )
    )
    figs += [
        Figure(
            f"deputies_active_rate_{lvl}",
            format_lazy(_("{level}人大代表参与率"), level=label),
            "deputies",
            "rate",
            numerator=f"deputies_active_{lvl}",
            denominator=f"deputies_{lvl}",
        )
        for lvl, label in MandateLevel.choices
    ]
    figs.append(Figure("deputies_no_station", _("未进站代表"), "deputies", condition=_no_station))

    figs.append(Figure("activities_total", _("活动总数"), "activities"))
    figs += [
        Figure(f"activities_{kind}", label, "activities", condition=(lambda k: lambda f: Q(type=k))(kind))
        for kind, label in ActivityType.choices
    ]
    figs += [
        Figure("households_visited", _("走访农户"), "activities", "sum", field="households_visited"),
        Figure("enterprises_visited", _("走访企业"), "activities", "sum", field="enterprises_visited"),
        Figure("people_reached", _("联系群众"), "activities", "sum", field="people_reached"),
        Figure(
            "training_person_times",
            _("培训人次"),
            "activities",
            "sum",
            field="person_times",
            condition=lambda f: Q(type=ActivityType.TRAINING),
        ),
        Figure("stations_total", pgettext_lazy("count", "联络站"), "stations"),
        Figure("standards_met", _("达标项"), "stations", "sum", field="standards_met_n"),
        Figure("standards_applicable", _("应达标项"), "stations", "sum", field="standards_applicable_n"),
        Figure(
            "standards_completion",
            _("建站达标率"),
            "stations",
            "rate",
            numerator="standards_met",
            denominator="standards_applicable",
        ),
        Figure("reception_days", _("接待日"), "receptions"),
        Figure("suggestions_received", _("收到建议"), "suggestions"),
        Figure("suggestions_triage", _("待分办"), "suggestions", condition=lambda f: Q(status=Status.TRIAGE)),
        Figure("suggestions_assigned", _("已交办"), "suggestions", condition=lambda f: Q(status__in=REACHED_ASSIGNMENT)),
        Figure(
            "suggestions_answered", _("已答复"), "suggestions", condition=lambda f: Q(status__in=[Status.ANSWERED, Status.CLOSED])
        ),
        Figure("suggestions_closed", _("已办结"), "suggestions", condition=lambda f: Q(status=Status.CLOSED)),
        Figure("suggestions_not_accepted", _("不予立案"), "suggestions", condition=lambda f: Q(status=Status.NOT_ACCEPTED)),
        Figure(
            "suggestions_due_soon",
            _("临期催办"),
            "suggestions",
            condition=_open_assignment(lambda f: Q(due_at__gte=f.today, due_at__lte=f.due_soon_until)),
        ),
        Figure("suggestions_overdue", _("逾期督办"), "suggestions", condition=_open_assignment(lambda f: Q(due_at__lt=f.today))),
        Figure(
            "suggestions_long_overdue",
            _("逾期通报"),
            "suggestions",
            condition=_open_assignment(lambda f: Q(due_at__lt=f.long_overdue_before)),
        ),
        Figure("answers_total", _("已答复(首次)"), "first_answers"),
        Figure("answers_on_time", _("按期答复"), "first_answers", condition=lambda f: Q(on_time=True)),
        Figure(
            "on_time_rate", _("按期答复率"), "first_answers", "rate", numerator="answers_on_time", denominator="answers_total"
        ),
    ]
    figs += [
        Figure(f"outcome_{cls}", label, "current_answers", condition=(lambda c: lambda f: Q(outcome_class=c))(cls))
        for cls, label in OutcomeClass.choices
    ]
    figs += [
        Figure("ratings_total", _("测评件次"), "ratings"),
        Figure(
            "ratings_satisfied",
            _("满意及基本满意"),
            "ratings",
            condition=lambda f: Q(value__in=[RatingValue.SATISFIED, RatingValue.BASICALLY_SATISFIED]),
        ),
        Figure("satisfaction_rate", _("满意率"), "ratings", "rate", numerator="ratings_satisfied", denominator="ratings_total"),
    ]
    return figs


FIGURES: dict[str, Figure] = {f.key: f for f in _figures()}

# The columns of the child-region table: the key figures, in order.
CHILD_TABLE = [
    "deputies_total",
    "deputies_active",
    "deputies_active_rate",
    "activities_total",
    "households_visited",
    "people_reached",
    "stations_total",
    "reception_days",
    "suggestions_received",
    "suggestions_answered",
    "on_time_rate",
    "suggestions_overdue",
    "suggestions_long_overdue",
    "satisfaction_rate",
]


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


# --- The dashboard -----------------------------------------------------------------------------------


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


# --- Categories, league and trend: additive parts, then assembled ----------------------------------
#
# Each is computed as rows that can be added up (counts per category, per department, per month),
# optionally per township bucket, and then assembled into what the page shows. The live dashboard
# and the rollup (dashboards/rollup.py) share both halves, so they cannot drift apart.

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


# --- The list behind a number ------------------------------------------------------------------------


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
