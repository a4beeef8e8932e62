"""Webhook services, signing and sending, against a real HTTP receiver on 127.0.0.1."""

import base64
import json
import socket
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import comment_submit
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory
from notifications.models import TEST_EVENT, WebhookDelivery, WebhookEndpoint, WebhookEndpointLog, WebhookEvent
from notifications.tests.factories import WebhookManagerFactory, make_endpoint
from notifications.tests.webhook_receiver import expected_signature
from notifications.webhooks import (
    generate_secret,
    signature_headers,
    validate_webhook_url,
    webhook_deliveries_prune,
    webhook_delivery_attempt,
    webhook_delivery_retry,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_send_test,
)

pytestmark = pytest.mark.django_db

NAME = "Moderator Zephyrine Quillfeather"  # reads as a staff word: the checks flag the name itself
EMAIL = "zephyrine.quill@example.net"
IP = "198.51.100.77"
AGENT = "QuillBrowser/7.3 (Personal Laptop)"


def submit(article, body="What a damn shame the council ignored the library again.", **extra):
    return comment_submit(
        article=article, author_name=NAME, author_email=EMAIL, body=body, ip_address=IP, user_agent=AGENT, **extra
    )


def make_due(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_retry_at=timezone.now() - timedelta(seconds=1))


# --- Signing -----------------------------------------------------------------------------------


def test_signature_headers_follow_the_standard_webhooks_scheme():
    secret = generate_secret()
    at = timezone.now()
    body = '{"type":"comment.submitted","data":{"title":"Kurdistan – ڕووداو"}}'

    headers = signature_headers(secret=secret, msg_id="msg_abc", at=at, body=body)

    assert headers["webhook-id"] == "msg_abc"
    assert headers["webhook-timestamp"] == str(int(at.timestamp()))
    # Written from the spec with hmac, and verified by the reference implementation.
    assert headers["webhook-signature"] == expected_signature(
        secret, "msg_abc", headers["webhook-timestamp"], body.encode()
    )
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(body, headers)


def test_secrets_are_whsec_with_32_random_bytes():
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_") and len(base64.b64decode(first[6:])) == 32
    assert first != second


# --- Where deliveries may go -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.org/in",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "hooks.example.org/in",
        "",
    ],
)
def test_only_http_and_https_urls_are_accepted(url):
    with pytest.raises(ValidationError) as caught:
        validate_webhook_url(url)
    assert "url" in caught.value.message_dict


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/in",
        "http://localhost/in",
        "http://10.1.2.3/in",
        "http://192.168.0.10/in",
        "http://172.16.5.4/in",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/in",
        "http://[::ffff:127.0.0.1]/in",
        "http://0.0.0.0/in",
        "http://[fe80::1]/in",
        "http://100.64.0.1/in",
    ],
)
def test_private_loopback_and_link_local_destinations_are_refused_by_default(url):
    with pytest.raises(ValidationError) as caught:
        validate_webhook_url(url)
    assert "private" in caught.value.message_dict["url"][0]


def _resolving_to(address):
    return mock.patch(
        "notifications.webhooks.socket.getaddrinfo",
        return_value=[(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443))],
    )


def test_a_name_is_judged_by_the_addresses_it_resolves_to():
    with _resolving_to("93.184.215.14"):
        assert validate_webhook_url(" https://hooks.example.org/in ") == "https://hooks.example.org/in"
    with _resolving_to("10.0.0.8"), pytest.raises(ValidationError, match="private"):
        validate_webhook_url("https://internal.example.org/in")


def test_a_name_is_sent_to_the_address_that_was_checked_with_its_own_host_header(receiver):
    port = int(receiver.url.split(":")[2].split("/")[0])
    real_lookup = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        if host == "hooks.newsroom.test":  # not a real name: only the check may look it up
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in ("127.0.0.2", "127.0.0.1")]
        return real_lookup(host, *args, **kwargs)

    with mock.patch("notifications.webhooks.socket.getaddrinfo", side_effect=lookup) as looked_up:
        endpoint = make_endpoint(f"http://hooks.newsroom.test:{port}/in")
        receiver.secret = endpoint.secret
        delivery = webhook_send_test(actor=None, endpoint=endpoint)
        looked_up.reset_mock()

        result = webhook_delivery_attempt(delivery_id=delivery.pk)

    # Nothing listens on 127.0.0.2, so the name's next address answered; the connections went to the
    # checked addresses and never looked the name up again.
    assert result.outcome == "delivered"
    assert [c.args[0] for c in looked_up.call_args_list] == ["hooks.newsroom.test", "127.0.0.2", "127.0.0.1"]
    assert receiver.received[0].headers["host"] == f"hooks.newsroom.test:{port}"
    assert receiver.received[0].path == "/in" and receiver.received[0].signature_ok


