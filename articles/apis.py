"""Public article API (read only): list with date and title filters, and detail."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics

from articles.filters import ArticleFilter
from articles.selectors import published_articles
from articles.serializers import ArticleDetailSerializer, ArticleListSerializer
from config.api import error_responses


@extend_schema(tags=["articles"], responses={200: ArticleListSerializer, **error_responses(400, 404)})
class ArticleListApi(generics.ListAPIView):
    """Published articles, newest first; filter by published date range, search titles."""

    authentication_classes: list = []
    serializer_class = ArticleListSerializer
    filterset_class = ArticleFilter

    def get_queryset(self):
        return published_articles().defer("body").order_by("-published_at", "-id")


@extend_schema(tags=["articles"], responses={200: ArticleDetailSerializer, **error_responses(404)})
class ArticleDetailApi(generics.RetrieveAPIView):
    """One published article by slug."""

    authentication_classes: list = []
    serializer_class = ArticleDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return published_articles()
