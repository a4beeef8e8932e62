"""Read paths for comments: what the public may see."""

from collections.abc import Mapping
from typing import Any

from django.db.models import IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce

from articles.models import Article
from comments.models import Comment, PublicCommentsVersion
from moderation.guidelines import SystemReason


def approved_comments_for(article: Article, *, newest_first: bool = True) -> QuerySet[Comment]:
    """The public comments of an article: approved only, with only public fields loaded."""
    order = ("-submitted_at", "-id") if newest_first else ("submitted_at", "id")
    return (
        Comment.objects.approved()
        .filter(article=article)
        .only("id", "article_id", "author_name", "body", "submitted_at", "status")
        .order_by(*order)
    )


def approved_comment_counts(article_pk) -> Coalesce:
    """An expression for the approved count of the article `article_pk` (an OuterRef or a value),
    read from the counter the decisions keep (comments.PublicCommentsVersion; 0 without a row)."""
    kept = PublicCommentsVersion.objects.filter(article=article_pk).values("approved_count")[:1]
    return Coalesce(Subquery(kept, output_field=IntegerField()), 0)


def status_for_reader(comment: Comment) -> tuple[str, list[str]]:
    """What the comment's author is told about it: its status and, when rejected, the latest decision's codes.

    A comment the system rejected because a ban covers its author reads as still pending: telling
    the author would let a banned commenter test new addresses until one gets through.
    """
    if comment.status != Comment.Status.REJECTED:
        return str(comment.status), []
    # The latest decision (the log's default order) holds the codes.
    latest: Mapping[str, Any] = comment.decisions.values("reasons", "moderator_id").first() or {
        "reasons": [],
        "moderator_id": None,
    }
    reasons = list(latest["reasons"] or [])
    if latest["moderator_id"] is None and SystemReason.BANNED in reasons:
        return str(Comment.Status.PENDING), []
    return str(comment.status), reasons
