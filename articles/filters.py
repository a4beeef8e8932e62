"""Filters of the public article list."""

import django_filters

from articles.models import Article
from config.filters import DateAfterFilter, DateBeforeFilter, StrictFilterSet


class ArticleFilter(StrictFilterSet):
    """`published_after` / `published_before` (dates, inclusive) and `search` in titles."""

    published_after = DateAfterFilter(field_name="published_at", label="Published on or after this day (YYYY-MM-DD)")
    published_before = DateBeforeFilter(field_name="published_at", label="Published on or before this day (YYYY-MM-DD)")
    search = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", max_length=200, label="Words in the title"
    )

    class Meta:
        model = Article
        fields: list[str] = []
