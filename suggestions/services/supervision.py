"""Supervision on Celery beat: due soon (催办), overdue (督办), long overdue (通报), sign-off, opinion and follow-up reminders."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from suggestions.calendar import WorkCalendar
from suggestions.models import (
    Answer,
    Assignment,
    AssignmentRole,
    AssignmentState,
    Reminder,
    ReminderKind,
    Status,
)
from suggestions.notifications import (
    handlers_of,
    notify_on_commit,
    offices_for,
)
from suggestions.services.events import _event
from suggestions.states import due_soon_q, long_overdue_q, overdue_q


def _remind(assignment: Assignment, kind: str, due_at: dt.date, *, recipients, title: str, body: str = "") -> bool:
    """Record one supervision step once: the unique constraint turns a second tick into a no-op."""
    try:
        with transaction.atomic():
            Reminder.objects.create(assignment=assignment, kind=kind, due_at=due_at)
            _event(
                assignment.suggestion,
                f"reminder_{kind}",
                actor=None,
                note=title,
                data={"assignment": assignment.pk, "department": assignment.department.name, "due_at": due_at.isoformat()},
            )
            notify_on_commit(recipients, title=title, body=body, suggestion_id=assignment.suggestion_id, sms=True)
    except IntegrityError:
        return False
    return True


def _not_yet(kind: str, due_field: str = "due_at"):
    return ~Exists(Reminder.objects.filter(assignment=OuterRef("pk"), kind=kind, due_at=OuterRef(due_field)))


def supervise(*, today: dt.date | None = None) -> dict[str, int]:
    """One beat tick: send each supervision step that is due and was not sent yet for this due date.

    Due soon (催办), overdue (督办), long overdue (通报, to the provincial office as well), sign-off
    reminders for unsigned assignments, co-handler opinion reminders, and B/C follow-ups (回头看).
    """
    today = today or timezone.localdate()
    cal = WorkCalendar.load()
    sent = dict.fromkeys(ReminderKind.values, 0)
    running = Assignment.objects.select_related("suggestion", "suggestion__region", "department").filter(
        suggestion__status__in=[Status.ASSIGNED, Status.ACKNOWLEDGED]
    )
    lead = running.filter(role=AssignmentRole.LEAD, state__in=[AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED])

    for a in lead.filter(due_soon_q(today)).filter(_not_yet(ReminderKind.DUE_SOON)):
        sent[ReminderKind.DUE_SOON] += _remind(
            a, ReminderKind.DUE_SOON, a.due_at, recipients=handlers_of([a.department_id]),
            title=_("催办：%(title)s 将于 %(due)s 到期") % {"title": a.suggestion.title, "due": a.due_at},
        )
    for a in lead.filter(overdue_q(today)).filter(_not_yet(ReminderKind.OVERDUE)):
        sent[ReminderKind.OVERDUE] += _remind(
            a, ReminderKind.OVERDUE, a.due_at, recipients=[*handlers_of([a.department_id]), *offices_for(a.suggestion)],
            title=_("督办：%(title)s 已于 %(due)s 逾期") % {"title": a.suggestion.title, "due": a.due_at},
        )
    for a in lead.filter(long_overdue_q(today)).filter(_not_yet(ReminderKind.LONG_OVERDUE)):
        recipients = [*handlers_of([a.department_id]), *offices_for(a.suggestion, roles=[Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE])]
        sent[ReminderKind.LONG_OVERDUE] += _remind(
            a, ReminderKind.LONG_OVERDUE, a.due_at, recipients=recipients,
            title=_("通报：%(dept)s 办理「%(title)s」逾期超过期限") % {"dept": a.department.name, "title": a.suggestion.title},
        )
    sign_off_before = cal.add_working_days(today, -settings.SUGGESTION_SIGN_OFF_REMINDER_DAYS)[0]
    unsigned = running.filter(state=AssignmentState.ASSIGNED, assigned_at__date__lte=sign_off_before)
    for a in unsigned.filter(_not_yet(ReminderKind.SIGN_OFF)):
        sent[ReminderKind.SIGN_OFF] += _remind(
            a, ReminderKind.SIGN_OFF, a.due_at, recipients=handlers_of([a.department_id]),
            title=_("请签收交办件：%(title)s（期限不因未签收而停止计算）") % {"title": a.suggestion.title},
        )
    cohandlers = running.filter(
        role=AssignmentRole.CO_HANDLER, state__in=[AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED], remind_at__lte=today
    )
    for a in cohandlers.filter(_not_yet(ReminderKind.OPINION_DUE)):
        sent[ReminderKind.OPINION_DUE] += _remind(
            a, ReminderKind.OPINION_DUE, a.due_at, recipients=handlers_of([a.department_id]),
            title=_("请于 %(due)s 前提交协办意见：%(title)s") % {"due": a.due_at, "title": a.suggestion.title},
        )
    follow_ups = (
        Answer.objects.select_related("assignment", "assignment__suggestion", "assignment__suggestion__region", "assignment__department")
        .filter(follow_up_date__lte=today, follow_up_done_at__isnull=True)
        .filter(~Exists(Reminder.objects.filter(assignment=OuterRef("assignment"), kind=ReminderKind.FOLLOW_UP, due_at=OuterRef("follow_up_date"))))
    )
    for answer in follow_ups:
        a = answer.assignment
        sent[ReminderKind.FOLLOW_UP] += _remind(
            a, ReminderKind.FOLLOW_UP, answer.follow_up_date,
            recipients=[*handlers_of([a.department_id]), *offices_for(a.suggestion)],
            title=_("回头看：%(title)s（%(cls)s 答复）") % {"title": a.suggestion.title, "cls": answer.get_outcome_class_display()},
        )
    return sent
