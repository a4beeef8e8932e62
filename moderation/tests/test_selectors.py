from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.claims import claim_comment
from moderation.selectors import next_in_queue, previous_in_queue, review_queue
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def make_queue():
    """Four pending comments whose queue order differs from their creation order."""
    now = timezone.now()
    low = CommentFactory(priority=0.1, submitted_at=now - timedelta(hours=3))
    high_new = CommentFactory(priority=0.9, submitted_at=now - timedelta(minutes=5))
    high_old = CommentFactory(priority=0.9, submitted_at=now - timedelta(hours=1))
    mid = CommentFactory(priority=0.5, submitted_at=now)
    return [high_old, high_new, mid, low]


def test_review_queue_is_pending_only_highest_priority_then_oldest():
    expected = make_queue()
    CommentFactory(priority=1.0, status=Comment.Status.APPROVED)
    CommentFactory(priority=1.0, status=Comment.Status.REJECTED)

    assert list(review_queue()) == expected


def test_equal_priority_and_time_fall_back_to_id():
    at = timezone.now()
    first, second = CommentFactory(priority=0.5, submitted_at=at), CommentFactory(priority=0.5, submitted_at=at)

    assert list(review_queue()) == [first, second]
    assert next_in_queue(first, ModeratorFactory()) == second


def test_next_follows_queue_order_and_wraps_round():
    high_old, high_new, mid, low = make_queue()
    moderator = ModeratorFactory()

    assert next_in_queue(high_old, moderator) == high_new
    assert next_in_queue(high_new, moderator) == mid
    assert next_in_queue(low, moderator) == high_old


def test_next_works_from_a_comment_just_decided():
    high_old, high_new, mid, low = make_queue()
    Comment.objects.filter(pk=high_new.pk).update(status=Comment.Status.APPROVED)

    assert next_in_queue(high_new, ModeratorFactory()) == mid


def test_next_and_previous_skip_comments_others_are_reviewing_but_not_own():
    high_old, high_new, mid, low = make_queue()
    me, other = ModeratorFactory(), ModeratorFactory()
    claim_comment(high_new, other)
    claim_comment(mid, me)

    assert next_in_queue(high_old, me) == mid
    assert previous_in_queue(mid, me) == high_old
    assert next_in_queue(high_old, other) == high_new


def test_previous_does_not_wrap():
    high_old, high_new, mid, low = make_queue()
    moderator = ModeratorFactory()

    assert previous_in_queue(low, moderator) == mid
    assert previous_in_queue(high_old, moderator) is None


def test_next_is_none_when_nothing_else_is_pending():
    only = CommentFactory()

    assert next_in_queue(only, ModeratorFactory()) is None


def test_previous_breaks_ties_by_id_like_next():
    at = timezone.now()
    first, second, third = (CommentFactory(priority=0.5, submitted_at=at) for _ in range(3))
    moderator = ModeratorFactory()

    assert previous_in_queue(third, moderator) == second
    assert previous_in_queue(second, moderator) == first
    assert previous_in_queue(first, moderator) is None


def test_next_and_previous_stay_within_a_narrowed_queue():
    high_old, high_new, mid, low = make_queue()
    moderator = ModeratorFactory()
    narrowed = Comment.objects.filter(pk__in=[high_old.pk, mid.pk, low.pk])

    assert next_in_queue(high_old, moderator, queryset=narrowed) == mid
    assert previous_in_queue(low, moderator, queryset=narrowed) == mid
    assert next_in_queue(low, moderator, queryset=narrowed) == high_old  # wraps within it
    assert next_in_queue(high_new, moderator, queryset=narrowed) == mid  # from outside it
