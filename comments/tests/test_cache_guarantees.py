"""What the public comment cache guarantees when the cache itself misbehaves (issue 11, items 2 and 15).

- A comment rejected (or never approved) is not in any public list served after the
  decision committed, even if the cache could not be reached during the decision, and
  even when each gunicorn worker has a cache of its own.
- A post to an article closed meanwhile is refused, whatever the cache holds.
- Requests for slugs that do not exist leave nothing in the cache.
"""

import json
import threading
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.cache import article_version
from comments.models import Comment
from comments.tests.factories import CommentFactory
from config.tests.fake_redis import FakeRedis
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def url(article):
    return f"/api/articles/{article.slug}/comments/"


def bodies(client, article):
    response = client.get(url(article))
    assert response.status_code == 200
    return [item["body"] for item in response.json()["results"]]


def post(client, slug, n=0):
    data = {
        "author_name": "Dana Reader",
        "author_email": "dana@example.org",
        "body": f"The bridge repairs should come first ({n}).",
    }
    return client.post(f"/api/articles/{slug}/comments/", json.dumps(data), content_type="application/json")


@contextmanager
def cache_calls_lost():
    """Every call on this thread's default cache fails the way django-redis answers with Redis away:
    reads miss, writes do nothing."""
    target = caches["default"]
    with mock.patch.multiple(
        target,
        get=mock.Mock(side_effect=lambda key, default=None, **kw: default),
        get_many=mock.Mock(return_value={}),
        set=mock.Mock(return_value=None),
        add=mock.Mock(return_value=None),
        delete=mock.Mock(return_value=None),
        incr=mock.Mock(return_value=None),
    ):
        yield


@pytest.fixture
def article():
    article = ArticleFactory()
    CommentFactory(article=article, body="Stays public.", status=Comment.Status.APPROVED)
    return article


# --- a lost invalidation cannot keep a rejected comment public ------------------------------


def test_a_rejection_made_while_the_cache_was_unreachable_is_public_at_once(
    client, article, django_capture_on_commit_callbacks
):
    doomed = CommentFactory(article=article, body="Rejected later.", status=Comment.Status.APPROVED)
    assert bodies(client, article) == ["Rejected later.", "Stays public."]  # cached now
    assert bodies(client, article) == ["Rejected later.", "Stays public."]  # and served from the cache

    with cache_calls_lost(), django_capture_on_commit_callbacks(execute=True):
        comment_reject(
            comment=doomed, moderator=ModeratorFactory(), reasons=["abuse"], expected_status=Comment.Status.APPROVED
        )

    assert bodies(client, article) == ["Stays public."]


def test_an_approval_made_while_the_cache_was_unreachable_is_public_at_once(
    client, article, django_capture_on_commit_callbacks
):
    pending = CommentFactory(article=article, body="Approved in the outage.")
    assert bodies(client, article) == ["Stays public."]

    with cache_calls_lost(), django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=pending, moderator=ModeratorFactory())

    assert bodies(client, article) == ["Approved in the outage.", "Stays public."]


def test_the_version_moves_inside_the_decision_transaction(article):
    """Not after commit: a decision and its new version commit together, or neither does."""
    approved = Comment.objects.get(article=article)
    before = article_version(article.slug)
    with transaction.atomic():
        comment_reject(
            comment=approved, moderator=ModeratorFactory(), reasons=["abuse"], expected_status=Comment.Status.APPROVED
        )
        assert article_version(article.slug) == before + 1  # already, before the commit
    assert article_version(article.slug) == before + 1


def test_deleting_an_approved_comment_takes_it_off_the_list_at_once(client, article):
    extra = CommentFactory(article=article, body="Deleted by a superuser.", status=Comment.Status.APPROVED)
    assert bodies(client, article) == ["Deleted by a superuser.", "Stays public."]
    extra.delete()
    assert bodies(client, article) == ["Stays public."]


# --- several workers, each with its own in-process cache ------------------------------------


def worker(name):
    """The settings of one gunicorn worker without Redis: a LocMem cache of its own."""
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"worker-{name}",
            }
        }
    )


def test_a_decision_in_one_worker_is_public_at_once_in_another(client, article, django_capture_on_commit_callbacks):
    doomed = CommentFactory(article=article, body="Rejected in worker A.", status=Comment.Status.APPROVED)
    pending = CommentFactory(article=article, body="Approved in worker A.")
    with worker("b"):
        assert bodies(client, article) == ["Rejected in worker A.", "Stays public."]  # cached in B

    with worker("a"), django_capture_on_commit_callbacks(execute=True):
        moderator = ModeratorFactory()
        comment_reject(comment=doomed, moderator=moderator, reasons=["abuse"], expected_status=Comment.Status.APPROVED)
        comment_approve(comment=pending, moderator=moderator)

    with worker("b"):
        assert bodies(client, article) == ["Approved in worker A.", "Stays public."]


# --- unknown slugs leave no keys ----------------------------------------------------------


def cache_keys():
    if hasattr(cache, "keys"):  # django-redis: this run's prefix only
        return set(cache.keys("*"))
    return set(cache._cache)  # LocMem


