"""Old idempotency keys are forgotten: beat runs the prune daily, keeping the last IDEMPOTENCY_KEY_DAYS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import IdempotencyKey
from accounts.tasks import prune_idempotency_keys
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def key(user, name, age_days):
    row = IdempotencyKey.objects.create(user=user, key=name, fingerprint="x", status_code=201)
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=age_days))


def test_keys_older_than_the_setting_are_deleted_and_recent_ones_kept(settings):
    settings.IDEMPOTENCY_KEY_DAYS = 30
    user = UserFactory()
    key(user, "old", 31)
    key(user, "very-old", 400)
    key(user, "recent", 29)
    key(user, "today", 0)
    assert prune_idempotency_keys() == 2
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent", "today"]
    assert prune_idempotency_keys() == 0


def test_the_setting_decides_the_age(settings):
    settings.IDEMPOTENCY_KEY_DAYS = 7
    user = UserFactory()
    key(user, "a-week-and-a-day", 8)
    key(user, "six-days", 6)
    prune_idempotency_keys()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["six-days"]


def test_beat_runs_it_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-prune-idempotency-keys"]
    assert entry["task"] == "accounts.tasks.prune_idempotency_keys"
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
