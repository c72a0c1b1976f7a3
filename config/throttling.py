"""API throttles: DRF's rates and scopes, counted in the cache with one increment per request.

DRF's own ``SimpleRateThrottle`` keeps, per caller, the list of every request's time within the
rate's period, reads the whole list from the cache and writes it back on every request. A caller
allowed 3,000 requests a minute carries a list of up to 3,000 floats through Redis twice per
request, and a list that grows with the rate is what a busy office (or a load test) pays for.

These classes keep DRF's rate strings, scopes, cache keys, ``Retry-After`` and 429 answers, and
count in fixed windows instead: one counter per caller and period, incremented atomically in the
cache (Redis ``INCR``), expiring with its window. Like every fixed-window limiter (django-ratelimit
counts the same way), a caller may send up to twice the rate across a window's edge; for a limit
that exists to stop runaway scripts, that is the accepted price of a constant cost.

When the shared cache does not answer (Redis away), the count moves to a counter in this process
with a logged warning: the API keeps answering, each process still stops a runaway caller.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.locmem import LocMemCache
from rest_framework import throttling

logger = logging.getLogger(__name__)

# Counts while the shared cache is away: per process, as Django's own memory cache keeps them.
_local_counts = LocMemCache("throttle-fallback", {"MAX_ENTRIES": 10_000})


class WindowCountMixin:
    """``allow_request``/``wait`` of a fixed-window counter for a ``SimpleRateThrottle`` subclass."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        self.key = f"{key}:{window}"
        count = self._count()
        if count > self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def _count(self) -> int:
        # The window's counter outlives it by a second, so a late increment never finds it gone.
        timeout = self.duration + 1
        try:
            counter = getattr(self.cache, "incr_with_expiry", None)  # a backend with a one-round-trip counter, if any
            if counter is not None:
                return counter(self.key, timeout)
            return self._count_in(self.cache, timeout)
        except Exception as exc:  # noqa: BLE001 - a cache outage must not turn every API request into a 500
            logger.warning("throttle counted in this process: the cache is unavailable (%s)", exc.__class__.__name__)
            return self._count_in(_local_counts, timeout)

    def _count_in(self, cache, timeout: int) -> int:
        try:
            return cache.incr(self.key)
        except ValueError:  # the window's first request (or its counter was evicted)
            if cache.add(self.key, 1, timeout):
                return 1
            return cache.incr(self.key)  # another process added it first

    def throttle_success(self):
        return True

    def wait(self):
        return max(self.window_ends - self.now, 0)


class AnonRateThrottle(WindowCountMixin, throttling.AnonRateThrottle):
    """Anonymous callers per address (scope ``anon``)."""


class UserRateThrottle(WindowCountMixin, throttling.UserRateThrottle):
    """Signed-in callers per user, anonymous ones per address (scope ``user``)."""
