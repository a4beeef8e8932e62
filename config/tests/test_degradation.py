"""Degrade, don't drop: Redis, the task broker or the database going away loses no comment.

Redis down: submissions are accepted and stored, the cache and the throttles
fall back (throttles let posts through: nothing can be counted) and the event
is logged. Broker down: queued work runs inline. Database down: a clear 503,
and a transaction cut short leaves no half-written comment or decision.
"""

import json
import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from kombu import pools as kombu_pools

from articles.tests.factories import ArticleFactory
from comments.cache import article_version
from comments.models import Comment
from comments.tests.factories import CommentFactory
from config.celery import app as celery_app
from config.tests.workers import running_worker
from moderation import screening
from moderation.models import GuidelineTerm, ModerationDecision
from moderation.services import comment_approve
from moderation.tasks import enqueue_recheck
from moderation.tests.factories import ModeratorFactory

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def submission(n=0):
    return {
        "author_name": "Dana Reader",
        "author_email": "dana@example.org",
        "body": f"The library deserves a bigger share of the budget ({n}).",
    }


def post_api(client, article, data):
    return client.post(f"/api/articles/{article.slug}/comments/", json.dumps(data), content_type="application/json")


# --- Redis down ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_submissions_are_stored_when_redis_is_down(client, cache_down, settings, caplog):
    caplog.set_level(logging.WARNING, logger="config.cache")  # an outage is logged once, as a warning
    settings.COMMENT_RATE_PER_IP = "1/minute"  # cannot be counted while Redis is away
    article = ArticleFactory()

    responses = [post_api(client, article, submission(n)) for n in range(3)]

    assert [r.status_code for r in responses] == [202, 202, 202]
    stored = Comment.objects.filter(article=article)
    assert sorted(stored.values_list("pk", flat=True)) == sorted(r.json()["id"] for r in responses)
    assert any(r.name == "config.cache" and r.exc_info for r in caplog.records)


@pytest.mark.django_db
def test_form_submissions_are_stored_when_redis_is_down(client, cache_down, caplog):
    caplog.set_level(logging.WARNING, logger="config.cache")  # an outage is logged once, as a warning
    article = ArticleFactory()

    response = client.post(f"/articles/{article.slug}/", submission())

    assert response.status_code == 302
    assert Comment.objects.filter(article=article).count() == 1
    assert any(r.name == "config.cache" for r in caplog.records)


@pytest.mark.django_db
def test_throttling_counts_again_once_redis_is_back(client, settings):
    """The control for the test above: with a working cache the same limit refuses the second post."""
    settings.COMMENT_RATE_PER_IP = "1/minute"
    article = ArticleFactory()
    codes = [post_api(client, article, submission(n)).status_code for n in range(2)]
    assert codes == [202, 429]


@pytest.mark.redis
@pytest.mark.django_db
def test_throttle_counters_live_in_real_redis(client, redis_cache, settings):
    settings.COMMENT_RATE_PER_IP = "2/minute"
    article = ArticleFactory()
    codes = [post_api(client, article, submission(n)).status_code for n in range(3)]
    assert codes == [202, 202, 429]
    assert redis_cache.keys("throttle_comment_ip_*")


# --- Celery broker ------------------------------------------------------------------------


@contextmanager
def celery_broker(url):
    """Point the Celery app at a real broker URL (tasks are queued, not run eagerly)."""

    def reset_pools():
        kombu_pools.reset()  # closes and forgets every pooled broker connection
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    saved = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    reset_pools()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        reset_pools()


def pending_comments_with_new_term(count):
    comments = [CommentFactory(body=f"Buy glimmerstone now, lot {n}", flags="") for n in range(count)]
    GuidelineTerm.objects.create(category="promotion", term="glimmerstone", kind="suspect")
    return comments


@pytest.mark.django_db
def test_recheck_runs_inline_when_the_broker_is_down(caplog):
    comments = pending_comments_with_new_term(5)
    caplog.set_level(logging.WARNING, logger="moderation.tasks")

    with celery_broker(CLOSED_PORT_REDIS):
        handed = enqueue_recheck(status="pending", batch_size=2)

    assert (handed.comments, handed.queued, handed.inline) == (5, 0, 3)
    assert all("promotion" in c.flag_list for c in Comment.objects.filter(pk__in=[c.pk for c in comments]))
    assert any("broker unavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_recheck_command_enqueue_without_a_broker_runs_here(capsys):
    comments = pending_comments_with_new_term(3)

    call_command("recheck_comments", "--enqueue", "--batch-size", "2")

    assert "0 batch(es) queued for workers, 2 batch(es) rechecked here" in capsys.readouterr().out
    assert all("promotion" in c.flag_list for c in Comment.objects.filter(pk__in=[c.pk for c in comments]))


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_recheck_batches_go_through_the_real_broker_to_a_worker():
    comments = pending_comments_with_new_term(7)
    ids = [c.pk for c in comments]
    with celery_broker(settings.REDIS_URL):
        handed = enqueue_recheck(status="pending", batch_size=3)
        assert (handed.queued, handed.inline) == (3, 0)
        assert not Comment.objects.filter(pk__in=ids, flags__contains="promotion").exists()  # queued, not run
        with running_worker() as finished:
            assert finished.wait_for(3, name="moderation.recheck_batch", timeout=30)
    assert Comment.objects.filter(pk__in=ids, flags__contains="promotion").count() == len(ids)


# --- Database unavailable -----------------------------------------------------------------

_REQUEST_SCRIPT = """
import json
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client(raise_request_exception=False)
out = []
r = client.post("/api/articles/any-article/comments/", json.dumps({"author_name": "A", "author_email": "a@example.org", "body": "Hi"}), content_type="application/json")
out.append([r.status_code, r["Content-Type"], r.get("Retry-After"), r.content.decode()])
r = client.get("/articles/any-article/")
out.append([r.status_code, r["Content-Type"], r.get("Retry-After"), r.content.decode()])
print("RESULT" + json.dumps(out))
"""


def test_unreachable_database_answers_503_json_for_the_api_and_a_page_otherwise():
    """A real process whose database server does not answer (nothing listens on port 1)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/unreachable",
        DATABASE_CONNECT_TIMEOUT="2",
        STATIC_MANIFEST="false",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _REQUEST_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "RESULT" in result.stdout, result.stderr
    (api_status, api_type, api_retry, api_body), (page_status, page_type, page_retry, page_body) = json.loads(
        result.stdout.split("RESULT", 1)[1]
    )
    assert (api_status, api_type, api_retry) == (503, "application/json", "30")
    assert json.loads(api_body)["code"] == "database_unavailable"
    assert (page_status, page_retry) == (503, "30")
    assert page_type.startswith("text/html") and "Temporarily unavailable" in page_body
    assert "database unavailable" in result.stderr  # and it is logged


@pytest.mark.django_db
def test_database_failing_mid_submission_leaves_no_comment(client):
    article = ArticleFactory()
    with mock.patch.object(screening, "apply_screening", side_effect=OperationalError("server closed the connection")):
        response = post_api(client, article, submission())

    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert not Comment.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_database_failing_mid_decision_leaves_no_decision(django_capture_on_commit_callbacks):
    comment = CommentFactory(status=Comment.Status.PENDING)
    version = article_version(comment.article.slug)

    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch.object(ModerationDecision.objects, "create", side_effect=OperationalError("connection lost")),
        pytest.raises(OperationalError),
    ):
        comment_approve(comment=comment, moderator=ModeratorFactory())

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert not ModerationDecision.objects.filter(comment=comment).exists()
    assert article_version(comment.article.slug) == version  # nothing public changed
