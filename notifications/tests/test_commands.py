"""manage.py deliver_webhooks: what is due is sent from the command's process (no broker needed)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import WebhookDelivery
from notifications.tests.factories import make_endpoint
from notifications.webhooks import webhook_send_test

pytestmark = pytest.mark.django_db


def test_deliver_webhooks_sends_what_is_due_and_leaves_the_rest(receiver, settings):
    settings.WEBHOOKS_RETRY_DELAYS = [60]
    endpoint = make_endpoint(receiver.url)
    receiver.secret, receiver.statuses = endpoint.secret, [200, 500]
    first, second, later = (webhook_send_test(actor=None, endpoint=endpoint) for _ in range(3))
    WebhookDelivery.objects.filter(pk=later.pk).update(next_retry_at=timezone.now() + timedelta(minutes=5))
    out = StringIO()

    call_command("deliver_webhooks", stdout=out)

    assert out.getvalue().strip() == "1 delivered, 1 to retry later, 0 failed for good"
    statuses = dict(WebhookDelivery.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk], statuses[later.pk]) == ("delivered", "pending", "pending")
    assert WebhookDelivery.objects.get(pk=later.pk).attempts == 0
    assert len(receiver.received) == 2 and all(r.signature_ok for r in receiver.received)

    call_command("deliver_webhooks", stdout=out)  # the retry is not due for a minute
    assert len(receiver.received) == 2
