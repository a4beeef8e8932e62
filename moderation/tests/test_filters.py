from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.filters import CommentQueueFilter, DecisionLogFilter
from moderation.models import ModerationDecision
from moderation.selectors import QUEUE_ORDER
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def queue(**params):
    filterset = CommentQueueFilter(params, queryset=Comment.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def decisions(**params):
    filterset = DecisionLogFilter(params, queryset=ModerationDecision.objects.all())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def test_without_parameters_the_queue_is_the_review_queue():
    CommentFactory.create_batch(3, priority=0.5)
    CommentFactory(status=Comment.Status.APPROVED)

    qs = queue()

    assert qs.query.order_by == QUEUE_ORDER
    assert {c.status for c in qs} == {"pending"}
    assert qs.count() == 3


def test_article_accepts_id_or_slug_and_ignores_look_alike_digits(settings):
    comment = CommentFactory()

    assert list(queue(article=comment.article.slug)) == [comment]
    assert list(queue(article=str(comment.article_id))) == [comment]
    assert list(queue(article="²")) == []  # a Unicode digit is not an id


def test_a_numeric_slug_still_matches_by_slug():
    comment = CommentFactory(article__slug="2024")

    assert list(queue(article="2024")) == [comment]


def test_category_matches_whole_codes_only():
    attack = CommentFactory(flags="|personal_attack|")

    assert list(queue(category="personal_attack")) == [attack]
    assert list(queue(category="abuse")) == []


def test_filters_combine():
    now = timezone.now()
    wanted = CommentFactory(flags="|threat|", submitted_at=now)
    CommentFactory(flags="|threat|", submitted_at=now - timedelta(days=30))
    CommentFactory(flags="", submitted_at=now)

    assert list(queue(category="threat", submitted_after=now.date().isoformat(), flagged="true")) == [wanted]


def test_decision_filters_by_moderator_and_reason():
    anna = ModeratorFactory(username="anna", password=None)
    first = comment_reject(comment=CommentFactory(), moderator=anna, reasons=["off_topic"])
    comment_approve(comment=CommentFactory(), moderator=ModeratorFactory(username="ben", password=None))

    assert decisions(moderator="anna") == [first]
    assert decisions(reason="off_topic") == [first]
    assert decisions(reason="other") == []


@pytest.mark.parametrize("value", ["0", "-3", "1.5", "9" * 20])
def test_comment_id_must_be_a_positive_whole_number_in_range(value):
    assert not DecisionLogFilter({"comment": value}, queryset=ModerationDecision.objects.all()).is_valid()
