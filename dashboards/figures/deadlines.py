"""Deadline cut-offs of the dashboard's due-soon and long-overdue figures, on the working-day calendar."""

from __future__ import annotations

import datetime as dt

from activities.models import Campaign
from suggestions.calendar import WorkCalendar

# The defaults of activities.Campaign, used when the dashboard shows every campaign at once.
DEFAULT_REMINDER_DAYS = Campaign._meta.get_field("reminder_days").default
DEFAULT_LONG_OVERDUE_DAYS = Campaign._meta.get_field("long_overdue_days").default

def deadline_cutoffs(today: dt.date, *, reminder_days: int, long_overdue_days: int) -> tuple[dt.date, dt.date]:
    """The two dates the supervision figures filter on, computed once per request.

    Returns ``(due_soon_until, long_overdue_before)``: an open assignment is *due soon* when
    ``today <= due_at <= due_soon_until`` (``reminder_days`` working days ahead), and *long
    overdue* (通报) when ``due_at < long_overdue_before``, i.e. more than ``long_overdue_days``
    working days have passed since the due date.

    Working days are those of the suggestions' own calendar (``suggestions.calendar.WorkCalendar``:
    holidays and make-up working weekends of published years), the one that sets the due dates.
    """
    calendar = WorkCalendar.load()
    due_soon_until = calendar.add_working_days(today, reminder_days)[0]
    # The (N+1)-th working day counting back from today (today included when it is a working day):
    # a due date before it has more than N working days past it.
    back = long_overdue_days + (0 if calendar.is_working_day(today) else 1)
    return due_soon_until, calendar.add_working_days(today, -back)[0]
