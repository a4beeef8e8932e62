from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from articles.models import Article
from comments.models import Comment
from comments.services import body_fingerprint, flags_value
from moderation.models import ModerationDecision
from moderation.services import can_moderate

pytestmark = pytest.mark.django_db


def generate(**options):
    out = StringIO()
    defaults = {"comments": 300, "pending": 40, "articles": 12, "moderators": 3, "batch_size": 70, "seed": 5}
    call_command("generate_load_data", stdout=out, **{**defaults, **options})
    return out.getvalue()


def test_creates_the_requested_rows_with_one_decision_per_decided_comment():
    output = generate()

    assert Article.objects.count() == 12
    assert Comment.objects.count() == 300
    assert Comment.objects.filter(status="pending").count() == 40
    assert ModerationDecision.objects.count() == 260
    per_comment = ModerationDecision.objects.values("comment").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(per_comment) == {1}
    assert not ModerationDecision.objects.filter(comment__status="pending").exists()
    assert "300 comment(s) (40 pending, 260 decided" in output


def test_decisions_match_the_comments_they_decide():
    generate()

    for decision in ModerationDecision.objects.select_related("comment"):
        comment = decision.comment
        assert decision.verdict == comment.status
        assert decision.decided_at == comment.decided_at
        assert comment.submitted_at <= decision.decided_at
        assert decision.previous_status == "pending"
        if decision.verdict == "rejected":
            assert decision.reasons
        else:
            assert decision.reasons == []


def test_pending_comments_are_the_newest_and_undecided():
    generate()

    newest_decided = Comment.objects.exclude(status="pending").order_by("-submitted_at").first()
    oldest_pending = Comment.objects.filter(status="pending").order_by("submitted_at").first()
    assert newest_decided.submitted_at <= oldest_pending.submitted_at
    assert not Comment.objects.filter(status="pending", decided_at__isnull=False).exists()


def test_flagged_comments_carry_consistent_findings_flags_and_priority():
    generate()

    flagged = Comment.objects.exclude(flags="")
    assert flagged.exists() and Comment.objects.filter(flags="").exists()
    for comment in Comment.objects.all():
        findings = comment.findings["findings"]
        assert comment.flags == flags_value(comment.findings["categories"])
        assert comment.priority == pytest.approx(comment.findings["priority"], abs=1e-4)
        assert bool(findings) == bool(comment.flags) == (comment.priority > 0)
        assert comment.fingerprint == body_fingerprint(comment.body)
        for finding in findings:
            if finding["end"] > finding["start"]:
                assert comment.body[finding["start"] : finding["end"]] == finding["evidence"]


def test_decision_makers_are_load_moderators_or_the_system():
    generate()

    moderators = {d.moderator for d in ModerationDecision.objects.select_related("moderator")}
    people = {m for m in moderators if m is not None}
    assert {m.username for m in people} <= {"loadmod01", "loadmod02", "loadmod03"}
    assert all(can_moderate(m) for m in people)
    system = ModerationDecision.objects.filter(moderator=None)
    assert not system.exclude(verdict="rejected").exists()


def test_a_rerun_needs_a_new_seed_and_then_adds_a_second_set():
    generate(seed=9)

    with pytest.raises(CommandError, match="seed 9 exists already"):
        generate(seed=9)
    generate(seed=10)

    assert Comment.objects.filter(article__slug__startswith="load-s9-").count() == 300
    assert Comment.objects.filter(article__slug__startswith="load-s10-").count() == 300
    assert Comment.objects.filter(status="pending").count() == 80


def test_refuses_more_pending_than_comments():
    with pytest.raises(CommandError, match="--pending"):
        generate(comments=10, pending=11)
