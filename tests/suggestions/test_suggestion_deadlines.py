"""Deadlines on the working-day calendar, calendar edits moving running deadlines, and supervision
reminders sent exactly once however many beat ticks see them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from suggestions import services
from suggestions.calendar import WorkCalendar, explain
from suggestions.models import (
    Assignment,
    AssignmentRole,
    CalendarDay,
    CalendarYear,
    Notification,
    Reminder,
    ReminderKind,
    Status,
    SuggestionEvent,
)
from suggestions.selectors import supervision_list
from suggestions.transitions import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def lead_of(suggestion) -> Assignment:
    return suggestion.assignments.get(role=AssignmentRole.LEAD)


def test_a_deadline_landing_in_a_holiday_rolls_to_the_next_working_day(world, assigned, clock):
    # given an assignment on 2026-07-01: three months later is National Day (1–7 October)
    clock.set(dt.date(2026, 7, 1))
    a = lead_of(assigned())
    # then the due date is the first working day after the holiday, and it says why
    assert a.due_at == dt.date(2026, 10, 8)
    assert a.due_explanation["raw"] == "2026-10-01"
    assert len(a.due_explanation["skipped"]) == 7
    assert a.due_explanation["provisional"] is False
    assert "国庆节" in explain(a.due_explanation) and "顺延7天" in explain(a.due_explanation)


def test_a_make_up_working_saturday_is_a_working_day(world, assigned, clock):
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休)
    clock.set(dt.date(2026, 7, 10))
    a = lead_of(assigned())
    assert a.due_at == dt.date(2026, 10, 10)
    assert a.due_explanation["skipped"] == []


def test_working_days_skip_holidays_and_count_the_make_up_saturday(calendar_loaded):
    cal = WorkCalendar.load()
    # 2026-09-28 (Mon) + 7 working days: 29, 30, [1–7 Oct holiday], 8, 9, 10 (Sat, worked), [11 Sun], 12, 13
    day, skipped = cal.add_working_days(dt.date(2026, 9, 28), 7)
    assert day == dt.date(2026, 10, 13)
    assert {s["date"] for s in skipped} >= {"2026-10-01", "2026-10-07", "2026-10-11"}
    assert "2026-10-10" not in {s["date"] for s in skipped}


def test_the_return_window_counts_working_days(world, assigned, clock, api_as):
    clock.set(dt.date(2026, 9, 28))
    s = assigned()
    assert lead_of(s).return_deadline == dt.date(2026, 10, 13)
    clock.set(dt.date(2026, 10, 14))
    with pytest.raises(TransitionNotAllowed, match="已超过申请退回期限"):
        services.assignment_request_return(lead_of(s).pk, actor=world.handler, reason="不属于本单位")


def test_a_deadline_in_an_unpublished_year_is_provisional(world, assigned, clock):
    clock.set(dt.date(2026, 11, 16))
    a = lead_of(assigned())
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert a.due_at == dt.date(2027, 2, 16)
    assert a.due_explanation["provisional"] is True
    assert "暂按周末计算" in explain(a.due_explanation)


def test_a_holiday_added_later_moves_a_running_deadline(world, assigned, clock, provincial):
    # given an assignment due on Wednesday 2026-06-03
    clock.set(dt.date(2026, 3, 3))
    s = assigned()
    assert lead_of(s).due_at == dt.date(2026, 6, 3)
    # when the provincial office declares that day a holiday
    services.calendar_day_add(actor=provincial, date=dt.date(2026, 6, 3), kind="holiday", name="临时假日")
    # then the running deadline moves to the next working day, and the timeline says so
    a = lead_of(s)
    assert a.due_at == dt.date(2026, 6, 4)
    assert a.due_explanation["skipped"] == [{"date": "2026-06-03", "reason": "临时假日"}]
    event = SuggestionEvent.objects.get(suggestion=s, action="deadline_moved")
    assert event.data["from"] == "2026-06-03" and event.data["to"] == "2026-06-04"
    # and removing it moves it back
    services.calendar_day_remove(actor=provincial, date=dt.date(2026, 6, 3))
    assert lead_of(s).due_at == dt.date(2026, 6, 3)


def test_only_the_provincial_office_edits_the_calendar(xuanen_office):
    from config.exceptions import PermissionRefused

    with pytest.raises(PermissionRefused):
        services.calendar_day_add(actor=xuanen_office, date=dt.date(2026, 6, 3), kind="holiday")
    assert not CalendarDay.objects.filter(date=dt.date(2026, 6, 3)).exists()


def test_a_csv_import_marks_the_year_known(world, assigned, clock, provincial):
    clock.set(dt.date(2026, 11, 16))
    s = assigned()
    assert lead_of(s).due_explanation["provisional"] is True
    csv = "date,kind,name\n2027-02-16,holiday,春节\n2027-02-20,workday,春节\n"
    years = services.calendar_import_csv(actor=provincial, file=io.BytesIO(csv.encode()))
    assert years == [2027]
    a = lead_of(s)
    assert a.due_at == dt.date(2027, 2, 17)
    assert a.due_explanation["provisional"] is False


def test_a_bad_csv_changes_nothing(provincial):
    csv = "date,kind,name\n2027-02-16,holiday,春节\n2027-13-01,holiday,错\n2027-02-17,vacation,错\n"
    with pytest.raises(ValidationError) as exc:
        services.calendar_import_csv(actor=provincial, file=io.BytesIO(csv.encode()))
    assert len(exc.value.message_dict["file"]) == 2
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()


def tick_every_day(start, end, times=3):
    day = start
    while day <= end:
        for _ in range(times):
            services.supervise(today=day)
        day += dt.timedelta(days=1)


@pytest.mark.slow
def test_each_reminder_is_sent_exactly_once_over_many_ticks(world, assigned, clock, xuanen_office, provincial, django_capture_on_commit_callbacks):
    # given an assignment due 2026-06-03 that the department never signs
    clock.set(dt.date(2026, 3, 3))
    s = assigned()
    a = lead_of(s)
    assert a.remind_at == dt.date(2026, 5, 27) and a.long_overdue_at == dt.date(2026, 6, 10)
    # when beat ticks three times a day for four months
    with django_capture_on_commit_callbacks(execute=True):
        tick_every_day(dt.date(2026, 3, 3), dt.date(2026, 7, 3))
    # then each step went out once, was recorded once, and reached the right people once
    kinds = list(Reminder.objects.filter(assignment=a).values_list("kind", flat=True))
    assert sorted(kinds) == sorted([ReminderKind.SIGN_OFF, ReminderKind.DUE_SOON, ReminderKind.OVERDUE, ReminderKind.LONG_OVERDUE])
    for kind in kinds:
        assert SuggestionEvent.objects.filter(suggestion=s, action=f"reminder_{kind}").count() == 1
    assert Notification.objects.filter(user=world.handler, title__startswith="催办").count() == 1
    assert Notification.objects.filter(user=xuanen_office, title__startswith="督办").count() == 1
    assert Notification.objects.filter(user=provincial, title__startswith="通报").count() == 1
    assert Reminder.objects.get(assignment=a, kind=ReminderKind.DUE_SOON).sent_at  # recorded when sent
    # the sign-off reminder came two working days after assignment, not earlier
    sign_off = SuggestionEvent.objects.get(suggestion=s, action="reminder_sign_off")
    assert sign_off.data["due_at"] == "2026-06-03"


def test_an_extension_gives_a_fresh_round_of_reminders(world, assigned, clock, xuanen_office):
    clock.set(dt.date(2026, 3, 3))
    s = assigned()
    services.assignment_acknowledge(lead_of(s).pk, actor=world.handler)
    tick_every_day(dt.date(2026, 5, 27), dt.date(2026, 5, 29))
    ext = services.assignment_request_extension(lead_of(s).pk, actor=world.handler, reason="资金", requested_due_at=dt.date(2026, 7, 1))
    services.extension_approve(ext.pk, actor=xuanen_office)
    tick_every_day(dt.date(2026, 5, 29), dt.date(2026, 7, 1))
    assert Reminder.objects.filter(assignment=lead_of(s), kind=ReminderKind.DUE_SOON).count() == 2
    assert not Reminder.objects.filter(kind=ReminderKind.OVERDUE).exists()


def test_co_handler_and_follow_up_reminders_are_sent_once(world, submitted, clock, xuanen_office):
    clock.set(dt.date(2026, 3, 3))
    s = submitted()
    services.suggestion_assign(s.pk, lead=world.transport, co_handlers=[world.education], actor=xuanen_office, category="transport")
    co = s.assignments.get(role=AssignmentRole.CO_HANDLER)
    assert co.due_at == dt.date(2026, 4, 3)  # one month for the co-handler's opinion
    tick_every_day(dt.date(2026, 3, 3), dt.date(2026, 4, 10))
    assert Reminder.objects.filter(assignment=co, kind=ReminderKind.OPINION_DUE).count() == 1
    services.assignment_acknowledge(lead_of(s).pk, actor=world.handler)
    services.suggestion_answer(s.pk, actor=world.handler, text="列入计划", outcome_class="B", follow_up_date=dt.date(2026, 9, 1))
    tick_every_day(dt.date(2026, 8, 25), dt.date(2026, 9, 20))
    assert Reminder.objects.filter(kind=ReminderKind.FOLLOW_UP).count() == 1
    assert SuggestionEvent.objects.filter(suggestion=s, action="reminder_follow_up").count() == 1


def test_the_supervision_list_derives_the_states(world, assigned, clock, xuanen_office):
    clock.set(dt.date(2026, 3, 3))
    s = assigned()
    clock.set(dt.date(2026, 5, 1))
    assert list(supervision_list(xuanen_office)) == []
    clock.set(dt.date(2026, 5, 27))
    assert [x.deadline_state for x in supervision_list(xuanen_office)] == ["due_soon"]
    clock.set(dt.date(2026, 6, 4))
    assert [x.deadline_state for x in supervision_list(xuanen_office)] == ["overdue"]
    clock.set(dt.date(2026, 6, 10))
    assert [x.deadline_state for x in supervision_list(xuanen_office, state="long_overdue")] == ["long_overdue"]
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED  # derived, never stored


@pytest.mark.embedded
def test_load_calendar_is_idempotent_and_keeps_hand_edits(calendar_loaded, provincial):
    from io import StringIO

    from django.core.management import call_command

    services.calendar_day_add(actor=provincial, date=dt.date(2026, 10, 1), kind="holiday", name="国庆节（省定）")
    before = CalendarDay.objects.count()
    call_command("load_calendar", "2026", stdout=StringIO())
    assert CalendarDay.objects.count() == before
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节（省定）"
    assert CalendarYear.objects.get(year=2026).source == "chinesecalendar"


def test_the_calendar_page_takes_a_csv_with_chinese_headers(client, provincial):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given the office's sheet, headed in Chinese and with the kinds in Chinese
    csv = "日期,类型,名称\n2027-02-16,节假日,春节\n2027-02-20,调休上班,春节\n".encode()
    client.force_login(provincial)
    # when it is imported from the calendar page
    response = client.post(
        "/suggestions/calendar/?year=2027", {"form": "import", "file": SimpleUploadedFile("2027.csv", csv, "text/csv")}
    )
    # then both days are in the calendar
    assert response.status_code == 302
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == {
        (dt.date(2027, 2, 16), "holiday"), (dt.date(2027, 2, 20), "workday"),
    }
