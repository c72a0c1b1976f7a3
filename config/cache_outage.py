"""The shared Redis cache, degrading instead of failing while Redis is away.

Everything the cache holds can be computed again (kept pages, counts, dashboards, token checks) or
is a limit that may fail open for a while (throttles, the QR form's counters and replay marks). So
when Redis does not answer, a read is a miss, a write is skipped and a counter's ``incr`` says the key
is missing (``ValueError``, which every caller already treats as "start again"), with one warning in
the log. A refused connection is not retried by every call of every request: after one failure the
process leaves Redis alone for ``CACHE_OUTAGE_RETRY_SECONDS`` and then tries again.

The API throttles count in this process meanwhile (config/throttling.py). ``/healthz`` asks the
broker, not this cache, and still answers 503 while Redis is away.
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrading(fallback):
    """Run the cache call; while Redis is away return ``fallback(*args, **kwargs)`` instead."""

    def wrap(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            if self._down_until > time.monotonic():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except OUTAGE as exc:
                self._went_down(method.__name__, exc)
                return fallback(*args, **kwargs)
            if self._down_until:
                self._down_until = 0.0
                logger.warning("cache available again")
            return result

        return guarded

    return wrap


def _missing_key(*_args, **_kwargs):
    raise ValueError("the cache is unavailable: treated as a missing key")


def _default(key, default=None, *_args, **_kwargs):
    return default


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    def _went_down(self, operation: str, exc: Exception) -> None:
        if not self._down_until:
            logger.warning("cache unavailable (%s: %s): computing instead of caching, limits fail open", operation, exc.__class__.__name__)
        self._down_until = time.monotonic() + settings.CACHE_OUTAGE_RETRY_SECONDS

    get = _degrading(_default)(RedisCache.get)
    get_many = _degrading(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _degrading(lambda *a, **k: False)(RedisCache.has_key)
    set = _degrading(lambda *a, **k: None)(RedisCache.set)
    set_many = _degrading(lambda *a, **k: [])(RedisCache.set_many)
    # ``add`` answers "added" while Redis is away: a replay mark or a first counter fails open.
    add = _degrading(lambda *a, **k: True)(RedisCache.add)
    touch = _degrading(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrading(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _degrading(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _degrading(lambda *a, **k: False)(RedisCache.clear)
    incr = _degrading(_missing_key)(RedisCache.incr)
    decr = _degrading(_missing_key)(RedisCache.decr)

    @_degrading(_missing_key)
    def incr_with_expiry(self, key, timeout: int) -> int:
        """Add one to the counter ``key``, created at 0 to expire in ``timeout`` seconds when missing: one
        round trip (``SET … NX EX`` and ``INCR`` pipelined), where ``add`` and Django's ``incr`` (which
        asks ``EXISTS`` first) take two or three. The API throttles count every request with it
        (config/throttling.py). The value is stored as ``add``/``incr`` store an integer."""
        key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]
