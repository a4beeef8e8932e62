from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    """The articles readers comment on: the bottom layer, imports no other app."""

    name = "articles"
