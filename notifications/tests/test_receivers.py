"""Events become deliveries after the commit, on the request, and the request never waits for or
fails because of a webhook: not with an endpoint that hangs, not with the broker down."""

import json
import logging
import time

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import comment_submit
from comments.tests.factories import CommentFactory
from community.reports import report_submit, reports_dismiss, reports_uphold
from config.tests.test_degradation import CLOSED_PORT_REDIS, celery_broker
from moderation.models import GuidelineTerm
from moderation.tests.factories import ModeratorFactory
from notifications import tasks, webhooks
from notifications.models import WebhookDelivery
from notifications.tests.factories import make_endpoint

# A request that records deliveries is a few database writes; an HTTP call to the hanging endpoint
# would take its full 10 s.
FAST = 1.5


def post_comment(client, article, n=0):
    return client.post(
        f"/api/articles/{article.slug}/comments/",
        json.dumps(
            {
                "author_name": "Dana Reader",
                "author_email": "dana@example.org",
                "body": f"The library deserves a bigger share of the budget ({n}).",
            }
        ),
        content_type="application/json",
    )


def moderator_api(moderator):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    return api


@pytest.fixture
def hanging(receiver):
    """An endpoint for every event whose receiver holds each request for 10 s."""
    endpoint = make_endpoint(receiver.url)
    receiver.secret, receiver.hang_seconds = endpoint.secret, 10
    return receiver


@pytest.fixture(autouse=True)
def _broker_not_paused():
    tasks._broker_paused_until = 0.0
    yield
    tasks._broker_paused_until = 0.0


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


# --- Requests stay fast and succeed ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_api_submit_and_decisions_are_fast_while_the_endpoint_hangs(client, hanging):
    article = ArticleFactory()
    moderator = ModeratorFactory()
    api = moderator_api(moderator)

    submitted, submit_time = timed(lambda: post_comment(client, article, 1))
    comment = Comment.objects.get()
    approved, approve_time = timed(
        lambda: api.post(f"/api/moderation/comments/{comment.pk}/approve/", {}, format="json")
    )
    other = CommentFactory(article=article)
    rejected, reject_time = timed(
        lambda: api.post(f"/api/moderation/comments/{other.pk}/reject/", {"reasons": ["abuse"]}, format="json")
    )

    assert (submitted.status_code, approved.status_code, rejected.status_code) == (202, 200, 200)
    assert max(submit_time, approve_time, reject_time) < FAST
    assert sorted(WebhookDelivery.objects.values_list("event_type", "attempts", "status")) == [
        ("comment.decided", 0, "pending"),
        ("comment.decided", 0, "pending"),
        ("comment.submitted", 0, "pending"),
    ]
    assert hanging.received == []


@pytest.mark.django_db(transaction=True)
def test_an_admin_decision_is_fast_while_the_endpoint_hangs(client, hanging):
    comment = CommentFactory()
    client.force_login(ModeratorFactory())

    response, took = timed(
        lambda: client.post(
            reverse("admin:moderation_reviewqueueitem_decide", args=[comment.pk]),
            {"decision": "approve", "expected_status": "pending"},
        )
    )

    assert response.status_code == 302 and took < FAST
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert list(WebhookDelivery.objects.values_list("event_type", "attempts")) == [("comment.decided", 0)]
    assert hanging.received == []


