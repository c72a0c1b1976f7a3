"""What a campaign report says, gathered from the data.

Every dashboard figure is read from the dashboard itself (``dashboards.selectors.dashboard_for``,
the function behind the dashboard page, its API and its Excel export), so the report and the
dashboard cannot disagree; the few figures the dashboard does not show (``reports.extra``) count the
rows of the dashboard's own families. The result is plain JSON-ready data: the document writer
turns it into sentences, and ``CampaignReport.figures`` keeps it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from activities.models import Activity, ActivityType, Campaign, CampaignKind
from dashboards.figures import CHILD_TABLE, FAMILIES, FIGURES, Filters
from dashboards.selectors import dashboard_for
from deputies.models import MandateLevel
from regions.models import Region, RegionLevel
from reports import cases, extra
from residents import selectors as residents
from suggestions.models import OutcomeClass, Status

Progress = Callable[[int, str], None]
HOT_SHOWN = 5
# The figures compared with the previous campaign, in the order the comparison tells them.
COMPARED = [
    "deputies_active",
    "activities_total",
    "households_visited",
    "people_reached",
    "suggestions_received",
    "suggestions_answered",
]
COMPARED_RATES = ["deputies_active_rate", "on_time_rate", "satisfaction_rate"]
# The sub-region table's columns: the dashboard's own child-table figures that fit an A4 page.
TABLE_COLUMNS = [
    "deputies_active_rate",
    "activities_total",
    "households_visited",
    "people_reached",
    "suggestions_received",
    "suggestions_answered",
    "on_time_rate",
    "satisfaction_rate",
]
assert set(TABLE_COLUMNS) <= set(CHILD_TABLE)


def _nothing(percent: int, step: str) -> None:
    return None


def issuing_office(region: Region) -> str:
    """Who issues the report: a township's presidium, otherwise the standing committee's office."""
    if region.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        return f"{region.name}人大主席团"
    return f"{region.name}人大常委会办公室"


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The same body's campaign of the same kind that ended before this one began (the latest)."""
    return (
        Campaign.objects.filter(region=campaign.region, kind=campaign.kind, end_date__lt=campaign.start_date)
        .order_by("-end_date", "-id")
        .first()
    )


def self_chosen_actions(region: Region, campaign: Campaign) -> list[dict[str, Any]]:
    """Self-chosen actions (自选动作) set inside the region during the campaign, with their activity
    counts. Two queries."""
    own = list(
        Campaign.objects.filter(
            kind=CampaignKind.SELF_CHOSEN,
            region__prefix__startswith=region.prefix,
            start_date__lte=campaign.end_date,
            end_date__gte=campaign.start_date,
        )
        .exclude(pk=campaign.pk)
        .select_related("region")
        .order_by("region__code", "start_date", "id")
    )
    counts = dict(
        Activity.campaigns.through.objects.filter(campaign__in=own)
        .values("campaign")
        .annotate(n=Count("id"))
        .values_list("campaign", "n")
    )
    return [
        {"region": c.region.name, "title": c.title, "description": c.description, "activities": counts.get(c.pk, 0)}
        for c in own
    ]


def _hot_run_region(region: Region) -> Region | None:
    """Hot issues are computed for the province and each city: a county or township reads its city's."""
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        return region
    return Region.objects.filter(level=RegionLevel.CITY, prefix=region.prefix[:4]).first()


