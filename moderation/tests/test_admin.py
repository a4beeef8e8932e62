import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import ModerationDecision
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


def run_action(client, action, comments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def test_moderator_approves_selected_through_the_service(client):
    moderator = ModeratorFactory()
    client.force_login(moderator)
    comments = CommentFactory.create_batch(2)

    response = run_action(client, "approve_selected", comments)

    assert response.status_code == 200
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    assert ModerationDecision.objects.filter(moderator=moderator, verdict="approved").count() == 2


def test_moderator_rejects_selected_with_the_category_as_reason(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory()

    run_action(client, "reject_as_threat", [comment])

    decision = ModerationDecision.objects.get(comment=comment)
    assert (decision.verdict, decision.reasons) == ("rejected", ["threat"])


def test_bulk_action_skips_and_reports_comments_already_in_that_state(client):
    client.force_login(ModeratorFactory())
    already = CommentFactory(status=Comment.Status.APPROVED)
    fresh = CommentFactory()

    response = run_action(client, "approve_selected", [already, fresh])

    assert "1 comment(s) skipped" in response.content.decode()
    assert ModerationDecision.objects.count() == 1


def test_staff_without_moderation_permission_gets_no_decision_actions(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff)
    comment = CommentFactory()

    page = client.get(CHANGELIST)
    run_action(client, "approve_selected", [comment])

    assert page.status_code == 200
    assert "approve_selected" not in page.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_admin_change_form_post_cannot_edit_content(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory(body="Original words", author_name="Reader")
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    page = client.get(url)
    response = client.post(
        url,
        {"body": "Edited words", "author_name": "Someone else", "status": "approved"},
    )

    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()  # shown read-only, no input
    assert response.status_code in (302, 403)
    comment.refresh_from_db()
    assert (comment.body, comment.author_name, comment.status) == (
        "Original words",
        "Reader",
        Comment.Status.PENDING,
    )


def test_comment_page_shows_decision_history(client):
    from moderation.services import comment_approve, comment_reject

    moderator = ModeratorFactory(username="dana")
    comment = CommentFactory()
    comment_approve(comment=comment, moderator=moderator)
    comment_reject(comment=comment, moderator=moderator, reasons=["abuse"], note="on second look")
    client.force_login(moderator)

    html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()

    assert "on second look" in html
    assert html.count("dana") >= 2


def test_moderators_cannot_add_or_delete_comments(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory()

    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert client.post(reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_flag_badges_escape_and_list_filter_by_category(client):
    client.force_login(ModeratorFactory())
    flagged = CommentFactory(flags="|threat|", body="flagged one")
    CommentFactory(flags="", body="clean one")

    html = client.get(CHANGELIST, {"flag": "threat"}).content.decode()

    assert "flagged one" in html and "clean one" not in html
    assert 'class="flag flag-threat"' in html
    assert str(flagged.pk) in html
