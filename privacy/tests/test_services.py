"""Erasing a commenter's personal data, and the retention purge."""

from datetime import timedelta

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment, PublicCommentsVersion
from comments.tests.factories import CommentFactory
from community.selectors import commenter_history
from moderation.models import ModerationDecision
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory, UserFactory
from privacy.models import PersonalDataErasure, RetentionPurge
from privacy.selectors import email_hash
from privacy.services import (
    ERASED_BODY,
    PLACEHOLDER_NAME,
    comment_erase_personal_data,
    personal_data_purge,
)
from privacy.signals import personal_data_erased
from privacy.tests.factories import PrivacyOfficerFactory

pytestmark = pytest.mark.django_db

EMAIL = "Dana.Reader@Example.org"


@pytest.fixture
def officer():
    return PrivacyOfficerFactory()


@pytest.fixture
def dana():
    """Dana's comments (one address in three spellings of case; submit trims it), one decided each way, and someone else's."""
    moderator = ModeratorFactory()
    article = ArticleFactory()
    approved = CommentFactory(
        article=article, author_name="Dana R", author_email=EMAIL, body="Approved text.", notify_author=True
    )
    comment_approve(comment=approved, moderator=moderator)
    rejected = CommentFactory(
        author_name="Dana R",
        author_email="dana.reader@EXAMPLE.org",
        body="Rude text.",
        findings={"findings": [{"category": "abuse", "rule": "r", "evidence": "Rude", "score": 1.0}]},
        fingerprint="abc",
    )
    comment_reject(comment=rejected, moderator=moderator, reasons=["abuse"])
    pending = CommentFactory(
        author_name="Dana", author_email="DANA.READER@example.org", body="Pending text.", user=UserFactory()
    )
    other = CommentFactory(author_name="Eli", author_email="eli@example.org", body="Eli's text.")
    return {"approved": approved, "rejected": rejected, "pending": pending, "other": other, "article": article}


def fresh(comment):
    return Comment.objects.get(pk=comment.pk)


def test_erasure_clears_personal_fields_on_every_comment_of_the_commenter(dana, officer):
    erasure = comment_erase_personal_data(comment_or_email=dana["pending"], actor=officer, reason="Request 2026-12-01")

    for key in ("approved", "rejected", "pending"):
        stored = fresh(dana[key])
        assert stored.author_name == PLACEHOLDER_NAME
        assert stored.author_email == f"erased-{erasure.pk}@erased.invalid"
        assert (stored.ip_address, stored.user_agent, stored.notify_author, stored.user_id) == (None, "", False, None)
    assert erasure.comments_erased == 3
    other = fresh(dana["other"])
    assert (other.author_name, other.author_email, other.ip_address) == ("Eli", "eli@example.org", "203.0.113.7")


def test_erasure_keeps_bodies_statuses_findings_and_decisions(dana, officer):
    decisions_before = list(ModerationDecision.objects.order_by("pk").values())

    comment_erase_personal_data(comment_or_email=EMAIL, actor=officer, reason="Request")

    assert [fresh(dana[k]).body for k in ("approved", "rejected", "pending")] == [
        "Approved text.",
        "Rude text.",
        "Pending text.",
    ]
    assert [fresh(dana[k]).status for k in ("approved", "rejected", "pending")] == ["approved", "rejected", "pending"]
    assert fresh(dana["rejected"]).findings["findings"][0]["evidence"] == "Rude"
    assert list(ModerationDecision.objects.order_by("pk").values()) == decisions_before


def test_rejected_bodies_are_replaced_only_when_asked_and_only_rejected_ones(dana, officer):
    erasure = comment_erase_personal_data(
        comment_or_email=EMAIL, actor=officer, reason="Request", erase_rejected_bodies=True
    )

    rejected = fresh(dana["rejected"])
    assert rejected.body == ERASED_BODY
    assert rejected.fingerprint == ""
    # The findings keep what was found, not the quoted words.
    assert rejected.findings["findings"] == [{"category": "abuse", "rule": "r", "evidence": "", "score": 1.0}]
    assert fresh(dana["approved"]).body == "Approved text."
    assert fresh(dana["pending"]).body == "Pending text."
    assert (erasure.bodies_erased, erasure.erase_rejected_bodies) == (1, True)


def test_audit_row_records_who_when_why_and_counts_but_not_the_address(dana, officer):
    erasure = comment_erase_personal_data(comment_or_email=EMAIL, actor=officer, reason="  Request by mail  ")

    stored = PersonalDataErasure.objects.get()
    assert stored.pk == erasure.pk
    assert (stored.requested_by, stored.requested_by_name, stored.reason) == (
        officer,
        officer.username,
        "Request by mail",
    )
    assert stored.completed_at is not None and stored.started_at <= stored.completed_at
    assert (stored.comments_erased, stored.bodies_erased, stored.articles_affected) == (3, 0, 1)
    assert stored.email_hash == email_hash("dana.reader@example.org") == email_hash(EMAIL)
    assert "dana" not in str(PersonalDataErasure.objects.values().get()).lower()


def test_two_erased_commenters_never_merge_in_the_history(dana, officer):
    first = comment_erase_personal_data(comment_or_email=EMAIL, actor=officer, reason="Request")
    second = comment_erase_personal_data(comment_or_email="eli@example.org", actor=officer, reason="Request")

    assert first.placeholder_email != second.placeholder_email
    history = commenter_history(comment=fresh(dana["pending"]))
    assert history.total == 2  # Dana's other two comments, not Eli's
    assert commenter_history(comment=fresh(dana["other"])).total == 0


