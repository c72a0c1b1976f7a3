"""The dashboard's tables as an .xlsx workbook (台账), headers in the user's language (Chinese first)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.xlsx import XlsxWriter
from dashboards.figures import CHILD_TABLE, FIGURES

SHEET_TOTALS = gettext_lazy("总体指标")
SHEET_CHILDREN = gettext_lazy("下级区划")
SHEET_CATEGORIES = gettext_lazy("建议类别")
SHEET_LEAGUE = gettext_lazy("承办单位排名")
SHEET_TREND = gettext_lazy("月度趋势")


def _cell(key: str, value: Any) -> Any:
    # Rates stay numbers (percent) so the sheet can be sorted and summed.
    return value if value is not None else ""


def _sheet(wb: XlsxWriter, title: str, headers: list[str], rows: list[list[Any]]):
    ws = wb.sheet(title, [str(h) for h in headers])
    ws.extend(rows)
    return ws


def dashboard_workbook(data: dict[str, Any]) -> bytes:
    """One sheet per table of the dashboard: totals, child regions, categories, league, trend."""
    wb = XlsxWriter()
    region = data["region"]["name"]
    campaign = data["filters"]["campaign_title"] or _("全部代表行动")
    span = _(" 至 ").join(filter(None, [data["filters"]["from"], data["filters"]["to"]])) or _("全部日期")
    totals = [[str(f.label), _cell(k, data["totals"].get(k)), "%" if f.kind == "rate" else ""] for k, f in FIGURES.items()]
    ws = _sheet(wb, SHEET_TOTALS, [_("指标"), _("数值"), _("单位")], totals)
    ws.append([])
    ws.append([_("区划"), region])
    ws.append([_("代表行动"), campaign])
    ws.append([_("日期范围"), span])
    ws.append([_("统计日期"), data["filters"]["today"]])

    children = [[c["name"]] + [_cell(k, c["figures"].get(k)) for k in CHILD_TABLE] for c in data["children"]]
    first_header = _("联络站") if data["region"]["level"] == "township" else _("区划")
    _sheet(wb, SHEET_CHILDREN, [first_header] + [str(FIGURES[k].label) for k in CHILD_TABLE], children)
    _sheet(wb, SHEET_CATEGORIES, [_("类别"), _("建议件数")], [[c["name"], c["count"]] for c in data["categories"]])
    _sheet(
        wb,
        SHEET_LEAGUE,
        [_("排名"), _("承办单位"), _("建议件数"), _("首次答复"), _("按期答复"), _("按期答复率(%)"), _("测评件次"), _("满意及基本满意"), _("满意率(%)")],
        [
            [
                r["rank"],
                r["name"],
                r["suggestions"],
                r["answers_total"],
                r["answers_on_time"],
                _cell("on_time_rate", r["on_time_rate"]),
                r["ratings_total"],
                r["ratings_satisfied"],
                _cell("satisfaction_rate", r["satisfaction_rate"]),
            ]
            for r in data["league"]
        ],
    )
    _sheet(
        wb,
        SHEET_TREND,
        [_("月份"), _("履职活动"), _("建议"), _("首次答复")],
        [[r["month"], r["activities"], r["suggestions"], r["answers"]] for r in data["trend"]],
    )
    return wb.bytes()
