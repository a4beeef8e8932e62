"""Deleting a staff account keeps the logs it wrote: decisions and check-model rows keep the username."""

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.utils import timezone

from comments.tests.factories import CommentFactory
from moderation.models import (
    CheckModelActivation,
    DecisionLogIsAppendOnly,
    ModerationDecision,
)
from moderation.services import comment_approve, comment_reject
from moderation.stats import moderation_stats
from moderation.tests.factories import CheckModelVersionFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_moderator_with_decisions_can_be_deleted_and_the_log_still_says_who():
    moderator = ModeratorFactory(username="olga")
    approved = comment_approve(comment=CommentFactory(), moderator=moderator)
    rejected = comment_reject(comment=CommentFactory(), moderator=moderator, reasons=["abuse"])

    moderator.delete()

    for decision in (approved, rejected):
        stored = ModerationDecision.objects.get(pk=decision.pk)
        assert (stored.moderator_id, stored.moderator_username, stored.decided_by) == (None, "olga", "olga")
        assert not stored.by_system
        assert (stored.verdict, stored.reasons, stored.comment_id) == (
            decision.verdict,
            decision.reasons,
            decision.comment_id,
        )


def test_the_username_is_stored_when_the_decision_is_written_and_bulk_created():
    moderator = ModeratorFactory(username="pavel")
    decision = comment_approve(comment=CommentFactory(), moderator=moderator)
    [bulk] = ModerationDecision.objects.bulk_create(
        [
            ModerationDecision(
                comment=CommentFactory(),
                moderator=moderator,
                verdict="approved",
                previous_status="pending",
                decided_at=timezone.now(),
            )
        ]
    )
    system = comment_reject(comment=CommentFactory(), moderator=None, reasons=["banned"])

    assert ModerationDecision.objects.get(pk=decision.pk).moderator_username == "pavel"
    assert ModerationDecision.objects.get(pk=bulk.pk).moderator_username == "pavel"
    assert (system.moderator_username, system.decided_by, system.by_system) == ("", "system", True)


def test_the_decision_log_still_refuses_ordinary_rewrites_of_the_moderator():
    moderator = ModeratorFactory()
    decision = comment_approve(comment=CommentFactory(), moderator=moderator)

    with pytest.raises(DecisionLogIsAppendOnly):
        ModerationDecision.objects.filter(pk=decision.pk).update(moderator=None)
    with pytest.raises(DecisionLogIsAppendOnly):
        ModerationDecision.objects.filter(pk=decision.pk).update(moderator_username="someone else")
    assert ModerationDecision.objects.get(pk=decision.pk).moderator_id == moderator.pk


def test_a_decision_without_its_stored_username_protects_the_account():
    moderator = ModeratorFactory()
    decision = comment_approve(comment=CommentFactory(), moderator=moderator)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The database refuses the rewrite itself (moderation/0010); triggers are off for this
            # statement only, to make the row an older writer could have left.
            cursor.execute("SET LOCAL session_replication_role = replica")
        ModerationDecision._base_manager.filter(pk=decision.pk).update(moderator_username="")  # as raw SQL could
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")

    with pytest.raises(ProtectedError):
        moderator.delete()
    assert ModerationDecision.objects.get(pk=decision.pk).moderator_id == moderator.pk


def test_check_model_versions_and_activations_keep_who_made_them():
    manager = UserFactory(username="ines", is_staff=True)
    version = CheckModelVersionFactory(created_by=manager)
    activation = CheckModelActivation.objects.create(version=version, activated_by=manager, activated_at=timezone.now())

    manager.delete()

    version.refresh_from_db()
    activation = CheckModelActivation.objects.get(pk=activation.pk)
    assert (version.created_by_id, version.created_by_name) == (None, "ines")
    assert (activation.activated_by_id, activation.activated_by_name) == (None, "ines")


def test_stats_filters_and_api_still_name_a_deleted_moderator(client):
    from rest_framework.authtoken.models import Token

    moderator = ModeratorFactory(username="tess")
    comment_approve(comment=CommentFactory(), moderator=moderator)
    comment_reject(comment=CommentFactory(), moderator=None, reasons=["banned"])
    moderator.delete()

    per_day = moderation_stats(days=1)["decisions_per_moderator_per_day"]
    assert {(row["moderator"], row["approved"], row["rejected"]) for row in per_day} == {
        ("tess", 1, 0),
        ("system", 0, 1),
    }
    reader = ModeratorFactory()
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=reader).key}"}
    by_tess = client.get("/api/moderation/decisions/?moderator=tess", **auth).json()["results"]
    by_system = client.get("/api/moderation/decisions/?moderator=system", **auth).json()["results"]
    assert [d["decided_by"] for d in by_tess] == ["tess"]
    assert [d["decided_by"] for d in by_system] == ["system"]


def test_deleted_moderators_decisions_still_train_the_checks():
    from moderation.selectors import decision_training_rows

    moderator = ModeratorFactory()
    comment_reject(comment=CommentFactory(body="You are an idiot."), moderator=moderator, reasons=["personal_attack"])
    comment_reject(comment=CommentFactory(body="Banned words."), moderator=None, reasons=["banned"])
    moderator.delete()

    rows = decision_training_rows()
    assert [row.text for row in rows] == ["You are an idiot."]
