from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.claims import claim_comment
from moderation.selectors import decision_training_rows, next_in_queue, previous_in_queue, review_queue
from moderation.services import comment_approve, comment_reject
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


# --- What the learned checks learn from: moderators' decisions ---------------------------------------


def decided(body, *steps, **fields):
    """A comment with `body`, decided by each step in turn: ("approve"|"reject", moderator or None, reasons)."""
    comment = CommentFactory(body=body, **fields)
    for verdict, moderator, reasons in steps:
        if verdict == "approve":
            comment_approve(comment=comment, moderator=moderator)
        else:
            comment_reject(comment=comment, moderator=moderator, reasons=reasons, note="see note")
    return comment


def test_training_rows_map_the_latest_human_decision_onto_the_model_categories():
    mod = ModeratorFactory()
    decided("approved as fine", ("approve", mod, []))
    decided("swearing and crude", ("reject", mod, ["profanity", "vulgarity"]))
    decided("crude only", ("reject", mod, ["vulgarity"]))
    decided("an insult and a threat", ("reject", mod, ["personal_attack", "threat"]))
    decided("hate and spam", ("reject", mod, ["abuse", "promotion"]))
    decided("off topic but also threat", ("reject", mod, ["off_topic", "threat"]))
    decided("just off topic", ("reject", mod, ["off_topic"]))
    decided("other reason", ("reject", mod, ["other"]))
    decided("approved then rejected", ("approve", mod, []), ("reject", ModeratorFactory(), ["threat"]))
    decided("rejected then approved", ("reject", mod, ["threat"]), ("approve", mod, []))
    decided("still pending")

    rows = decision_training_rows()

    assert {row.text: set(row.labels) for row in rows} == {
        "approved as fine": set(),
        "swearing and crude": {"profanity"},
        "crude only": {"profanity"},
        "an insult and a threat": {"personal_attack", "threat"},
        "hate and spam": {"abuse", "promotion"},
        "off topic but also threat": {"threat"},
        "approved then rejected": {"threat"},
        "rejected then approved": set(),
    }
    assert {row.source for row in rows} == {"decisions"} and not any(row.multilabel for row in rows)


def test_training_rows_leave_out_comments_the_system_decided_last():
    decided("auto rejected on a banned term", ("reject", None, ["promotion"]))
    decided(
        "auto rejected, then a moderator approved it",
        ("reject", None, ["promotion"]),
        ("approve", ModeratorFactory(), []),
    )

    assert [(row.text, row.labels) for row in decision_training_rows()] == [
        ("auto rejected, then a moderator approved it", frozenset())
    ]


def test_training_rows_hold_the_body_and_nothing_personal():
    decided(
        "A plain remark about the harbour.",
        ("reject", ModeratorFactory(), ["threat"]),
        author_name="Zanzibar Quillfeather",
        author_email="quillfeather@private.example",
        ip_address="192.0.2.201",
        user_agent="SecretBrowser/9.1",
    )

    with CaptureQueriesContext(connection) as queries:
        rows = decision_training_rows()

    assert [row.text for row in rows] == ["A plain remark about the harbour."]
    dumped = repr(rows)
    for personal in ("Zanzibar", "Quillfeather", "quillfeather@private.example", "192.0.2.201", "SecretBrowser"):
        assert personal not in dumped
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    for column in ("author_name", "author_email", "ip_address", "user_agent"):
        assert column not in sql  # never even read


def test_training_rows_since_and_limit_keep_the_most_recently_decided():
    mod = ModeratorFactory()
    old = decided("decided long ago", ("approve", mod, []))
    Comment.objects.filter(pk=old.pk).update(decided_at=timezone.now() - timedelta(days=30))
    decided("decided today", ("approve", mod, []))
    decided("decided just now", ("reject", mod, ["threat"]))

    assert [r.text for r in decision_training_rows(since=timezone.now() - timedelta(days=1))] == [
        "decided today",
        "decided just now",
    ]
    assert [r.text for r in decision_training_rows(limit=1)] == ["decided just now"]
