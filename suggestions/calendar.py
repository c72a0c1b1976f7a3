"""The working-day calendar: Monday to Friday, minus public holidays, plus make-up working weekends (调休).

Exceptions to the weekday rule are ``CalendarDay`` rows; ``CalendarYear`` marks the years whose
schedule is known (seeded from the ``chinesecalendar`` package, edited by the provincial office or
imported from CSV). A deadline that reaches a year not yet known is computed on weekends alone and
flagged *provisional*: the State Council publishes each year's schedule only late in the year before.

Every deadline function returns the date and an explanation (JSON) saying how it was computed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, pgettext

from suggestions.models import CalendarDay, CalendarDayKind, CalendarYear

# chinesecalendar names holidays in English; the calendar stores Chinese names, and ``explain`` shows
# them in the reader's language (the names are marked for translation here, translated when shown).
HOLIDAY_NAMES_ZH = {
    "New Year's Day": gettext_noop("元旦"),
    "Spring Festival": gettext_noop("春节"),
    "Tomb-sweeping Day": gettext_noop("清明节"),
    "Labour Day": gettext_noop("劳动节"),
    "Dragon Boat Festival": gettext_noop("端午节"),
    "National Day": gettext_noop("国庆节"),
    "Mid-autumn Festival": gettext_noop("中秋节"),
    "Anti-Fascist 70th Day": gettext_noop("抗战胜利70周年纪念日"),
}
# Stored in explanations as the reason a day was skipped; translated when shown.
PUBLIC_HOLIDAY = gettext_noop("法定节假日")
WEEKEND = gettext_noop("周末")


@dataclass
class WorkCalendar:
    """A snapshot of the calendar's exceptions, loaded once per computation (two queries)."""

    exceptions: dict[dt.date, tuple[str, str]] = field(default_factory=dict)
    known_years: set[int] = field(default_factory=set)

    @classmethod
    def load(cls) -> WorkCalendar:
        return cls(
            exceptions={d.date: (d.kind, d.name) for d in CalendarDay.objects.all()},
            known_years=set(CalendarYear.objects.values_list("year", flat=True)),
        )

    def is_known(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        # In a year not yet published, only weekends count: exceptions there would be guesses.
        if self.is_known(day) and day in self.exceptions:
            return self.exceptions[day][0] == CalendarDayKind.WORKDAY
        return day.weekday() < 5

    def _describe(self, day: dt.date) -> dict:
        if self.is_known(day) and day in self.exceptions:
            return {"date": day.isoformat(), "reason": self.exceptions[day][1] or PUBLIC_HOLIDAY}
        return {"date": day.isoformat(), "reason": WEEKEND}

    def roll_forward(self, day: dt.date) -> tuple[dt.date, list[dict]]:
        """The first working day on or after ``day``, and the days skipped to reach it."""
        skipped = []
        while not self.is_working_day(day):
            skipped.append(self._describe(day))
            day += dt.timedelta(days=1)
        return day, skipped

    def add_working_days(self, start: dt.date, days: int) -> tuple[dt.date, list[dict]]:
        """``days`` working days after ``start`` (negative: before), and the non-working days skipped."""
        step = dt.timedelta(days=1 if days >= 0 else -1)
        remaining = abs(days)
        day = start
        skipped = []
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
            else:
                skipped.append(self._describe(day))
        return day, skipped

    def months_then_roll(self, start: dt.date, months: int) -> tuple[dt.date, dict]:
        """``months`` calendar months after ``start``, rolled forward to the next working day."""
        raw = start + relativedelta(months=months)
        due, skipped = self.roll_forward(raw)
        return due, {
            "start": start.isoformat(),
            "rule": "months",
            "months": months,
            "raw": raw.isoformat(),
            "skipped": skipped,
            "due": due.isoformat(),
            "provisional": not self.is_known(due),
        }

    def date_then_roll(self, requested: dt.date, *, rule: str, start: dt.date | None = None) -> tuple[dt.date, dict]:
        """A fixed date (an approved extension), rolled forward to the next working day."""
        due, skipped = self.roll_forward(requested)
        return due, {
            "start": (start or requested).isoformat(),
            "rule": rule,
            "raw": requested.isoformat(),
            "skipped": skipped,
            "due": due.isoformat(),
            "provisional": not self.is_known(due),
        }

    def recompute(self, explanation: dict) -> tuple[dt.date, dict] | None:
        """Apply a stored explanation's rule again (after the calendar changed); ``None`` if unknown."""
        if not explanation or "raw" not in explanation:
            return None
        start = dt.date.fromisoformat(explanation["start"])
        if explanation.get("rule") == "months":
            due, new = self.months_then_roll(start, explanation["months"])
        else:
            due, new = self.date_then_roll(dt.date.fromisoformat(explanation["raw"]), rule=explanation["rule"], start=start)
        for key in ("label", "reason"):
            if key in explanation:
                new[key] = explanation[key]
        return due, new


def explain(explanation: dict) -> str:
    """One sentence (in the reader's language) saying how a due date was computed (shown beside the date)."""
    if not explanation:
        return ""
    if explanation.get("rule") == "months":
        text = _("自%(start)s起%(months)s个月为%(raw)s") % {
            "start": explanation["start"], "months": explanation["months"], "raw": explanation["raw"],
        }
    elif explanation.get("rule") == "extension":
        text = _("经批准延期至%(date)s") % {"date": explanation["raw"]}
    else:
        text = _("期限%(date)s") % {"date": explanation.get("raw", "")}
    if explanation.get("skipped"):
        days = len(explanation["skipped"])
        reasons = pgettext("list separator", "、").join(sorted({_(s["reason"]) for s in explanation["skipped"] if s["reason"]}))
        text += ngettext("，遇%(reasons)s顺延%(days)s天至%(due)s", "，遇%(reasons)s顺延%(days)s天至%(due)s", days) % {
            "reasons": reasons, "days": days, "due": explanation["due"],
        }
    if explanation.get("provisional"):
        text += _("（该年度节假日安排尚未发布，暂按周末计算）")
    return text
