from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from articles.models import Article

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _CommentCounts(TypedDict):
    pending_count: int
    approved_count: int
    rejected_count: int


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Articles with their comment counts by status, computed in the list query."""

    list_display = [
        "title",
        "source",
        "published_at",
        "comments_open",
        "comments_close_at",
        "pending_count",
        "approved_count",
        "rejected_count",
    ]
    list_filter = ["comments_open", "source", "published_at"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        # The reverse relation is named by string, so articles imports no other app.
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_count=Count("comments", filter=Q(comments__status="pending")),
                approved_count=Count("comments", filter=Q(comments__status="approved")),
                rejected_count=Count("comments", filter=Q(comments__status="rejected")),
            )
        )

    @admin.display(description="Pending", ordering="pending_count")
    def pending_count(self, article: WithAnnotations[Article, _CommentCounts]) -> int:
        return article.pending_count

    @admin.display(description="Approved", ordering="approved_count")
    def approved_count(self, article: WithAnnotations[Article, _CommentCounts]) -> int:
        return article.approved_count

    @admin.display(description="Rejected", ordering="rejected_count")
    def rejected_count(self, article: WithAnnotations[Article, _CommentCounts]) -> int:
        return article.rejected_count
