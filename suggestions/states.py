"""Derived states of a suggestion, each defined once: lists, details, dashboards (live and rollups),
exports, the API and the supervision reminders all ask this module.

Deadlines. When an assignment is made (or its due date moves: extension, calendar change, reopening)
the services store ``due_at`` and, from the campaign's policy on the working-day calendar, the day
reminders start (``remind_at``) and the day it becomes long overdue (``long_overdue_at``). Every
surface reads those stored dates against today:

- due soon (催办):       ``remind_at <= today <= due_at``
- overdue (督办):        ``due_at < today`` (long overdue ones included)
- long overdue (通报):   ``long_overdue_at <= today``

of the suggestion's running lead assignment (assigned, acknowledged or return requested). A
suggestion shows one deadline state, the gravest that holds.

Counts. *Received* is every suggestion submitted and not withdrawn (drafts and withdrawn ones are
neither received nor a deputy's duty done: the record of duty counts the same set). *Handled*
(交办) is received and assigned at least once; *answered* has its answer; *satisfied* is a rating of
满意 or 基本满意.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy

from suggestions.models import RUNNING_STATES, AssignmentState, RatingValue, Status

# Assignments whose clock is running: the department still owes something.
RUNNING_ASSIGNMENT_STATES = RUNNING_STATES
# Assignments that still stand: a returned or withdrawn one no longer makes the department responsible.
ENDED_ASSIGNMENT_STATES = [AssignmentState.RETURNED, AssignmentState.WITHDRAWN]

NOT_RECEIVED = [Status.DRAFT, Status.WITHDRAWN]
HANDLED_STATUSES = [Status.ASSIGNED, Status.RETURN_REQUESTED, Status.ACKNOWLEDGED, Status.ANSWERED, Status.CLOSED]
ANSWERED_STATUSES = [Status.ANSWERED, Status.CLOSED]
SATISFIED_RATINGS = [RatingValue.SATISFIED, RatingValue.BASICALLY_SATISFIED]


class DeadlineState:
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    LONG_OVERDUE = "long_overdue"

    LABELS = {
        ON_TIME: gettext_lazy("正常"),
        DUE_SOON: gettext_lazy("即将到期"),
        OVERDUE: gettext_lazy("已逾期"),
        LONG_OVERDUE: gettext_lazy("逾期通报"),
    }


# --- deadlines, as conditions on an assignment (``prefix`` reaches it from another model) ---------------


def due_soon_q(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}remind_at__lte": today, f"{prefix}due_at__gte": today})


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}due_at__lt": today})


def long_overdue_q(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}long_overdue_at__lte": today})


DEADLINE_CONDITIONS = {
    DeadlineState.DUE_SOON: due_soon_q,
    DeadlineState.OVERDUE: overdue_q,
    DeadlineState.LONG_OVERDUE: long_overdue_q,
}


def _deadline_steps(today: dt.date, *, due: str, remind: str, long_overdue: str) -> list[tuple[str, Q]]:
    """The states a row with a due date can take, gravest first, each with the condition that makes it so."""
    return [
        (DeadlineState.LONG_OVERDUE, Q(**{f"{long_overdue}__lte": today})),
        (DeadlineState.OVERDUE, Q(**{f"{due}__lt": today})),
        (DeadlineState.DUE_SOON, Q(**{f"{remind}__lte": today})),
    ]


def deadline_state_case(today: dt.date, *, due: str, remind: str, long_overdue: str) -> Case:
    """The one deadline state of a row whose running lead assignment's dates are annotated under these names."""
    steps = _deadline_steps(today, due=due, remind=remind, long_overdue=long_overdue)
    return Case(
        When(**{f"{due}__isnull": True}, then=Value("")),
        *[When(condition, then=Value(state)) for state, condition in steps],
        default=Value(DeadlineState.ON_TIME),
        output_field=CharField(),
    )


def deadline_state_q(state: str, today: dt.date, *, due: str, remind: str, long_overdue: str) -> Q:
    """The rows ``deadline_state_case`` names ``state``, as a plain condition: filtering on the CASE
    itself leaves PostgreSQL guessing (1 % of rows) and unable to use an index; this it can estimate."""
    condition = Q(**{f"{due}__isnull": False})
    for step, when in _deadline_steps(today, due=due, remind=remind, long_overdue=long_overdue):
        if step == state:
            return condition & when
        condition &= ~when
    return condition  # on time: none of the graver ones holds


def deadline_state_of(assignment, today: dt.date) -> str:
    """The same state for one assignment in memory ("" when it has no due date)."""
    if assignment is None or assignment.due_at is None:
        return ""
    if assignment.long_overdue_at and assignment.long_overdue_at <= today:
        return DeadlineState.LONG_OVERDUE
    if assignment.due_at < today:
        return DeadlineState.OVERDUE
    if assignment.remind_at and assignment.remind_at <= today:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


# --- counts -----------------------------------------------------------------------------------------


def received_q(prefix: str = "") -> Q:
    """Submitted and not withdrawn: what the congress received, and what counts as a deputy's duty done."""
    return ~Q(**{f"{prefix}status__in": NOT_RECEIVED})


def handled_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": HANDLED_STATUSES})


def answered_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": ANSWERED_STATUSES})


def satisfied_q(prefix: str = "") -> Q:
    """On a rating: 满意 or 基本满意."""
    return Q(**{f"{prefix}value__in": SATISFIED_RATINGS})
