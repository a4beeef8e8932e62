from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Reader comments and the reader-facing pages."""

    name = "comments"

    def ready(self) -> None:
        from comments import receivers  # noqa: F401  (versions the public comment lists)
