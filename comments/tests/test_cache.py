"""The public comment list is cached under the article's database-kept version; a decision is public at once."""

import json
import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
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


def test_second_read_comes_from_the_cache(client, article):
    first = client.get(url(article)).json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url(article)).json()
    assert second == first
    # A hit runs one statement: the published article and its public comments version, no comment rows.
    assert len(queries.captured_queries) == 1
    assert "comments_comment" not in queries.captured_queries[0]["sql"]


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
    caplog.set_level(logging.WARNING, logger="config.cache")  # the outage is logged once, as a warning
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
    assert redis_cache.keys(f"public-comments:list:{article.pk}:{version}:*")  # the list really is in Redis
    with django_assert_max_num_queries(1):  # the version lookup; the list comes from Redis
        assert bodies(client, article) == ["First approved."]

    pending = CommentFactory(article=article, body="Approved with Redis.")
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=pending, moderator=ModeratorFactory())

    assert article_version(article.slug) != version
    assert bodies(client, article) == ["Approved with Redis.", "First approved."]


# --- the article a submission reads: a copy in the shared cache, retired by the version ----


def post(client, slug, n=0):
    data = {
        "author_name": "Dana Reader",
        "author_email": "dana@example.org",
        "body": f"The library deserves a bigger share of the budget ({n}).",
    }
    return client.post(f"/api/articles/{slug}/comments/", json.dumps(data), content_type="application/json")


def article_queries(queries):
    return [q["sql"] for q in queries.captured_queries if "articles_article" in q["sql"]]


def test_closing_comments_takes_effect_on_the_next_post(client, article, django_capture_on_commit_callbacks):
    assert post(client, article.slug, 1).status_code == 202
    article.comments_open = False
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert post(client, article.slug, 2).status_code == 403

    article.comments_open = True
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert post(client, article.slug, 3).status_code == 202


def test_every_post_reads_the_article_from_the_database(client, article, django_assert_max_num_queries):
    """No cached copy of the article: a change made anywhere (another process, a lost invalidation) counts at once."""
    assert post(client, article.slug, 1).status_code == 202
    Article.objects.filter(pk=article.pk).update(comments_open=False)  # no signal, no cache involved
    assert post(client, article.slug, 2).status_code == 403


@pytest.mark.redis
def test_with_redis_every_post_still_reads_the_article(client, article, redis_cache):
    assert post(client, article.slug, 1).status_code == 202
    with CaptureQueriesContext(connection) as queries:
        assert post(client, article.slug, 2).status_code == 202
    assert len(article_queries(queries)) == 1
    assert not redis_cache.keys("article-copy:*")
    Article.objects.filter(pk=article.pk).update(comments_open=False)
    assert post(client, article.slug, 3).status_code == 403


@pytest.mark.redis
def test_with_redis_closing_or_unpublishing_takes_effect_on_the_next_post(
    client, article, redis_cache, django_capture_on_commit_callbacks
):
    assert post(client, article.slug, 1).status_code == 202
    article.comments_open = False
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert post(client, article.slug, 2).status_code == 403

    article.comments_open = True
    article.published_at = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert post(client, article.slug, 3).status_code == 404


@pytest.mark.redis
def test_with_redis_a_close_date_passing_needs_no_invalidation(client, redis_cache):
    closes = timezone.now() + timedelta(minutes=5)
    article = ArticleFactory(comments_close_at=closes)
    assert post(client, article.slug, 1).status_code == 202  # the copy is now cached
    later = closes + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert post(client, article.slug, 2).status_code == 403


@pytest.mark.redis
def test_with_redis_a_renamed_article_takes_no_posts_under_its_old_slug(
    client, article, redis_cache, django_capture_on_commit_callbacks
):
    old_slug = article.slug
    assert post(client, old_slug, 1).status_code == 202
    article.slug = "renamed-for-posts"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert post(client, old_slug, 2).status_code == 404
    assert post(client, "renamed-for-posts", 3).status_code == 202


def test_posts_to_unknown_or_unpublished_articles_are_404(client):
    assert post(client, "no-such-article").status_code == 404
    future = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert post(client, future.slug).status_code == 404
    assert not Comment.objects.exists()