def test_the_public_version_of_each_article_with_approved_comments_moves(dana, officer):
    article = dana["article"]
    before = PublicCommentsVersion.objects.get(article=article).version

    comment_erase_personal_data(comment_or_email=EMAIL, actor=officer, reason="Request")

    assert PublicCommentsVersion.objects.get(article=article).version == before + 1
    # Articles with only Dana's rejected or pending comments show nothing of hers: no bump needed.
    assert not PublicCommentsVersion.objects.filter(article=dana["rejected"].article).exists()


def test_without_the_permission_nothing_is_erased(dana):
    for actor in (ModeratorFactory(), UserFactory(), PrivacyOfficerFactory(is_active=False)):
        with pytest.raises(PermissionDenied):
            comment_erase_personal_data(comment_or_email=EMAIL, actor=actor, reason="Request")
    assert fresh(dana["approved"]).author_name == "Dana R"
    assert not PersonalDataErasure.objects.exists()


def test_superusers_and_the_system_may_erase(dana):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert comment_erase_personal_data(comment_or_email=EMAIL, actor=admin, reason="R").comments_erased == 3
    assert (
        comment_erase_personal_data(comment_or_email="eli@example.org", actor=None, reason="R").requested_by_name
        == "system"
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(dana, officer, reason):
    with pytest.raises(ValidationError) as caught:
        comment_erase_personal_data(comment_or_email=EMAIL, actor=officer, reason=reason)
    assert "reason" in caught.value.message_dict


def test_an_address_without_comments_is_not_found_and_nothing_is_recorded(officer):
    with pytest.raises(ObjectDoesNotExist):
        comment_erase_personal_data(comment_or_email="nobody@example.org", actor=officer, reason="Request")
    assert not PersonalDataErasure.objects.exists()


def test_a_failure_inside_the_erasure_rolls_everything_back(dana, officer, monkeypatch):
    def fail(article_id):
        raise RuntimeError("database went away")

    monkeypatch.setattr("privacy.services.bump_public_version", fail)
    with pytest.raises(RuntimeError):
        comment_erase_personal_data(comment_or_email=EMAIL, actor=officer, reason="Request")

    assert fresh(dana["approved"]).author_name == "Dana R"
    assert not PersonalDataErasure.objects.exists()


def test_the_signal_is_sent_after_commit(dana, officer, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, erasure, **kwargs):
        received.append(erasure.pk)

    personal_data_erased.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            erasure = comment_erase_personal_data(comment_or_email=EMAIL, actor=officer, reason="Request")
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [erasure.pk]
    finally:
        personal_data_erased.disconnect(receiver)


def test_the_audit_row_is_never_rewritten_or_deleted(dana, officer):
    from privacy.models import ErasureLogIsAppendOnly

    erasure = comment_erase_personal_data(comment_or_email=EMAIL, actor=officer, reason="Request")
    with pytest.raises(ErasureLogIsAppendOnly):
        erasure.save()
    with pytest.raises(ErasureLogIsAppendOnly):
        erasure.delete()
    with pytest.raises(ErasureLogIsAppendOnly):
        PersonalDataErasure.objects.update(reason="changed")
    with pytest.raises(ErasureLogIsAppendOnly):
        PersonalDataErasure.objects.all().delete()
    assert PersonalDataErasure.objects.complete(pk=erasure.pk, comments_erased=0) == 0  # completed: not again


# --- Retention ---------------------------------------------------------------------------------------


def old_comment(days, **kwargs):
    return CommentFactory(submitted_at=timezone.now() - timedelta(days=days), **kwargs)


def test_the_purge_clears_only_comments_older_than_the_retention(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    old = [old_comment(91 + n) for n in range(5)]
    recent = old_comment(89)

    result = personal_data_purge()

    for comment in old:
        stored = fresh(comment)
        assert (stored.ip_address, stored.user_agent) == (None, "")
        assert (stored.author_name, stored.author_email, stored.body) == (
            comment.author_name,
            comment.author_email,
            comment.body,
        )
    assert (fresh(recent).ip_address, fresh(recent).user_agent) == ("203.0.113.7", "pytest")
    assert result.cleared == 5
    assert RetentionPurge.objects.get().comments_cleared == 5


def test_the_purge_works_in_batches_and_reports_each(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    for n in range(7):
        old_comment(40 + n)
    old_comment(50, ip_address=None, user_agent="")  # nothing to clear: not counted
    old_comment(51, ip_address=None, user_agent="still here")
    seen = []

    result = personal_data_purge(batch_size=3, on_batch=seen.append)

    assert seen == [3, 3, 2]
    assert (result.cleared, result.batches) == (8, 3)
    assert not Comment.objects.exclude(user_agent="").exists()
    assert personal_data_purge(batch_size=3).cleared == 0  # nothing left: running again is harmless


def test_the_purge_batch_query_is_served_by_the_partial_index():
    """The batch query carries the index's own condition, so the planner uses it (on both databases)."""
    from django.db import connection

    from comments.models import HOLDS_CONNECTION_DATA

    query = (
        Comment.objects.filter(HOLDS_CONNECTION_DATA, submitted_at__lt=timezone.now())
        .order_by("submitted_at", "id")
        .values_list("id", "submitted_at")[:1000]
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A near-empty test table: any index will do for the planner, so the general time index is
            # dropped for this test's transaction (rolled back after it) and a sequential scan is ruled out:
            # the partial index must be able to serve the query on its own.
            cursor.execute("DROP INDEX comment_submitted_time")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "comment_personal_data_time" in plan, plan
