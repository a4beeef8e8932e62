"""The one sanctioned change to comment content (Comment.objects.erase_personal_data) and nothing else."""

import pytest
from django.db import transaction
from django.utils import timezone

from comments.models import Comment, CommentContentImmutable
from comments.tests.factories import CommentFactory
from privacy.models import PersonalDataErasure

pytestmark = pytest.mark.django_db

PERSONAL = {"author_name": "Former commenter", "author_email": "erased-1@erased.invalid"}


def open_erasure(**kwargs):
    return PersonalDataErasure.objects.create(
        email_hash="h", placeholder_email="", reason="r", started_at=timezone.now(), **kwargs
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"author_name": "X"},
        {"author_email": "x@example.org"},
        {"body": "new"},
        {"author_name": "X", "author_email": "x@example.org"},
    ],
)
def test_ordinary_update_and_save_still_refuse_the_personal_content_fields(changes):
    comment = CommentFactory(status=Comment.Status.REJECTED)
    before = Comment.objects.filter(pk=comment.pk).values("author_name", "author_email", "body").get()

    with pytest.raises(CommentContentImmutable):
        Comment.objects.filter(pk=comment.pk).update(**changes)
    for field, value in changes.items():
        setattr(comment, field, value)
    with pytest.raises(CommentContentImmutable):
        comment.save()
    with pytest.raises(CommentContentImmutable):
        Comment.objects.bulk_update([comment], list(changes))
    assert Comment.objects.filter(pk=comment.pk).values("author_name", "author_email", "body").get() == before


def test_the_path_works_with_an_open_erasure_row_inside_its_transaction():
    comment = CommentFactory()
    with transaction.atomic():
        erasure = open_erasure()
        assert Comment.objects.filter(pk=comment.pk).erase_personal_data(erasure=erasure, **PERSONAL) == 1
    assert Comment.objects.get(pk=comment.pk).author_name == "Former commenter"


def test_the_path_refuses_without_a_saved_erasure_row():
    comment = CommentFactory()
    unsaved = PersonalDataErasure(email_hash="h", reason="r", started_at=timezone.now())
    with transaction.atomic():
        for erasure in (None, unsaved, comment):
            with pytest.raises(CommentContentImmutable):
                Comment.objects.filter(pk=comment.pk).erase_personal_data(erasure=erasure, **PERSONAL)
    assert Comment.objects.get(pk=comment.pk).author_name == comment.author_name


def test_the_path_refuses_a_completed_erasure():
    comment = CommentFactory()
    with transaction.atomic():
        erasure = open_erasure()
        PersonalDataErasure.objects.complete(pk=erasure.pk, completed_at=timezone.now())
        with pytest.raises(CommentContentImmutable):
            Comment.objects.filter(pk=comment.pk).erase_personal_data(erasure=erasure, **PERSONAL)


@pytest.mark.django_db(transaction=True)
def test_the_path_refuses_outside_a_transaction():
    comment = CommentFactory()
    erasure = open_erasure()
    with pytest.raises(CommentContentImmutable):
        Comment.objects.filter(pk=comment.pk).erase_personal_data(erasure=erasure, **PERSONAL)
    assert Comment.objects.get(pk=comment.pk).author_name == comment.author_name


@pytest.mark.parametrize(
    "values", [{"status": "approved"}, {"article_id": 1}, {"submitted_at": None}, {"priority": 0.0}, {}]
)
def test_the_path_changes_only_personal_fields(values):
    comment = CommentFactory()
    with transaction.atomic():
        erasure = open_erasure()
        with pytest.raises(CommentContentImmutable):
            Comment.objects.filter(pk=comment.pk).erase_personal_data(erasure=erasure, **values)


def test_the_path_replaces_bodies_of_rejected_comments_only():
    rejected = CommentFactory(status=Comment.Status.REJECTED, body="Rejected.")
    approved = CommentFactory(status=Comment.Status.APPROVED, body="Approved.")
    pending = CommentFactory(body="Pending.")
    with transaction.atomic():
        erasure = open_erasure()
        changed = Comment.objects.filter(pk__in=[rejected.pk, approved.pk, pending.pk]).erase_personal_data(
            erasure=erasure, body="[removed]"
        )
    assert changed == 1
    assert list(Comment.objects.order_by("pk").values_list("body", flat=True)) == ["[removed]", "Approved.", "Pending."]
