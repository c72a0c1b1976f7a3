"""Every figure of the dashboard, defined once (a condition on its family plus a measure), and the child-region table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import ActivityType, Attendance
from dashboards.figures.filters import Filters
from deputies.models import Mandate, MandateLevel
from liaison_stations.models import StationAssignment
from suggestions.models import (
    OPEN_STATUSES,
    Assignment,
    OutcomeClass,
    Status,
)
from suggestions.states import (
    RUNNING_ASSIGNMENT_STATES,
    answered_q,
    due_soon_q,
    handled_q,
    long_overdue_q,
    overdue_q,
    satisfied_q,
)


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
        assignments = Assignment.objects.filter(condition(filters), suggestion=OuterRef("pk"), state__in=RUNNING_ASSIGNMENT_STATES)
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
        Figure("suggestions_assigned", _("已交办"), "suggestions", condition=lambda f: handled_q()),
        Figure(
            "suggestions_answered", _("已答复"), "suggestions", condition=lambda f: answered_q()
        ),
        Figure("suggestions_closed", _("已办结"), "suggestions", condition=lambda f: Q(status=Status.CLOSED)),
        Figure("suggestions_not_accepted", _("不予立案"), "suggestions", condition=lambda f: Q(status=Status.NOT_ACCEPTED)),
        Figure(
            "suggestions_due_soon",
            _("临期催办"),
            "suggestions",
            condition=_open_assignment(lambda f: due_soon_q(f.today)),
        ),
        Figure("suggestions_overdue", _("逾期督办"), "suggestions", condition=_open_assignment(lambda f: overdue_q(f.today))),
        Figure(
            "suggestions_long_overdue",
            _("逾期通报"),
            "suggestions",
            condition=_open_assignment(lambda f: long_overdue_q(f.today)),
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
            condition=lambda f: satisfied_q(),
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
