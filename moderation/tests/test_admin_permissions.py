"""Every admin page that shows comment content needs comments.moderate_comment (issue #11, item 8).

Django's own view (or change) permission on comments or decisions is not enough: staff who
hold only those saw pending bodies, authors' emails and IPs in the Comments admin.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import Claim, ModerationDecision
from moderation.services import comment_approve
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Secret pending words about the bridge tender"
EMAIL = "hidden.author@example.org"
IP = "198.51.100.77"
AUTHOR = "Quiet Reader"


def _staff_with(*codenames):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return staff


VIEW_ONLY = ("view_comment", "view_moderationdecision", "view_article")
VIEW_AND_CHANGE = VIEW_ONLY + ("change_comment", "change_moderationdecision")


@pytest.fixture
def comments():
    """A pending comment and a decided one (so the decision log has a row naming its author)."""
    pending = CommentFactory(body=BODY, author_email=EMAIL, ip_address=IP, author_name=AUTHOR)
    decided = CommentFactory(body=BODY, author_email=EMAIL, ip_address=IP, author_name=AUTHOR)
    comment_approve(comment=decided, moderator=ModeratorFactory())
    return pending, decided


def content_pages(pending, decided):
    """Every admin GET that shows a comment's body, author, email or IP (or the decision log)."""
    decision = ModerationDecision.objects.get(comment=decided)
    return [
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_changelist") + "?status__exact=pending",
        reverse("admin:comments_comment_change", args=[pending.pk]),
        reverse("admin:comments_comment_change", args=[decided.pk]),
        reverse("admin:comments_comment_history", args=[pending.pk]),
        reverse("admin:moderation_reviewqueueitem_changelist"),
        reverse("admin:moderation_reviewqueueitem_change", args=[pending.pk]),
        reverse("admin:moderation_reviewqueueitem_history", args=[pending.pk]),
        reverse("admin:moderation_stats"),
        reverse("admin:moderation_moderationdecision_changelist"),
        reverse("admin:moderation_moderationdecision_change", args=[decision.pk]),
        reverse("admin:moderation_moderationdecision_history", args=[decision.pk]),
    ]


@pytest.mark.parametrize("perms", [VIEW_ONLY, VIEW_AND_CHANGE], ids=["view", "view+change"])
def test_staff_without_the_moderation_permission_see_no_comment_page(client, comments, perms):
    pending, decided = comments
    client.force_login(_staff_with(*perms))

    for url in content_pages(pending, decided):
        response = client.get(url)
        assert response.status_code == 403, url
        html = response.content.decode()
        for secret in (BODY, EMAIL, IP, AUTHOR):
            assert secret not in html, (url, secret)
    assert not Claim.objects.exists()  # opening the queue page claimed nothing


@pytest.mark.parametrize("perms", [VIEW_ONLY, VIEW_AND_CHANGE], ids=["view", "view+change"])
def test_staff_without_the_moderation_permission_cannot_decide_or_change(client, comments, perms):
    pending, _ = comments
    client.force_login(_staff_with(*perms))
    changelist = reverse("admin:comments_comment_changelist")

    responses = [
        client.post(reverse("admin:comments_comment_change", args=[pending.pk]), {"author_name": "Edited"}),
        client.get(reverse("admin:comments_comment_decide", args=[pending.pk])),
        client.post(
            reverse("admin:comments_comment_decide", args=[pending.pk]),
            {"decision": "approve", "expected_status": "pending"},
        ),
        client.post(changelist, {"action": "approve_selected", "_selected_action": [pending.pk]}),
    ]

    assert [r.status_code for r in responses] == [403] * len(responses)
    pending.refresh_from_db()
    assert (pending.status, pending.author_name) == (Comment.Status.PENDING, AUTHOR)


def test_admin_index_lists_no_comment_pages_without_the_moderation_permission(client, comments):
    client.force_login(_staff_with(*VIEW_AND_CHANGE))

    index = client.get(reverse("admin:index"))
    html = index.content.decode()

    assert index.status_code == 200
    for name in ("comments_comment", "moderation_reviewqueueitem", "moderation_moderationdecision"):
        admin_url = reverse(f"admin:{name}_changelist")
        assert admin_url not in html, admin_url
    assert reverse("admin:moderation_stats") not in html
    # The Comments app has nothing else to show: its app page does not exist for them.
    assert client.get(reverse("admin:app_list", args=["comments"])).status_code in (403, 404)


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: ModeratorFactory(),
        lambda: UserFactory(is_staff=True, is_superuser=True),
    ],
    ids=["moderator", "superuser"],
)
def test_moderators_and_superusers_keep_every_comment_page(client, comments, make_user):
    pending, decided = comments
    client.force_login(make_user())

    statuses = {url: client.get(url).status_code for url in content_pages(pending, decided)}
    index = client.get(reverse("admin:index")).content.decode()

    assert set(statuses.values()) == {200}, statuses
    assert reverse("admin:comments_comment_changelist") in index
    assert reverse("admin:moderation_moderationdecision_changelist") in index
