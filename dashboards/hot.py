"""Hot issues (热点问题) on the province and city dashboards: the top clusters of the weekly run for
the dashboard's campaign, and the suggestions and messages of one cluster.

The clusters are computed by residents.clustering for each province and city; a dashboard shows
the run of its own region, so whoever may open the dashboard may see its clusters.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from accounts.scope import in_scope
from regions.models import Region, RegionLevel
from residents import selectors as residents
from residents.models import HotIssue, ResidentMessage
from suggestions.models import Suggestion
from suggestions.taxonomy import categories

PANEL_LEVELS = {RegionLevel.PROVINCE, RegionLevel.CITY}
PANEL_SIZE = 10
# Named in a row; the rest are counted ("等 12 个").
NAMED_REGIONS = 3
NAMED_CATEGORIES = 2
MESSAGES_SHOWN = 20


def _rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _top(counts: dict[str, int], names: dict[str, str], n: int) -> list[str]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [names.get(key, key) for key, _count in ranked[:n]]


def hot_issue_panel(filters) -> dict[str, Any] | None:
    """The panel of a province or city dashboard (None elsewhere): the largest clusters of the
    latest run for the dashboard's campaign ("all campaigns": the run over the last year), with
    their size, regions, categories, answers and satisfaction. Two queries, whatever the data."""
    region = filters.region
    if region.level not in PANEL_LEVELS or filters.station is not None:
        return None
    issues = list(residents.latest_hot_issues(region, filters.campaign)[:PANEL_SIZE])
    # Counties (and cities, for matters raised at city level) of the region, named once for all rows.
    place_names = dict(
        Region.objects.filter(prefix__startswith=region.prefix, level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).values_list(
            "prefix", "name"
        )
    )
    # In the page's language, like the dashboard's own category chart.
    category_names = {code: c.name for code, c in categories().items()}
    query = urlencode(filters.query_params())
    rows = []
    for issue in issues:
        rows.append(
            {
                "pk": issue.pk,
                "label": issue.label,
                "url": f"{reverse('dashboards:hot_issue', args=[region.code, issue.pk])}?{query}",
                "size": issue.size,
                "suggestions": issue.suggestion_count,
                "messages": issue.message_count,
                "regions": _top(issue.regions, place_names, NAMED_REGIONS),
                "regions_total": len(issue.regions),
                "categories": _top(issue.categories, category_names, NAMED_CATEGORIES),
                "categories_total": len(issue.categories),
                "answered": issue.answered_count,
                "answered_display": _rate(issue.answered_count, issue.suggestion_count),
                "satisfaction_display": _rate(issue.satisfied_count, issue.rated_count),
                "rated": issue.rated_count,
            }
        )
    return {"rows": rows, "computed_at": issues[0].computed_at if issues else None, "campaign": filters.campaign}


def hot_issue_suggestions(user, issue: HotIssue) -> QuerySet[Suggestion]:
    """The cluster's suggestions the user may see, newest first, with what a row shows."""
    return in_scope(issue.suggestions.all(), user, "region").select_related("region", "lead_deputy").order_by("-submitted_at", "-id")


def hot_issue_messages(user, issue: HotIssue) -> tuple[list[ResidentMessage], int]:
    """The cluster's latest residents' messages the user may see (text, station, village: never the
    resident's name or phone on a dashboard), and how many there are."""
    qs = residents.messages_visible_to(user).filter(hot_issues=issue)
    shown = list(qs.select_related("station", "region", "region__parent", "region__parent__parent").order_by("-created_at", "-id")[:MESSAGES_SHOWN])
    return shown, qs.count()