def test_the_setting_allows_loopback_receivers(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = True
    assert validate_webhook_url("http://127.0.0.1:8123/in") == "http://127.0.0.1:8123/in"


def test_a_destination_that_became_private_is_refused_when_sending(receiver, settings):
    endpoint = make_endpoint(receiver.url)
    receiver.secret = endpoint.secret
    delivery = webhook_send_test(actor=None, endpoint=endpoint)
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False

    result = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert result.outcome == "retry" and result.error.startswith("Refused:")
    assert receiver.received == []


# --- Endpoints ---------------------------------------------------------------------------------


def test_managing_endpoints_needs_the_webhook_permission(receiver):
    moderator = ModeratorFactory()
    with pytest.raises(PermissionDenied):
        webhook_endpoint_create(actor=moderator, url=receiver.url, events=["comment.submitted"])
    endpoint = make_endpoint(receiver.url)
    for call in (
        lambda: webhook_endpoint_update(
            actor=moderator, endpoint=endpoint, url=receiver.url, events=["comment.decided"]
        ),
        lambda: webhook_endpoint_rotate_secret(actor=moderator, endpoint=endpoint),
        lambda: webhook_send_test(actor=moderator, endpoint=endpoint),
        lambda: webhook_endpoint_delete(actor=moderator, endpoint=endpoint),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert WebhookEndpoint.objects.get().events == sorted(WebhookEvent.values)


def test_creating_an_endpoint_generates_its_secret_and_audits_without_it(receiver):
    manager = WebhookManagerFactory()

    endpoint = webhook_endpoint_create(actor=manager, url=receiver.url, events=["comment.decided"], name="CMS")

    assert endpoint.secret.startswith("whsec_") and endpoint.created_by == manager
    log = WebhookEndpointLog.objects.get()
    assert (log.action, log.endpoint_id, log.actor_name) == ("created", endpoint.pk, manager.username)
    assert endpoint.secret not in json.dumps(log.detail)


def test_unknown_or_no_events_are_refused(receiver):
    with pytest.raises(ValidationError) as unknown:
        make_endpoint(receiver.url, events=["comment.deleted"])
    with pytest.raises(ValidationError) as none:
        webhook_endpoint_create(actor=None, url=receiver.url, events=[])
    assert "events" in unknown.value.message_dict and "events" in none.value.message_dict


def test_turning_an_endpoint_on_again_clears_its_failures_and_reason(receiver):
    manager = WebhookManagerFactory()
    endpoint = make_endpoint(receiver.url)
    off = webhook_endpoint_update(
        actor=manager, endpoint=endpoint, url=receiver.url, events=endpoint.events, active=False
    )
    assert not off.active and off.disabled_reason.startswith(f"Turned off by {manager.username}")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=4)

    on = webhook_endpoint_update(actor=manager, endpoint=off, url=receiver.url, events=endpoint.events, active=True)

    assert (on.active, on.disabled_reason, on.disabled_at, on.consecutive_failures) == (True, "", None, 0)
    assert list(WebhookEndpointLog.objects.filter(action="changed").values_list("detail__active", flat=True)) == [
        True,
        False,
    ]


def test_deleting_an_endpoint_removes_its_deliveries_and_keeps_the_audit(receiver):
    endpoint = make_endpoint(receiver.url)
    webhook_send_test(actor=None, endpoint=endpoint)

    webhook_endpoint_delete(actor=WebhookManagerFactory(), endpoint=endpoint)

    assert not WebhookDelivery.objects.exists()
    assert list(WebhookEndpointLog.objects.values_list("action", flat=True)) == ["deleted", "test_sent", "created"]


# --- Delivery against the real receiver ------------------------------------------------------


def test_a_submitted_comment_is_delivered_signed_after_a_500_and_a_retry(
    receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_RETRY_DELAYS = [10, 60]
    endpoint = make_endpoint(receiver.url, events=["comment.submitted"])
    receiver.secret = endpoint.secret
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(ArticleFactory())

    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_type, delivery.status, delivery.attempts) == ("comment.submitted", "pending", 0)
    assert receiver.received == []  # nothing was sent on the request's path

    first = webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert first.outcome == "retry" and (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.last_error == "HTTP 500 Internal Server Error"
    assert timedelta(seconds=9) < delivery.next_retry_at - delivery.last_attempt_at <= timedelta(seconds=10)
    assert webhook_delivery_attempt(delivery_id=delivery.pk).outcome == "skipped"  # not due yet

    make_due(delivery)
    second = webhook_delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert second.outcome == "delivered"
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.next_retry_at) == (
        "delivered",
        2,
        200,
        None,
    )
    assert delivery.delivered_at is not None and delivery.last_error == ""
    assert [r.answered for r in receiver.received] == [500, 200]
    assert all(r.signature_ok for r in receiver.received)
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.webhook_id}
    assert receiver.received[0].headers["content-type"] == "application/json"
    assert receiver.received[0].body == receiver.received[1].body
    sent = json.loads(receiver.received[1].body)
    assert sent["type"] == "comment.submitted"
    assert sent["data"]["comment"]["id"] == comment.pk
    assert sent["data"]["comment"]["article"] == {
        "id": comment.article.pk,
        "slug": comment.article.slug,
        "title": comment.article.title,
    }


