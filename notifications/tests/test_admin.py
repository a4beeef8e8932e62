"""Webhook admin: only `notifications.manage_webhooks` sees endpoints, secrets and deliveries."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from moderation.tests.factories import ModeratorFactory, UserFactory
from notifications.models import WebhookDelivery, WebhookEndpoint, WebhookEndpointLog
from notifications.tests.factories import ModeratorWithWebhooksFactory, WebhookManagerFactory, make_endpoint
from notifications.webhooks import webhook_delivery_attempt, webhook_send_test

pytestmark = pytest.mark.django_db

ENDPOINTS = reverse("admin:notifications_webhookendpoint_changelist")
ADD = reverse("admin:notifications_webhookendpoint_add")
DELIVERIES = reverse("admin:notifications_webhookdelivery_changelist")
AUDIT = reverse("admin:notifications_webhookendpointlog_changelist")


def endpoint_page(endpoint):
    return reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])


def delivery_page(delivery):
    return reverse("admin:notifications_webhookdelivery_change", args=[delivery.pk])


@pytest.fixture
def manager(client):
    user = WebhookManagerFactory(username="ops")
    client.force_login(user)
    return user


# --- Who sees what ------------------------------------------------------------------------------


def test_a_moderator_without_the_permission_sees_no_endpoint_secret_or_delivery(client, receiver):
    endpoint = make_endpoint(receiver.url)
    delivery = webhook_send_test(actor=None, endpoint=endpoint)
    client.force_login(ModeratorFactory())

    pages = [ENDPOINTS, ADD, endpoint_page(endpoint), DELIVERIES, delivery_page(delivery), AUDIT]
    assert [client.get(url).status_code for url in pages] == [403] * len(pages)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Webhook" not in index and endpoint.secret not in index
    posted = client.post(ENDPOINTS, {"action": "send_test_event", "_selected_action": [endpoint.pk]})
    assert posted.status_code == 403 and WebhookDelivery.objects.count() == 1


def test_django_model_permissions_without_the_webhook_permission_are_not_enough(client, receiver):
    endpoint = make_endpoint(receiver.url)
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="notifications").exclude(codename="manage_webhooks")
    )
    client.force_login(user)

    assert client.get(endpoint_page(endpoint)).status_code == 403
    assert client.get(DELIVERIES).status_code == 403


def test_the_moderators_group_does_not_have_the_permission():
    assert not ModeratorFactory().has_perm("notifications.manage_webhooks")
    assert ModeratorWithWebhooksFactory().has_perm("notifications.manage_webhooks")


def test_a_superuser_sees_the_secret(client, receiver):
    endpoint = make_endpoint(receiver.url)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert endpoint.secret in client.get(endpoint_page(endpoint)).content.decode()


def test_a_moderator_granted_the_permission_finds_webhooks_on_the_admin_home(client):
    client.force_login(ModeratorWithWebhooksFactory())
    index = client.get(reverse("admin:index")).content.decode()
    assert "Webhook endpoints" in index and "Webhook deliveries" in index


# --- Endpoints ----------------------------------------------------------------------------------


def test_adding_an_endpoint_generates_and_shows_its_secret(client, manager, receiver):
    response = client.post(
        ADD, {"name": "CMS", "url": receiver.url, "events": ["comment.submitted", "comment.decided"], "active": "on"}
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == endpoint_page(endpoint)
    assert endpoint.events == ["comment.decided", "comment.submitted"] and endpoint.created_by == manager
    page = client.get(endpoint_page(endpoint)).content.decode()
    assert endpoint.secret in page and "Copy its secret" in page
    assert endpoint.secret not in client.get(ENDPOINTS).content.decode()  # on its own page only
    assert WebhookEndpointLog.objects.get().actor_name == "ops"


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://hooks.example.org/in", "valid http"),
        ("http://169.254.169.254/latest/meta-data/", "private"),
        ("http://10.0.0.4/in", "private"),
    ],
)
def test_refused_urls_are_form_errors(client, manager, url, message):
    response = client.post(ADD, {"url": url, "events": ["comment.submitted"], "active": "on"})

    assert response.status_code == 200 and message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_changing_an_endpoint_goes_through_the_service(client, manager, receiver):
    endpoint = make_endpoint(receiver.url)

    response = client.post(
        endpoint_page(endpoint), {"name": "Archive", "url": receiver.url, "events": ["comment.decided"]}
    )

    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert (endpoint.name, endpoint.events, endpoint.active) == ("Archive", ["comment.decided"], False)
    assert endpoint.disabled_reason.startswith("Turned off by ops")
    assert WebhookEndpointLog.objects.filter(action="changed", actor_name="ops").count() == 1


def test_the_reason_a_failing_endpoint_was_disabled_is_shown(client, manager, receiver, settings):
    settings.WEBHOOKS_RETRY_DELAYS = []
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 2
    endpoint = make_endpoint(receiver.url, name="Failing CMS")
    receiver.secret, receiver.statuses = endpoint.secret, [500, 500]
    for _ in range(2):
        webhook_delivery_attempt(delivery_id=webhook_send_test(actor=None, endpoint=endpoint).pk)

    listing = client.get(ENDPOINTS).content.decode()
    page = client.get(endpoint_page(endpoint)).content.decode()

    assert "2 deliveries in a row failed" in listing
    assert "2 deliveries in a row failed" in page and "HTTP 500" in page


def test_send_test_event_action_queues_a_signed_test_delivery(client, manager, receiver):
    endpoint = make_endpoint(receiver.url, events=["comment.decided"])
    receiver.secret = endpoint.secret

    response = client.post(ENDPOINTS, {"action": "send_test_event", "_selected_action": [endpoint.pk]}, follow=True)

    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "webhook.test" and delivery.webhook_id in response.content.decode()
    assert webhook_delivery_attempt(delivery_id=delivery.pk).outcome == "delivered"
    assert receiver.received[0].signature_ok


def test_deleting_an_endpoint_with_its_log_is_audited(client, manager, receiver):
    endpoint = make_endpoint(receiver.url)
    for _ in range(3):
        webhook_send_test(actor=None, endpoint=endpoint)
    delete = reverse("admin:notifications_webhookendpoint_delete", args=[endpoint.pk])

    confirm = client.get(delete).content.decode()
    response = client.post(delete, {"post": "yes"})

    assert "3 deliveries in their delivery log" in confirm
    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()
    assert WebhookEndpointLog.objects.filter(action="deleted", endpoint_id=endpoint.pk, actor_name="ops").exists()


# --- The delivery log ---------------------------------------------------------------------------


def test_the_delivery_log_shows_attempts_status_and_next_retry_and_filters(client, manager, receiver):
    first, second = make_endpoint(receiver.url, name="First"), make_endpoint(receiver.url, name="Second")
    receiver.secret, receiver.statuses = first.secret, [502]
    failing = webhook_send_test(actor=None, endpoint=first)
    webhook_delivery_attempt(delivery_id=failing.pk)
    webhook_send_test(actor=None, endpoint=second)

    listing = client.get(DELIVERIES)
    by_endpoint = client.get(DELIVERIES, {"endpoint__id__exact": first.pk})
    by_status = client.get(DELIVERIES, {"status__exact": "pending", "endpoint__id__exact": second.pk})
    detail = client.get(delivery_page(failing)).content.decode()

    assert len(listing.context["cl"].result_list) == 2
    assert [d.pk for d in by_endpoint.context["cl"].result_list] == [failing.pk]
    assert [d.endpoint_id for d in by_status.context["cl"].result_list] == [second.pk]
    assert "HTTP 502 Bad Gateway" in listing.content.decode()
    assert "HTTP 502" in detail and failing.webhook_id in detail and "webhook.test" in detail
    assert client.post(delivery_page(failing), {}).status_code == 403  # read-only


def test_crafted_delivery_filters_are_refused_not_a_server_error(client, manager):
    response = client.get(DELIVERIES, {"endpoint__id__exact": "99999999999999999999999"})
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_retry_now_action_makes_a_failed_delivery_due(client, manager, receiver, settings):
    settings.WEBHOOKS_RETRY_DELAYS = []
    endpoint = make_endpoint(receiver.url)
    receiver.secret, receiver.statuses = endpoint.secret, [500]
    delivery = webhook_send_test(actor=None, endpoint=endpoint)
    webhook_delivery_attempt(delivery_id=delivery.pk)

    client.post(DELIVERIES, {"action": "retry_now", "_selected_action": [delivery.pk]})

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert webhook_delivery_attempt(delivery_id=delivery.pk).outcome == "delivered"
    assert WebhookEndpointLog.objects.filter(action="retried", actor_name="ops").exists()
