"""Permission matrix: who may read what and who may decide, over session and token auth.

Pending and rejected comments, emails and IP addresses must never reach anyone
but a moderator; only moderators decide.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import ModerationDecision
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRETS = {
    "pending body": "PENDING-BODY-7f3a",
    "rejected body": "REJECTED-BODY-91c2",
    "email": "hidden-writer@example.org",
    "ip": "198.51.100.77",
    "user agent": "SecretAgent/9",
    "note": "MODERATOR-NOTE-55e1",
}


@pytest.fixture
def world():
    article = ArticleFactory(slug="the-article")
    common = {
        "article": article,
        "author_email": SECRETS["email"],
        "ip_address": SECRETS["ip"],
        "user_agent": SECRETS["user agent"],
    }
    pending = CommentFactory(body=SECRETS["pending body"], **common)
    rejected = CommentFactory(body=SECRETS["rejected body"], **common)
    comment_reject(comment=rejected, moderator=ModeratorFactory(), reasons=["abuse"], note=SECRETS["note"])
    approved = CommentFactory(status=Comment.Status.APPROVED, body="Approved and public.", **common)
    return {"article": article, "pending": pending, "rejected": rejected, "approved": approved}


def make_client(who: str) -> APIClient:
    client = APIClient()
    if who == "anonymous":
        return client
    role, how = who.split("/")
    user = ModeratorFactory() if role == "moderator" else UserFactory(is_staff=(role == "staff"))
    if how == "session":
        client.force_login(user)
    else:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


NON_MODERATORS = ["anonymous", "reader/session", "reader/token", "staff/session", "staff/token"]
MODERATORS = ["moderator/session", "moderator/token"]


def moderator_requests(world):
    pending = world["pending"]
    return [
        ("get", "/api/moderation/comments/", None),
        ("get", "/api/moderation/comments/?status=all", None),
        ("get", f"/api/moderation/comments/{pending.pk}/", None),
        ("get", "/api/moderation/decisions/", None),
        ("get", "/api/moderation/stats/", None),
        ("post", f"/api/moderation/comments/{pending.pk}/approve/", {}),
        ("post", f"/api/moderation/comments/{pending.pk}/reject/", {"reasons": ["abuse"]}),
        ("post", "/api/moderation/comments/bulk/", {"action": "approve", "ids": [pending.pk]}),
    ]


def call(client, method, path, body):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("who", NON_MODERATORS)
def test_non_moderators_are_refused_every_moderator_endpoint(world, who):
    client = make_client(who)

    for method, path, body in moderator_requests(world):
        response = call(client, method, path, body)
        expected = 401 if who == "anonymous" else 403
        assert response.status_code == expected, (method, path, response.content)
        data = response.json()
        assert set(data) == {"detail", "code", "errors"}
        if expected == 401:
            assert data["code"] == "not_authenticated"
            assert response["WWW-Authenticate"] == "Token"
        text = response.content.decode()
        for secret in SECRETS.values():
            assert secret not in text

    assert ModerationDecision.objects.count() == 1  # only the set-up rejection
    world["pending"].refresh_from_db()
    assert world["pending"].status == Comment.Status.PENDING


@pytest.mark.parametrize("who", MODERATORS)
def test_moderators_can_read_and_decide_over_session_and_token(world, who):
    client = make_client(who)
    reads = [r for r in moderator_requests(world) if r[0] == "get"]

    for method, path, body in reads:
        assert call(client, method, path, body).status_code == 200, path
    queue = call(client, "get", "/api/moderation/comments/?status=all", None).content.decode()
    for secret in ("pending body", "rejected body", "email", "ip"):
        assert SECRETS[secret] in queue

    pending = world["pending"]
    response = call(client, "post", f"/api/moderation/comments/{pending.pk}/approve/", {})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED


def test_a_user_given_only_the_permission_may_moderate(world):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    client = APIClient()
    client.force_login(user)

    assert client.get("/api/moderation/comments/").status_code == 200


def test_an_inactive_moderator_token_is_refused(world):
    moderator = ModeratorFactory(is_active=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")

    response = client.get("/api/moderation/comments/")

    assert response.status_code == 401


def test_a_made_up_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert client.get("/api/moderation/comments/").status_code == 401


def test_session_moderators_need_the_csrf_token_to_decide(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(ModeratorFactory())
    pending = world["pending"]

    response = call(client, "post", f"/api/moderation/comments/{pending.pk}/approve/", {})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def public_requests(world):
    article = world["article"]
    return [
        "/api/articles/",
        f"/api/articles/{article.slug}/",
        f"/api/articles/{article.slug}/comments/",
        f"/api/articles/{article.slug}/comments/?order=oldest",
        "/api/guidelines/",
        f"/api/comments/{world['pending'].pk}/status/",
        f"/api/comments/{world['rejected'].pk}/status/",
    ]


@pytest.mark.parametrize("who", ["anonymous", "reader/session", "reader/token", "staff/token", *MODERATORS])
def test_public_endpoints_show_only_approved_comments_and_no_personal_data(world, who):
    client = make_client(who)

    for path in public_requests(world):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        text = response.content.decode()
        for name, secret in SECRETS.items():
            assert secret not in text, (path, name)

    listed = client.get(f"/api/articles/{world['article'].slug}/comments/").json()
    assert [c["id"] for c in listed["results"]] == [world["approved"].pk]
    assert listed["count"] == 1


def test_status_needs_the_receipt_even_for_moderators(world):
    client = make_client("moderator/token")

    response = client.get(f"/api/comments/{world['rejected'].pk}/status/")

    assert response.status_code == 404