def test_the_receiver_sees_no_personal_data(receiver, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(receiver.url)
    receiver.secret = endpoint.secret
    moderator = ModeratorFactory(username="desk.editor")
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(ArticleFactory())
    assert "name.imitates_staff" in json.dumps(comment.findings)  # the name is a finding's evidence in the row
    with django_capture_on_commit_callbacks(execute=True):
        comment_reject(comment=comment, moderator=moderator, reasons=["profanity"], note=f"Note about {NAME}")

    for delivery in WebhookDelivery.objects.order_by("pk"):
        assert webhook_delivery_attempt(delivery_id=delivery.pk).outcome == "delivered"

    bodies = [r.body.decode() for r in receiver.received]
    assert len(bodies) == 2 and all(r.signature_ok for r in receiver.received)
    for raw in bodies:
        for personal in (NAME, "Zephyrine", "Quillfeather", EMAIL, "example.net", IP, AGENT, "QuillBrowser"):
            assert personal not in raw
    decided = json.loads(bodies[1])["data"]
    assert decided["decision"] == {
        "id": comment.decisions.get().pk,
        "verdict": "rejected",
        "previous_status": "pending",
        "reasons": ["profanity"],
        "decided_by": "desk.editor",
        "decided_at": decided["decision"]["decided_at"],
    }
    findings = decided["comment"]["checks"]["findings"]
    assert {"category": "other", "rule": "name.imitates_staff", "score": 0.5} in findings  # no evidence
    body = Comment.objects.get(pk=comment.pk).body
    assert any(f.get("evidence") == "damn" and body[f["start"] : f["end"]] == "damn" for f in findings)


def test_a_failing_endpoint_is_disabled_after_the_run_of_failures(receiver, settings):
    settings.WEBHOOKS_RETRY_DELAYS = [0]  # two attempts per delivery
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    endpoint = make_endpoint(receiver.url)
    receiver.secret = endpoint.secret
    receiver.statuses = [503] * 20
    results = []
    for _ in range(3):
        delivery = webhook_send_test(actor=None, endpoint=endpoint)
        results += [webhook_delivery_attempt(delivery_id=delivery.pk) for _ in range(2)]

    assert [r.outcome for r in results] == ["retry", "failed"] * 3
    assert [r.endpoint_disabled for r in results] == [False] * 5 + [True]
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.consecutive_failures == 3 and endpoint.disabled_at is not None
    assert "3 deliveries in a row failed after 2 attempt(s) each" in endpoint.disabled_reason
    assert "HTTP 503" in endpoint.disabled_reason
    assert WebhookEndpointLog.objects.filter(action="disabled", actor_name="system").count() == 1
    assert len(receiver.received) == 6


def test_a_success_resets_the_run_of_failures(receiver, settings):
    settings.WEBHOOKS_RETRY_DELAYS = []
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 2
    endpoint = make_endpoint(receiver.url)
    receiver.secret = endpoint.secret
    receiver.statuses = [500, 200, 500]
    outcomes = [
        webhook_delivery_attempt(delivery_id=webhook_send_test(actor=None, endpoint=endpoint).pk).outcome
        for _ in range(3)
    ]

    endpoint.refresh_from_db()
    assert outcomes == ["failed", "delivered", "failed"]
    assert endpoint.active and endpoint.consecutive_failures == 1


def test_a_disabled_endpoint_gets_no_new_deliveries_and_its_pending_ones_are_not_sent(
    receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(receiver.url)
    receiver.secret = endpoint.secret
    pending = webhook_send_test(actor=None, endpoint=endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, disabled_reason="Disabled automatically.")

    with django_capture_on_commit_callbacks(execute=True):
        submit(ArticleFactory())
    result = webhook_delivery_attempt(delivery_id=pending.pk)

    pending.refresh_from_db()
    assert WebhookDelivery.objects.count() == 1
    assert result.outcome == "failed" and pending.status == "failed" and pending.attempts == 0
    assert "turned off" in pending.last_error and receiver.received == []


def test_an_endpoint_that_does_not_answer_times_out(receiver, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    endpoint = make_endpoint(receiver.url)
    receiver.secret, receiver.hang_seconds = endpoint.secret, 10
    delivery = webhook_send_test(actor=None, endpoint=endpoint)

    started = time.monotonic()
    result = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert time.monotonic() - started < 3
    assert result.outcome == "retry" and result.status_code is None
    assert result.error == "No answer within 0.3 s (WEBHOOKS_TIMEOUT_SECONDS)."


def test_redirects_are_not_followed(receiver):
    endpoint = make_endpoint(receiver.url)
    receiver.secret, receiver.statuses = endpoint.secret, [302]
    delivery = webhook_send_test(actor=None, endpoint=endpoint)

    result = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert (result.outcome, result.status_code) == ("retry", 302) and len(receiver.received) == 1


def test_a_rotated_secret_signs_the_next_attempt(receiver):
    endpoint = make_endpoint(receiver.url)
    old_secret = endpoint.secret
    delivery = webhook_send_test(actor=None, endpoint=endpoint)
    rotated = webhook_endpoint_rotate_secret(actor=WebhookManagerFactory(), endpoint=endpoint)
    receiver.secret = rotated.secret

    assert webhook_delivery_attempt(delivery_id=delivery.pk).outcome == "delivered"
    assert rotated.secret != old_secret and receiver.received[0].signature_ok
    assert WebhookEndpointLog.objects.filter(action="secret_rotated").exists()


def test_a_test_event_is_sent_whatever_the_endpoint_subscribes_to(receiver):
    manager = WebhookManagerFactory(username="ops")
    endpoint = make_endpoint(receiver.url, events=["comment.decided"])
    receiver.secret = endpoint.secret

    delivery = webhook_send_test(actor=manager, endpoint=endpoint)
    webhook_delivery_attempt(delivery_id=delivery.pk)

    sent = json.loads(receiver.received[0].body)
    assert sent["type"] == TEST_EVENT and sent["data"] == {"endpoint_id": endpoint.pk, "sent_by": "ops"}


def test_a_turned_off_endpoint_cannot_be_sent_a_test_event(receiver):
    endpoint = make_endpoint(receiver.url, active=False)
    with pytest.raises(ValidationError, match="turned off"):
        webhook_send_test(actor=None, endpoint=endpoint)


# --- Retry now, pruning ------------------------------------------------------------------------


def test_retry_now_makes_a_failed_delivery_due_and_it_is_sent_again(receiver, settings):
    settings.WEBHOOKS_RETRY_DELAYS = []
    endpoint = make_endpoint(receiver.url)
    receiver.secret, receiver.statuses = endpoint.secret, [500]
    delivery = webhook_send_test(actor=None, endpoint=endpoint)
    assert webhook_delivery_attempt(delivery_id=delivery.pk).outcome == "failed"

    retried = webhook_delivery_retry(actor=WebhookManagerFactory(), delivery=delivery)

    assert retried.status == "pending" and retried.next_retry_at <= timezone.now()
    assert webhook_delivery_attempt(delivery_id=delivery.pk).outcome == "delivered"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    with pytest.raises(ValidationError, match="delivered already"):
        webhook_delivery_retry(actor=None, delivery=delivery)
    with pytest.raises(PermissionDenied):
        webhook_delivery_retry(actor=ModeratorFactory(), delivery=delivery)


def test_retry_now_refuses_a_turned_off_endpoint(receiver):
    endpoint = make_endpoint(receiver.url)
    delivery = webhook_send_test(actor=None, endpoint=endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    with pytest.raises(ValidationError, match="turned off"):
        webhook_delivery_retry(actor=None, delivery=delivery)


def test_pruning_removes_only_old_finished_deliveries(receiver):
    endpoint = make_endpoint(receiver.url)
    old_done, old_failed, old_pending, new_done = (webhook_send_test(actor=None, endpoint=endpoint) for _ in range(4))
    long_ago = timezone.now() - timedelta(days=40)
    WebhookDelivery.objects.filter(pk__in=[old_done.pk, new_done.pk]).update(status="delivered")
    WebhookDelivery.objects.filter(pk=old_failed.pk).update(status="failed")
    WebhookDelivery.objects.filter(pk__in=[old_done.pk, old_failed.pk, old_pending.pk]).update(created_at=long_ago)

    assert webhook_deliveries_prune(older_than=timedelta(days=30), batch_size=1) == 2
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {old_pending.pk, new_done.pk}


def test_an_approval_is_delivered_as_comment_decided(receiver, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(receiver.url, events=["comment.decided"])
    receiver.secret = endpoint.secret
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(ArticleFactory(), body="A fair point about the budget.")
        comment_approve(comment=comment, moderator=ModeratorFactory(username="night.desk"))

    delivery = WebhookDelivery.objects.get()
    webhook_delivery_attempt(delivery_id=delivery.pk)

    data = json.loads(receiver.received[0].body)["data"]
    assert data["comment"]["status"] == "approved" and data["comment"]["decided_at"]
    assert (data["decision"]["verdict"], data["decision"]["reasons"], data["decision"]["decided_by"]) == (
        "approved",
        [],
        "night.desk",
    )