@pytest.mark.django_db(transaction=True)
def test_requests_succeed_quickly_with_the_broker_down(client, receiver, caplog):
    make_endpoint(receiver.url)
    article = ArticleFactory()
    api = moderator_api(ModeratorFactory())
    caplog.set_level(logging.WARNING, logger="notifications.tasks")

    with celery_broker(CLOSED_PORT_REDIS):
        submitted, submit_time = timed(lambda: post_comment(client, article))
        comment = Comment.objects.get()
        decided, decide_time = timed(
            lambda: api.post(f"/api/moderation/comments/{comment.pk}/approve/", {}, format="json")
        )

    assert (submitted.status_code, decided.status_code) == (202, 200)
    assert submit_time < FAST and decide_time < FAST
    assert WebhookDelivery.objects.filter(status="pending", attempts=0).count() == 2
    assert any("left pending" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_recording_deliveries_is_logged_not_raised(client, receiver, monkeypatch, caplog):
    make_endpoint(receiver.url)

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(webhooks, "webhook_comment_submitted", broken)
    caplog.set_level(logging.ERROR, logger="notifications.receivers")

    response = post_comment(client, ArticleFactory())

    assert response.status_code == 202 and Comment.objects.count() == 1
    assert any("were not recorded" in r.getMessage() for r in caplog.records)


# --- Which events become which deliveries -------------------------------------------------------


@pytest.mark.django_db
def test_only_active_endpoints_subscribed_to_the_event_get_a_delivery(receiver, django_capture_on_commit_callbacks):
    submitted_only = make_endpoint(receiver.url, events=["comment.submitted"])
    make_endpoint(receiver.url, events=["comment.decided"])
    make_endpoint(receiver.url, events=["comment.submitted"], active=False)

    with django_capture_on_commit_callbacks(execute=True):
        comment_submit(
            article=ArticleFactory(),
            author_name="Dana",
            author_email="dana@example.org",
            body="A calm and reasonable comment.",
            ip_address=None,
        )

    assert list(WebhookDelivery.objects.values_list("endpoint", "event_type")) == [
        (submitted_only.pk, "comment.submitted")
    ]


@pytest.mark.django_db
def test_nothing_is_recorded_before_the_comment_commits(receiver, django_capture_on_commit_callbacks):
    make_endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment_submit(
            article=ArticleFactory(),
            author_name="Dana",
            author_email="dana@example.org",
            body="A calm and reasonable comment.",
            ip_address=None,
        )
        assert not WebhookDelivery.objects.exists()
    assert callbacks


@pytest.mark.django_db
def test_a_system_rejection_is_delivered_after_the_submission(receiver, settings, django_capture_on_commit_callbacks):
    settings.MODERATION_AUTO_REJECT_BANNED = True
    GuidelineTerm.objects.create(category="promotion", term="glimmerstone", kind="banned")
    make_endpoint(receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        comment_submit(
            article=ArticleFactory(),
            author_name="Dana",
            author_email="dana@example.org",
            body="Buy glimmerstone today",
            ip_address=None,
        )

    events = list(WebhookDelivery.objects.order_by("pk").values_list("event_type", "payload"))
    assert [event for event, _ in events] == ["comment.submitted", "comment.decided"]
    decision = events[1][1]["data"]["decision"]
    assert (decision["verdict"], decision["decided_by"]) == ("rejected", "system")


@pytest.mark.django_db
def test_resolved_reader_reports_are_delivered_without_the_readers_notes(receiver, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(receiver.url, events=["comment.reports_resolved"])
    moderator = ModeratorFactory(username="reports.desk")
    kept, removed = CommentFactory(status="approved"), CommentFactory(status="approved")
    for comment in (kept, removed):
        for n in range(2):
            report_submit(
                comment=comment, reason="abuse", note=f"Reported by Ophelia Marchbanks {n}", reporter_key=f"key-{n}"
            )

    with django_capture_on_commit_callbacks(execute=True):
        dismissed = reports_dismiss(comment=kept, moderator=moderator, note="Fine as written.")
        upheld = reports_uphold(comment=removed, moderator=moderator, reasons=["abuse"])

    payloads = [d.payload for d in WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk")]
    assert [p["type"] for p in payloads] == ["comment.reports_resolved"] * 2
    assert [p["data"]["resolution"] for p in payloads] == [
        {
            "id": dismissed.pk,
            "outcome": "dismissed",
            "reports_closed": 2,
            "resolved_by": "reports.desk",
            "resolved_at": payloads[0]["data"]["resolution"]["resolved_at"],
            "decision_id": None,
        },
        {
            "id": upheld.pk,
            "outcome": "upheld",
            "reports_closed": 2,
            "resolved_by": "reports.desk",
            "resolved_at": payloads[1]["data"]["resolution"]["resolved_at"],
            "decision_id": upheld.decision_id,
        },
    ]
    assert payloads[1]["data"]["comment"]["status"] == "rejected"
    raw = json.dumps(payloads)
    assert "Ophelia" not in raw and "key-0" not in raw and "Fine as written" not in raw
