"""The Redis cache backend: django-redis, plus a per-process back-off while Redis is unreachable.

django-redis with IGNORE_EXCEPTIONS already turns a connection error into a
miss (a read returns the default, a write does nothing), but each call still
waits for its own socket timeout and logs its own traceback: with Redis hung,
a request making four cache calls waited four timeouts and logged four
tracebacks. This backend keeps that behaviour for the first failure and then
skips Redis, in this process, for `CACHE_FAILURE_BACKOFF_SECONDS`: every cache
call in that interval is answered at once as a miss (a no-op for writes)
without touching the network. When the interval is over, one call (one
thread) tries Redis again while the others keep skipping; if it answers, the
outage is over, otherwise a new interval starts. So a hung Redis costs each
process at most one timeout per interval, not one per call.

It logs once per outage, on the `config.cache` logger: a warning when the
first call fails (with that one traceback) and an info line when Redis
answers again (how long it was away, how many calls were skipped).

Only connection errors and timeouts start a back-off. An error Redis itself
answers with (out of memory, read-only replica) costs no wait: the call is
treated as a miss and logged as a one-line warning at most once per interval.

Throttle counters, the public comment lists and the version tokens of the
checks all go through this backend, so they all get the back-off.
"""

from __future__ import annotations

import functools
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django_redis.cache import CONNECTION_INTERRUPTED
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.metrics import FALLBACKS

logger = logging.getLogger("config.cache")

DEFAULT_BACKOFF_SECONDS = 5.0
# What an outage looks like from here: the connection failed or an answer did not come in time.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)
# What django-redis' omit_exception answers for a failed call, where it is not None.
_MISSES: dict[str, Any] = {"_get": CONNECTION_INTERRUPTED, "get_many": {}}
# Decorated in django-redis but never a round trip to Redis: no evidence of an outage or a recovery.
_LOCAL = frozenset({"close", "lock"})


def _now() -> float:
    return time.monotonic()


class _Outage:
    """One Redis server as this process sees it: reachable, or skipped until `retry_at`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.since = 0.0
        self.retry_at = 0.0
        self.skipped = 0
        self.reply_error_logged_at: float | None = None

    def should_skip(self, backoff: float) -> bool:
        """True while in the back-off; past it, the first caller is let through to try, the rest skip."""
        if not self.down:  # the common case, read without the lock
            return False
        with self.lock:
            if not self.down:
                return False
            now = _now()
            if now < self.retry_at:
                self.skipped += 1
                return True
            self.retry_at = now + backoff  # this caller probes; the others keep skipping meanwhile
            return False

    def failed(self, exc: BaseException, backoff: float) -> None:
        with self.lock:
            now = _now()
            self.retry_at = now + backoff
            if self.down:
                return  # still the same outage: logged when it began
            self.down, self.since, self.skipped = True, now, 0
        logger.warning(
            "cache unreachable (%s): calls are treated as misses, and Redis is skipped for %s s at a time "
            "until it answers again",
            _describe(exc),
            _seconds(backoff),
            exc_info=exc,
        )

    def answered(self) -> None:
        if not self.down:
            return
        with self.lock:
            if not self.down:
                return
            self.down = False
            away, skipped = _now() - self.since, self.skipped
        logger.info("cache reachable again after %.1f s; %d cache call(s) were skipped meanwhile", away, skipped)

    def reply_error(self, exc: BaseException, backoff: float) -> None:
        now = _now()
        with self.lock:
            last = self.reply_error_logged_at
            if last is not None and now - last < max(backoff, 1.0):
                return
            self.reply_error_logged_at = now
        logger.warning("cache call failed, treated as a miss: %s", _describe(exc))


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(server: Any) -> _Outage:
    key = repr(server)
    found = _outages.get(key)
    if found is None:
        with _outages_lock:
            found = _outages.setdefault(key, _Outage())
    return found


def reset_outages() -> None:
    """Forget every server's state (a new cache configuration starts from "reachable")."""
    with _outages_lock:
        _outages.clear()


@receiver(setting_changed, dispatch_uid="config.cache.reset_outages")
def _reset_on_cache_settings_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"CACHES", "CACHE_FAILURE_BACKOFF_SECONDS"}:
        reset_outages()


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__ if isinstance(exc, ConnectionInterrupted) and exc.__cause__ else exc
    return f"{type(cause).__name__}: {cause}"


def _seconds(value: float) -> str:
    return f"{value:g}"


class SkippedWhileUnreachable(RedisConnectionError):
    """Raised instead of a miss (IGNORE_EXCEPTIONS off) for a call skipped during the back-off."""


class RedisCache(DjangoRedisCache):
    """django-redis' RedisCache whose calls skip Redis for a while after it failed (see the module)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._outage = _outage_for(server)

    @property
    def backoff_seconds(self) -> float:
        return float(getattr(settings, "CACHE_FAILURE_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS))

    def _guarded(self, call: Callable[..., Any], miss: Any, args: tuple, kwargs: dict) -> Any:
        backoff = self.backoff_seconds
        outage = self._outage
        if outage.should_skip(backoff):
            FALLBACKS.labels("cache").inc()
            if self._ignore_exceptions:
                return miss
            raise SkippedWhileUnreachable("Redis is skipped after a failure (CACHE_FAILURE_BACKOFF_SECONDS)")
        try:
            result = call(self, *args, **kwargs)
        except ConnectionInterrupted as exc:
            FALLBACKS.labels("cache").inc()
            if isinstance(exc.__cause__, UNREACHABLE):
                outage.failed(exc, backoff)
            else:
                outage.reply_error(exc, backoff)
            if self._ignore_exceptions:
                return miss
            raise (exc.__cause__ or exc)  # as django-redis does without IGNORE_EXCEPTIONS
        outage.answered()
        return result


def _guard(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """`call` (a django-redis method without its omit_exception) through the back-off."""
    miss = _MISSES.get(name)

    @functools.wraps(call)
    def method(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._guarded(call, miss, args, kwargs)

    return method


# Every call django-redis wraps in omit_exception (get, get_many, set, add, incr, delete, ...)
# goes through the back-off instead.
for _name, _method in list(vars(DjangoRedisCache).items()):
    if _name not in _LOCAL and callable(_method) and hasattr(_method, "__wrapped__"):
        setattr(RedisCache, _name, _guard(_name, _method.__wrapped__))  # without omit_exception
del _name, _method
