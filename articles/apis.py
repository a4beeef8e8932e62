"""Public article API (read only)."""
from rest_framework import generics

from articles.selectors import published_articles
from articles.serializers import ArticleDetailSerializer, ArticleListSerializer


class ArticleListApi(generics.ListAPIView):
    """Published articles, newest first."""

    serializer_class = ArticleListSerializer

    def get_queryset(self):
        return published_articles().defer("body")


class ArticleDetailApi(generics.RetrieveAPIView):
    """One published article by slug."""

    serializer_class = ArticleDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return published_articles()
