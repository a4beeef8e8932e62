"""The access export: everything stored about one address, nothing about anyone else, no staff names."""

import json

import pytest
from django.utils import timezone

from comments.tests.factories import CommentFactory
from community.models import Sanction, SanctionLift, TrustChange
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory, UserFactory
from privacy.selectors import personal_data_export
from privacy.services import comment_erase_personal_data

pytestmark = pytest.mark.django_db


def test_the_export_holds_comments_decisions_bans_and_trust_of_the_address_only():
    moderator = ModeratorFactory(username="staff-olga")
    account = UserFactory(username="lena-account")
    first = CommentFactory(
        author_email="Lena@example.org", author_name="Lena", body="First.", user=account, flags="|abuse|"
    )
    second = CommentFactory(author_email="lena@EXAMPLE.org", author_name="L.", body="Second.", ip_address="2001:db8::1")
    other = CommentFactory(author_email="max@example.org", body="Not hers.")
    comment_reject(comment=first, moderator=moderator, reasons=["abuse"], note="Insulting a reader.")
    comment_approve(comment=second, moderator=None)
    now = timezone.now()
    email_ban = Sanction.objects.create(kind="email", value="lena@example.org", created_by=moderator, created_at=now)
    ip_ban = Sanction.objects.create(
        kind="ip", value="2001:db8::1/128", comment=second, created_by=moderator, created_at=now
    )
    SanctionLift.objects.create(sanction=email_ban, lifted_by=moderator, lifted_at=now)
    Sanction.objects.create(kind="email", value="max@example.org", created_by=moderator, created_at=now, comment=other)
    TrustChange.objects.create(email="lena@example.org", trusted=True, changed_by=moderator, changed_at=now)

    data = personal_data_export(email=" LENA@example.org ")

    assert data["email"] == "lena@example.org"
    assert [c["id"] for c in data["comments"]] == [first.pk, second.pk]
    assert data["comments"][0] | {"submitted_at": None} == {
        "id": first.pk,
        "article": {"id": first.article_id, "slug": first.article.slug, "title": first.article.title},
        "author_name": "Lena",
        "author_email": "Lena@example.org",
        "body": "First.",
        "status": "rejected",
        "submitted_at": None,
        "decided_at": data["comments"][0]["decided_at"],
        "ip_address": "203.0.113.7",
        "user_agent": "pytest",
        "notify_author": False,
        "account": "lena-account",
        "flagged_categories": ["abuse"],
    }
    assert [(d["comment"], d["verdict"], d["decided_by"]) for d in data["decisions"]] == [
        (first.pk, "rejected", "moderator"),
        (second.pk, "approved", "system"),
    ]
    assert data["decisions"][0]["note"] == "Insulting a reader."
    assert {(b["id"], b["lifted_at"] is not None) for b in data["bans"]} == {(email_ban.pk, True), (ip_ban.pk, False)}
    assert [t["trusted"] for t in data["trust_changes"]] == [True]
    text = json.dumps(data)
    assert "staff-olga" not in text and "max@example.org" not in text and "Not hers." not in text


def test_an_unknown_address_exports_empty_lists():
    data = personal_data_export(email="nobody@example.org")
    assert (data["comments"], data["decisions"], data["bans"], data["trust_changes"], data["erasures"]) == (
        [],
        [],
        [],
        [],
        [],
    )


def test_after_an_erasure_the_export_shows_only_the_erasure_record():
    CommentFactory(author_email="gone@example.org")
    erasure = comment_erase_personal_data(comment_or_email="gone@example.org", actor=None, reason="R")

    data = personal_data_export(email="Gone@example.org")

    assert data["comments"] == []
    assert [(e["id"], e["comments_erased"]) for e in data["erasures"]] == [(erasure.pk, 1)]
