"""Read paths for comments: what the public may see."""
from django.db.models import QuerySet

from articles.models import Article
from comments.models import Comment


def approved_comments_for(article: Article, *, newest_first: bool = True) -> QuerySet[Comment]:
    """The public comments of an article: approved only, with only public fields loaded."""
    order = ("-submitted_at", "-id") if newest_first else ("submitted_at", "id")
    return (
        Comment.objects.approved()
        .filter(article=article)
        .only("id", "article_id", "author_name", "body", "submitted_at", "status")
        .order_by(*order)
    )
