"""Limits hold under parallel bursts: the counters are atomic (config/ratelimit.py).

Before, every throttle read its history list, appended and wrote it back, so
40 posts sent at once from one IP got up to 14 through a limit of 5. Each test
here starts its requests together behind a barrier and counts the yeses.
The clock is pinned, so a burst never straddles two windows.
"""

import json
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.throttles import CommentEmailThrottle, CommentIPThrottle
from config import ratelimit
from config.ratelimit import AtomicRateThrottle, hit
from moderation.apis import AuthTokenThrottle

BURST = 40
NOW = 1_700_000_000.0  # 20 seconds into a one-minute window


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(AtomicRateThrottle, "timer", staticmethod(lambda: NOW))


def submission_request(*, ip="198.51.100.7", email="burst@example.org"):
    request = RequestFactory().post(
        "/articles/x/", {"author_name": "Dana", "author_email": email, "body": "Hi."}, REMOTE_ADDR=ip
    )
    request.user = AnonymousUser()
    return request


def burst(requests, throttle_class):
    """Ask `throttle_class` about every request at the same moment, one thread each; the answers."""
    barrier = threading.Barrier(len(requests))
    answers, errors = [], []

    def ask(request):
        try:
            throttle = throttle_class()
            barrier.wait()
            answers.append(throttle.allow_request(request, None))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return answers


def check_bursts(settings):
    settings.COMMENT_RATE_PER_IP = "5/minute"
    settings.COMMENT_RATE_PER_EMAIL = "5/minute"
    settings.AUTH_TOKEN_RATE = "10/minute"

    one_ip = [submission_request(email=f"r{i}@example.org") for i in range(BURST)]
    assert burst(one_ip, CommentIPThrottle).count(True) == 5

    one_email = [submission_request(ip=f"203.0.113.{i + 1}") for i in range(BURST)]
    assert burst(one_email, CommentEmailThrottle).count(True) == 5

    one_ip_passwords = [submission_request(ip="192.0.2.9") for _ in range(BURST)]
    assert burst(one_ip_passwords, AuthTokenThrottle).count(True) == 10


@pytest.mark.redis
def test_parallel_bursts_get_exactly_the_limit_through_on_redis(redis_cache, settings):
    check_bursts(settings)


def test_parallel_bursts_get_exactly_the_limit_through_in_one_process(settings):
    """The per-process memory cache (no REDIS_URL): exact across one worker's threads."""
    check_bursts(settings)


@pytest.mark.redis
def test_a_counter_is_one_integer_in_redis_holding_the_accepted_requests(redis_cache, settings):
    settings.COMMENT_RATE_PER_IP = "5/minute"
    burst([submission_request() for _ in range(12)], CommentIPThrottle)

    keys = redis_cache.keys("throttle_comment_ip_*")
    assert len(keys) == 1
    assert redis_cache.get(keys[0]) == 5  # refused requests took their count back


def at(monkeypatch, seconds_after_now):
    monkeypatch.setattr(AtomicRateThrottle, "timer", staticmethod(lambda: NOW + seconds_after_now))


def ask(throttle_class=CommentIPThrottle):
    throttle = throttle_class()
    return throttle.allow_request(submission_request(), None), throttle.wait()


def test_a_new_window_does_not_double_the_limit(settings, monkeypatch):
    """Two posts 20 s into a window; the next window starts 40 s later, but the limit is per minute."""
    settings.COMMENT_RATE_PER_IP = "2/minute"
    assert [ask()[0] for _ in range(3)] == [True, True, False]

    at(monkeypatch, 40)  # the first second of the next window
    allowed, retry_after = ask()
    assert not allowed
    assert retry_after == pytest.approx(30)  # by then half of the previous window has slid out

    at(monkeypatch, 40 + 31)
    assert [ask()[0] for _ in range(2)] == [True, False]

    at(monkeypatch, 40 + 60 + 60)  # two quiet windows later: the whole limit again
    assert [ask()[0] for _ in range(3)] == [True, True, False]


def test_retry_after_is_at_least_a_second_and_at_most_the_period(settings):
    settings.COMMENT_RATE_PER_IP = "3/minute"
    answers = [ask() for _ in range(4)]

    assert [allowed for allowed, _ in answers] == [True, True, True, False]
    assert 1 <= answers[-1][1] <= 60


def test_refused_requests_do_not_count(settings, monkeypatch):
    """A client refused 50 times is not held back any longer than one refused once (as with DRF's throttles)."""
    settings.COMMENT_RATE_PER_IP = "2/minute"
    for _ in range(52):
        ask()

    at(monkeypatch, 40 + 31)
    assert ask()[0]


# --- The cache cannot count: let the request through, never a 500 -------------------------------


class _Unreachable:
    """Stand-ins for a cache that cannot count: django-redis with the connection down, or a
    back-off wrapper whose calls are misses and no-ops."""

    def __init__(self, *, add, incr):
        self._add, self._incr = add, incr

    def add(self, *args, **kwargs):
        return self._add()

    def incr(self, *args, **kwargs):
        return self._incr()


def _raise(exc):
    def call():
        raise exc

    return call


@pytest.mark.parametrize(
    "stand_in",
    [
        _Unreachable(add=lambda: None, incr=lambda: None),  # django-redis, IGNORE_EXCEPTIONS
        _Unreachable(add=lambda: False, incr=_raise(ValueError("Key not found"))),  # a miss
        _Unreachable(add=lambda: True, incr=lambda: None),  # a no-op
        _Unreachable(add=_raise(ConnectionError("refused")), incr=lambda: 1),  # anything else
    ],
)
def test_an_uncountable_request_is_allowed(monkeypatch, stand_in):
    monkeypatch.setattr(ratelimit, "cache", stand_in)
    assert hit("throttle_x_y", 1, 60, NOW).allowed
    assert all(CommentIPThrottle().allow_request(submission_request(), None) for _ in range(5))


@pytest.mark.django_db
def test_api_posts_pass_when_redis_is_down(client, cache_down, settings):
    settings.COMMENT_RATE_PER_IP = "1/minute"
    article = ArticleFactory()
    codes = [
        client.post(
            f"/api/articles/{article.slug}/comments/",
            json.dumps({"author_name": "Dana", "author_email": f"d{n}@example.org", "body": "Fair point."}),
            content_type="application/json",
        ).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 202]


# --- End to end: parallel posts through the API -----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_api_posts_from_one_ip_store_exactly_the_limit(settings):
    """24 clients post at once from one address (each thread its own connection): 5 stored, the rest 429."""
    settings.COMMENT_RATE_PER_IP = "5/minute"
    settings.COMMENT_RATE_PER_EMAIL = ""
    article = ArticleFactory()
    url = f"/api/articles/{article.slug}/comments/"
    clients = 24
    barrier = threading.Barrier(clients)
    codes, errors = [], []

    def post(n):
        try:
            data = {"author_name": "Dana", "author_email": f"d{n}@example.org", "body": f"A fair point ({n})."}
            browser = Client(REMOTE_ADDR="198.51.100.77")
            barrier.wait()
            codes.append(browser.post(url, json.dumps(data), content_type="application/json").status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert sorted(codes) == [202] * 5 + [429] * (clients - 5)
    assert Comment.objects.filter(article=article).count() == 5
