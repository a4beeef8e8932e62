"""The admin action "Erase this commenter's personal data": confirmation page, permission, and the audit log pages."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory
from privacy.models import PersonalDataErasure
from privacy.services import ERASED_BODY, PLACEHOLDER_NAME
from privacy.tests.factories import ModeratingPrivacyOfficerFactory, PrivacyOfficerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
ACTION = "erase_commenter_personal_data"


def select(client, comments, **extra):
    return client.post(CHANGELIST, {"action": ACTION, "_selected_action": [c.pk for c in comments], **extra})


def test_the_action_asks_for_a_reason_first_and_changes_nothing(client):
    client.force_login(ModeratingPrivacyOfficerFactory())
    comment = CommentFactory(author_email="ana@example.org")

    response = select(client, [comment])

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="reason"' in page and 'name="erase_rejected_bodies"' in page
    assert Comment.objects.get(pk=comment.pk).author_email == "ana@example.org"
    assert not PersonalDataErasure.objects.exists()


def test_confirming_erases_each_selected_commenter_once(client):
    client.force_login(ModeratingPrivacyOfficerFactory())
    ana = [CommentFactory(author_email="ana@example.org") for _ in range(2)]
    ben = CommentFactory(author_email="Ben@example.org", body="Rejected words.")
    comment_reject(comment=ben, moderator=ModeratorFactory(), reasons=["abuse"])
    CommentFactory(author_email="ben@example.org")  # not selected, same commenter
    untouched = CommentFactory(author_email="cy@example.org")

    response = select(client, [*ana, ben], confirm="yes", reason="Requests of 1 Dec", erase_rejected_bodies="on")

    assert response.status_code == 302
    assert PersonalDataErasure.objects.count() == 2
    assert set(Comment.objects.exclude(pk=untouched.pk).values_list("author_name", flat=True)) == {PLACEHOLDER_NAME}
    assert Comment.objects.get(pk=ben.pk).body == ERASED_BODY
    assert Comment.objects.get(pk=untouched.pk).author_email == "cy@example.org"


def test_a_blank_reason_shows_the_page_again(client):
    client.force_login(ModeratingPrivacyOfficerFactory())
    comment = CommentFactory(author_email="ana@example.org")

    response = select(client, [comment], confirm="yes", reason="")

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not PersonalDataErasure.objects.exists()


def test_moderators_without_the_privacy_permission_do_not_get_the_action(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory(author_email="ana@example.org")

    listing = client.get(CHANGELIST).content.decode()
    response = select(client, [comment], confirm="yes", reason="R")

    assert ACTION not in listing
    assert response.status_code == 302  # admin: "No action selected"
    assert Comment.objects.get(pk=comment.pk).author_email == "ana@example.org"
    assert not PersonalDataErasure.objects.exists()


def test_the_action_is_offered_to_officers_who_moderate(client):
    client.force_login(ModeratingPrivacyOfficerFactory())
    CommentFactory()
    assert ACTION in client.get(CHANGELIST).content.decode()


def test_the_erasure_log_is_read_only_and_shown_to_officers(client):
    officer = PrivacyOfficerFactory()
    client.force_login(officer)
    from privacy.services import comment_erase_personal_data

    comment_erase_personal_data(
        comment_or_email=CommentFactory(author_email="d@example.org"), actor=officer, reason="Request"
    )
    erasure = PersonalDataErasure.objects.get()

    listing = client.get(reverse("admin:privacy_personaldataerasure_changelist"))
    assert listing.status_code == 200
    assert "d@example.org" not in listing.content.decode()
    assert client.get(reverse("admin:privacy_personaldataerasure_add")).status_code == 403
    assert (
        client.post(reverse("admin:privacy_personaldataerasure_delete", args=[erasure.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:privacy_retentionpurge_changelist")).status_code == 200


def test_moderators_do_not_see_the_erasure_log(client):
    client.force_login(ModeratorFactory())
    assert client.get(reverse("admin:privacy_personaldataerasure_changelist")).status_code == 403
