"""Every move in the transition table is allowed from each of its sources and refused from every
other state (TransitionNotAllowed, i.e. HTTP 409), with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from suggestions import services
from suggestions.models import (
    Answer,
    Assignment,
    AssignmentRole,
    AssignmentState,
    CoSignature,
    ExtensionRequest,
    ReturnRequest,
    Status,
    SuggestionEvent,
)
from suggestions.services.assignments import sync_running_lead
from suggestions.transitions import TRANSITIONS, TransitionNotAllowed
from tests.factories.suggestions import SuggestionFactory, deputy_user

LEAD_STATE = {
    "acknowledge": AssignmentState.ASSIGNED,
    "request_return": AssignmentState.ASSIGNED,
    "approve_return": AssignmentState.RETURN_REQUESTED,
    "refuse_return": AssignmentState.RETURN_REQUESTED,
    "rate": AssignmentState.ANSWERED,
    "rate_unsatisfied": AssignmentState.ANSWERED,
}


def build(world, office, status, action):
    """A suggestion forced into ``status`` with the assignment/request rows ``action`` works on."""
    today = timezone.localdate()
    s = SuggestionFactory(region=office.region, lead_deputy=world.deputy, status=status, submitted_by=world.deputy_user, number="T-1")
    co_user, co_deputy = deputy_user(world.deputy.region, username="cosigner", name="李附议")
    CoSignature.objects.create(suggestion=s, deputy=co_deputy)
    common = {"suggestion": s, "assigned_at": timezone.now(), "due_at": today + dt.timedelta(days=90),
              "remind_at": today + dt.timedelta(days=80), "long_overdue_at": today + dt.timedelta(days=97),
              "return_deadline": today + dt.timedelta(days=9)}
    lead = Assignment.objects.create(department=world.transport, role=AssignmentRole.LEAD,
                                     state=LEAD_STATE.get(action, AssignmentState.ACKNOWLEDGED), **common)
    co = Assignment.objects.create(department=world.education, role=AssignmentRole.CO_HANDLER, state=AssignmentState.ASSIGNED, **common)
    sync_running_lead([s.pk])  # written by hand here: keep the stored running lead as the services do
    ctx = {"s": s, "lead": lead, "co": co, "co_user": co_user}
    if action in ("approve_return", "refuse_return"):
        ctx["rr"] = ReturnRequest.objects.create(assignment=lead, reason="不属于本单位职责", requested_at=timezone.now())
    if action in ("approve_extension", "refuse_extension"):
        ctx["ext"] = ExtensionRequest.objects.create(
            assignment=lead, reason="需协调资金", requested_due_at=lead.due_at + dt.timedelta(days=30),
            previous_due_at=lead.due_at, requested_at=timezone.now())
    if action in ("rate", "rate_unsatisfied"):
        Answer.objects.create(suggestion=s, assignment=lead, text="已列入计划", outcome_class="A", answered_at=timezone.now())
    if action == "follow_up":
        ctx["answer"] = Answer.objects.create(suggestion=s, assignment=lead, text="列入计划", outcome_class="B",
                                              follow_up_date=today, answered_at=timezone.now())
    if action == "merge":
        ctx["target"] = SuggestionFactory(region=office.region, lead_deputy=world.deputy, status=Status.ASSIGNED)
    return ctx


def perform(action, ctx, world, office):
    s = ctx["s"]
    calls = {
        "edit": lambda: services.suggestion_update_draft(s.pk, actor=world.deputy_user, title="新标题", content="新内容", region=s.region),
        "submit": lambda: services.suggestion_submit(s.pk, actor=world.deputy_user),
        "cosign_confirm": lambda: services.suggestion_cosign_confirm(s.pk, actor=ctx["co_user"]),
        "route_to_triage": lambda: services.suggestion_route_to_triage(s.pk, guesses=[]),
        "assign": lambda: services.suggestion_assign(s.pk, lead=world.transport, actor=office, category="transport"),
        "not_accept": lambda: services.suggestion_not_accept(s.pk, actor=office, reason="属于司法程序事项"),
        "acknowledge": lambda: services.assignment_acknowledge(ctx["lead"].pk, actor=world.handler),
        "cohandler_acknowledge": lambda: services.assignment_acknowledge(ctx["co"].pk, actor=world.education_handler),
        "request_return": lambda: services.assignment_request_return(ctx["lead"].pk, actor=world.handler, reason="不属于本单位职责"),
        "approve_return": lambda: services.return_approve(ctx["rr"].pk, actor=office, note="同意"),
        "refuse_return": lambda: services.return_refuse(ctx["rr"].pk, actor=office, note="属于贵单位职责"),
        "request_extension": lambda: services.assignment_request_extension(
            ctx["lead"].pk, actor=world.handler, reason="需协调资金", requested_due_at=ctx["lead"].due_at + dt.timedelta(days=30)),
        "approve_extension": lambda: services.extension_approve(ctx["ext"].pk, actor=office, note="同意"),
        "refuse_extension": lambda: services.extension_refuse(ctx["ext"].pk, actor=office, note="请按期办理"),
        "cohandler_opinion": lambda: services.cohandler_opinion_submit(ctx["co"].pk, actor=world.education_handler, opinion="同意主办意见"),
        "answer": lambda: services.suggestion_answer(s.pk, actor=world.handler, text="已修缮完毕", outcome_class="A"),
        "rate": lambda: services.suggestion_rate(s.pk, actor=world.deputy_user, value="satisfied"),
        "rate_unsatisfied": lambda: services.suggestion_rate(s.pk, actor=world.deputy_user, value="unsatisfied", comment="没有解决"),
        "follow_up": lambda: services.follow_up_record(ctx["answer"].pk, actor=office, note="已现场查看"),
        "withdraw": lambda: services.suggestion_withdraw(s.pk, actor=world.deputy_user, note="已自行解决"),
        "merge": lambda: services.suggestion_merge(s.pk, into=ctx["target"], actor=office, note="重复"),
    }
    assert set(calls) == set(TRANSITIONS), "every action in the table has a service"
    return calls[action]()


ALLOWED = [(action, source) for action, t in TRANSITIONS.items() for source in sorted(t.sources)]
REFUSED = [(action, status) for action, t in TRANSITIONS.items() for status in Status.values if status not in t.sources]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "source"), ALLOWED)
def test_it_allows_each_move_in_the_table(world, xuanen_office, action, source):
    # given a suggestion in one of the move's source states
    ctx = build(world, xuanen_office, source, action)
    events = SuggestionEvent.objects.filter(suggestion=ctx["s"]).count()
    # when the move's service runs
    perform(action, ctx, world, xuanen_office)
    # then the suggestion is in the table's target state and the move is on the timeline
    ctx["s"].refresh_from_db()
    assert ctx["s"].status == (TRANSITIONS[action].target or source)
    event = SuggestionEvent.objects.filter(suggestion=ctx["s"]).order_by("-id").first()
    assert SuggestionEvent.objects.filter(suggestion=ctx["s"]).count() > events
    assert event.action == action
    assert event.from_status == source


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_it_refuses_each_move_not_in_the_table(world, xuanen_office, action, status):
    # given a suggestion in a state the move does not start from
    ctx = build(world, xuanen_office, status, action)
    before = SuggestionEvent.objects.filter(suggestion=ctx["s"]).count()
    lead_state = ctx["lead"].state
    # when the move is attempted, then it is refused and nothing changed
    with pytest.raises(TransitionNotAllowed):
        perform(action, ctx, world, xuanen_office)
    ctx["s"].refresh_from_db()
    ctx["lead"].refresh_from_db()
    assert ctx["s"].status == status
    assert ctx["lead"].state == lead_state
    assert SuggestionEvent.objects.filter(suggestion=ctx["s"]).count() == before
