"""A banned commenter's comment, through the API and the article page: stored, rejected at once by the system
(reason "banned"), and answered exactly like anyone's; or, with COMMUNITY_BANNED_REFUSE, refused with 403."""

import html as htmllib
import re

import pytest
from rest_framework.test import APIClient

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.receipts import comment_receipt
from community.sanctions import sanction_create, sanction_lift
from moderation.models import GuidelineTerm, ModerationDecision
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

BANNED = {"author_name": "Troll", "author_email": "Troll@Example.org", "body": "My remark on the harbour plan."}
CLEAN = {"author_name": "Dana", "author_email": "dana@example.org", "body": "My view on the harbour plan."}
SUCCESS_MESSAGE = "It will appear here once a moderator has approved it."
STATUS_LINK = re.compile(r'href="(/comments/\d+/status/\?receipt=[0-9a-f]+)"')


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def moderator():
    return ModeratorFactory()


@pytest.fixture
def ban(moderator):
    return sanction_create(actor=moderator, kind="email", value="troll@example.org", reasons=["abuse"])


@pytest.fixture
def api():
    return APIClient()


def post_api(api, article, data, ip="198.51.100.4"):
    return api.post(f"/api/articles/{article.slug}/comments/", data, format="json", REMOTE_ADDR=ip)


def assert_rejected_by_the_system_as_banned(comment):
    assert comment.status == Comment.Status.REJECTED
    decision = ModerationDecision.objects.get(comment=comment)
    assert (decision.moderator, decision.reasons, decision.verdict) == (None, ["banned"], "rejected")
    assert decision.previous_status == Comment.Status.PENDING


def test_api_stores_and_system_rejects_a_banned_commenter_s_comment(api, article, ban):
    response = post_api(api, article, BANNED)

    assert response.status_code == 202
    comment = Comment.objects.get()
    assert comment.body == BANNED["body"]
    assert_rejected_by_the_system_as_banned(comment)


def test_the_banned_commenter_is_answered_exactly_like_anyone(api, article, ban):
    banned = post_api(api, article, BANNED)
    clean = post_api(api, article, CLEAN, ip="198.51.100.5")

    assert banned.status_code == clean.status_code == 202
    assert set(banned.json()) == set(clean.json()) == {"id", "status", "receipt"}
    assert banned.json()["status"] == clean.json()["status"] == "pending"
    assert {
        k: v for k, v in banned.headers.items() if k.lower() not in {"content-length", "x-comment-receipt"}
    }.keys() == {
        k: v for k, v in clean.headers.items() if k.lower() not in {"content-length", "x-comment-receipt"}
    }.keys()


def test_the_receipt_status_api_and_page_say_pending(api, client, article, ban):
    body = post_api(api, article, BANNED).json()

    status = api.get(f"/api/comments/{body['id']}/status/", HTTP_X_COMMENT_RECEIPT=body["receipt"])
    page = client.get(f"/comments/{body['id']}/status/", {"receipt": body["receipt"]})

    assert status.status_code == 200
    assert status.json()["status"] == "pending"
    assert "banned" not in status.content.decode()
    assert page.status_code == 200
    text = page.content.decode()
    assert "Waiting for a moderator." in text
    assert "banned" not in text.lower() and "Not published" not in text


def test_the_comment_never_appears_publicly(api, client, article, ban):
    post_api(api, article, BANNED)

    listing = api.get(f"/api/articles/{article.slug}/comments/")
    page = client.get(article.get_absolute_url())

    assert listing.json()["results"] == []
    assert BANNED["body"] not in page.content.decode()


