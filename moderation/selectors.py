"""Read paths for moderators: the review queue and moving through it."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from comments.models import Comment
from moderation.claims import claimed_by_others

# Highest priority first, then oldest; the id keeps the order total.
QUEUE_ORDER = ("-priority", "submitted_at", "id")


def review_queue(queryset: QuerySet | None = None) -> QuerySet:
    """Pending comments in queue order (the partial index comment_pending_queue serves it)."""
    queryset = Comment.objects.all() if queryset is None else queryset
    return queryset.filter(status=Comment.Status.PENDING).order_by(*QUEUE_ORDER)


def next_in_queue(
    after: Comment, moderator: AbstractBaseUser, *, queryset: QuerySet | None = None
) -> Comment | None:
    """The pending comment after `after` in queue order, wrapping round to the start.

    Skips comments another moderator has a live claim on. `after` itself need
    not be pending any more (it usually was just decided). `queryset` narrows
    the queue (the moderator's filters and search); the order stays QUEUE_ORDER.
    """
    queue = _others(after, moderator, queryset)
    return queue.filter(_behind(after)).first() or queue.first()


def previous_in_queue(
    after: Comment, moderator: AbstractBaseUser, *, queryset: QuerySet | None = None
) -> Comment | None:
    """The pending comment before `after` in queue order (no wrap-round), skipping others' claims."""
    return _others(after, moderator, queryset).filter(_ahead(after)).reverse().first()


def _others(after: Comment, moderator: AbstractBaseUser, queryset: QuerySet | None) -> QuerySet:
    return review_queue(queryset).exclude(pk=after.pk).exclude(pk__in=claimed_by_others(moderator))


# Keyset conditions. The leading `priority <= p` (or `>= p`) is implied by the rest but
# written out on its own: it lets the database start the index scan at the comment
# instead of filtering the queue from its head.


def _behind(comment: Comment) -> Q:
    """Comments that come after `comment` in QUEUE_ORDER."""
    p, at = comment.priority, comment.submitted_at
    return Q(priority__lte=p) & (
        Q(priority__lt=p) | Q(submitted_at__gt=at) | Q(submitted_at=at, id__gt=comment.pk)
    )


def _ahead(comment: Comment) -> Q:
    """Comments that come before `comment` in QUEUE_ORDER."""
    p, at = comment.priority, comment.submitted_at
    return Q(priority__gte=p) & (
        Q(priority__gt=p) | Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=comment.pk)
    )
