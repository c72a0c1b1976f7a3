"""What the record of duty counts, as rows a point rule can score.

Every kind of rule draws its duties from one *source*: a queryset over the table that holds them,
the path from a row to the deputy, the date that decides which rule version applies, and the id of
the thing that earned it (an activity, a suggestion, a message, a meeting, an office entry). Scoring
(``duty.scoring``) counts these sets in SQL; the scored record lists their rows.

Which suggestions count is the product's own definition, ``suggestions.states.received_q`` (submitted
and not withdrawn: drafts and withdrawn suggestions are not duties done); ``counted_suggestions`` is
the one place this app asks it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from activities.models import Attendance
from duty.models import ACTIVITY_KINDS, EntryKind, OfficeEntry, ReportMeeting, RuleKind
from residents.models import ResidentMessage
from suggestions.models import Answer, CoSignature, OutcomeClass, Rating, RatingValue, Suggestion
from suggestions.states import received_q


def counted_suggestions() -> QuerySet[Suggestion]:
    """The suggestions the record of duty counts: submitted ones only (no drafts, nothing withdrawn)."""
    return Suggestion.objects.filter(received_q(), submitted_at__isnull=False)


@dataclass(frozen=True)
class Source:
    kind: str
    # The duties as rows; ``deputy`` and ``when`` are paths from such a row.
    rows: QuerySet
    deputy: str
    when: str
    # True when ``when`` is a DateTimeField (compared with local midnights), False for a DateField.
    is_datetime: bool
    # What earned it: the id shown on the line and linked to.
    target: str
    target_kind: str
    # Entered by one congress's office: counts only under that congress's rules.
    per_congress: bool = False


def _latest_answer_is_a() -> QuerySet[Answer]:
    later = Answer.objects.filter(suggestion=OuterRef("suggestion"), answered_at__gt=OuterRef("answered_at"))
    return Answer.objects.filter(outcome_class=OutcomeClass.A, suggestion__in=counted_suggestions()).filter(~Exists(later))


def source(kind: str) -> Source:
    kind = RuleKind(kind)
    if kind in ACTIVITY_KINDS:
        rows = Attendance.objects.filter(activity__type=ACTIVITY_KINDS[kind])
        return Source(kind, rows, "deputy_id", "activity__date", False, "activity_id", "activity")
    if kind == RuleKind.SUGGESTION_SUBMITTED:
        return Source(kind, counted_suggestions(), "lead_deputy_id", "submitted_at", True, "id", "suggestion")
    if kind == RuleKind.SUGGESTION_COSIGNED:
        rows = CoSignature.objects.filter(confirmed_at__isnull=False, suggestion__in=counted_suggestions())
        return Source(kind, rows, "deputy_id", "suggestion__submitted_at", True, "suggestion_id", "suggestion")
    if kind == RuleKind.SUGGESTION_ANSWERED_A:
        return Source(kind, _latest_answer_is_a(), "suggestion__lead_deputy_id", "answered_at", True, "suggestion_id", "suggestion")
    if kind == RuleKind.SUGGESTION_SATISFIED:
        rows = Rating.objects.filter(value=RatingValue.SATISFIED, suggestion__in=counted_suggestions())
        return Source(kind, rows, "deputy_id", "rated_at", True, "suggestion_id", "suggestion")
    if kind == RuleKind.MESSAGE_REPLIED:
        rows = ResidentMessage.objects.filter(replied_at__isnull=False, replied_by__deputy_profile__isnull=False)
        return Source(kind, rows, "replied_by__deputy_profile__id", "replied_at", True, "id", "message")
    if kind == RuleKind.VOTER_REPORT:
        return Source(kind, ReportMeeting.objects.all(), "deputy_id", "date", False, "id", "report_meeting")
    entry = EntryKind(kind.value)
    return Source(kind, OfficeEntry.objects.filter(kind=entry), "deputy_id", "date", False, "id", "office_entry", per_congress=True)


def within(src: Source, start: dt.date, end: dt.date) -> Q:
    """Rows dated from ``start`` up to (not including) ``end``, in the congress's local days."""
    return Q(**{f"{src.when}__gte": bound(src, start), f"{src.when}__lt": bound(src, end)})


def bound(src: Source, day: dt.date):
    if not src.is_datetime:
        return day
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def link_for(target_kind: str, target_id: int) -> str:
    """Where a line's duty can be opened (each page checks its own scope)."""
    if target_kind == "activity":
        return reverse("activities:detail", args=[target_id])
    if target_kind == "suggestion":
        return reverse("suggestions:detail", args=[target_id])
    if target_kind == "message":
        return reverse("residents:detail", args=[target_id])
    return reverse("duty:entries")
