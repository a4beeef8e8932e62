from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """What goes out after a commit: signed webhooks to the newsroom's systems and commenter emails."""

    name = "notifications"

    def ready(self) -> None:
        from notifications import email_receivers, receivers  # noqa: F401  (events -> webhook deliveries, emails)
