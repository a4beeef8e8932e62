"""A hung or unreachable Redis costs each process one timeout per back-off interval, and one log line.

The cache is the production configuration (config/settings.py with REDIS_URL
set) pointed at a local stand-in server (config/tests/fake_redis.py) that hangs,
refuses or answers. What is asserted is how many calls reached the network and
how many records were logged, never how long anything took.
"""

import json
import logging
import os
import runpy
import threading
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from config.tests.fake_redis import FakeRedis

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "settings.py"


def production_caches(location: str, **options) -> dict:
    """CACHES exactly as config/settings.py builds it with REDIS_URL set, at `location`."""
    with mock.patch.dict(os.environ, {"REDIS_URL": location}):
        caches = runpy.run_path(str(SETTINGS_FILE))["CACHES"]
    default = caches["default"]
    assert default["LOCATION"] == location
    default["KEY_PREFIX"] = "backoff-test"
    default["OPTIONS"] = {**default["OPTIONS"], **options}
    return caches


@pytest.fixture
def hung_redis():
    server = FakeRedis(mode="hang")
    with override_settings(CACHES=production_caches(server.url()), CACHE_FAILURE_BACKOFF_SECONDS=3600):
        yield server
    server.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    fake = Clock()
    with mock.patch("config.cache._now", fake):
        yield fake


def some_calls(n: int) -> list:
    """A mix of what the app does with the cache: reads, writes, counters."""
    results = []
    for i in range(n):
        results += [
            cache.get(f"k{i}"),
            cache.get(f"k{i}", "fallback"),
            cache.get_many([f"a{i}", f"b{i}"]),
            cache.set(f"k{i}", i),
            cache.add(f"c{i}", 1),
            cache.delete(f"k{i}"),
        ]
    return results


def config_cache_records(caplog):
    return [r for r in caplog.records if r.name == "config.cache"]


def test_a_hung_redis_is_tried_once_per_process_not_once_per_call(hung_redis):
    results = some_calls(5)  # 30 cache calls

    assert hung_redis.connections == 1  # only the first call waited for Redis
    assert results == [None, "fallback", {}, None, None, None] * 5  # misses and no-ops, never an error


def test_after_the_interval_one_call_tries_again(hung_redis, clock, settings):
    settings.CACHE_FAILURE_BACKOFF_SECONDS = 5
    some_calls(2)
    assert hung_redis.connections == 1

    clock.now += 4.9
    some_calls(2)
    assert hung_redis.connections == 1  # still inside the interval

    clock.now += 0.2
    some_calls(3)
    assert hung_redis.connections == 2  # one retry, which failed: a new interval began with it

    clock.now += 4.9
    some_calls(3)
    assert hung_redis.connections == 2


def test_threads_of_one_process_share_the_backoff(hung_redis, clock, settings):
    settings.CACHE_FAILURE_BACKOFF_SECONDS = 5
    cache.get("first")
    assert hung_redis.connections == 1
    clock.now += 6  # the interval is over: exactly one of the threads may try

    barrier = threading.Barrier(8)
    results = []

    def read():
        barrier.wait()
        results.append(cache.get("shared", "miss"))  # each thread has its own cache object

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == ["miss"] * 8
    assert hung_redis.connections == 2


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(hung_redis, clock, settings, caplog):
    caplog.set_level(logging.DEBUG, logger="config.cache")
    settings.CACHE_FAILURE_BACKOFF_SECONDS = 5
    some_calls(5)
    clock.now += 6
    some_calls(5)  # a second failed attempt: the same outage, not logged again

    records = config_cache_records(caplog)
    assert [r.levelno for r in records] == [logging.WARNING]
    assert records[0].exc_info is not None  # one traceback for the whole outage
    assert "unreachable" in records[0].getMessage()

    hung_redis.set_mode("answer")
    clock.now += 6
    assert cache.set("back", "yes") is True  # this call reached Redis again
    assert cache.get("back") == "yes"
    some_calls(3)

    records = config_cache_records(caplog)
    assert [r.levelno for r in records] == [logging.WARNING, logging.INFO]
    assert "reachable again" in records[1].getMessage()
    assert "call(s) were skipped" in records[1].getMessage()


