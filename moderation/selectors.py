"""Read paths for moderators: the review queue and moving through it."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from comments.models import Comment
from moderation.claims import claimed_by_others

# Highest priority first, then oldest; the id keeps the order total.
QUEUE_ORDER = ("-priority", "submitted_at", "id")


def review_queue(queryset: QuerySet | None = None) -> QuerySet:
    """Pending comments in queue order (the partial index comment_pending_priority serves it)."""
    queryset = Comment.objects.all() if queryset is None else queryset
    return queryset.filter(status=Comment.Status.PENDING).order_by(*QUEUE_ORDER)


def next_in_queue(after: Comment, moderator: AbstractBaseUser) -> Comment | None:
    """The pending comment after `after` in queue order, wrapping round to the start.

    Skips comments another moderator has a live claim on. `after` itself need
    not be pending any more (it usually was just decided).
    """
    queue = review_queue().exclude(pk=after.pk).exclude(pk__in=claimed_by_others(moderator))
    return queue.filter(_behind(after)).first() or queue.first()


def previous_in_queue(after: Comment, moderator: AbstractBaseUser) -> Comment | None:
    """The pending comment before `after` in queue order (no wrap-round), skipping others' claims."""
    queue = review_queue().exclude(pk=after.pk).exclude(pk__in=claimed_by_others(moderator))
    return queue.exclude(_behind(after)).reverse().first()


def _behind(comment: Comment) -> Q:
    """Comments that come after `comment` in QUEUE_ORDER."""
    same_priority = Q(priority=comment.priority)
    return (
        Q(priority__lt=comment.priority)
        | (same_priority & Q(submitted_at__gt=comment.submitted_at))
        | (same_priority & Q(submitted_at=comment.submitted_at, id__gt=comment.pk))
    )
