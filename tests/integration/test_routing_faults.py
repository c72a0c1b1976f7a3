"""Routing survives faults, against a real Redis and a real ``celery worker`` process.

(a) the worker is SIGKILLed in the middle of a batch and restarted: every suggestion ends routed once;
(b) Redis is down when a suggestion is submitted: 201 all the same, routed once Redis is back;
(c) the same task delivered twice: one assignment, one routing event.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from django.db.models import Count, Q

from config.celery import app
from suggestions import services
from suggestions.models import AssignmentRole, Status, Suggestion
from suggestions.tasks import route_suggestion, sweep_stuck_submissions
from tests.worker import WorkerProcess, purge_queue, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A killed worker's reserved messages come back only after the visibility timeout; the shortest the
# settings allow keeps the redelivery path in play, and the sweeper (run by hand below, by beat in
# production) routes whatever is still ``submitted`` without waiting for it.
# Batches of ten: two hundred submissions are twenty batches, so a kill lands in the middle of them.
WORKER_ENV = {"CELERY_VISIBILITY_TIMEOUT": "60", "ROUTING_BATCH_SIZE": "10"}
ROUTING_ACTIONS = ["assign", "route_to_triage"]

TEXTS = [
    ("关于修缮椒园镇至珠山镇公路的建议", "该路段坑洼严重，雨天积水，公交车绕行，群众出行困难，建议尽快修缮路面。"),  # transport: assigned
    ("关于增加乡村学校教师编制的建议", "村小教师严重不足，一名教师要教多个年级，建议增加编制。"),  # education: assigned
    ("关于加强农村饮水安全保障的建议", "部分村组夏季缺水，水质检测不及时，建议完善供水管网。"),  # water: no department, triage
]


@pytest.fixture
def worker():
    purge_queue()
    workers = []

    def start():
        workers.append(WorkerProcess(concurrency=2, extra_env=WORKER_ENV).start())
        return workers[-1]

    yield start
    for w in workers:
        w.stop()


def _submit(county, tree, n: int) -> list[int]:
    user, deputy = county
    return [
        services.suggestion_create(
            actor=user, title=TEXTS[i % len(TEXTS)][0], content=TEXTS[i % len(TEXTS)][1], region=tree.zhushan_village,
            lead_deputy=deputy, submit=True,
        ).pk
        for i in range(n)
    ]


def _routed(ids) -> int:
    return Suggestion.objects.filter(pk__in=ids).exclude(status=Status.SUBMITTED).count()


def _assert_routed_exactly_once(ids) -> None:
    rows = Suggestion.objects.filter(pk__in=ids).annotate(
        routings=Count("events", filter=Q(events__action__in=ROUTING_ACTIONS), distinct=True),
        leads=Count("assignments", filter=Q(assignments__role=AssignmentRole.LEAD), distinct=True),
    )
    bad = [
        (s.pk, s.status, s.routings, s.leads)
        for s in rows
        if s.routings != 1 or s.leads != (1 if s.status == Status.ASSIGNED else 0) or s.status not in (Status.ASSIGNED, Status.TRIAGE)
    ]
    assert len(rows) == len(ids)
    assert bad == [], f"not routed exactly once (id, status, routing events, lead assignments): {bad[:10]}"


def _succeeded(worker, task_ids) -> bool:
    log = worker.log_path.read_text(encoding="utf-8", errors="replace")
    return all(f"[{task_id}] succeeded" in log for task_id in task_ids)


@contextmanager
def _broker_at(url: str):
    """Point this process's producer at another broker URL (the worker keeps the real one)."""
    before = app.conf.broker_url, app.conf.broker_write_url

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    # Celery fills broker_write_url from broker_url when it reads the settings: both must move.
    app.conf.broker_url = app.conf.broker_write_url = url
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_write_url = before
        reset_pools()


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(county, tree, worker):
    # given 200 submitted suggestions whose routing tasks wait in Redis
    ids = _submit(county, tree, 200)
    assert _routed(ids) == 0
    # when the worker is SIGKILLed as soon as it has routed some of them
    first = worker()
    assert wait_for(lambda: _routed(ids) >= 1, timeout=90, interval=0.05), f"worker never routed; see {first.log_path}"
    first.kill()
    done_before_restart = _routed(ids)
    assert done_before_restart < len(ids), "the batch finished before the kill; nothing was tested"
    # and restarted, with the sweeper routing what is still submitted beside it (beat: every minute)
    worker()
    sweep_stuck_submissions(older_than_seconds=0)
    # then every one ends up routed exactly once
    assert wait_for(lambda: _routed(ids) == len(ids), timeout=120, interval=0.5), f"{_routed(ids)}/200 routed"
    _assert_routed_exactly_once(ids)
    statuses = set(Suggestion.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses == {Status.ASSIGNED, Status.TRIAGE}


def test_a_submission_while_redis_is_down_is_saved_and_routed_when_it_returns(county, tree, worker, api_as, caplog):
    user, _deputy = county
    # given Redis is unreachable from the web process
    with _broker_at("redis://127.0.0.1:1/0"), caplog.at_level(logging.WARNING, logger="suggestions.tasks"):
        # when a deputy submits through the API
        response = api_as(user).post(
            "/api/v1/suggestions/",
            {"title": TEXTS[0][0], "content": TEXTS[0][1], "region": tree.zhushan_village.code, "submit": True},
            format="json",
        )
    # then it is saved and answered 201, and the failed dispatch is logged
    assert response.status_code == 201, response.content
    suggestion = Suggestion.objects.get(pk=response.json()["id"])
    assert suggestion.status == Status.SUBMITTED
    assert "not dispatched" in caplog.text
    # when Redis is back and the sweeper runs (beat: every minute; here in this process)
    worker()
    assert sweep_stuck_submissions(older_than_seconds=0) == 1
    # then it is routed
    assert wait_for(lambda: _routed([suggestion.pk]) == 1, timeout=90)
    _assert_routed_exactly_once([suggestion.pk])
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED and suggestion.category == "transport"


def test_the_same_task_delivered_twice_routes_once(county, tree, worker):
    # given a submitted suggestion whose task is in the queue, and the same task sent twice more
    [sid] = _submit(county, tree, 1)
    again = [route_suggestion.delay(sid).id, route_suggestion.delay(sid).id]
    # when a worker with two processes takes them all
    running = worker()
    assert wait_for(lambda: _routed([sid]) == 1, timeout=90)
    assert wait_for(lambda: _succeeded(running, again), timeout=60), f"see {running.log_path}"
    # then one assignment and one routing event
    _assert_routed_exactly_once([sid])
    assert Suggestion.objects.get(pk=sid).assignments.count() == 1
