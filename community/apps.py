from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Who is writing: commenter history (later: sanctions and trust, reader reports)."""

    name = "community"
