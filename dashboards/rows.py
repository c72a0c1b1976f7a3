"""The columns of each drill list: what a row of each family shows, and where it links."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.presentation import maybe_url

Cell = tuple[str, str | None]


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value) if value.tzinfo else value
        return value.strftime("%Y-%m-%d")
    return value.isoformat()


def _suggestion(s) -> Cell:
    return (s.title, maybe_url("suggestions:detail", s.pk))


COLUMNS: dict[str, list[tuple[Any, Callable[[Any], Cell]]]] = {
    "deputies": [
        (_("姓名"), lambda d: (d.name, reverse("dashboards:deputy_record", args=[d.pk]))),
        (_("所在区划"), lambda d: (d.region.name, None)),
        (_("界别/职业"), lambda d: (d.sector, None)),
        (_("工作单位及职务"), lambda d: (d.work_unit, None)),
    ],
    "activities": [
        (_("日期"), lambda a: (_date(a.date), maybe_url("activities:detail", a.pk))),
        (_("活动类型"), lambda a: (a.get_type_display(), None)),
        (_("地点"), lambda a: (a.region.name, None)),
        (_("联络站"), lambda a: (a.station.name if a.station else "", None)),
        (_("走访农户数"), lambda a: (str(a.households_visited), None)),
        (_("走访企业数"), lambda a: (str(a.enterprises_visited), None)),
        (_("联系群众人数"), lambda a: (str(a.people_reached), None)),
        (_("培训人次"), lambda a: (str(a.person_times), None)),
    ],
    "stations": [
        (_("名称"), lambda s: (s.name, maybe_url("liaison_stations:detail", s.pk))),
        (_("类型"), lambda s: (s.get_kind_display(), None)),
        (_("所在区划"), lambda s: (s.region.name, None)),
        (_("达标项/应达标项"), lambda s: (f"{s.standards_met_n} / {s.standards_applicable_n}", None)),
    ],
    "receptions": [
        (_("日期"), lambda r: (_date(r.date), None)),
        (_("联络站"), lambda r: (r.station.name, maybe_url("liaison_stations:detail", r.station_id))),
        (_("主题"), lambda r: (r.topic, None)),
    ],
    "suggestions": [
        (_("编号"), lambda s: (s.number, None)),
        (_("标题"), _suggestion),
        (_("涉及区划"), lambda s: (s.region.name, None)),
        (_("领衔代表"), lambda s: (s.lead_deputy.name, None)),
        (_("状态"), lambda s: (s.get_status_display(), None)),
        (_("提交时间"), lambda s: (_date(s.submitted_at), None)),
    ],
    "first_answers": [
        (_("建议"), lambda a: _suggestion(a.suggestion)),
        (_("承办单位"), lambda a: (a.assignment.department.name, None)),
        (_("答复时间"), lambda a: (_date(a.answered_at), None)),
        (_("办理结果"), lambda a: (a.get_outcome_class_display(), None)),
        (_("按期答复"), lambda a: (str(_("是") if a.on_time else _("否")), None)),
    ],
    "ratings": [
        (_("建议"), lambda r: _suggestion(r.suggestion)),
        (_("测评代表"), lambda r: (r.deputy.name, None)),
        (_("承办单位"), lambda r: (r.answer.assignment.department.name, None)),
        (_("测评结果"), lambda r: (r.get_value_display(), None)),
        (_("测评时间"), lambda r: (_date(r.rated_at), None)),
    ],
}
COLUMNS["current_answers"] = COLUMNS["first_answers"]


def drill_columns(family: str):
    return COLUMNS[family]


def drill_table(family: str, objects: Iterable[Any], user) -> list[list[Cell]]:
    """One page of rows as cells (text, link); the page was fetched with its relations in one query."""
    columns = COLUMNS[family]
    return [[render(obj) for _header, render in columns] for obj in objects]
