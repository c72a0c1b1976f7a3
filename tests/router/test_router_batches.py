"""Routing in batches: one task routes its own suggestion and the others waiting, exactly once each,
with the same assignments, events and notices as one at a time, in a number of statements that does
not grow with the batch."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from suggestions.models import Assignment, Notification, Status, Suggestion, SuggestionEvent
from suggestions.routing import router
from suggestions.tasks import route_suggestion
from tests.factories.suggestions import handler_user

pytestmark = pytest.mark.django_db

WATER = ("关于解决珠山镇自来水水压不足的建议", "高峰时段自来水水压不足，楼上住户经常停水，建议供水公司改造管网、增设加压泵站。")


def _routed_once(ids):
    for pk in ids:
        assert Assignment.objects.filter(suggestion_id=pk).count() <= 2
        assert SuggestionEvent.objects.filter(suggestion_id=pk, action__in=["assign", "route_to_triage"]).count() == 1


def test_one_task_routes_the_waiting_burst_and_their_own_tasks_then_skip(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    burst = [submit() for _ in range(5)]
    # the newest one's task comes first: it takes the four older ones with it
    assert route_suggestion(burst[-1].pk) == "assigned"
    assert set(Suggestion.objects.filter(pk__in=[s.pk for s in burst]).values_list("status", flat=True)) == {Status.ASSIGNED}
    assert [route_suggestion(s.pk) for s in burst[:-1]] == ["skipped"] * 4
    _routed_once([s.pk for s in burst])
    lead = Assignment.objects.get(suggestion=burst[0])
    assert lead.department == county.transport and lead.due_at is not None and lead.return_deadline is not None


def test_a_batch_writes_what_routing_one_at_a_time_writes(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    alone, together = submit(), None
    assert router.route(alone.pk, batch_size=1) == "assigned"
    together = [submit(), submit()]
    assert router.route(together[0].pk) == "assigned"

    def written(suggestion):
        suggestion.refresh_from_db()
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="assign")
        data = dict(event.data)
        assignment = Assignment.objects.get(suggestion=suggestion)
        return (
            suggestion.status, suggestion.category, event.actor_id, event.actor_label, event.note, event.from_status, event.to_status,
            data, assignment.department_id, assignment.role, assignment.due_at, assignment.remind_at, assignment.long_overdue_at,
            assignment.return_deadline, assignment.due_explanation,
        )

    assert written(together[0]) == written(alone) == written(together[1])


def test_statements_do_not_grow_with_the_batch(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    handler_user(county.transport)
    router.active_classifier()  # the model and keyword rules are read once per process, not per batch

    def statements(n):
        burst = [submit() for _ in range(n)]
        with CaptureQueriesContext(connection) as captured:
            assert router.route(burst[0].pk) == "assigned"
        assert not Suggestion.objects.filter(pk__in=[s.pk for s in burst], status=Status.SUBMITTED).exists()
        return len(captured.captured_queries)

    assert statements(2) == statements(12)


def test_batch_size_one_routes_only_its_own(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    settings.ROUTING_BATCH_SIZE = 1
    first, second = submit(), submit()
    assert route_suggestion(second.pk) == "assigned"
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED


def test_the_batch_is_capped_and_takes_the_oldest_first(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    settings.ROUTING_BATCH_SIZE = 3
    burst = [submit() for _ in range(5)]
    route_suggestion(burst[-1].pk)
    statuses = dict(Suggestion.objects.filter(pk__in=[s.pk for s in burst]).values_list("pk", "status"))
    assert [statuses[s.pk] for s in burst] == [Status.ASSIGNED, Status.ASSIGNED, Status.SUBMITTED, Status.SUBMITTED, Status.ASSIGNED]


def test_notices_of_a_batch_reach_each_suggestions_people(county, submit, settings, xuanen_office, side_effects_in_process, django_capture_on_commit_callbacks):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    handler = handler_user(county.transport)
    road, water = submit(), submit(*WATER)
    # water has no department in this county: it goes to triage, and the county office is told
    with django_capture_on_commit_callbacks(execute=True):
        router.route(road.pk)
    road.refresh_from_db()
    water.refresh_from_db()
    assert (road.status, water.status) == (Status.ASSIGNED, Status.TRIAGE)
    inbox = set(Notification.objects.values_list("user_id", "suggestion_id", "title"))
    assert inbox == {
        (handler.pk, road.pk, f"新交办件（主办）：{road.title}"),
        (county.deputy_user.pk, road.pk, f"您的建议已交办：{road.title}"),
        (xuanen_office.pk, water.pk, f"待分办：{water.title}"),
    }


def test_a_batch_that_breaks_routes_its_own_suggestion_alone(county, submit, settings, monkeypatch, caplog):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    older, own = submit(), submit()
    real = router.decide

    def break_on_batches(batch):
        if len(batch) > 1:
            raise ValueError("a neighbour's text broke the batch")
        return real(batch)

    monkeypatch.setattr(router, "decide", break_on_batches)
    assert route_suggestion(own.pk) == "assigned"
    older.refresh_from_db()
    # the neighbour waits for its own task (or the sweeper): nothing of the failed batch was kept
    assert older.status == Status.SUBMITTED and not older.events.filter(action="assign").exists()
    assert "routing it alone" in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_suggestion_another_batch_holds_is_skipped_without_waiting(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    held, free = submit(), submit()
    locked, release, outcome = threading.Event(), threading.Event(), {}

    def other_worker():
        try:
            with transaction.atomic():
                list(Suggestion.objects.select_for_update().filter(pk=held.pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        # the held one's task does not wait for the lock: it routes what is free and stops
        outcome["held"] = route_suggestion(held.pk)
        assert Suggestion.objects.get(pk=free.pk).status == Status.ASSIGNED
        assert Suggestion.objects.get(pk=held.pk).status == Status.SUBMITTED
    finally:
        release.set()
        thread.join(timeout=30)
    assert outcome["held"] == "skipped"
    # once the other transaction has let go without routing it, its next delivery routes it
    assert route_suggestion(held.pk) == "assigned"
    _routed_once([held.pk, free.pk])
