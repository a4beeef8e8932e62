import pytest

from notifications.models import WebhookEndpointLog, WebhookLogIsAppendOnly
from notifications.tests.factories import make_endpoint

pytestmark = pytest.mark.django_db


def test_the_webhook_audit_log_is_append_only(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = True
    make_endpoint("http://127.0.0.1:9/in")
    entry = WebhookEndpointLog.objects.get()

    entry.detail = {"rewritten": True}
    with pytest.raises(WebhookLogIsAppendOnly):
        entry.save()
    with pytest.raises(WebhookLogIsAppendOnly):
        entry.delete()
    with pytest.raises(WebhookLogIsAppendOnly):
        WebhookEndpointLog.objects.all().delete()
    with pytest.raises(WebhookLogIsAppendOnly):
        WebhookEndpointLog.objects.update(actor_name="someone else")
    assert WebhookEndpointLog.objects.get().actor_name == "system"
