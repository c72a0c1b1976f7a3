"""The running lead assignment stored on each suggestion (``Suggestion.lead_assignment``) is the one
the rule names after every move: lists read the deadline state through it, so a stale one would show
a deadline nobody owes any more (or hide one that runs)."""

from __future__ import annotations

import pytest

from suggestions import selectors, services
from suggestions.models import Assignment, AssignmentRole, ReturnRequest, Suggestion
from suggestions.services.assignments import _lead_assignment, sync_running_lead

pytestmark = pytest.mark.django_db


def _stored_is_the_rule(pk, office) -> Assignment | None:
    """The stored running lead is the rule's, and the office's list shows its due date and department."""
    s = Suggestion.objects.get(pk=pk)
    rule = _lead_assignment(s)
    assert s.lead_assignment_id == (rule.pk if rule else None)
    listed = selectors.suggestion_list(office).get(pk=pk)
    assert listed.lead_due_at == (rule.due_at if rule else None)
    assert listed.lead_department == (rule.department.name if rule else None)
    return rule


def test_every_move_keeps_the_stored_running_lead(world, xuanen_office, submitted):
    s = submitted()
    assert _stored_is_the_rule(s.pk, xuanen_office) is None  # in triage: nobody owes anything yet

    services.suggestion_assign(s.pk, lead=world.education, actor=xuanen_office, category="education")
    first = _stored_is_the_rule(s.pk, xuanen_office)
    assert first.department == world.education
    request = services.assignment_request_return(first.pk, actor=world.education_handler, reason="不属于教育局职责")
    assert _stored_is_the_rule(s.pk, xuanen_office) == first  # return requested: its clock still runs
    services.return_approve(request.pk, actor=xuanen_office, note="同意")
    assert _stored_is_the_rule(s.pk, xuanen_office) is None  # returned: back in triage

    services.suggestion_assign(s.pk, lead=world.transport, actor=xuanen_office, category="transport")
    second = _stored_is_the_rule(s.pk, xuanen_office)
    assert second.department == world.transport
    services.assignment_acknowledge(second.pk, actor=world.handler)
    assert _stored_is_the_rule(s.pk, xuanen_office) == second
    services.suggestion_answer(s.pk, actor=world.handler, text="已修缮", outcome_class="A")
    assert _stored_is_the_rule(s.pk, xuanen_office) is None  # answered: nothing runs
    services.suggestion_rate(s.pk, actor=world.deputy_user, value="unsatisfied", comment="还没修好")
    assert _stored_is_the_rule(s.pk, xuanen_office) == second  # reopened: the same assignment runs again
    services.suggestion_withdraw(s.pk, actor=world.deputy_user)
    assert _stored_is_the_rule(s.pk, xuanen_office) is None
    assert not ReturnRequest.objects.filter(assignment__suggestion=s, decision="pending").exists()


def test_a_merged_suggestion_has_no_running_lead(world, xuanen_office, submitted):
    s, into = submitted(), submitted(title="关于修缮椒园镇道路的建议")
    services.suggestion_assign(s.pk, lead=world.transport, actor=xuanen_office, category="transport")
    assert _stored_is_the_rule(s.pk, xuanen_office) is not None
    services.suggestion_merge(s.pk, into=into, actor=xuanen_office)
    assert _stored_is_the_rule(s.pk, xuanen_office) is None


def test_the_sync_picks_the_latest_running_lead(world, xuanen_office, assigned):
    """Two running leads (hand-written data): the latest by assignment time, then id, as the rule says."""
    s = assigned()
    first = s.assignments.get(role=AssignmentRole.LEAD)
    later = Assignment.objects.create(
        suggestion=s, department=world.education, role=AssignmentRole.LEAD, assigned_at=first.assigned_at, due_at=first.due_at
    )
    sync_running_lead([s.pk])
    assert _stored_is_the_rule(s.pk, xuanen_office) == later