def hot_issues(filters: Filters) -> list[dict[str, Any]]:
    """The largest hot-issue clusters of the latest run (the dashboard's panel), each with its
    suggestions in the report's region: raised, answered, and resolved (current answer class A)."""
    run_region = _hot_run_region(filters.region)
    if run_region is None:
        return []
    issues = list(residents.latest_hot_issues(run_region, filters.campaign)[: HOT_SHOWN * 3])
    if not issues:
        return []
    ids = [i.pk for i in issues]
    raised = dict(
        FAMILIES["suggestions"]
        .rows(filters)
        .filter(hot_issues__in=ids)
        .values("hot_issues")
        .annotate(n=Count("id"))
        .values_list("hot_issues", "n")
    )
    answered = dict(
        FAMILIES["suggestions"]
        .rows(filters)
        .filter(hot_issues__in=ids, status__in=[Status.ANSWERED, Status.CLOSED])
        .values("hot_issues")
        .annotate(n=Count("id"))
        .values_list("hot_issues", "n")
    )
    resolved = dict(
        FAMILIES["current_answers"]
        .rows(filters)
        .filter(outcome_class=OutcomeClass.A, suggestion__hot_issues__in=ids)
        .values("suggestion__hot_issues")
        .annotate(n=Count("id"))
        .values_list("suggestion__hot_issues", "n")
    )
    rows = [
        {"label": i.label, "suggestions": raised.get(i.pk, 0), "answered": answered.get(i.pk, 0), "resolved": resolved.get(i.pk, 0)}
        for i in issues
        if raised.get(i.pk)
    ]
    return rows[:HOT_SHOWN]


def _comparison(totals: dict[str, Any], before: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{"key": k, "label": str(FIGURES[k].label), "now": totals.get(k), "before": before.get(k), "kind": "count"} for k in COMPARED]
    rows += [
        {"key": k, "label": str(FIGURES[k].label), "now": totals.get(k), "before": before.get(k), "kind": "rate"} for k in COMPARED_RATES
    ]
    return rows


def gather(
    *,
    user,
    region: Region,
    campaign: Campaign,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    today: dt.date | None = None,
    case_ids: list[int] | None = None,
    progress: Progress = _nothing,
) -> dict[str, Any]:
    """Everything the report states, for ``user`` (whose scope narrows every figure, as on their dashboard)."""
    today = today or timezone.localdate()
    filters = Filters.build(user=user, region=region, campaign=campaign, date_from=date_from, date_to=date_to, today=today)
    progress(10, "代表、活动与建议的数字")
    board = dashboard_for(filters)
    totals = board["totals"]
    progress(30, "代表小组、联络站与建议办理")
    more = extra.extra_figures(filters)
    progress(45, "上次行动的数字")
    previous = previous_campaign(campaign)
    comparison = None
    if previous is not None:
        before = dashboard_for(Filters.build(user=user, region=region, campaign=previous, today=today))["totals"]
        comparison = {"title": previous.title, "year": previous.year, "rows": _comparison(totals, before)}
    progress(55, "自选动作与热点问题")
    actions = self_chosen_actions(region, campaign)
    hot = hot_issues(filters)
    progress(65, "典型案例")
    chosen = cases.valid_choice(filters, case_ids) if case_ids else []
    picked = chosen or cases.pick(filters)
    children = [
        {"name": c["name"], "code": c["code"], "figures": {k: c["figures"].get(k) for k in CHILD_TABLE}} for c in board["children"]
    ]
    return {
        "region": {"code": region.code, "name": region.name, "level": str(region.level)},
        "office": issuing_office(region),
        "campaign": {
            "id": campaign.pk,
            "title": campaign.title,
            "year": campaign.year,
            "kind": str(campaign.kind),
            "description": campaign.description,
            "set_by": campaign.region.name,
            "start": campaign.start_date.isoformat(),
            "end": campaign.end_date.isoformat(),
        },
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
        "today": today.isoformat(),
        "totals": totals,
        "extra": more,
        "levels": [{"key": lvl, "label": str(label)} for lvl, label in MandateLevel.choices],
        "activity_types": [{"key": kind, "label": str(label)} for kind, label in ActivityType.choices],
        "outcomes": [{"key": cls, "label": str(label)} for cls, label in OutcomeClass.choices],
        "categories": board["categories"],
        "league": board["league"][:5],
        "trend": board["trend"],
        "children": children,
        "child_kind": board["children"][0]["kind"] if board["children"] else None,
        "table_columns": [{"key": k, "label": str(FIGURES[k].label)} for k in TABLE_COLUMNS],
        "actions": actions,
        "hot": hot,
        "comparison": comparison,
        "case_ids": picked,
        "cases": cases.tell(picked),
    }