def test_a_refused_connection_is_tried_once_per_interval(settings):
    server = FakeRedis(mode="refuse")
    try:
        with override_settings(CACHES=production_caches(server.url()), CACHE_FAILURE_BACKOFF_SECONDS=3600):
            results = some_calls(5)
    finally:
        server.close()
    assert server.connections == 1
    assert results == [None, "fallback", {}, None, None, None] * 5


def test_a_closed_port_is_tried_once_per_interval():
    connect = redis.connection.Connection._connect
    with mock.patch.object(redis.connection.Connection, "_connect", autospec=True, side_effect=connect) as attempts:
        with override_settings(CACHES=production_caches("redis://127.0.0.1:1/0"), CACHE_FAILURE_BACKOFF_SECONDS=3600):
            some_calls(5)
    assert attempts.call_count == 1


def test_an_error_reply_is_not_an_outage(settings, caplog):
    """Redis answering with an error (here: out of memory for GET) costs no wait: a miss, and no back-off."""
    caplog.set_level(logging.DEBUG, logger="config.cache")
    server = FakeRedis(mode="answer")
    server.error_commands = {"GET"}
    try:
        with override_settings(CACHES=production_caches(server.url()), CACHE_FAILURE_BACKOFF_SECONDS=3600):
            assert cache.get("x", "miss") == "miss"
            assert cache.get("y", "miss") == "miss"
            assert cache.set("x", 1) is True  # not skipped: Redis answered
            assert cache.get_many(["x"]) == {"x": 1}
    finally:
        server.close()
    assert server.commands.count("GET") == 2
    records = config_cache_records(caplog)
    assert [r.levelno for r in records] == [logging.WARNING]  # logged once, without a traceback
    assert records[0].exc_info is None
    assert "OutOfMemoryError" in records[0].getMessage()


def test_without_ignore_exceptions_skipped_calls_raise_at_once(hung_redis):
    from config.cache import SkippedWhileUnreachable

    with override_settings(
        CACHES=production_caches(hung_redis.url(), IGNORE_EXCEPTIONS=False), CACHE_FAILURE_BACKOFF_SECONDS=3600
    ):
        with pytest.raises(redis.exceptions.TimeoutError):
            cache.get("x")
        with pytest.raises(SkippedWhileUnreachable):
            cache.get("x")
    assert hung_redis.connections == 1


# --- through the app: submissions and public reads while Redis hangs ------------------------


@pytest.mark.django_db
def test_requests_while_redis_hangs_cost_one_timeout_and_one_log_line(client, hung_redis, settings, caplog):
    caplog.set_level(logging.DEBUG, logger="config.cache")
    settings.COMMENT_RATE_PER_IP = "5/minute"
    settings.COMMENT_RATE_PER_EMAIL = "5/minute"
    article = ArticleFactory()
    CommentFactory(article=article, status=Comment.Status.APPROVED, body="Already public.")
    url = f"/api/articles/{article.slug}/comments/"

    reads = [client.get(url) for _ in range(3)]
    posts = [
        client.post(
            url,
            json.dumps(
                {
                    "author_name": "Dana Reader",
                    "author_email": "dana@example.org",
                    "body": f"The council should publish the minutes ({n}).",
                }
            ),
            content_type="application/json",
        )
        for n in range(3)
    ]

    assert [r.status_code for r in reads] == [200, 200, 200]
    assert all(r.json()["results"][0]["body"] == "Already public." for r in reads)
    assert [r.status_code for r in posts] == [202, 202, 202]
    assert Comment.objects.filter(article=article, status=Comment.Status.PENDING).count() == 3
    assert hung_redis.connections == 1
    assert len(config_cache_records(caplog)) == 1
