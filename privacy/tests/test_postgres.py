"""PostgreSQL: the erasure path's transaction-local marker and same-transaction check, and racing decisions."""

import threading

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import AlreadyDecided, comment_approve
from moderation.tests.factories import ModeratorFactory
from privacy.services import PLACEHOLDER_NAME, comment_erase_personal_data

pytestmark = [pytest.mark.postgres]


# What issue #15's triggers can do: refuse a change of a personal column unless the statement runs on the
# erasure path, i.e. `newsroom.erasure` names an open erasure row this transaction inserted.
GUARD = """
CREATE FUNCTION pg_temp.refuse_unless_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM privacy_personaldataerasure e
    WHERE e.id::text = current_setting('newsroom.erasure', true) AND e.completed_at IS NULL
      AND txid_status((txid_current() >> 32 << 32) + e.xmin::text::bigint) = 'in progress'
  ) THEN
    RAISE EXCEPTION 'comment content is never changed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER comment_personal_guard BEFORE UPDATE OF author_name, author_email ON comments_comment
  FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_unless_erasure();
"""


@pytest.mark.django_db
def test_a_trigger_recognises_the_erasure_path_and_nothing_else():
    from django.db import DatabaseError, transaction

    comment = CommentFactory(author_email="pg@example.org", author_name="Pia")
    with connection.cursor() as cursor:
        cursor.execute(GUARD)

    # Past the model's own guard (the base manager), the trigger still refuses.
    with pytest.raises(DatabaseError), transaction.atomic():
        Comment._base_manager.filter(pk=comment.pk).update(author_name="Someone else")

    comment_erase_personal_data(comment_or_email=comment, actor=None, reason="Request")
    assert Comment.objects.get(pk=comment.pk).author_name == PLACEHOLDER_NAME
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('newsroom.erasure', true)")
        assert cursor.fetchone()[0] == ""  # cleared right after the erasure's UPDATE
    with pytest.raises(DatabaseError), transaction.atomic():  # and the next ordinary write is refused again
        Comment._base_manager.filter(pk=comment.pk).update(author_name="Pia")


@pytest.mark.django_db(transaction=True)
def test_an_open_erasure_row_committed_earlier_cannot_be_reused():
    """On PostgreSQL the path needs the erasure row to be this transaction's own, not just open."""
    from django.db import transaction

    from comments.models import CommentContentImmutable
    from privacy.models import PersonalDataErasure

    comment = CommentFactory(author_email="pg@example.org")
    with connection.cursor() as cursor:  # autocommit: an open row, committed at once (never by the service)
        cursor.execute(
            "INSERT INTO privacy_personaldataerasure (email_hash, placeholder_email, requested_by_username, reason,"
            " erase_rejected_bodies, started_at, comments_erased, bodies_erased, articles_affected)"
            " VALUES ('x', '', '', 'r', false, now(), 0, 0, 0) RETURNING id"
        )
        erasure = PersonalDataErasure.objects.get(pk=cursor.fetchone()[0])

    with pytest.raises(CommentContentImmutable), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).erase_personal_data(erasure=erasure, author_name="X")
    assert Comment.objects.get(pk=comment.pk).author_name == comment.author_name


@pytest.mark.django_db(transaction=True)
def test_an_erasure_and_a_decision_racing_both_land():
    Group.objects.get_or_create(name="Moderators")[0].permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="moderate_comment")
    )
    moderator = ModeratorFactory()
    comments = [CommentFactory(author_email="race@example.org") for _ in range(20)]
    barrier = threading.Barrier(2)
    errors = []

    def erase():
        try:
            barrier.wait()
            comment_erase_personal_data(comment_or_email="race@example.org", actor=None, reason="Request")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def decide():
        try:
            barrier.wait()
            for comment in comments:
                try:
                    comment_approve(comment=comment, moderator=moderator)
                except AlreadyDecided:
                    pass
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=erase), threading.Thread(target=decide)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    stored = Comment.objects.filter(pk__in=[c.pk for c in comments])
    assert set(stored.values_list("author_name", flat=True)) == {PLACEHOLDER_NAME}
    assert set(stored.values_list("status", flat=True)) == {"approved"}
