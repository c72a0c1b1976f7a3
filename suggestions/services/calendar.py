"""The working-day calendar: holidays and make-up working days; every change moves the running deadlines it touches."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.exceptions import PermissionRefused
from suggestions.calendar import HOLIDAY_NAMES_ZH
from suggestions.models import (
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
)
from suggestions.permissions import may_edit_calendar
from suggestions.services.deadlines import _recompute_deadlines


def _require_calendar_editor(actor) -> None:
    if not may_edit_calendar(actor):
        raise PermissionRefused(_("只有省人大常委会可以维护工作日历。"))


def calendar_day_add(*, actor, date: dt.date, kind: str, name: str = "", source: str = "manual") -> CalendarDay:
    """Add (or change) a holiday or a make-up working day; running deadlines it touches move."""
    _require_calendar_editor(actor)
    if kind not in CalendarDayKind.values:
        raise ValidationError({"kind": _("请选择类型。")})
    if kind == CalendarDayKind.HOLIDAY and date.weekday() >= 5:
        raise ValidationError({"date": _("周末本来就不上班，无需登记为节假日。")})
    if kind == CalendarDayKind.WORKDAY and date.weekday() < 5:
        raise ValidationError({"date": _("调休上班日应为周六或周日。")})
    with transaction.atomic():
        day, _created = CalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name, "source": source})
        label = CalendarDayKind(kind).label
        _recompute_deadlines([date], actor=actor, note=_("工作日历调整：%(date)s %(label)s %(name)s") % {"date": date, "label": label, "name": name})
    return day


def calendar_day_remove(*, actor, date: dt.date) -> None:
    """Remove an exception; running deadlines it touched move back."""
    _require_calendar_editor(actor)
    with transaction.atomic():
        CalendarDay.objects.filter(date=date).delete()
        _recompute_deadlines([date], actor=actor, note=_("工作日历调整：删除 %(date)s") % {"date": date})


def calendar_year_mark(*, actor, year: int, source: str = "manual") -> CalendarYear:
    """Mark a year's schedule as published: its exceptions now count and its deadlines stop being provisional."""
    _require_calendar_editor(actor)
    with transaction.atomic():
        marked, _created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
        dates = list(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
        _recompute_deadlines(dates or [dt.date(year, 1, 1)], actor=actor, note=_("%(year)s年节假日安排已发布") % {"year": year})
    return marked


CSV_KINDS = {"holiday": CalendarDayKind.HOLIDAY, "节假日": CalendarDayKind.HOLIDAY, "休": CalendarDayKind.HOLIDAY,
             "workday": CalendarDayKind.WORKDAY, "调休上班": CalendarDayKind.WORKDAY, "班": CalendarDayKind.WORKDAY}


def calendar_import_csv(*, actor, file) -> list[int]:
    """Import a year's schedule from CSV (date,kind,name). Every row is checked; a bad file changes nothing.

    The years in the file are marked as known (CalendarYear) and running deadlines are recomputed.
    """
    _require_calendar_editor(actor)
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValidationError({"file": _("文件须为 UTF-8 编码的 CSV。")})
    rows, errors = [], []
    for line_no, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            date = dt.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            errors.append(_("第 %(n)d 行：日期格式应为 YYYY-MM-DD。") % {"n": line_no})
            continue
        kind = CSV_KINDS.get((row.get("kind") or "").strip().lower())
        if kind is None:
            errors.append(_("第 %(n)d 行：类型应为 holiday（节假日）或 workday（调休上班）。") % {"n": line_no})
            continue
        if (kind == CalendarDayKind.HOLIDAY) != (date.weekday() < 5):
            errors.append(_("第 %(n)d 行：%(date)s 节假日应在工作日、调休上班日应在周末。") % {"n": line_no, "date": date})
            continue
        rows.append((date, kind, (row.get("name") or "").strip()[:32]))
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": _("文件中没有数据行（表头应为 date,kind,name）。")})
    years = sorted({d.year for d, _k, _n in rows})
    with transaction.atomic():
        for date, kind, name in rows:
            CalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name, "source": "csv"})
        for year in years:
            CalendarYear.objects.update_or_create(year=year, defaults={"source": "csv"})
        _recompute_deadlines([d for d, _k, _n in rows] + [dt.date(y, 1, 1) for y in years], actor=actor, note=_("导入工作日历"))
    return years


@functools.cache
def _chinese_calendar_exceptions(year: int) -> tuple[tuple[dt.date, str, str], ...]:
    """The year's weekday holidays and weekend working days in ``chinesecalendar``, with Chinese names
    (the package's data does not change while the process runs: read each year once)."""
    import chinese_calendar

    found = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        holiday, name = chinese_calendar.get_holiday_detail(day)
        kind = None
        if holiday and day.weekday() < 5:
            kind = CalendarDayKind.HOLIDAY
        elif not holiday and day.weekday() >= 5:
            kind = CalendarDayKind.WORKDAY
        if kind:
            found.append((day, kind, HOLIDAY_NAMES_ZH.get(name or "", name or "")))
        day += dt.timedelta(days=1)
    return tuple(found)


def calendar_load_chinese_calendar(*, years: Iterable[int] | None = None) -> list[int]:
    """Seed the exceptions from the ``chinesecalendar`` package for the years it knows (idempotent).

    Days the provincial office entered by hand or imported are left as they are.
    """
    import chinese_calendar

    known = sorted({d.year for d in chinese_calendar.holidays} & {d.year for d in chinese_calendar.workdays})
    wanted = [y for y in (years or known) if y in known]
    existing = {d.date: d for d in CalendarDay.objects.filter(date__year__in=wanted)}
    create, update = [], []
    for year in wanted:
        for day, kind, name in _chinese_calendar_exceptions(year):
            row = existing.get(day)
            if row is None:
                create.append(CalendarDay(date=day, kind=kind, name=name, source="chinesecalendar"))
            elif row.source == "chinesecalendar" and (row.kind, row.name) != (kind, name):
                row.kind, row.name = kind, name
                update.append(row)
    with transaction.atomic():
        CalendarDay.objects.bulk_create(create)
        CalendarDay.objects.bulk_update(update, ["kind", "name"])
        known_years = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
        new_years = [y for y in wanted if y not in known_years]
        CalendarYear.objects.bulk_create([CalendarYear(year=y, source="chinesecalendar") for y in new_years])
        changed = [d.date for d in create + update] + [dt.date(y, 1, 1) for y in new_years]
        _recompute_deadlines(changed, actor=None, note=_("载入法定节假日安排"))
    return wanted
