from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Guideline checks, moderator decisions and the review tools."""

    name = "moderation"

    def ready(self) -> None:
        from moderation import receivers  # noqa: F401  (public comments version on decisions, term-list changes)
