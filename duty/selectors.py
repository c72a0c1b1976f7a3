"""Reads for duty points, every one scoped: an office sees the deputies of the congresses in its region,
edits only its own congress's rules; a deputy sees their own scorecards; anything else is 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.scope import has_scope, in_scope, region_in_scope
from dashboards.selectors import deputy_in_scope, own_deputy
from deputies.models import Deputy, Mandate
from duty.models import PointRule, PointScheme, PublicPage, ReportMeeting, RuleKind
from duty.scoring import Scorecard, score_lines, score_totals, year_bounds
from regions.models import Region

EDITOR_ROLES = {Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE, Role.TOWNSHIP_STAFF}
READER_ROLES = EDITOR_ROLES
EARLIEST_YEAR = 2000


def this_year() -> int:
    return timezone.localdate().year


def parse_year(raw: str | None) -> int:
    """``?year=``: the current year when absent; a clear error (ValueError) when not a plausible year."""
    if raw in (None, ""):
        return this_year()
    if not str(raw).isdigit() or not EARLIEST_YEAR <= int(raw) <= this_year() + 1:
        raise ValueError(raw)
    return int(raw)


def is_reader(user) -> bool:
    return has_scope(user) and (user.is_superuser or user.role in READER_ROLES)


def own_congress(user) -> Region:
    """The congress whose rules ``user`` edits: their own region's (a county office edits the county's)."""
    if not (has_scope(user) and user.region_id and (user.is_superuser or user.role in EDITOR_ROLES)):
        raise Http404
    return user.region


def scheme_for(region: Region, year: int) -> PointScheme | None:
    return PointScheme.objects.filter(congress_region=region, year=year).select_related("congress_region").first()


def rule_table(scheme: PointScheme) -> list[dict]:
    """Each kind's versions (oldest first) and the one in effect today."""
    today = timezone.localdate()
    by_kind: dict[str, list[PointRule]] = {}
    for rule in scheme.rules.select_related("created_by").order_by("kind", "effective_from"):
        by_kind.setdefault(rule.kind, []).append(rule)
    rows = []
    for kind, label in RuleKind.choices:
        versions = by_kind.get(kind, [])
        current = [v for v in versions if v.effective_from <= today] or versions[:1]
        rows.append({"kind": kind, "label": label, "versions": versions, "current": current[-1] if current else None})
    return rows


# --- scorecards ------------------------------------------------------------------------------------


def mandates_in_year(year: int) -> QuerySet[Mandate]:
    start, end = year_bounds(year)
    return Mandate.objects.filter(deputy__active=True).filter(
        Q(start_date__isnull=True) | Q(start_date__lt=end), Q(end_date__isnull=True) | Q(end_date__gte=start)
    )


@dataclass(frozen=True)
class RankingFilters:
    level: str = ""
    group: int | None = None
    station: int | None = None
    congress: int | None = None


def _mandates_visible(user, year: int, filters: RankingFilters) -> QuerySet[Mandate]:
    if user.is_authenticated and user.is_deputy:
        return mandates_in_year(year).filter(deputy=own_deputy(user))
    if not is_reader(user):
        raise Http404
    qs = in_scope(mandates_in_year(year), user, "congress_region")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.group:
        qs = qs.filter(deputy__memberships__group_id=filters.group)
    if filters.station:
        qs = qs.filter(deputy__station_assignments__station_id=filters.station)
    if filters.congress:
        qs = qs.filter(congress_region_id=filters.congress)
    return qs


def _cards(mandates: QuerySet[Mandate], year: int) -> list[Scorecard]:
    """One scorecard per (deputy, congress with a scheme this year): two queries."""
    rows = list(mandates.values_list("deputy_id", "deputy__name", "level", "congress_region_id").distinct())
    schemes = {
        s.congress_region_id: s
        for s in PointScheme.objects.filter(year=year, congress_region_id__in={r[3] for r in rows}).select_related("congress_region")
    }
    seen: set[tuple[int, int]] = set()
    cards = []
    for deputy_id, name, level, congress_id in rows:
        if congress_id in schemes and (deputy_id, congress_id) not in seen:
            seen.add((deputy_id, congress_id))
            cards.append(Scorecard(deputy_id=deputy_id, name=name, level=level, scheme=schemes[congress_id]))
    return cards


def ranking(user, year: int, filters: RankingFilters = RankingFilters()) -> list[Scorecard]:
    """The reader's scorecards for ``year``, highest first: a fixed number of set-based queries."""
    mandates = _mandates_visible(user, year, filters)
    cards = _cards(mandates, year)
    score_totals(cards, year, mandates)
    cards.sort(key=lambda c: (-c.points, c.name, c.deputy_id, c.congress_region_id))
    return cards


def with_lines(cards: list[Scorecard], year: int) -> list[Scorecard]:
    score_lines(cards, year)
    return cards


def deputy_scorecards(user, deputy_pk: int, year: int) -> tuple[Deputy, list[Scorecard]]:
    """A deputy's scored record under each congress in the reader's scope (their own: all of them)."""
    deputy = deputy_in_scope(user, deputy_pk)
    mandates = mandates_in_year(year).filter(deputy=deputy)
    if not (user.is_deputy or user.is_superuser):
        mandates = in_scope(mandates, user, "congress_region")
    return deputy, with_lines(_cards(mandates, year), year)


