"""Trust only lowers priority: a trusted commenter's comment, submitted through the real API, is stored pending
with the same findings and COMMUNITY_TRUSTED_PRIORITY_FACTOR times the priority it would otherwise get."""

import json

import pytest
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import body_fingerprint
from community.trust import trust_grant, trust_revoke
from moderation import screening
from moderation.models import ModerationDecision
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

# Flagged text (a personal attack and promotion), so the priority is well above zero.
BODY = "You are an idiot and a moron. Buy cheap pills at www.cheap-pills.example now!"


def submit(client, article, email, body=BODY):
    response = client.post(
        reverse("api:article-comments", args=[article.slug]),
        json.dumps({"author_name": "Regular Reader", "author_email": email, "body": body}),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    return Comment.objects.get(pk=response.json()["id"])


def priority_without_trust(article, email, body=BODY):
    """What the checks give this comment when its author is not trusted (nothing stored yet)."""
    outcome = screening.screen_comment(
        article=article,
        author_name="Regular Reader",
        author_email=email,
        body=body,
        fingerprint=body_fingerprint(body),
    )
    assert not outcome.standing.trusted
    return outcome.report


@pytest.mark.parametrize("factor", [0.5, 0.25])
def test_a_trusted_commenters_comment_waits_lower_and_is_still_pending(client, settings, factor):
    settings.COMMUNITY_TRUSTED_PRIORITY_FACTOR = factor
    article = ArticleFactory()
    baseline = priority_without_trust(article, "reg@example.org")
    assert baseline.priority > 0.3  # the test means something only if there is a priority to lower
    trust_grant(email="reg@example.org", actor=ModeratorFactory())

    comment = submit(client, article, "REG@example.org")

    assert comment.status == Comment.Status.PENDING
    assert not ModerationDecision.objects.filter(comment=comment).exists()  # trust never decides
    assert comment.priority == pytest.approx(round(baseline.priority * factor, 4))
    assert comment.findings["findings"] == baseline.to_dict()["findings"]  # what the checks found is unchanged
    assert set(comment.flag_list) == set(baseline.categories)


def test_without_trust_or_after_it_is_removed_the_priority_is_the_checks_own(client):
    moderator = ModeratorFactory()
    article = ArticleFactory()
    stranger = priority_without_trust(article, "stranger@example.org")
    trust_grant(email="former@example.org", actor=moderator)
    trust_revoke(email="former@example.org", actor=moderator)

    assert submit(client, article, "stranger@example.org").priority == pytest.approx(stranger.priority)
    # Other words, so the stranger's comment is not counted as an earlier copy of this one.
    other_body = BODY.replace("now!", "today!")
    former = priority_without_trust(article, "former@example.org", other_body)
    assert submit(client, article, "former@example.org", other_body).priority == pytest.approx(former.priority)
