"""The public comment list is cached, and a decision makes the change public at once."""
import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.cache import article_version, cached_public_list
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def url(article):
    return f"/api/articles/{article.slug}/comments/"


def bodies(client, article, query=""):
    response = client.get(url(article) + query)
    assert response.status_code == 200
    return [item["body"] for item in response.json()["results"]]


@pytest.fixture
def article():
    article = ArticleFactory()
    CommentFactory(article=article, body="First approved.", status=Comment.Status.APPROVED)
    return article


def test_second_read_comes_from_the_cache(client, article, django_assert_max_num_queries):
    first = client.get(url(article)).json()
    with django_assert_max_num_queries(0):  # a hit needs no database query at all
        second = client.get(url(article)).json()
    assert second == first


def test_an_approval_is_public_at_once(client, article, django_capture_on_commit_callbacks):
    pending = CommentFactory(article=article, body="Waiting for a moderator.")
    assert bodies(client, article) == ["First approved."]  # the list is now cached

    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=pending, moderator=ModeratorFactory())

    assert bodies(client, article) == ["Waiting for a moderator.", "First approved."]


def test_rejecting_an_approved_comment_hides_it_at_once(client, article, django_capture_on_commit_callbacks):
    approved = Comment.objects.get(article=article)
    assert bodies(client, article) == ["First approved."]

    with django_capture_on_commit_callbacks(execute=True):
        comment_reject(comment=approved, moderator=ModeratorFactory(), reasons=["abuse"])

    assert bodies(client, article) == []


def test_rejecting_a_pending_comment_keeps_the_cached_list(client, article, django_capture_on_commit_callbacks):
    pending = CommentFactory(article=article, body="Never public.")
    bodies(client, article)
    before = article_version(article.slug)

    with django_capture_on_commit_callbacks(execute=True):
        comment_reject(comment=pending, moderator=ModeratorFactory(), reasons=["abuse"])

    assert article_version(article.slug) == before


def test_a_rolled_back_decision_changes_nothing_public(client, article, django_capture_on_commit_callbacks):
    pending = CommentFactory(article=article, body="Approval rolled back.")
    bodies(client, article)
    before = article_version(article.slug)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            comment_approve(comment=pending, moderator=ModeratorFactory())
            raise RuntimeError("the surrounding work failed")

    assert callbacks == []
    assert article_version(article.slug) == before
    assert bodies(client, article) == ["First approved."]


def test_each_query_is_cached_on_its_own(client, article):
    CommentFactory(article=article, body="Second approved.", status=Comment.Status.APPROVED)
    newest = bodies(client, article)
    oldest = bodies(client, article, "?order=oldest")
    assert oldest == list(reversed(newest))
    assert bodies(client, article, "?page_size=1") == newest[:1]


def test_other_articles_keep_their_cached_lists(client, article, django_capture_on_commit_callbacks):
    other = ArticleFactory()
    bodies(client, other)
    other_version = article_version(other.slug)

    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=CommentFactory(article=article), moderator=ModeratorFactory())

    assert article_version(other.slug) == other_version


def test_unpublishing_the_article_ends_its_cached_lists_at_once(client, article, django_capture_on_commit_callbacks):
    bodies(client, article)
    article.published_at = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert client.get(url(article)).status_code == 404


def test_a_renamed_article_is_not_served_under_its_old_slug(client, article, django_capture_on_commit_callbacks):
    old_url = url(article)
    assert client.get(old_url).status_code == 200
    article.slug = "renamed-article"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert client.get(old_url).status_code == 404
    assert bodies(client, article) == ["First approved."]


def test_an_unknown_article_is_never_cached(client):
    assert client.get("/api/articles/not-yet-there/comments/").status_code == 404
    ArticleFactory(slug="not-yet-there")
    assert client.get("/api/articles/not-yet-there/comments/").status_code == 200


def test_zero_seconds_turns_the_cache_off(client, article, settings, django_assert_max_num_queries):
    settings.PUBLIC_COMMENTS_CACHE_SECONDS = 0
    calls = []
    for _ in range(2):
        cached_public_list(slug=article.slug, variant="v", build=lambda: calls.append(1) or "built")
    assert len(calls) == 2


def test_reads_are_served_from_the_database_when_the_cache_is_down(
    client, article, cache_down, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.ERROR, logger="config.cache")
    pending = CommentFactory(article=article, body="Approved during the outage.")
    assert bodies(client, article) == ["First approved."]

    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=pending, moderator=ModeratorFactory())

    assert bodies(client, article) == ["Approved during the outage.", "First approved."]
    assert any(record.name == "config.cache" for record in caplog.records)


@pytest.mark.redis
def test_real_redis_holds_the_list_and_a_decision_replaces_it(
    client, article, redis_cache, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    assert bodies(client, article) == ["First approved."]
    version = article_version(article.slug)
    assert redis_cache.keys("public-comments:list:*")  # the list really is in Redis
    with django_assert_max_num_queries(0):
        assert bodies(client, article) == ["First approved."]

    pending = CommentFactory(article=article, body="Approved with Redis.")
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=pending, moderator=ModeratorFactory())

    assert article_version(article.slug) != version
    assert bodies(client, article) == ["Approved with Redis.", "First approved."]
