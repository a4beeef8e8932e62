from django.contrib.auth.models import Permission

from moderation.tests.factories import ModeratorFactory, UserFactory
from notifications.models import WebhookEndpoint, WebhookEvent
from notifications.webhooks import webhook_endpoint_create


def manage_webhooks_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="notifications", codename="manage_webhooks")


class WebhookManagerFactory(UserFactory):
    """A staff user granted notifications.manage_webhooks (and nothing else)."""

    is_staff = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            instance.user_permissions.add(manage_webhooks_permission())


class ModeratorWithWebhooksFactory(ModeratorFactory):
    """A moderator also granted notifications.manage_webhooks."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            instance.user_permissions.add(manage_webhooks_permission())


def make_endpoint(url: str, events=None, **kwargs) -> WebhookEndpoint:
    """An endpoint made by the system (actor=None), subscribed to every event unless told otherwise."""
    return webhook_endpoint_create(actor=None, url=url, events=events or WebhookEvent.values, **kwargs)
