from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment, CommentContentImmutable
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

ORIGINAL_BODY = "The library funding deserves more debate before the council votes."


def _stored(comment):
    return Comment.objects.values().get(pk=comment.pk)


@pytest.mark.parametrize(
    ("field", "new_value"),
    [
        ("body", "An edited comment."),
        ("author_name", "Someone Else"),
        ("author_email", "someone.else@example.org"),
    ],
)
def test_saving_changed_content_of_loaded_comment_raises_and_keeps_row(field, new_value):
    comment = CommentFactory()
    before = _stored(comment)
    loaded = Comment.objects.get(pk=comment.pk)
    setattr(loaded, field, new_value)

    with pytest.raises(CommentContentImmutable):
        loaded.save()

    assert _stored(comment) == before


@pytest.mark.parametrize("field", ["body", "author_name", "author_email"])
def test_saving_changed_content_of_just_created_comment_raises(field):
    comment = CommentFactory()
    before = _stored(comment)
    setattr(comment, field, "changed@example.org")

    with pytest.raises(CommentContentImmutable):
        comment.save()

    assert _stored(comment) == before


def test_moving_comment_to_another_article_via_save_raises():
    comment = CommentFactory()
    other = ArticleFactory()
    loaded = Comment.objects.get(pk=comment.pk)
    loaded.article = other

    with pytest.raises(CommentContentImmutable):
        loaded.save()

    assert Comment.objects.get(pk=comment.pk).article_id == comment.article_id


def test_changing_submitted_at_or_user_via_save_raises():
    comment = CommentFactory()
    loaded = Comment.objects.get(pk=comment.pk)
    loaded.submitted_at = timezone.now() - timedelta(days=30)
    with pytest.raises(CommentContentImmutable):
        loaded.save()

    loaded = Comment.objects.get(pk=comment.pk)
    loaded.user = UserFactory()
    with pytest.raises(CommentContentImmutable):
        loaded.save()

    assert Comment.objects.get(pk=comment.pk).user_id is None


@pytest.mark.parametrize("status", [Comment.Status.APPROVED, Comment.Status.REJECTED])
def test_status_change_via_save_raises(status):
    comment = CommentFactory()
    loaded = Comment.objects.get(pk=comment.pk)
    loaded.status = status

    with pytest.raises(CommentContentImmutable):
        loaded.save()

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_decided_at_change_via_save_raises():
    comment = CommentFactory()
    loaded = Comment.objects.get(pk=comment.pk)
    loaded.decided_at = timezone.now()

    with pytest.raises(CommentContentImmutable):
        loaded.save()

    assert Comment.objects.get(pk=comment.pk).decided_at is None


def test_saving_unchanged_loaded_comment_is_allowed():
    comment = CommentFactory()
    loaded = Comment.objects.get(pk=comment.pk)

    loaded.save()

    assert _stored(loaded)["body"] == ORIGINAL_BODY


def test_saving_comment_after_approval_through_service_is_allowed():
    comment = CommentFactory()
    comment_approve(comment=comment, moderator=ModeratorFactory())

    comment.save()  # the service mirrored the new status into the instance

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_saving_after_refresh_from_db_with_no_change_is_allowed():
    comment = CommentFactory()
    comment_approve(comment=Comment.objects.get(pk=comment.pk), moderator=ModeratorFactory())
    comment.refresh_from_db()

    comment.save()  # nothing changed since the refresh

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_saving_stale_instance_does_not_revert_a_moderator_decision():
    comment = CommentFactory()
    stale = Comment.objects.get(pk=comment.pk)
    comment_approve(comment=Comment.objects.get(pk=comment.pk), moderator=ModeratorFactory())

    try:
        stale.save()
    except CommentContentImmutable:
        pass

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_saving_new_instance_with_existing_id_does_not_overwrite_comment():
    comment = CommentFactory()
    before = _stored(comment)
    impostor = Comment(
        pk=comment.pk,
        article=comment.article,
        author_name=comment.author_name,
        author_email=comment.author_email,
        body="Rewritten by someone else.",
        submitted_at=comment.submitted_at,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        impostor.save()

    assert _stored(comment) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"body": "rewritten"},
        {"author_name": "Someone Else"},
        {"author_email": "x@example.org"},
        {"article_id": None},
        {"user": None},
        {"submitted_at": None},
    ],
    ids=["body", "author_name", "author_email", "article_id", "user", "submitted_at"],
)
def test_queryset_update_of_content_field_raises_and_keeps_rows(changes):
    comment = CommentFactory()
    if "article_id" in changes:
        changes = {"article_id": ArticleFactory().pk}
    if "submitted_at" in changes:
        changes = {"submitted_at": timezone.now() - timedelta(days=1)}
    before = _stored(comment)

    with pytest.raises(CommentContentImmutable):
        Comment.objects.filter(pk=comment.pk).update(**changes)

    assert _stored(comment) == before


def test_queryset_update_mixing_status_and_body_raises_and_changes_nothing():
    comment = CommentFactory()

    with pytest.raises(CommentContentImmutable):
        Comment.objects.filter(pk=comment.pk).update(status="approved", body="rewritten")

    stored = _stored(comment)
    assert (stored["status"], stored["body"]) == ("pending", ORIGINAL_BODY)


def test_bulk_update_of_content_field_raises_and_keeps_rows():
    comments = CommentFactory.create_batch(2)
    loaded = list(Comment.objects.filter(pk__in=[c.pk for c in comments]))
    for comment in loaded:
        comment.body = "rewritten in bulk"

    with pytest.raises(CommentContentImmutable):
        Comment.objects.bulk_update(loaded, ["body"])
    with pytest.raises(CommentContentImmutable):
        Comment.objects.bulk_update(loaded, ["author_email", "priority"])

    assert set(Comment.objects.values_list("body", flat=True)) == {ORIGINAL_BODY}


def test_queryset_update_of_status_is_allowed():
    comment = CommentFactory()
    now = timezone.now()

    changed = Comment.objects.filter(pk=comment.pk).update(status="approved", decided_at=now)

    assert changed == 1
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_queryset_update_of_screening_fields_is_allowed():
    comment = CommentFactory()

    Comment.objects.filter(pk=comment.pk).update(priority=0.5, flags="|promotion|")

    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.priority, stored.flag_list) == (0.5, ["promotion"])


def test_deleting_a_user_keeps_their_comments_with_user_cleared():
    user = UserFactory()
    comment = CommentFactory(user=user)

    user.delete()

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.user_id is None
    assert stored.body == ORIGINAL_BODY


def test_new_comment_defaults_to_pending():
    comment = CommentFactory()

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_approved_and_pending_querysets_filter_by_status():
    pending = CommentFactory()
    approved = CommentFactory(status=Comment.Status.APPROVED)
    CommentFactory(status=Comment.Status.REJECTED)

    assert list(Comment.objects.approved()) == [approved]
    assert list(Comment.objects.pending()) == [pending]


def test_default_ordering_is_newest_first():
    now = timezone.now()
    old = CommentFactory(submitted_at=now - timedelta(hours=2))
    new = CommentFactory(submitted_at=now)
    middle = CommentFactory(submitted_at=now - timedelta(hours=1))

    assert list(Comment.objects.all()) == [new, middle, old]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [("", []), ("|profanity|", ["profanity"]), ("|abuse|threat|", ["abuse", "threat"])],
)
def test_flag_list_parses_stored_flags(flags, expected):
    assert Comment(flags=flags).flag_list == expected
