import pytest

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import comment_submit
from moderation.models import GuidelineTerm, ModerationDecision
from moderation.screening import active_terms

pytestmark = pytest.mark.django_db


def submit(article, body, name="Reader"):
    return comment_submit(
        article=article,
        author_name=name,
        author_email="reader@example.org",
        body=body,
        ip_address="198.51.100.4",
    )


def test_new_suspect_term_is_seen_on_the_next_comment_without_restart():
    article = ArticleFactory()
    first = submit(article, "The council should fund the zorblax programme.")
    assert "zorblax" not in str(first.findings)

    GuidelineTerm.objects.create(category="promotion", term="zorblax", kind="suspect")
    second = submit(article, "The council should fund the zorblax programme now.")

    assert "promotion" in second.flag_list
    evidence = [f["evidence"].casefold() for f in second.findings["findings"]]
    assert "zorblax" in evidence
    assert second.status == Comment.Status.PENDING


def test_deactivated_term_stops_flagging():
    term = GuidelineTerm.objects.create(category="abuse", term="blorptroll", kind="suspect")
    assert "blorptroll" in active_terms().suspect["abuse"]

    term.active = False
    term.save()

    assert "abuse" not in active_terms().suspect


def test_banned_term_rejects_automatically_when_enabled(settings):
    settings.MODERATION_AUTO_REJECT_BANNED = True
    GuidelineTerm.objects.create(category="promotion", term="cheapwatches", kind="banned")

    comment = submit(ArticleFactory(), "Great article, visit cheapwatches for deals on the budget")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    decision = ModerationDecision.objects.get(comment=comment)
    assert decision.moderator is None
    assert decision.reasons == ["promotion"]


def test_banned_term_only_flags_when_auto_reject_is_off(settings):
    settings.MODERATION_AUTO_REJECT_BANNED = False
    GuidelineTerm.objects.create(category="promotion", term="cheapwatches", kind="banned")

    comment = submit(ArticleFactory(), "Great article, visit cheapwatches for deals on the budget")

    assert comment.status == Comment.Status.PENDING
    assert "promotion" in comment.flag_list
    assert not ModerationDecision.objects.exists()


def test_repeated_text_counts_as_duplicates():
    article = ArticleFactory()
    for n in range(4):
        submit(article, "Visit my page for the best budget advice!!", name=f"Spammer {n}")

    last = Comment.objects.order_by("-id").first()
    rules = {f["rule"] for f in last.findings["findings"]}
    assert "promotion" in last.flag_list
    assert any("duplicate" in rule or "repeat" in rule for rule in rules), rules
