"""The outbox of side effects (finding 8 of the attack run): notices and similar-suggestion indexing
are written in the transaction of the change that causes them, delivered once by the worker, and
delivered by the sweeper when the prompt task was lost (broker down, worker killed).

tests/integration/test_side_effect_faults.py does the same against a real worker that is SIGKILLed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from config.celery import app
from suggestions import services, side_effects
from suggestions.models import Notification, SideEffect, SideEffectKind, Status, SuggestionTerm
from suggestions.tasks import sweep_side_effects

pytestmark = pytest.mark.django_db
NOW = dt.timedelta(0)


def _refuse(*_args, **_kwargs):
    raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def take_broker_away(monkeypatch):
    """``take_broker_away()``: from then on every task sent from here fails as it does when Redis is
    away (send_safely logs it)."""

    def take_away():
        for name in ("suggestions.tasks.deliver_side_effects", "suggestions.tasks.route_suggestion"):
            monkeypatch.setattr(app.tasks[name], "apply_async", _refuse)

    return take_away


@pytest.fixture
def broker_down(take_broker_away):
    """Redis is away for the whole test."""
    take_broker_away()


def _create(world, xuanen_office, **kwargs):
    return services.suggestion_create(
        actor=world.deputy_user, title="关于修缮椒园镇至珠山镇公路的建议", content="该路段坑洼严重，雨天积水，群众出行困难。",
        region=xuanen_office.region, lead_deputy=world.deputy, **kwargs,
    )


def _with_email_and_phone(user):
    user.email, user.phone = f"{user.username}@example.org", "13800001234"
    user.save()
    return user


def test_the_rows_are_written_with_the_change_and_sent_only_after_it_commits(world, xuanen_office, submitted, django_capture_on_commit_callbacks):
    s = submitted()
    # when the office assigns it, with the commit's callbacks held back
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.suggestion_assign(s.pk, lead=world.transport, actor=xuanen_office, category="transport")
    # then the notices are in the outbox, written in the assignment's transaction, and nobody has them yet
    rows = SideEffect.objects.filter(kind=SideEffectKind.NOTICE, payload__suggestion_id=s.pk, done_at__isnull=True)
    assert sorted(r.payload["title"] for r in rows) == [f"您的建议已交办：{s.title}", f"新交办件（主办）：{s.title}"]
    assert not Notification.objects.filter(suggestion=s, title__startswith="新交办件").exists()
    # when the transaction's callbacks run (the prompt task)
    for callback in callbacks:
        callback()
    # then each is delivered and marked done
    assert Notification.objects.filter(user=world.handler, suggestion=s).count() == 1
    delivered = SideEffect.objects.filter(pk__in=[r.pk for r in rows])
    assert {(row.done_at is not None, row.attempts) for row in delivered} == {(True, 1)}


def test_a_change_that_rolls_back_leaves_no_row_and_sends_nothing(world, xuanen_office, submitted, django_capture_on_commit_callbacks):
    s = submitted()
    before = SideEffect.objects.count()
    # when the assignment succeeds but its transaction is rolled back afterwards
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            services.suggestion_assign(s.pk, lead=world.transport, actor=xuanen_office, category="transport")
            assert SideEffect.objects.count() > before  # written inside the transaction …
            raise RuntimeError("the request failed after the assignment")
    # then … gone with it: no row, no task, no message
    assert SideEffect.objects.count() == before
    assert callbacks == []
    assert not Notification.objects.filter(user=world.handler).exists()


def test_a_draft_records_its_indexing_and_the_co_signers_invitation(world, xuanen_office, tree, django_capture_on_commit_callbacks):
    from tests.factories.suggestions import deputy_user

    co_user, co_deputy = deputy_user(tree.zhushan, username="co-signer", name="田大有")
    with django_capture_on_commit_callbacks(execute=False):
        draft = _create(world, xuanen_office, co_signers=[co_deputy])
    kinds = sorted(SideEffect.objects.filter(done_at__isnull=True).values_list("kind", "payload__suggestion_id"))
    assert kinds == [(SideEffectKind.INDEX_SIMILARITY, draft.pk), (SideEffectKind.NOTICE, draft.pk)]
    assert not SuggestionTerm.objects.filter(suggestion=draft).exists()
    assert not Notification.objects.filter(user=co_user).exists()


def test_what_a_lost_task_owed_is_delivered_by_the_sweeper_once(world, xuanen_office, submitted, take_broker_away, caplog, django_capture_on_commit_callbacks):
    _with_email_and_phone(world.handler)
    s = submitted()
    mail.outbox.clear()
    # given the broker is down when the office assigns (the prompt task is never sent)
    take_broker_away()
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_assign(s.pk, lead=world.transport, actor=xuanen_office, category="transport")
    assert "not dispatched" in caplog.text
    assert not Notification.objects.filter(user=world.handler).exists()
    owed = SideEffect.objects.filter(done_at__isnull=True)
    assert owed.count() == 2
    # when the sweeper runs (beat: every minute, for rows older than 30 s)
    assert sweep_side_effects(older_than_seconds=0) == 2
    # then the handler has the message in the inbox, by email and by SMS, once
    assert Notification.objects.filter(user=world.handler, suggestion=s).count() == 1
    assert [m.to for m in mail.outbox] == [[world.handler.email]]
    assert not owed.exists()
    # and a second sweep (or a late copy of the task) sends nothing again
    assert sweep_side_effects(older_than_seconds=0) == 0
    assert side_effects.deliver(SideEffect.objects.values_list("pk", flat=True)) == 0
    assert Notification.objects.filter(user=world.handler, suggestion=s).count() == 1
    assert len(mail.outbox) == 1


def test_indexing_owed_by_a_lost_task_is_done_by_the_sweeper(world, xuanen_office, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = _create(world, xuanen_office, submit=True)
    assert not SuggestionTerm.objects.filter(suggestion=draft).exists()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED  # routing's own record: the stuck-submission sweeper's
    sweep_side_effects(older_than_seconds=0)
    assert SuggestionTerm.objects.filter(suggestion=draft).count() > 3


def test_the_sweeper_leaves_rows_the_prompt_task_may_still_be_delivering(world, xuanen_office, broker_down, clock, django_capture_on_commit_callbacks):
    clock.set(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        _create(world, xuanen_office)
    clock.set(dt.datetime(2026, 3, 3, 9, 0, 20, tzinfo=dt.UTC))
    assert sweep_side_effects() == 0
    clock.set(dt.datetime(2026, 3, 3, 9, 1, tzinfo=dt.UTC))  # the next tick
    assert sweep_side_effects() == 1


def test_a_message_is_unique_per_outbox_row_and_user_however_often_its_handler_runs(world, xuanen_office, broker_down, django_capture_on_commit_callbacks):
    from suggestions.notifications import deliver_notices

    with django_capture_on_commit_callbacks(execute=True):
        draft = _create(world, xuanen_office)
        services.suggestion_submit(draft.pk, actor=world.deputy_user)
        services.suggestion_route_to_triage(draft.pk, guesses=[])
    [row] = SideEffect.objects.filter(kind=SideEffectKind.NOTICE)
    # the handler runs twice for the same row (as after a crash between sending and marking it done)
    deliver_notices([row])
    deliver_notices([row])
    assert list(Notification.objects.filter(side_effect=row).values_list("user", flat=True)) == [xuanen_office.pk]


def test_a_failing_row_keeps_its_error_and_does_not_hold_back_the_others(world, xuanen_office, broker_down, monkeypatch, caplog, django_capture_on_commit_callbacks):
    from suggestions import similarity

    with django_capture_on_commit_callbacks(execute=True):
        first = _create(world, xuanen_office)
        second = _create(world, xuanen_office)
    real = similarity.index_suggestion

    def index_or_break(suggestion_id):
        if suggestion_id == first.pk:
            raise ValueError("a damaged text")
        return real(suggestion_id)

    monkeypatch.setattr(similarity, "index_suggestion", index_or_break)
    # when the sweeper delivers both in one chunk and the first one's handler fails
    assert sweep_side_effects(older_than_seconds=0) == 1
    # then the other is done, and the failing one keeps its error and counts the attempt
    broken = SideEffect.objects.get(payload__suggestion_id=first.pk)
    assert broken.done_at is None and broken.attempts == 1 and "a damaged text" in broken.last_error
    assert SideEffect.objects.get(payload__suggestion_id=second.pk).done_at is not None
    assert SuggestionTerm.objects.filter(suggestion=second).exists()
    # and the next sweeps try it again, up to MAX_ATTEMPTS, then leave it for an operator
    for _ in range(side_effects.MAX_ATTEMPTS + 2):
        sweep_side_effects(older_than_seconds=0)
    broken.refresh_from_db()
    assert broken.done_at is None and broken.attempts == side_effects.MAX_ATTEMPTS
    assert "left for an operator" in caplog.text


def test_done_rows_are_pruned_after_two_weeks_and_their_messages_stay(world, xuanen_office, submitted, clock, django_capture_on_commit_callbacks):
    clock.set(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC))
    s = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_assign(s.pk, lead=world.transport, actor=xuanen_office, category="transport")
    assert SideEffect.objects.filter(done_at__isnull=False).exists()
    clock.set(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC))
    sweep_side_effects()
    assert not SideEffect.objects.exists()
    assert Notification.objects.get(user=world.handler, suggestion=s).side_effect is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_row_another_worker_holds_is_left_to_it(world, xuanen_office, broker_down):
    draft = _create(world, xuanen_office)
    [row] = SideEffect.objects.filter(kind=SideEffectKind.INDEX_SIMILARITY)
    held, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                SideEffect.objects.select_for_update().get(pk=row.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert held.wait(10)
        # the sweeper does not wait for it, and does not deliver it twice
        assert side_effects.deliver([row.pk]) == 0
        assert sweep_side_effects(older_than_seconds=0) == 0
    finally:
        release.set()
        thread.join()
    assert side_effects.deliver([row.pk]) == 1
    assert SuggestionTerm.objects.filter(suggestion=draft).exists()


def test_the_command_delivers_what_is_owed_now_and_can_retry_rows_that_gave_up(world, xuanen_office, broker_down, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        fresh_one = _create(world, xuanen_office)
        gave_up = _create(world, xuanen_office)
    SideEffect.objects.filter(payload__suggestion_id=gave_up.pk).update(attempts=side_effects.MAX_ATTEMPTS, last_error="boom")
    out = StringIO()
    call_command("deliver_side_effects", stdout=out)
    assert "1 delivered, 1 still owed" in out.getvalue()  # the fresh row, not waiting the sweeper's 30 s
    assert SuggestionTerm.objects.filter(suggestion=fresh_one).exists()
    call_command("deliver_side_effects", "--retry-failed", stdout=out)
    assert "1 failed rows will be tried again" in out.getvalue() and "1 delivered, 0 still owed" in out.getvalue()


def test_beat_sweeps_every_minute_and_drops_ticks_nobody_took(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    for name, task in [("suggestions-sweep-submitted", "suggestions.tasks.sweep_stuck_submissions"),
                       ("suggestions-sweep-side-effects", "suggestions.tasks.sweep_side_effects")]:
        assert schedule[name]["task"] == task
        assert schedule[name]["schedule"] == 60.0
        assert schedule[name]["options"]["expires"] < 60


def test_the_tasks_that_carry_side_effects_survive_a_lost_worker():
    for name in ("route_suggestion", "deliver_side_effects", "sweep_side_effects", "sweep_stuck_submissions"):
        task = app.tasks[f"suggestions.tasks.{name}"]
        assert task.acks_late and task.reject_on_worker_lost, name
