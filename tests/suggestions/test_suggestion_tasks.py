"""The routing task, notifications by email and SMS, and the deputy's record selector."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from suggestions import selectors, services
from suggestions.models import Notification, Status, SuggestionEvent
from suggestions.tasks import route_suggestion

pytestmark = pytest.mark.django_db


def test_submitting_dispatches_routing_after_commit_and_a_second_run_does_nothing(world, xuanen_office, django_capture_on_commit_callbacks):
    draft = services.suggestion_create(
        actor=world.deputy_user, title="标题", content="内容", region=xuanen_office.region, lead_deputy=world.deputy
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.suggestion_submit(draft.pk, actor=world.deputy_user)
    draft.refresh_from_db()
    # nothing routed inside the transaction
    assert draft.status == Status.SUBMITTED
    for callback in callbacks:
        callback()
    draft.refresh_from_db()
    assert draft.status == Status.TRIAGE
    event = SuggestionEvent.objects.get(suggestion=draft, action="route_to_triage")
    assert event.actor is None and event.actor_label == "系统分办"
    route_suggestion(draft.pk)
    assert SuggestionEvent.objects.filter(suggestion=draft, action="route_to_triage").count() == 1


def test_a_handler_is_told_by_inbox_email_and_sms(world, xuanen_office, submitted, caplog, django_capture_on_commit_callbacks):
    world.handler.email, world.handler.phone = "transport@example.org", "13800001234"
    world.handler.save()
    s = submitted()
    with caplog.at_level(logging.INFO, logger="suggestions.notifications"), django_capture_on_commit_callbacks(execute=True):
        services.suggestion_assign(s.pk, lead=world.transport, actor=xuanen_office, category="transport")
    assert Notification.objects.filter(user=world.handler, suggestion=s).count() == 1
    assert [m.to for m in mail.outbox] == [["transport@example.org"]]
    assert "138****1234" in caplog.text and "13800001234" not in caplog.text


def test_nothing_is_sent_when_the_move_rolls_back(world, xuanen_office, submitted, django_capture_on_commit_callbacks):
    s = submitted()
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):
        services.suggestion_assign(s.pk, lead=world.honghu_transport, actor=xuanen_office)
    assert Notification.objects.count() == before


def test_the_record_of_duty_lists_led_and_co_signed_suggestions(world, xuanen_office, submitted):
    from tests.factories.suggestions import deputy_user

    _user, other = deputy_user(world.deputy.region, username="other-deputy", name="李四")
    led = submitted()
    co_signed = services.suggestion_create(
        actor=xuanen_office, title="附议的建议", content="内容", region=xuanen_office.region, lead_deputy=other,
        co_signers=[world.deputy], submit=True,
    )
    rows = list(selectors.suggestions_of_deputy(xuanen_office, world.deputy))
    assert {r.pk for r in rows} == {led.pk, co_signed.pk}
    assert list(selectors.suggestions_of_deputy(world.honghu_handler, world.deputy)) == []


def test_the_sweeper_re_routes_a_suggestion_stuck_in_submitted(world, xuanen_office, clock):
    import datetime as dt

    from suggestions.tasks import sweep_stuck_submissions

    clock.set(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC))
    draft = services.suggestion_create(
        actor=world.deputy_user, title="标题", content="内容", region=xuanen_office.region, lead_deputy=world.deputy
    )
    services.suggestion_submit(draft.pk, actor=world.deputy_user)  # the on-commit dispatch never happens here
    clock.set(dt.datetime(2026, 3, 3, 9, 0, 20, tzinfo=dt.UTC))
    assert sweep_stuck_submissions() == 0  # too early: the first dispatch may still be running
    clock.set(dt.datetime(2026, 3, 3, 9, 1, tzinfo=dt.UTC))  # the next beat tick, a minute on
    assert sweep_stuck_submissions() == 1
    draft.refresh_from_db()
    assert draft.status == Status.TRIAGE
    assert sweep_stuck_submissions() == 0


def test_every_beat_entry_names_a_registered_task(settings):
    from config.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
