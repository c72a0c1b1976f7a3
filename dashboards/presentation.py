"""Turns the computed figures into what the page, the charts and the export show: labels, display
values and the link behind every number (same filters, plus the narrowing of the cell)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from activities.models import ActivityType
from dashboards.figures import CHILD_TABLE, FIGURES, Filters
from deputies.models import MandateLevel
from suggestions.models import OutcomeClass


def display(key: str, value: Any) -> str:
    if FIGURES[key].kind == "rate":
        return "—" if value is None else f"{value:.1f}%"
    return f"{value or 0:,}"


def list_url(code: str, key: str, filters: Filters, **narrowing) -> str:
    params = filters.query_params()
    params.update({k: str(v) for k, v in narrowing.items() if v is not None})
    return f"{reverse('dashboards:list', args=[code, key])}?{urlencode(params)}"


def maybe_url(name: str, *args) -> str | None:
    """A link into another app's page when that page exists in this build."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _item(key: str, values: dict[str, Any], code: str, filters: Filters, **narrowing) -> dict[str, Any]:
    return {
        "key": key,
        "label": str(FIGURES[key].label),
        "value": values.get(key),
        "display": display(key, values.get(key)),
        "url": list_url(code, key, filters, **narrowing),
    }


SECTIONS = [
    (
        pgettext_lazy("dashboard section", "代表"),
        ["deputies_total", "deputies_active", "deputies_active_rate", "deputies_no_station"],
    ),
    (
        pgettext_lazy("dashboard section", "履职活动"),
        ["activities_total", "households_visited", "enterprises_visited", "people_reached", "training_person_times"],
    ),
    (pgettext_lazy("dashboard section", "联络站"), ["stations_total", "standards_completion", "reception_days"]),
    (
        pgettext_lazy("dashboard section", "建议办理"),
        [
            "suggestions_received",
            "suggestions_triage",
            "suggestions_assigned",
            "suggestions_answered",
            "suggestions_closed",
            "suggestions_not_accepted",
            "on_time_rate",
            "suggestions_due_soon",
            "suggestions_overdue",
            "suggestions_long_overdue",
            "satisfaction_rate",
        ],
    ),
]


def dashboard_page(data: dict[str, Any], filters: Filters) -> dict[str, Any]:
    """The page's context: KPI sections, tables with links, and the charts' data."""
    code = data["region"]["code"]
    totals = data["totals"]
    sections = [{"title": str(title), "items": [_item(k, totals, code, filters) for k in keys]} for title, keys in SECTIONS]
    by_level = [
        {
            "label": str(label),
            "cells": [
                _item(f"deputies_{lvl}", totals, code, filters),
                _item(f"deputies_active_{lvl}", totals, code, filters),
                _item(f"deputies_active_rate_{lvl}", totals, code, filters),
            ],
        }
        for lvl, label in MandateLevel.choices
    ]
    by_type = [_item(f"activities_{kind}", totals, code, filters) for kind, _label in ActivityType.choices]
    outcomes = [_item(f"outcome_{cls}", totals, code, filters) for cls, _label in OutcomeClass.choices]

    children = []
    for child in data["children"]:
        if child["kind"] == "station":
            cells = [_item(k, child["figures"], child["code"], filters, station=child["id"]) for k in CHILD_TABLE]
            url = f"{reverse('dashboards:region', args=[child['code']])}?{urlencode(dict(filters.query_params(), station=child['id']))}"
        else:
            cells = [_item(k, child["figures"], child["code"], filters) for k in CHILD_TABLE]
            url = f"{reverse('dashboards:region', args=[child['code']])}?{urlencode(filters.query_params())}"
        children.append({"name": child["name"], "kind": child["kind"], "url": url, "cells": cells})

    categories = [
        dict(row, url=list_url(code, "suggestions_received", filters, category=row["code"] or "")) for row in data["categories"]
    ]
    league = [
        dict(
            row,
            suggestions_url=list_url(code, "suggestions_received", filters, department=row["department_id"]),
            on_time_display=display("on_time_rate", row["on_time_rate"]),
            on_time_url=list_url(code, "on_time_rate", filters, department=row["department_id"]),
            satisfaction_display=display("satisfaction_rate", row["satisfaction_rate"]),
            satisfaction_url=list_url(code, "satisfaction_rate", filters, department=row["department_id"]),
        )
        # A province has thousands of departments: the page shows the head of the ranking, the
        # Excel export the whole of it.
        for row in data["league"][: settings.DASHBOARD_LEAGUE_ROWS]
    ]
    trend = [
        dict(
            row,
            activities_url=list_url(code, "activities_total", filters, month=row["month"]),
            suggestions_url=list_url(code, "suggestions_received", filters, month=row["month"]),
            answers_url=list_url(code, "answers_total", filters, month=row["month"]),
        )
        for row in data["trend"]
    ]
    charts = {
        "activities_by_type": [{"name": i["label"], "value": i["value"] or 0} for i in by_type if i["value"]],
        "categories": [{"name": r["name"], "value": r["count"]} for r in data["categories"]],
        "outcomes": [{"name": i["label"], "value": i["value"] or 0} for i in outcomes],
        "trend": {
            "months": [r["month"] for r in data["trend"]],
            "series": [
                {"name": _("履职活动"), "data": [r["activities"] for r in data["trend"]]},
                {"name": _("建议"), "data": [r["suggestions"] for r in data["trend"]]},
                {"name": _("首次答复"), "data": [r["answers"] for r in data["trend"]]},
            ],
        },
    }
    return {
        "sections": sections,
        "by_level": by_level,
        "by_type": by_type,
        "outcomes": outcomes,
        "children": children,
        "child_headers": [str(FIGURES[k].label) for k in CHILD_TABLE],
        "categories": categories,
        "league": league,
        "league_total": len(data["league"]),
        "trend": trend,
        "charts": charts,
    }
