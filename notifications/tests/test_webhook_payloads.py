"""Payloads carry ids, the article, status, reasons and findings; never personal data."""

import json

import pytest

from comments.tests.factories import CommentFactory
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory
from notifications.webhook_payloads import comment_decided_data, comment_submitted_data, staff_name

pytestmark = pytest.mark.django_db


def test_only_spans_of_the_body_are_sent_as_evidence():
    body = "Visit cheapwatches dot com for deals"
    comment = CommentFactory(
        body=body,
        author_name="Promo Pete",
        author_email="pete@cheapwatches.example",
        flags="|promotion|",
        findings={
            "findings": [
                {
                    "category": "promotion",
                    "rule": "promotion.author_name",
                    "start": 0,
                    "end": 0,
                    "evidence": "Promo Pete",
                    "score": 0.6,
                },
                {
                    "category": "promotion",
                    "rule": "promotion.author_email",
                    "start": 0,
                    "end": 0,
                    "evidence": "pete@cheapwatches.example",
                    "score": 0.5,
                },
                {
                    "category": "promotion",
                    "rule": "promotion.domain",
                    "start": 6,
                    "end": 24,
                    "evidence": "cheapwatches dot com",
                    "score": 0.8,
                },
                {"category": "promotion", "rule": "stale", "start": 30, "end": 99, "evidence": "??", "score": 0.1},
            ],
            "priority": 0.8,
            "categories": ["promotion"],
        },
    )

    data = comment_submitted_data(comment)

    findings = data["comment"]["checks"]["findings"]
    assert findings == [
        {"category": "promotion", "rule": "promotion.author_name", "score": 0.6},
        {"category": "promotion", "rule": "promotion.author_email", "score": 0.5},
        {
            "category": "promotion",
            "rule": "promotion.domain",
            "score": 0.8,
            "start": 6,
            "end": 24,
            "evidence": body[6:24],
        },
        {"category": "promotion", "rule": "stale", "score": 0.1},
    ]
    raw = json.dumps(data)
    assert "Promo Pete" not in raw and "pete@" not in raw and comment.ip_address not in raw
    assert data["comment"]["checks"]["categories"] == ["promotion"]


def test_a_moderator_whose_username_is_an_email_address_is_named_by_id():
    moderator = ModeratorFactory(username="sam.editor@newsroom.example")
    comment = CommentFactory()
    decision = comment_reject(comment=comment, moderator=moderator, reasons=["other"], note="Sam's private note")

    data = comment_decided_data(comment, decision)

    assert data["decision"]["decided_by"] == f"user {moderator.pk}"
    assert "newsroom.example" not in json.dumps(data) and "private note" not in json.dumps(data)


def test_staff_names():
    assert staff_name("", None) == "system"
    assert staff_name("alice", 3) == "alice"
    assert staff_name("alice@example.org", 3) == "user 3"
