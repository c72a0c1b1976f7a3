"""config.cache.RedisCache: Django's Redis backend with one client per pool and a one-trip counter."""

from __future__ import annotations

import os
import uuid

import pytest

from config.cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ["CELERY_BROKER_URL"], {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.clear()


def test_the_client_is_built_once(redis_cache):
    redis_cache.set("a", 1)
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache.get("a") == 1
    assert redis_cache._cache.get_client(write=False) is client


def test_a_counter_starts_expires_and_counts_as_djangos_incr(redis_cache):
    assert redis_cache.incr_with_expiry("hits", 30) == 1
    assert redis_cache.incr_with_expiry("hits", 30) == 2
    assert redis_cache.incr("hits") == 3  # the value is Django's own integer encoding
    assert redis_cache.get("hits") == 3
    ttl = redis_cache._cache.get_client().ttl(redis_cache.make_and_validate_key("hits"))
    assert 0 < ttl <= 30  # it expires: a throttle's window counter does not outlive its window for long


def test_many_counters_move_in_one_call_and_a_missing_one_starts_high(redis_cache):
    redis_cache.set("known", 41)
    redis_cache.incr_many_from(["known", "new"], 10**18)
    assert redis_cache.get_many(["known", "new"]) == {"known": 42, "new": 10**18 + 1}
