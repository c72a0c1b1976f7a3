"""Reads of suggestions, always through ``suggestions_visible_to`` (the one scope rule).

Due soon / overdue / long overdue are derived from the running lead assignment's stored dates and
today's date, by the one definition in ``suggestions.states``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import in_scope, region_in_scope
from suggestions.models import (
    Answer,
    Assignment,
    AssignmentRole,
    CoSignature,
    Department,
    ExtensionRequest,
    Notification,
    RequestDecision,
    ReturnRequest,
    Status,
    Suggestion,
    SuggestionEvent,
)
from suggestions.states import RUNNING_ASSIGNMENT_STATES, DeadlineState, deadline_state_case, deadline_state_q, received_q

# The list pages and the API filter on these; defined once in suggestions.states.
RUNNING = RUNNING_ASSIGNMENT_STATES


def suggestions_visible_to(user) -> QuerySet:
    """Every suggestion the user may see: offices and township staff by region scope, deputies the
    ones they lead or co-sign, handlers the ones assigned to their department (drafts excluded)."""
    qs = Suggestion.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_superuser or user.is_office or user.is_township_staff:
        return in_scope(qs, user, "region")
    if user.is_deputy:
        return qs.filter(
            Q(lead_deputy__user=user) | Q(pk__in=CoSignature.objects.filter(deputy__user=user).values("suggestion_id"))
        )
    if user.is_handler:
        return qs.filter(
            pk__in=Assignment.objects.filter(department__handlers__user=user).values("suggestion_id")
        ).exclude(status=Status.DRAFT)
    return qs.none()


def get_visible_or_404(user, pk) -> Suggestion:
    """One suggestion the user may see, or 404 (the same answer as for an id that does not exist)."""
    try:
        return suggestions_visible_to(user).select_related("region", "region__parent", "region__parent__parent", "lead_deputy", "campaign", "duplicate_of").get(pk=pk)
    except (Suggestion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def with_deadline(qs: QuerySet, *, today: dt.date | None = None) -> QuerySet:
    """Annotate the running lead assignment's due date and the derived deadline state.

    The running lead is stored on the suggestion (``lead_assignment``, kept by the services): its
    dates are one join by key, not four correlated subqueries per row. The join names the running
    states the stored lead is always in, so PostgreSQL reads the dates from the running leads' own
    index (``assignment_running_lead_idx``, one assignment in ten) instead of hashing every
    assignment: a county's overdue count 121–294 ms → 3–6 ms, the province's sort by due date
    172–250 ms → 44–59 ms on the province database (docs/benchmarks.md, session 7)."""
    today = today or timezone.localdate()
    return qs.annotate(
        running_lead=FilteredRelation("lead_assignment", condition=Q(lead_assignment__state__in=RUNNING_ASSIGNMENT_STATES)),
    ).annotate(
        lead_due_at=F("running_lead__due_at"),
        lead_remind_at=F("running_lead__remind_at"),
        lead_long_overdue_at=F("running_lead__long_overdue_at"),
        lead_department=F("running_lead__department__name"),
    ).annotate(
        deadline_state=deadline_state_case(today, due="lead_due_at", remind="lead_remind_at", long_overdue="lead_long_overdue_at")
    )


def deadline_in(states, *, today: dt.date | None = None) -> Q:
    """Rows of ``with_deadline`` whose deadline state is one of ``states`` (``states.deadline_state_q``)."""
    today = today or timezone.localdate()
    found = Q(pk__in=[])
    for state in states:
        found |= deadline_state_q(state, today, due="lead_due_at", remind="lead_remind_at", long_overdue="lead_long_overdue_at")
    return found


def suggestion_list(user, *, places: bool = True) -> QuerySet:
    """The list pages' and the list endpoint's queryset: scoped, annotated, ready to filter.

    ``places``: with the region's parent and grandparent, which the pages name a village or township
    by (``{{ region|place }}``). The API shows the region's own code and name: without them the list
    query joins two tables fewer, which PostgreSQL plans on every page."""
    related = ("region", "region__parent", "region__parent__parent", "lead_deputy") if places else ("region", "lead_deputy")
    return with_deadline(suggestions_visible_to(user)).select_related(*related)


def suggestion_detail(user, pk) -> Suggestion:
    """A suggestion with everything its page and endpoint show, in a fixed number of queries."""
    qs = with_deadline(suggestions_visible_to(user)).select_related("region", "region__parent", "region__parent__parent", "lead_deputy", "campaign", "duplicate_of", "submitted_by")
    qs = qs.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("department").order_by("assigned_at", "role", "id")),
        Prefetch("events", queryset=SuggestionEvent.objects.order_by("created_at", "id")),
        Prefetch("co_signatures", queryset=CoSignature.objects.select_related("deputy")),
        "answers__rating",
        "answers__attachments",
        "attachments",
        Prefetch(
            "assignments__return_requests", queryset=ReturnRequest.objects.select_related("suggested_department").order_by("id")
        ),
        Prefetch("assignments__extension_requests", queryset=ExtensionRequest.objects.order_by("id")),
    )
    try:
        return qs.get(pk=pk)
    except (Suggestion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def handler_department(user) -> Department | None:
    handler = getattr(user, "handler", None) if user.is_authenticated else None
    return handler.department if handler else None


def inbox_assignments(user) -> QuerySet:
    """The handler's department's assignments, newest first, with the derived deadline state."""
    department = handler_department(user)
    if department is None:
        return Assignment.objects.none()
    today = timezone.localdate()
    return (
        Assignment.objects.filter(department=department)
        .exclude(suggestion__status=Status.DRAFT)
        .select_related("suggestion", "suggestion__region", "suggestion__region__parent", "suggestion__region__parent__parent", "department")
        .annotate(
            deadline_state=Case(
                When(~Q(state__in=[*RUNNING]), then=Value("")),
                When(long_overdue_at__lte=today, then=Value(DeadlineState.LONG_OVERDUE)),
                When(due_at__lt=today, then=Value(DeadlineState.OVERDUE)),
                When(remind_at__lte=today, then=Value(DeadlineState.DUE_SOON)),
                default=Value(DeadlineState.ON_TIME),
                output_field=CharField(),
            )
        )
        .order_by("-assigned_at", "-id")
    )


def my_assignment(user, suggestion: Suggestion, *, roles=(AssignmentRole.LEAD, AssignmentRole.CO_HANDLER)) -> Assignment:
    """The handler's department's latest assignment on a suggestion they can see (409 if none)."""
    from suggestions.transitions import TransitionNotAllowed

    department = handler_department(user)
    assignment = (
        suggestion.assignments.filter(department=department, role__in=roles).order_by("-assigned_at", "-id").first()
        if department
        else None
    )
    if assignment is None:
        raise TransitionNotAllowed(_("您的单位没有这件建议的交办件。"))
    return assignment


def pending_request(model, suggestion: Suggestion):
    """The suggestion's pending ReturnRequest or ExtensionRequest (409 if someone already decided it)."""
    from suggestions.transitions import TransitionNotAllowed

    request = model.objects.filter(assignment__suggestion=suggestion, decision=RequestDecision.PENDING).order_by("-id").first()
    if request is None:
        raise TransitionNotAllowed(_("没有待审核的申请（可能已被他人处理）。"))
    return request


