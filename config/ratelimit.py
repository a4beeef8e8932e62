"""Rate limits counted atomically in the shared cache (a sliding window counter: `add` + `incr`).

DRF's SimpleRateThrottle reads a list of timestamps, appends one and writes it
back: requests that arrive together all read the same list, so a burst of 40
parallel posts got 14 through a limit of 5. Here every request increments one
counter per key and fixed window with the cache's atomic `incr` (Redis
`INCRBY`) and is let through when that number, plus the previous window's count
weighted by how much of it still lies within the last `period` seconds, is within
the limit; a refused request takes its increment back. Of any number of
simultaneous requests exactly `limit` are told yes, and a burst straddling two
windows gets no more than a burst inside one (the previous window still counts
almost fully just after the turn).

Callers that want only some requests to count (comment submissions count only the
ones that are stored, not those refused as invalid) look first with `peek()` (reads,
counts nothing), count with `hit()` once the request is accepted, and `refund()` the
count if it is not carried out after all; `hit()` alone decides under concurrency.

The counters are exact when the cache is shared by every process (Redis,
`REDIS_URL`); the per-process memory cache counts per worker.

When the cache cannot count (Redis unreachable: the call is a miss or a no-op)
the request is allowed: a limit must never turn an outage into refusals or 500s.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger("config.cache")


@dataclass(frozen=True)
class Hit:
    """One counted request: whether it is within the limit, and the seconds to wait when it is not."""

    allowed: bool
    count: int | None  # this request's number in its window; None when nothing could be counted
    wait: float = 0.0
    counter: str | None = None  # the window counter that holds this request's count, to refund it


UNCOUNTED = Hit(allowed=True, count=None)


def hit(key: str, limit: int, period: int, now: float) -> Hit:
    """Count one request for `key` against `limit` requests per `period` seconds.

    `add` creates the window's counter (a no-op when it exists) and `incr` counts:
    both are single atomic cache operations, so parallel requests each get a
    distinct number. A cache that cannot answer lets the request through.
    """
    window = math.floor(now / period)
    elapsed = now - window * period
    counter = f"{key}_w{window}"
    try:
        # Lives through the next window too, where it is the previous window's count.
        if cache.add(counter, 0, timeout=2 * period + 2) is None:
            return UNCOUNTED  # django-redis with the connection down
        count = cache.incr(counter)
        previous = cache.get(f"{key}_w{window - 1}", 0)
    except ValueError:
        # The counter is gone: the cache is down (a miss) or evicted it between add and incr.
        return UNCOUNTED
    except Exception as exc:
        logger.warning("rate limit not counted for %s: %s", key, exc.__class__.__name__)
        return UNCOUNTED
    if not isinstance(count, int):
        return UNCOUNTED
    previous = previous if isinstance(previous, int) else 0
    if previous * (1 - elapsed / period) + count <= limit:
        return Hit(allowed=True, count=count, counter=counter)
    try:
        cache.decr(counter)  # refused requests do not count (as with DRF's throttles)
    except Exception:
        pass
    return Hit(allowed=False, count=count, wait=_wait(limit, period, elapsed, previous, count - 1))


def peek(key: str, limit: int, period: int, now: float) -> Hit:
    """Whether one more request for `key` would be within the limit now, counting nothing.

    A look before the real count (`hit()`), so a request that turns out invalid costs no
    count: a client refused here is refused, one let through must still pass `hit()`, which
    alone decides under concurrency. A cache that cannot answer lets the request through.
    """
    window = math.floor(now / period)
    elapsed = now - window * period
    current, before = f"{key}_w{window}", f"{key}_w{window - 1}"
    try:
        values = cache.get_many([current, before])
    except Exception:
        return UNCOUNTED
    count, previous = values.get(current, 0), values.get(before, 0)
    count = count if isinstance(count, int) else 0
    previous = previous if isinstance(previous, int) else 0
    if previous * (1 - elapsed / period) + count + 1 <= limit:
        return Hit(allowed=True, count=None)
    return Hit(allowed=False, count=count, wait=_wait(limit, period, elapsed, previous, count))


def refund(counter: str) -> None:
    """Take back one request that `hit()` counted (and allowed) under `counter`."""
    try:
        cache.decr(counter)
    except Exception:
        pass


def _wait(limit: int, period: int, elapsed: float, previous: int, current: int) -> float:
    """Seconds until one more request fits, at most `period` (Retry-After is a hint; at least 1)."""
    if current + 1 <= limit and previous:
        # This window has room; wait until enough of the previous one has slid out.
        wait = period * (1 - (limit - current - 1) / previous) - elapsed
    else:
        # This window is full: into the next, where this window's count is the previous one.
        wait = period - elapsed + period * max(0.0, 1 - (limit - 1) / max(current, 1))
    return min(max(wait, 1.0), float(period))


class AtomicRateThrottle(SimpleRateThrottle):
    """SimpleRateThrottle's rates, scopes, cache keys and 429s, counted with `hit()`.

    Subclasses give `scope`, `get_rate()` and `get_cache_key()` as for
    SimpleRateThrottle. `wait()` is the seconds until one more request fits
    (the `Retry-After` of the 429, at most the period).
    """

    # Set by SimpleRateThrottle.__init__ from the rate (the stubs do not declare them).
    num_requests: int
    duration: int

    _retry_after: float | None = None
    _counted: str | None = None  # the counter holding this throttle's allowed count, for refund()

    def allow_request(self, request, view) -> bool:
        """Count the request (atomically) and say whether it is within the limit."""
        result = self._ask(request, view, hit)
        self._counted = result.counter if result is not None and result.allowed else None
        return result is None or result.allowed

    def has_room(self, request, view) -> bool:
        """Whether one more request would be within the limit now, counting nothing (`peek()`)."""
        result = self._ask(request, view, peek)
        return result is None or result.allowed

    def _ask(self, request, view, counter):
        """`counter` (hit or peek) on this request's key; None when this throttle does not apply."""
        if self.rate is None:
            return None
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return None
        self.now = self.timer()
        result = counter(self.key, self.num_requests, self.duration, self.now)
        self._retry_after = result.wait
        return result

    def refund(self) -> None:
        """Take back the count of the request `allow_request()` last let through (once)."""
        if self._counted is not None:
            refund(self._counted)
            self._counted = None

    def wait(self) -> float | None:
        return self._retry_after
