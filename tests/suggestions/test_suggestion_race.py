"""Two handlers answering at once on PostgreSQL: the row lock lets one win; the other gets 409."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from suggestions import services
from suggestions.models import Answer, AssignmentRole, Status
from suggestions.transitions import TransitionNotAllowed
from tests.factories.suggestions import handler_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_answers_one_wins(world, assigned):
    # given an acknowledged suggestion and two handlers of the lead department
    s = assigned()
    services.assignment_acknowledge(s.assignments.get(role=AssignmentRole.LEAD).pk, actor=world.handler)
    second = handler_user(world.transport, username="transport-xuanen-2")
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(user, text):
        try:
            barrier.wait(timeout=10)
            services.suggestion_answer(s.pk, actor=user, text=text, outcome_class="A")
            outcomes.append("won")
        except TransitionNotAllowed:
            outcomes.append("409")
        finally:
            connection.close()

    # when both answer at the same moment, each on its own database connection
    threads = [threading.Thread(target=answer, args=(u, t)) for u, t in [(world.handler, "甲的答复"), (second, "乙的答复")]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then exactly one answer was written and the other was refused
    assert sorted(outcomes) == ["409", "won"]
    assert Answer.objects.filter(suggestion=s).count() == 1
    s.refresh_from_db()
    assert s.status == Status.ANSWERED