def meetings_of(user, deputy: Deputy, year: int) -> list[ReportMeeting]:
    start, end = year_bounds(year)
    qs = ReportMeeting.objects.filter(deputy=deputy, date__gte=start, date__lt=end).select_related("station", "created_by")
    return list(qs)


# --- share above threshold per sub-region (the dashboards' panel) ----------------------------------


@dataclass
class ShareRow:
    region: Region | None
    scored: int
    above: int

    @property
    def share(self) -> float | None:
        return round(100 * self.above / self.scored, 1) if self.scored else None


def share_above_threshold(user, region: Region, year: int) -> list[ShareRow]:
    """Per child region of ``region`` (and ``region``'s own congress): how many scorecards there are
    and how many reach their congress's threshold. Set-based: the same queries as one ranking."""
    if not region_in_scope(user, region):
        raise Http404
    from django.db import connection

    from duty.totals import per_kind_sql, roomy_statement

    mandates = mandates_in_year(year).filter(congress_region__prefix__startswith=region.prefix)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    rows = {None: ShareRow(region, 0, 0)} | {c.pk: ShareRow(c, 0, 0) for c in children}
    built = per_kind_sql(mandates, year)
    if built is not None:
        sql, params = built
        # Each scorecard's total, compared with its congress's threshold and counted per child region
        # whose prefix the congress region's starts with (none: ``region``'s own congress).
        share = """
, totals AS (SELECT deputy_id, congress_id, SUM(points) AS points FROM per_kind GROUP BY deputy_id, congress_id)
SELECT child.id, COUNT(*), SUM(CASE WHEN COALESCE(t.points, 0) >= s.threshold THEN 1 ELSE 0 END)
FROM cards AS cd
JOIN duty_pointscheme AS s ON s.congress_region_id = cd.congress_id AND s.year = %s
JOIN regions_region AS congress ON congress.id = cd.congress_id
LEFT JOIN regions_region AS child
  ON child.parent_id = %s AND SUBSTR(congress.prefix, 1, LENGTH(child.prefix)) = child.prefix
LEFT JOIN totals AS t ON t.deputy_id = cd.deputy_id AND t.congress_id = cd.congress_id
GROUP BY child.id
"""
        with roomy_statement(), connection.cursor() as cursor:
            cursor.execute(sql + share, [*params, year, region.pk])
            for child_id, scored, above in cursor.fetchall():
                if child_id in rows:
                    rows[child_id].scored, rows[child_id].above = scored, int(above or 0)
    own = [rows[None]] if rows[None].scored else []
    return own + [rows[c.pk] for c in children]


# --- public page ------------------------------------------------------------------------------------


def public_deputy_or_404(pk: int) -> Deputy:
    deputy = Deputy.objects.filter(pk=pk, active=True).first()
    if deputy is None or PublicPage.objects.filter(deputy=deputy, hidden=True).exists():
        raise Http404
    return deputy


def page_hidden(deputy: Deputy) -> bool:
    return PublicPage.objects.filter(deputy=deputy, hidden=True).exists()


def public_summary(deputy: Deputy, year: int) -> dict:
    """What a resident may see: counts of the year's duties and the titles of answered suggestions."""
    from activities.models import Activity
    from duty.record import counted_suggestions
    from liaison_stations.models import LiaisonStation
    from suggestions.models import Status

    start, end = year_bounds(year)
    activities = (
        Activity.objects.filter(attendance__deputy=deputy, date__gte=start, date__lt=end)
        .values("type")
        .annotate(n=Count("pk"))
        .order_by("type")
    )
    from activities.models import ActivityType

    labels = dict(ActivityType.choices)
    led = counted_suggestions().filter(lead_deputy=deputy, submitted_at__year=year)
    answered = list(
        led.filter(status__in=[Status.ANSWERED, Status.CLOSED]).order_by("-submitted_at").values_list("title", flat=True)[:20]
    )
    today = timezone.localdate()
    stations = LiaisonStation.objects.filter(
        assignments__deputy=deputy, active=True
    ).filter(Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=today)).distinct()
    return {
        "deputy": deputy,
        "year": year,
        "mandates": list(deputy.mandates.select_related("congress_region").order_by("level")),
        "stations": list(stations.order_by("name")),
        "activities": [{"label": labels.get(a["type"], a["type"]), "count": a["n"]} for a in activities],
        "activities_total": sum(a["n"] for a in activities),
        "suggestions_total": led.count(),
        "answered_titles": answered,
    }


def upcoming_receptions(station, *, days: int = 60):
    """The station's next reception days (date, time, deputies on duty), from today."""
    from liaison_stations.selectors import reception_schedule

    today = timezone.localdate()
    return [d for d in reception_schedule(station, since=today) if d.date <= today + dt.timedelta(days=days)][:6]


def station_public_deputies(station) -> list[Deputy]:
    """The station's current deputies whose public page is not hidden (names only)."""
    today = timezone.localdate()
    qs = Deputy.objects.filter(
        Q(station_assignments__end_date__isnull=True) | Q(station_assignments__end_date__gte=today),
        station_assignments__station=station,
        active=True,
    ).exclude(public_page__hidden=True)
    return list(qs.only("id", "name", "name_stroke_key").order_by("name_stroke_key", "id").distinct())


def decimal_or_none(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)
