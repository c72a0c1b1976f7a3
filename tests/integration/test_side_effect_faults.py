"""Side effects survive faults (finding 8 of the attack run), against a real Redis and a real worker.

(a) the worker is SIGKILLed while it sends a new assignment's notices: after the restart every notice
    is in its inbox exactly once;
(b) Redis is down when a suggestion is submitted: once it is back, beat's sweepers route the
    suggestion, index it and send its notices, with nobody running anything. Production ticks every
    minute (``SWEEP_EVERY_SECONDS``); here beat ticks every 5 s so the test waits on the mechanism, not
    on the clock (how long it takes is not asserted: a busy machine is not a failure).
"""

from __future__ import annotations

import time

import pytest

from suggestions import services
from suggestions.models import Department, Notification, SideEffect, SideEffectKind, Status, Suggestion, SuggestionTerm
from suggestions.tasks import sweep_side_effects
from tests.factories.suggestions import handler_user
from tests.integration.test_routing_faults import TEXTS, WORKER_ENV, _assert_routed_exactly_once, _broker_at, _routed
from tests.worker import WorkerProcess, purge_queue, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    purge_queue()
    workers = []

    def start(**kwargs):
        env = {**WORKER_ENV, **kwargs.pop("extra_env", {})}
        workers.append(WorkerProcess(concurrency=2, extra_env=env, **kwargs).start())
        return workers[-1]

    yield start
    for w in workers:
        w.stop()


def _owed(suggestion_id: int):
    return SideEffect.objects.filter(payload__suggestion_id=suggestion_id, done_at__isnull=True)


def _each_notice_once(suggestion_id: int) -> list[tuple[int, int]]:
    """(outbox row, user) pairs of the suggestion's notices that are not in the inbox exactly once."""
    rows = SideEffect.objects.filter(kind=SideEffectKind.NOTICE, payload__suggestion_id=suggestion_id)
    wrong = []
    for row in rows:
        for user_id in row.payload["user_ids"]:
            if Notification.objects.filter(side_effect=row, user_id=user_id).count() != 1:
                wrong.append((row.pk, user_id))
    return wrong


def test_a_worker_killed_while_sending_notices_loses_and_doubles_none(county, tree, worker, tmp_path):
    user, deputy = county
    handler = handler_user(Department.objects.get(name="宣恩县交通运输局"))
    handler.phone = "13800001234"
    handler.save()
    marker = tmp_path / "sms-stalled"
    # given a worker whose SMS gateway hangs
    first = worker(extra_env={"SMS_BACKEND": "tests.worker.StallingSMSBackend", "SMS_STALL_MARKER": str(marker)})
    # when a suggestion is submitted, routed to the transport bureau, and the worker is SIGKILLed
    # while it texts the bureau's handler (inbox messages written, not yet committed)
    suggestion = services.suggestion_create(
        actor=user, title=TEXTS[0][0], content=TEXTS[0][1], region=tree.zhushan_village, lead_deputy=deputy, submit=True,
    )
    assert wait_for(marker.exists, timeout=90), f"the worker never reached the SMS; see {first.log_path}"
    first.kill()
    # then the assignment is kept, and its notices are still owed: nobody has them yet
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED
    assert _owed(suggestion.pk).filter(kind=SideEffectKind.NOTICE).count() == 2
    assert not Notification.objects.filter(suggestion=suggestion).exists()
    # when a worker runs again and the sweeper's tick reaches it (beat: every minute)
    second = worker()
    sweep_side_effects.delay(0)
    # then every notice is delivered, each exactly once
    assert wait_for(lambda: not _owed(suggestion.pk).exists(), timeout=90), f"still owed; see {second.log_path}"
    assert _each_notice_once(suggestion.pk) == []
    assert Notification.objects.filter(user=handler, suggestion=suggestion).count() == 1
    assert Notification.objects.filter(user=user, suggestion=suggestion).count() == 1
    assert SuggestionTerm.objects.filter(suggestion=suggestion).exists()
    _assert_routed_exactly_once([suggestion.pk])


@pytest.mark.slow
def test_after_a_redis_outage_beat_routes_indexes_and_notifies_with_nobody_running_anything(county, tree, worker, api_as, tmp_path):
    user, _deputy = county
    # given a deputy submits while Redis is unreachable (routing and indexing are not dispatched)
    with _broker_at("redis://127.0.0.1:1/0"):
        response = api_as(user).post(
            "/api/v1/suggestions/",
            {"title": TEXTS[0][0], "content": TEXTS[0][1], "region": tree.zhushan_village.code, "submit": True},
            format="json",
        )
    assert response.status_code == 201, response.content
    sid = response.json()["id"]
    assert _owed(sid).filter(kind=SideEffectKind.INDEX_SIMILARITY).exists()
    # when Redis is back with a worker and beat (the production schedule on a short tick, nothing run by hand)
    back = time.monotonic()
    running = worker(
        extra_args=["--beat", "--schedule", str(tmp_path / "beat-schedule")], extra_env={"SWEEP_EVERY_SECONDS": "5"},
    )

    def settled():
        return _routed([sid]) == 1 and not _owed(sid).exists() and Notification.objects.filter(suggestion_id=sid).exists()

    # then the suggestion is routed, indexed and its deputy told (rows are swept once 30 s old)
    assert wait_for(settled, timeout=180, interval=1), f"not settled; see {running.log_path}"
    print(f"settled {time.monotonic() - back:.0f} s after the broker came back")
    _assert_routed_exactly_once([sid])
    assert SuggestionTerm.objects.filter(suggestion_id=sid).exists()
    assert _each_notice_once(sid) == []
    assert Suggestion.objects.get(pk=sid).status == Status.ASSIGNED