def pending_follow_up(suggestion: Suggestion) -> Answer:
    from suggestions.transitions import TransitionNotAllowed

    answer = suggestion.answers.filter(follow_up_date__isnull=False, follow_up_done_at__isnull=True).order_by("-id").first()
    if answer is None:
        raise TransitionNotAllowed(_("该建议没有待完成的回头看。"))
    return answer


def triage_queue(user) -> QuerySet:
    """What the office must decide: triage, pending returns and pending extensions."""
    pending_extension = ExtensionRequest.objects.filter(assignment__suggestion=OuterRef("pk"), decision=RequestDecision.PENDING)
    return (
        with_deadline(suggestions_visible_to(user))
        .annotate(extension_pending=Exists(pending_extension))
        .filter(Q(status__in=[Status.SUBMITTED, Status.TRIAGE, Status.RETURN_REQUESTED]) | Q(extension_pending=True))
        .select_related("region", "region__parent", "region__parent__parent", "lead_deputy")
        .order_by("submitted_at", "id")
    )


def supervision_list(user, *, state: str | None = None) -> QuerySet:
    """Suggestions being handled that are due soon, overdue or long overdue."""
    states = [state] if state else [DeadlineState.DUE_SOON, DeadlineState.OVERDUE, DeadlineState.LONG_OVERDUE]
    return suggestion_list(user).filter(deadline_in(states)).order_by("lead_due_at", "id")


