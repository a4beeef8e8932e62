"""The moderator comment detail's `history`; public responses never carry it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from comments.models import Comment
from comments.receipts import comment_receipt
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

HISTORY_WORDS = ("history", "same_ip", "rejection_rate", "first_seen", "ip_address", "author_email")


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def moderator():
    return ModeratorFactory()


@pytest.fixture
def api(moderator):
    client = APIClient()
    client.force_authenticate(moderator)
    return client


def test_detail_has_the_commenter_history(api, moderator):
    comment = CommentFactory(author_email="ann@example.org", ip_address="198.51.100.4")
    rejected = CommentFactory(author_email="Ann@Example.org", submitted_at=ago(days=3), body="Rude words here")
    approved = CommentFactory(author_email="ann@example.org", submitted_at=ago(days=2))
    comment_reject(comment=rejected, moderator=moderator, reasons=["abuse", "threat"])
    comment_approve(comment=approved, moderator=moderator)
    sock = CommentFactory(author_email="sock@example.org", ip_address="198.51.100.4", submitted_at=ago(hours=2))

    history = api.get(f"/api/moderation/comments/{comment.pk}/").json()["history"]

    assert {k: history[k] for k in ("email", "approved", "rejected", "pending", "total", "rejection_rate")} == {
        "email": "ann@example.org",
        "approved": 1,
        "rejected": 1,
        "pending": 0,
        "total": 2,
        "rejection_rate": 0.5,
    }
    assert history["first_seen"] is not None
    assert [(c["id"], c["status"], c["reasons"]) for c in history["comments"]] == [
        (approved.pk, "approved", []),
        (rejected.pk, "rejected", ["abuse", "threat"]),
    ]
    assert history["comments"][1]["excerpt"] == "Rude words here"
    assert set(history["comments"][0]) == {
        "id",
        "status",
        "reasons",
        "submitted_at",
        "excerpt",
        "article_id",
        "author_name",
        "author_email",
    }
    assert [c["id"] for c in history["same_ip"]] == [sock.pk]
    assert history["same_ip_days"] == 30


def test_history_is_for_moderators_only():
    comment = CommentFactory()

    assert APIClient().get(f"/api/moderation/comments/{comment.pk}/").status_code == 401


def test_public_responses_carry_no_history(client, moderator):
    comment = CommentFactory(author_email="ann@example.org")
    CommentFactory(author_email="ann@example.org", article=comment.article, submitted_at=ago(days=1))
    comment_approve(comment=comment, moderator=moderator)
    comment = Comment.objects.get(pk=comment.pk)
    receipt = comment_receipt(comment_id=comment.pk, submitted_at=comment.submitted_at)
    slug = comment.article.slug

    listed = client.get(f"/api/articles/{slug}/comments/").json()["results"]
    status = client.get(f"/api/comments/{comment.pk}/status/", HTTP_X_COMMENT_RECEIPT=receipt).json()
    article = client.get(f"/api/articles/{slug}/").json()

    assert [set(row) for row in listed] == [{"id", "author_name", "body", "submitted_at"}]
    assert set(status) == {"id", "status", "reasons"}
    for body in (listed, status, article):
        assert not any(word in str(body) for word in HISTORY_WORDS)
    page = client.get(f"/articles/{slug}/").content.decode()
    assert "Commenter history" not in page and "new commenter" not in page
