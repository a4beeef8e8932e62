"""Two senders (a worker and the command, or a message delivered twice) racing for one delivery on
PostgreSQL: exactly one of them posts it."""

import threading

import pytest
from django.db import connection

from notifications.models import WebhookDelivery
from notifications.tests.factories import make_endpoint
from notifications.webhooks import webhook_delivery_attempt, webhook_send_test

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 10
SENDERS = 4


def test_racing_senders_post_each_delivery_once(receiver):
    endpoint = make_endpoint(receiver.url)
    receiver.secret = endpoint.secret
    for _ in range(ROUNDS):
        delivery_id = webhook_send_test(actor=None, endpoint=endpoint).pk
        barrier = threading.Barrier(SENDERS)
        outcomes = []

        def send(barrier=barrier, outcomes=outcomes, delivery_id=delivery_id):
            try:
                barrier.wait()
                outcomes.append(webhook_delivery_attempt(delivery_id=delivery_id).outcome)
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["delivered"] + ["skipped"] * (SENDERS - 1)
    assert len(receiver.received) == ROUNDS
    assert len({r.headers["webhook-id"] for r in receiver.received}) == ROUNDS
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 1)}
