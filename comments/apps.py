from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Reader comments and the reader-facing pages."""

    name = "comments"