def test_requests_for_unknown_slugs_leave_nothing_in_the_cache(client, settings):
    settings.COMMENT_RATE_PER_IP = ""
    settings.COMMENT_RATE_PER_EMAIL = ""
    unpublished = ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    before = cache_keys()
    for n in range(40):
        assert client.get(f"/api/articles/made-up-{n}/comments/").status_code == 404
        assert post(client, f"made-up-{n}", n).status_code == 404
    assert client.get(url(unpublished)).status_code == 404
    assert cache_keys() == before


@pytest.mark.redis
def test_with_redis_unknown_slugs_leave_no_keys(client, redis_cache, settings):
    settings.COMMENT_RATE_PER_IP = ""
    settings.COMMENT_RATE_PER_EMAIL = ""
    for n in range(40):
        assert client.get(f"/api/articles/made-up-{n}/comments/").status_code == 404
        assert post(client, f"made-up-{n}", n).status_code == 404
    assert redis_cache.keys("*") == []


# --- with a real Redis that goes away during the decision ------------------------------------


@pytest.fixture
def flaky_redis():
    """The real Redis behind a relay that can cut every connection, as the cache (no back-off:
    the next call after Redis returns goes to it, so what the cache still holds is what is read)."""
    if not django_settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL")
    parts = urlsplit(django_settings.REDIS_URL)
    relay = FakeRedis(mode="forward", forward_to=(parts.hostname, parts.port or 6379))
    location = relay.url(int(parts.path.strip("/") or 0))
    caches_setting = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-flaky-{relay.port}",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25, "IGNORE_EXCEPTIONS": True},
        }
    }
    with override_settings(CACHES=caches_setting, CACHE_FAILURE_BACKOFF_SECONDS=0):
        yield relay
        relay.set_mode("forward")
        cache.delete_pattern("*")
    relay.close()


@pytest.mark.redis
def test_with_redis_a_rejection_during_an_outage_is_public_once_redis_is_back(
    client, article, flaky_redis, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    doomed = CommentFactory(article=article, body="Rejected during the outage.", status=Comment.Status.APPROVED)
    assert bodies(client, article) == ["Rejected during the outage.", "Stays public."]
    assert cache.keys("public-comments:list:*")  # the list is in Redis

    flaky_redis.set_mode("refuse")
    with django_capture_on_commit_callbacks(execute=True):
        comment_reject(
            comment=doomed, moderator=ModeratorFactory(), reasons=["threat"], expected_status=Comment.Status.APPROVED
        )
    flaky_redis.set_mode("forward")

    assert bodies(client, article) == ["Stays public."]
    with django_assert_max_num_queries(1):  # and that list is cached again, in Redis
        assert bodies(client, article) == ["Stays public."]


@pytest.mark.redis
def test_with_redis_closing_during_an_outage_refuses_the_next_post(
    client, article, flaky_redis, django_capture_on_commit_callbacks
):
    assert post(client, article.slug, 1).status_code == 202

    flaky_redis.set_mode("refuse")
    article.comments_open = False
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    flaky_redis.set_mode("forward")

    assert post(client, article.slug, 2).status_code == 403
    assert Comment.objects.filter(article=article).count() == 2  # "Stays public." and the first post


# --- real concurrency: readers racing a rejection ---------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_read_after_a_rejection_committed_lists_the_comment():
    """Readers keep reading (and re-caching) the list while the comment is approved and rejected
    again and again; no read that began after a rejection returned may list the comment."""
    from django.test import Client

    article = ArticleFactory()
    CommentFactory(article=article, body="Stays public.", status=Comment.Status.APPROVED)
    target = CommentFactory(article=article, body="Flip-flop.", status=Comment.Status.APPROVED)
    moderator = ModeratorFactory()
    # ("rejected", n) from the moment the n-th rejection returned (committed) until the next
    # approval starts; ("approved", n) otherwise.
    state = {"phase": ("approved", 0), "stop": False}
    reads, violations = [], []

    def read():
        reader = Client()
        try:
            while not state["stop"]:
                before = state["phase"]
                listed = "Flip-flop." in [c["body"] for c in reader.get(url(article)).json()["results"]]
                after = state["phase"]
                reads.append(before)
                if listed and before == after and before[0] == "rejected":
                    violations.append(before)
        finally:
            connection.close()

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        for n in range(1, 21):
            comment_reject(
                comment=target, moderator=moderator, reasons=["abuse"], expected_status=Comment.Status.APPROVED
            )
            state["phase"] = ("rejected", n)
            for _ in range(3):
                assert "Flip-flop." not in [c["body"] for c in Client().get(url(article)).json()["results"]]
            state["phase"] = ("approved", n)
            comment_approve(comment=target, moderator=moderator, expected_status=Comment.Status.REJECTED)
    finally:
        state["stop"] = True
        for thread in readers:
            thread.join()
        connection.close()
    assert violations == []
    assert any(phase[0] == "rejected" for phase in reads)  # the readers did race the rejections
