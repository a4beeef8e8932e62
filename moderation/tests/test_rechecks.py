from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from comments.services import body_fingerprint
from comments.tests.factories import CommentFactory
from moderation.models import GuidelineTerm
from moderation.rechecks import recheck_comments

pytestmark = pytest.mark.django_db


def test_recheck_applies_a_new_term_to_stored_pending_comments_only(capsys):
    pending = CommentFactory(body="Buy the glimmerstone now", findings={}, flags="")
    approved = CommentFactory(body="Buy the glimmerstone now", status=Comment.Status.APPROVED)
    GuidelineTerm.objects.create(category="promotion", term="glimmerstone", kind="suspect")

    call_command("recheck_comments", "--status", "pending", "--batch-size", "1")

    pending.refresh_from_db()
    approved.refresh_from_db()
    assert "promotion" in pending.flag_list
    assert pending.findings["categories"] == pending.flag_list
    assert approved.flags == ""
    assert "Rechecked 1 comment(s)" in capsys.readouterr().out


def test_recheck_never_changes_content_or_status():
    comment = CommentFactory(body="You are an idiot", status=Comment.Status.REJECTED)
    before = Comment.objects.values("body", "author_name", "status", "decided_at").get(pk=comment.pk)

    assert sum(recheck_comments(Comment.objects.all(), batch_size=10)) == 1

    after = Comment.objects.values("body", "author_name", "status", "decided_at").get(pk=comment.pk)
    assert after == before
    comment.refresh_from_db()
    assert "personal_attack" in comment.flag_list


def test_recheck_counts_only_earlier_repeats_within_the_window():
    now = timezone.now()
    text = "Subscribe to my page for daily news"
    fingerprint = body_fingerprint(text)
    old = CommentFactory(body=text, fingerprint=fingerprint, submitted_at=now - timedelta(days=30))
    first = CommentFactory(body=text, fingerprint=fingerprint, submitted_at=now - timedelta(hours=2))
    repeats = [
        CommentFactory(body=text, fingerprint=fingerprint, submitted_at=now - timedelta(minutes=m))
        for m in (30, 20, 10)
    ]

    list(recheck_comments(Comment.objects.all(), batch_size=2))

    def duplicate_findings(comment):
        comment.refresh_from_db()
        return [f for f in comment.findings["findings"] if "duplicate" in f["rule"] or "repeat" in f["rule"]]

    assert duplicate_findings(old) == []
    assert duplicate_findings(first) == []
    assert duplicate_findings(repeats[-1]) != []


def test_recheck_keeps_the_flag_on_a_name_that_imitates_staff():
    # Submission flags such a name (moderation/screening.py); a recheck once rebuilt the findings
    # from the body alone and dropped it.
    comment = CommentFactory(author_name="Site Moderator", body="Thanks for the clear report on the budget.")

    assert sum(recheck_comments(Comment.objects.filter(pk=comment.pk), batch_size=10)) == 1

    comment.refresh_from_db()
    rules = [finding["rule"] for finding in comment.findings["findings"]]
    assert "name.imitates_staff" in rules
    assert comment.priority > 0
