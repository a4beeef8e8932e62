"""Read paths for articles."""

from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article


def published_articles() -> QuerySet[Article]:
    """Articles visible to readers (published now or earlier), newest first."""
    return Article.objects.filter(published_at__lte=timezone.now())
