"""Deleting a moderator's account keeps the bans, lifts, trust changes and report resolutions they wrote,
with their name, and the admin and API still say who."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import ReportResolution, Sanction, SanctionLift, TrustChange
from community.reports import reports_dismiss
from community.sanctions import sanction_create, sanction_lift
from community.tests.factories import ReaderReportFactory
from community.trust import trust_grant
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def test_a_moderator_with_community_actions_can_be_deleted_and_the_logs_keep_the_name(client):
    leaving = ModeratorFactory(username="leaving")
    ban = sanction_create(actor=leaving, kind="email", value="troll@example.org", reasons=["abuse"])
    lifted = sanction_create(actor=leaving, kind="domain", value="spam.example", reasons=["promotion"])
    sanction_lift(sanction=lifted, actor=leaving, note="mistake")
    trust_grant(email="regular@example.org", actor=leaving)
    reported = CommentFactory(status=Comment.Status.APPROVED)
    ReaderReportFactory(comment=reported)
    reports_dismiss(comment=reported, moderator=leaving, note="fine")

    leaving.delete()

    assert Sanction.objects.get(pk=ban.pk).created_by_username == "leaving"
    assert SanctionLift.objects.get(sanction=lifted).lifted_by_username == "leaving"
    assert TrustChange.objects.get().changed_by_username == "leaving"
    assert ReportResolution.objects.get().moderator_username == "leaving"
    assert Sanction.objects.get(pk=ban.pk).created_by_id is None

    client.force_login(ModeratorFactory())
    assert "leaving" in client.get(reverse("admin:community_sanction_changelist")).content.decode()
    listed = client.get("/api/moderation/sanctions/").json()["results"]
    assert {row["created_by"] for row in listed} == {"leaving"}
    assert client.get("/api/moderation/trust/").json()["results"][0]["changed_by"] == "leaving"