def suggestions_of_deputy(user, deputy) -> QuerySet:
    """A deputy's suggestions (led or co-signed) that ``user`` may see — for the record of duty."""
    return (
        with_deadline(suggestions_visible_to(user))
        .filter(Q(lead_deputy=deputy) | Q(pk__in=CoSignature.objects.filter(deputy=deputy).values("suggestion_id")))
        .filter(received_q())
        .select_related("region", "region__parent", "region__parent__parent", "lead_deputy")
        .prefetch_related("answers__rating")
        .order_by("-submitted_at", "-id")
    )


def departments_visible_to(user) -> QuerySet:
    """Departments in the user's scope, plus those above it (a township's matters go to the county)."""
    if not (user and user.is_authenticated):
        return Department.objects.none()
    if user.is_superuser:
        return Department.objects.select_related("region", "region__parent", "region__parent__parent")
    region = user.region
    if region is None:
        return Department.objects.none()
    ancestors = [region.prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(region.prefix)]
    return Department.objects.filter(Q(region__prefix__startswith=region.prefix) | Q(region__prefix__in=ancestors)).select_related("region", "region__parent", "region__parent__parent")


def assignable_departments(user, suggestion: Suggestion) -> QuerySet:
    """Departments an office may assign this suggestion to: active, inside the office's scope."""
    return in_scope(Department.objects.filter(active=True), user, "region").select_related("region", "region__parent", "region__parent__parent").order_by("region__code", "type")


def notifications_of(user) -> QuerySet:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")



def _lookup_county(user, region_id) -> str:
    """The county a similar-suggestion lookup may search: the chosen region's, if the user may file
    there, else the user's own (a deputy's home county, a county or township office's county)."""
    from regions.models import Region

    profile = getattr(user, "deputy_profile", None) if user.is_deputy else None
    home = (profile.region.prefix if profile else (user.region.prefix if user.region_id else ""))[:6]
    region = Region.objects.filter(pk=region_id).first() if str(region_id or "").isdigit() else None
    if region is not None and len(region.prefix) >= 6:
        if (profile and region.prefix.startswith(home)) or (not profile and region_in_scope(user, region)):
            return region.prefix[:6]
    return home if len(home) == 6 else ""


def similar_suggestions(user, *, title: str = "", content: str = "", region_id=None, suggestion_id=None, limit: int = 5):
    """Top similar open/recent suggestions in the county, for the writing form and for triage.

    With ``suggestion_id`` (triage) the suggestion must be visible to the user; otherwise the text
    typed so far is compared. Each match says whether the user may open it (``visible``)."""
    from suggestions import similarity

    if not (user.is_superuser or user.is_office or user.is_township_staff or user.is_deputy):
        raise Http404
    if suggestion_id is not None:
        matches = similarity.similar_to(get_visible_or_404(user, suggestion_id), limit=limit)
    else:
        county = _lookup_county(user, region_id)
        matches = similarity.similar(title=title, content=content, county=county, limit=limit) if county else []
    visible = set(suggestions_visible_to(user).filter(pk__in=[m.suggestion.pk for m in matches]).values_list("pk", flat=True))
    for match in matches:
        match.visible = match.suggestion.pk in visible
    return matches
