"""Seed the working-day calendar's exceptions from the chinesecalendar package (the years it knows).

A fresh install computes deadlines on real holidays at once; later years come from the calendar page,
a CSV import, or ``manage.py load_calendar`` after upgrading the package.
"""

import datetime as dt

from django.db import migrations

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("suggestions", "CalendarDay")
    CalendarYear = apps.get_model("suggestions", "CalendarYear")
    years = sorted({d.year for d in chinese_calendar.holidays} & {d.year for d in chinese_calendar.workdays})
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    rows = []
    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            holiday, name = chinese_calendar.get_holiday_detail(day)
            kind = "holiday" if holiday and day.weekday() < 5 else "workday" if not holiday and day.weekday() >= 5 else None
            if kind and day not in existing:
                rows.append(CalendarDay(date=day, kind=kind, name=NAMES_ZH.get(name or "", name or ""), source="chinesecalendar"))
            day += dt.timedelta(days=1)
    CalendarDay.objects.bulk_create(rows)
    known = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="chinesecalendar") for y in years if y not in known])


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0002_assignment_derived_deadlines")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
