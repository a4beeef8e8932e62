from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Guideline checks, moderator decisions and the review tools."""

    name = "moderation"
