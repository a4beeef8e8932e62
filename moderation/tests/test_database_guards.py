"""PostgreSQL refuses what the models refuse, even to raw SQL: changing a comment's content, rewriting or
deleting a decision (migration moderation/0010). The erasure path and account deletion still work."""

import pytest
from django.db import DatabaseError, connection, transaction

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import ModerationDecision
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory
from privacy.services import PLACEHOLDER_NAME, comment_erase_personal_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "column, value",
    [
        ("body", "Edited text"),
        ("author_name", "Someone"),
        ("author_email", "x@example.org"),
        ("submitted_at", "2020-01-01T00:00:00Z"),
    ],
)
def test_raw_sql_cannot_change_a_comments_content(column, value):
    comment = CommentFactory(body="As written")
    with pytest.raises(DatabaseError, match="never changed"):
        raw(f"UPDATE comments_comment SET {column} = %s WHERE id = %s", [value, comment.pk])
    assert Comment.objects.get(pk=comment.pk).body == "As written"


def test_status_check_results_and_connection_data_may_still_change():
    comment = CommentFactory()
    raw(
        "UPDATE comments_comment SET priority = 0.9, flags = '|abuse|', ip_address = NULL, user_agent = '' "
        "WHERE id = %s",
        [comment.pk],
    )
    comment_approve(comment=comment, moderator=ModeratorFactory())
    assert Comment.objects.get(pk=comment.pk).status == "approved"


def test_raw_sql_cannot_rewrite_or_delete_a_decision():
    decision = comment_reject(comment=CommentFactory(), moderator=ModeratorFactory(), reasons=["abuse"])
    with pytest.raises(DatabaseError, match="never rewritten"):
        raw("UPDATE moderation_moderationdecision SET verdict = 'approved' WHERE id = %s", [decision.pk])
    with pytest.raises(DatabaseError, match="never deleted"):
        raw("DELETE FROM moderation_moderationdecision WHERE id = %s", [decision.pk])
    assert ModerationDecision.objects.get(pk=decision.pk).verdict == "rejected"


def test_the_erasure_path_passes_and_only_for_personal_columns():
    comment = CommentFactory(author_email="pg@example.org", author_name="Pia")
    comment_erase_personal_data(comment_or_email="pg@example.org", actor=None, reason="Request")
    assert Comment.objects.get(pk=comment.pk).author_name == PLACEHOLDER_NAME
    with pytest.raises(DatabaseError):  # the setting was cleared: the next raw write is refused again
        raw("UPDATE comments_comment SET author_name = 'Pia' WHERE id = %s", [comment.pk])


def test_deleting_a_moderator_may_empty_the_link_on_their_decisions():
    moderator = ModeratorFactory(username="gone")
    decision = comment_approve(comment=CommentFactory(), moderator=moderator)
    moderator.delete()
    stored = ModerationDecision.objects.get(pk=decision.pk)
    assert (stored.moderator_id, stored.decided_by) == (None, "gone")
