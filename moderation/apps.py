from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Guideline checks, moderator decisions and the review tools."""

    name = "moderation"

    def ready(self) -> None:
        from moderation import receivers  # noqa: F401  (connects cache invalidation on decisions and term-list changes)
