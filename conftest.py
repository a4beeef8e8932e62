"""Project-wide pytest set-up.

With REQUIRE_POSTGRES=1 (CI's PostgreSQL run) the session fails unless the
database really is PostgreSQL and no test was skipped: a PostgreSQL test
that silently skips would otherwise pass CI without running. Likewise
REQUIRE_REDIS=1 fails the session if a test marked `redis` was skipped
(they run only when REDIS_URL names a Redis server, as CI's runs do).
"""

import os
import uuid
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

# Chromium + Playwright fixtures for the tests marked `browser`.
pytest_plugins = ["config.tests.browser"]


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/<db>")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


_skipped_redis: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and "redis" in report.keywords:
        _skipped_redis.append(report.nodeid)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: throttle counters and cached lists never leak between tests."""
    if hasattr(cache, "delete_pattern"):
        cast(Any, cache).delete_pattern(
            "*", itersize=1000
        )  # django-redis's own method  # only this run's key prefix, not the whole Redis db
    else:
        cache.clear()
    yield


def _redis_caches(location: str, prefix: str) -> dict:
    options = dict(settings.CACHES["default"].get("OPTIONS", {}))
    options.update(
        CLIENT_CLASS="django_redis.client.DefaultClient",
        SOCKET_CONNECT_TIMEOUT=0.25,
        SOCKET_TIMEOUT=0.25,
        IGNORE_EXCEPTIONS=True,
    )
    return {
        "default": {
            "BACKEND": "config.cache.RedisCache",  # as config/settings.py: django-redis with the back-off
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": options,
        }
    }


@pytest.fixture
def cache_down():
    """The production cache configuration, pointed at a port where no Redis listens."""
    with override_settings(CACHES=_redis_caches("redis://127.0.0.1:1/0", "down")):
        yield


@pytest.fixture
def redis_cache():
    """The real Redis at REDIS_URL as the default cache, under a key prefix of this test's own."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL")
    with override_settings(CACHES=_redis_caches(settings.REDIS_URL, f"test-{uuid.uuid4().hex[:12]}")):
        yield cache
        cast(Any, cache).delete_pattern("*", itersize=1000)  # django-redis's own method


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REQUIRE_REDIS") == "1" and _skipped_redis:
        print(f"\nREQUIRE_REDIS=1 but {len(_skipped_redis)} Redis test(s) were skipped")
        session.exitstatus = 1
    if os.environ.get("REQUIRE_POSTGRES") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if connection.vendor != "postgresql":
        print(f"\nREQUIRE_POSTGRES=1 but the database is {connection.vendor}")
        session.exitstatus = 1
    elif skipped:
        print(f"\nREQUIRE_POSTGRES=1 but {skipped} test(s) were skipped")
        session.exitstatus = 1