def test_a_ban_by_ip_range_or_domain_applies_too(api, article, moderator):
    sanction_create(actor=moderator, kind="ip", value="203.0.113.0/24", reasons=["promotion"])
    sanction_create(actor=moderator, kind="domain", value="spam.example", reasons=["promotion"])

    post_api(api, article, {**CLEAN, "body": "From the banned range."}, ip="203.0.113.200")
    post_api(api, article, {**CLEAN, "author_email": "x@mail.spam.example", "body": "From the banned domain."})
    post_api(api, article, {**CLEAN, "body": "From next door."}, ip="203.0.114.1")

    by_body = {c.body: c for c in Comment.objects.all()}
    assert_rejected_by_the_system_as_banned(by_body["From the banned range."])
    assert_rejected_by_the_system_as_banned(by_body["From the banned domain."])
    assert by_body["From next door."].status == Comment.Status.PENDING


def test_after_the_ban_is_lifted_comments_wait_for_a_moderator_again(api, article, ban, moderator):
    sanction_lift(sanction=ban, actor=moderator)

    post_api(api, article, BANNED)

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert not ModerationDecision.objects.exists()


def test_the_article_page_form_stores_and_answers_as_for_anyone(client, article, ban):
    response = client.post(article.get_absolute_url(), BANNED, REMOTE_ADDR="198.51.100.4", follow=True)

    assert response.redirect_chain == [(f"{article.get_absolute_url()}#posted", 302)]
    text = response.content.decode()
    assert SUCCESS_MESSAGE in text
    comment = Comment.objects.get()
    assert_rejected_by_the_system_as_banned(comment)
    link = htmllib.unescape(STATUS_LINK.search(text).group(1))
    assert "Waiting for a moderator." in client.get(link).content.decode()
    assert BANNED["body"] not in client.get(article.get_absolute_url()).content.decode()


def test_with_refuse_on_the_api_answers_403_commenter_banned_and_stores_nothing(api, article, ban, settings):
    settings.COMMUNITY_BANNED_REFUSE = True

    response = post_api(api, article, BANNED)
    clean = post_api(api, article, CLEAN)

    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot comment here.", "code": "commenter_banned", "errors": {}}
    assert clean.status_code == 202
    assert list(Comment.objects.values_list("author_email", flat=True)) == [CLEAN["author_email"]]
    assert not ModerationDecision.objects.exists()


def test_with_refuse_on_the_page_shows_a_403_form_error_and_stores_nothing(client, article, ban, settings):
    settings.COMMUNITY_BANNED_REFUSE = True

    response = client.post(article.get_absolute_url(), BANNED)

    assert response.status_code == 403
    assert "You cannot comment here." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_refused_comment_does_not_use_up_the_submission_limit(api, article, ban, settings):
    settings.COMMUNITY_BANNED_REFUSE = True
    settings.COMMENT_RATE_PER_IP = "1/minute"

    assert post_api(api, article, BANNED).status_code == 403
    assert post_api(api, article, CLEAN).status_code == 202


def test_banned_terms_still_reject_for_commenters_nobody_banned(api, article, ban, settings):
    settings.MODERATION_AUTO_REJECT_BANNED = True
    GuidelineTerm.objects.create(category="promotion", term="cheapwatches", kind="banned")

    response = post_api(api, article, {**CLEAN, "body": "Visit cheapwatches for deals on the harbour plan"})

    comment = Comment.objects.get()
    decision = ModerationDecision.objects.get(comment=comment)
    assert (comment.status, decision.moderator, decision.reasons) == ("rejected", None, ["promotion"])
    assert response.json()["status"] == "rejected"  # unchanged: no ban to hide


def test_a_banned_commenter_with_a_banned_term_is_rejected_as_banned(api, article, ban, settings):
    settings.MODERATION_AUTO_REJECT_BANNED = True
    GuidelineTerm.objects.create(category="promotion", term="cheapwatches", kind="banned")

    post_api(api, article, {**BANNED, "body": "Visit cheapwatches for deals"})

    assert_rejected_by_the_system_as_banned(Comment.objects.get())


def test_the_receipt_matches_the_stored_comment(api, article, ban):
    body = post_api(api, article, BANNED).json()
    comment = Comment.objects.get(pk=body["id"])

    assert body["receipt"] == comment_receipt(comment_id=comment.pk, submitted_at=comment.submitted_at)
