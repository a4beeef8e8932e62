"""The Celery side: handing deliveries out without ever sending from the request, retries, the sweep,
and a real worker behind the real Redis broker."""

import json
import logging
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.services import comment_submit
from config.celery import app as celery_app
from config.tests.test_degradation import CLOSED_PORT_REDIS, celery_broker
from config.tests.workers import running_worker
from notifications import tasks
from notifications.models import WebhookDelivery
from notifications.tests.factories import make_endpoint
from notifications.webhooks import webhook_send_test


@pytest.fixture(autouse=True)
def _broker_not_paused():
    tasks._broker_paused_until = 0.0
    yield
    tasks._broker_paused_until = 0.0


def _submit(article, n=0):
    return comment_submit(
        article=article,
        author_name="Dana Reader",
        author_email="dana@example.org",
        body=f"The library deserves a bigger share of the budget ({n}).",
        ip_address="192.0.2.1",
    )


@pytest.mark.django_db
def test_without_a_broker_deliveries_stay_pending_and_nothing_is_sent(receiver):
    endpoint = make_endpoint(receiver.url)
    delivery = webhook_send_test(actor=None, endpoint=endpoint)

    assert tasks.enqueue_deliveries([delivery.pk]) == "left pending"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0) and receiver.received == []


@pytest.mark.django_db
def test_the_task_makes_one_attempt(receiver):
    endpoint = make_endpoint(receiver.url)
    receiver.secret = endpoint.secret
    delivery = webhook_send_test(actor=None, endpoint=endpoint)

    assert tasks.deliver_webhook(delivery_id=delivery.pk) == "delivered"
    assert tasks.deliver_webhook(delivery_id=delivery.pk) == "skipped"  # a second message sends nothing
    assert len(receiver.received) == 1 and receiver.received[0].signature_ok


@pytest.mark.django_db
def test_a_broker_that_is_down_costs_one_request_a_moment_and_loses_nothing(
    caplog, django_capture_on_commit_callbacks, receiver
):
    endpoint = make_endpoint(receiver.url)
    article = ArticleFactory()
    caplog.set_level(logging.WARNING, logger="notifications.tasks")
    # Warm up outside the timed part: a process's first submission loads the checks' model and term
    # lists (about a second on a busy machine), which is not the broker's cost.
    _submit(article, -1)

    with celery_broker(CLOSED_PORT_REDIS):
        timings = []
        for n in range(3):
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True):
                _submit(article, n)
            timings.append(time.monotonic() - started)

    assert WebhookDelivery.objects.filter(endpoint=endpoint, status="pending", attempts=0).count() == 3
    assert receiver.received == []
    refusals = [r for r in caplog.records if "left pending" in r.getMessage()]
    assert len(refusals) == 1  # the next requests did not try the broker again (back-off)
    assert max(timings) < 1.5


@pytest.mark.django_db
def test_the_sweep_queues_overdue_deliveries_and_prunes_the_log(receiver, monkeypatch, settings):
    settings.WEBHOOKS_LOG_DAYS = 30
    endpoint = make_endpoint(receiver.url)
    overdue, just_due, later, old_done = (webhook_send_test(actor=None, endpoint=endpoint) for _ in range(4))
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=overdue.pk).update(next_retry_at=now - timedelta(minutes=5))
    WebhookDelivery.objects.filter(pk=just_due.pk).update(next_retry_at=now - timedelta(seconds=2))
    WebhookDelivery.objects.filter(pk=later.pk).update(next_retry_at=now + timedelta(minutes=5))
    WebhookDelivery.objects.filter(pk=old_done.pk).update(
        status="delivered", next_retry_at=None, created_at=now - timedelta(days=31)
    )
    queued = []
    monkeypatch.setattr(tasks, "enqueue_deliveries", lambda ids, **kw: queued.extend(ids))

    assert tasks.deliver_due_webhooks() == 1

    assert queued == [overdue.pk]
    assert not WebhookDelivery.objects.filter(pk=old_done.pk).exists()


def test_the_sweep_is_on_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-due-webhooks"]
    assert entry["task"] == tasks.deliver_due_webhooks.name
    assert entry["schedule"] == timedelta(seconds=settings.WEBHOOKS_SWEEP_SECONDS)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_behind_the_real_broker_delivers_and_retries_after_a_500(receiver, settings):
    settings.WEBHOOKS_RETRY_DELAYS = [1]
    endpoint = make_endpoint(receiver.url, events=["comment.submitted"])
    receiver.secret, receiver.statuses = endpoint.secret, [500]
    with celery_broker(settings.REDIS_URL):
        celery_app.control.purge()
        with transaction.atomic():
            comment = _submit(ArticleFactory())
        delivery = WebhookDelivery.objects.get()
        assert delivery.attempts == 0  # queued, not sent by the request
        with running_worker() as finished:
            # The first attempt (answered 500) and the retry; the database is read once both have finished.
            assert finished.wait_for(2, name="notifications.deliver_webhook", timeout=60), (
                finished.names,
                receiver.received,
                list(WebhookDelivery.objects.values()),
            )

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert [r.answered for r in receiver.received] == [500, 200] and all(r.signature_ok for r in receiver.received)
    assert json.loads(receiver.received[-1].body)["data"]["comment"]["id"] == comment.pk
