import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import DecisionLogIsAppendOnly, ModerationDecision
from moderation.services import AlreadyDecided, comment_approve, comment_reject
from moderation.signals import comment_decided
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_approve_changes_status_and_logs_one_decision():
    comment = CommentFactory()
    moderator = ModeratorFactory()

    decision = comment_approve(comment=comment, moderator=moderator, note="fine")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.decided_at == decision.decided_at
    assert list(comment.decisions.values_list("verdict", "previous_status", "moderator", "note")) == [
        ("approved", "pending", moderator.pk, "fine")
    ]


def test_reject_records_sorted_unique_reasons():
    comment = CommentFactory()

    decision = comment_reject(
        comment=comment, moderator=ModeratorFactory(), reasons=["threat", "abuse", "threat"]
    )

    assert decision.reasons == ["abuse", "threat"]
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.REJECTED


@pytest.mark.parametrize(
    "reasons, note, field",
    [([], "", "reasons"), (["spam"], "", "reasons"), (["other"], "  ", "note")],
)
def test_reject_refuses_bad_reasons_and_writes_nothing(reasons, note, field):
    comment = CommentFactory()

    with pytest.raises(ValidationError) as excinfo:
        comment_reject(comment=comment, moderator=ModeratorFactory(), reasons=reasons, note=note)

    assert field in excinfo.value.message_dict
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert not ModerationDecision.objects.exists()


def test_other_with_a_note_is_accepted():
    decision = comment_reject(
        comment=CommentFactory(), moderator=ModeratorFactory(), reasons=["other"], note="Doxxing"
    )
    assert decision.note == "Doxxing"


def test_user_without_permission_cannot_decide():
    comment = CommentFactory()

    with pytest.raises(PermissionDenied):
        comment_approve(comment=comment, moderator=UserFactory(is_staff=True))

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert not ModerationDecision.objects.exists()


def test_second_decision_on_what_the_moderator_saw_is_refused_and_names_who_decided():
    first, second = ModeratorFactory(username="ana"), ModeratorFactory(username="ben")
    stale = CommentFactory()
    seen_by_second = Comment.objects.get(pk=stale.pk)

    comment_approve(comment=stale, moderator=first)
    with pytest.raises(AlreadyDecided) as excinfo:
        comment_reject(comment=seen_by_second, moderator=second, reasons=["threat"])

    assert excinfo.value.decided_by == "ana"
    assert excinfo.value.current_status == Comment.Status.APPROVED
    assert ModerationDecision.objects.count() == 1
    assert Comment.objects.get(pk=stale.pk).status == Comment.Status.APPROVED


def test_deciding_the_same_verdict_again_is_refused():
    comment = CommentFactory()
    moderator = ModeratorFactory()
    comment_approve(comment=comment, moderator=moderator)

    with pytest.raises(AlreadyDecided):
        comment_approve(comment=comment, moderator=moderator)
    assert comment.decisions.count() == 1


def test_reversal_adds_a_row_and_keeps_the_first():
    comment = CommentFactory()
    moderator = ModeratorFactory()
    comment_approve(comment=comment, moderator=moderator)

    comment_reject(comment=comment, moderator=moderator, reasons=["personal_attack"])

    history = list(comment.decisions.order_by("id").values_list("verdict", "previous_status"))
    assert history == [("approved", "pending"), ("rejected", "approved")]
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.REJECTED


def test_system_decision_has_no_moderator():
    decision = comment_reject(comment=CommentFactory(), moderator=None, reasons=["profanity"])
    assert decision.moderator is None
    assert decision.decided_by == "system"


def test_decision_log_rows_cannot_be_rewritten_or_deleted():
    decision = comment_approve(comment=CommentFactory(), moderator=ModeratorFactory())

    decision.note = "changed later"
    with pytest.raises(DecisionLogIsAppendOnly):
        decision.save()
    with pytest.raises(DecisionLogIsAppendOnly):
        decision.delete()
    with pytest.raises(DecisionLogIsAppendOnly):
        ModerationDecision.objects.update(note="x")
    with pytest.raises(DecisionLogIsAppendOnly):
        ModerationDecision.objects.all().delete()
    assert ModerationDecision.objects.get().note == ""


def test_signal_is_sent_after_commit(django_capture_on_commit_callbacks):
    received = []

    def handler(sender, comment, decision, **kwargs):
        received.append((comment.pk, decision.verdict))

    comment_decided.connect(handler)
    try:
        comment = CommentFactory()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            comment_approve(comment=comment, moderator=ModeratorFactory())
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        comment_decided.disconnect(handler)
    assert received == [(comment.pk, "approved")]


def test_in_memory_comment_follows_the_decision_and_stays_saveable_only_unchanged():
    comment = CommentFactory()
    comment_approve(comment=comment, moderator=ModeratorFactory())

    assert comment.status == Comment.Status.APPROVED
    comment.save()  # nothing changed since the decision: allowed
