"""GET /metrics: who may scrape it, and the product's own figures in it."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from config.metrics import QUEUE_KEY
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def submit(client, article, **overrides):
    body = {
        "author_name": "Dana Reader",
        "author_email": "dana@example.org",
        "body": "The library deserves a bigger share of the budget.",
        **overrides,
    }
    return client.post(
        reverse("api:article-comments", args=[article.slug]), json.dumps(body), content_type="application/json"
    )


def test_only_loopback_or_the_token_may_scrape(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.9").status_code == 403
    assert (
        client.get("/metrics", REMOTE_ADDR="198.51.100.9", headers={"Authorization": "Bearer wrong"}).status_code == 403
    )
    assert (
        client.get("/metrics", REMOTE_ADDR="198.51.100.9", headers={"Authorization": "Bearer s3cret-token"}).status_code
        == 200
    )
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.2.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_an_empty_token_setting_accepts_no_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.9", headers={"Authorization": "Bearer "}).status_code == 403


def test_queue_figures_per_category_and_oldest_age(client):
    CommentFactory(flags="|promotion|", status=Comment.Status.PENDING)
    CommentFactory(flags="|abuse|promotion|", status=Comment.Status.PENDING)
    CommentFactory(flags="", status=Comment.Status.PENDING)
    CommentFactory(flags="|abuse|", status=Comment.Status.APPROVED)
    cache.delete(QUEUE_KEY)

    samples = scrape(client)

    assert value(samples, "newsroom_pending_comments_total") == 3
    assert value(samples, "newsroom_pending_comments", category="promotion") == 2
    assert value(samples, "newsroom_pending_comments", category="abuse") == 1
    assert value(samples, "newsroom_pending_comments", category="unflagged") == 1
    assert value(samples, "newsroom_oldest_pending_comment_age_seconds") >= 0


def test_queue_figures_are_computed_once_per_interval_for_all_scrapes(client, django_assert_max_num_queries):
    cache.delete(QUEUE_KEY)
    scrape(client)
    CommentFactory(status=Comment.Status.PENDING)
    with django_assert_max_num_queries(0):
        samples = scrape(client)  # the shared copy: no query, the new comment not counted yet
    assert value(samples, "newsroom_pending_comments_total") == 0


def test_submissions_are_counted_by_outcome_and_decisions_by_verdict(client, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    before = scrape(client)
    assert submit(client, article).status_code == 202
    assert submit(client, article, author_email="not-an-address").status_code == 400
    moderator = ModeratorFactory()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        comment = Comment.objects.get(article=article)
        assert (
            client.post(
                reverse("api:moderation-reject", args=[comment.pk]),
                {"reasons": ["promotion"]},
                content_type="application/json",
            ).status_code
            == 200
        )
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("newsroom_comment_submissions_total", outcome="accepted", channel="api") == 1
    assert grew("newsroom_comment_submissions_total", outcome="invalid", channel="api") == 1
    assert grew("newsroom_moderation_decisions_total", verdict="rejected", by="moderator") == 1
    assert grew("newsroom_guideline_check_seconds_count") == 1


def test_form_submissions_are_counted_too(client):
    article = ArticleFactory()
    before = scrape(client)
    client.post(
        article.get_absolute_url(), {"author_name": "Dana", "author_email": "dana@example.org", "body": "Fair."}
    )
    client.post(article.get_absolute_url(), {"author_name": "", "author_email": "dana@example.org", "body": "Fair."})
    after = scrape(client)
    for outcome in ("accepted", "invalid"):
        key = ("newsroom_comment_submissions_total", (("channel", "form"), ("outcome", outcome)))
        assert after.get(key, 0) - before.get(key, 0) == 1


def test_cache_fallbacks_are_counted(client, cache_down):
    before = scrape(client)
    cache.get("anything")
    after = scrape(client)
    key = ("newsroom_fallbacks_total", (("dependency", "cache"),))
    assert after.get(key, 0) > before.get(key, 0)


def test_request_metrics_are_there(client):
    client.get("/healthz")
    samples = scrape(client)
    assert any(name.startswith("django_http_requests_total") for name, _ in samples)
