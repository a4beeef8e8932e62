"""Moderator API: queue, detail, decisions (single and bulk), decision log, stats, guidelines, tokens."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.guidelines import Guideline, guideline_list
from moderation.models import Claim, ModerationDecision
from moderation.services import comment_approve, comment_reject
from moderation.signals import comment_decided
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

QUEUE = "/api/moderation/comments/"
BULK = "/api/moderation/comments/bulk/"
DECISIONS = "/api/moderation/decisions/"
STATS = "/api/moderation/stats/"


def detail(comment):
    return f"{QUEUE}{comment.pk}/"


def approve_url(comment):
    return f"{QUEUE}{comment.pk}/approve/"


def reject_url(comment):
    return f"{QUEUE}{comment.pk}/reject/"


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mod-anna")


@pytest.fixture
def api(moderator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


# --- Queue ----------------------------------------------------------------------------------


def test_queue_defaults_to_pending_in_review_order(api):
    now = timezone.now()
    low_old = CommentFactory(priority=0.1, submitted_at=now - timedelta(hours=3))
    high_new = CommentFactory(priority=0.9, submitted_at=now - timedelta(minutes=1))
    high_old = CommentFactory(priority=0.9, submitted_at=now - timedelta(hours=1))
    CommentFactory(status=Comment.Status.APPROVED, priority=1.0)
    CommentFactory(status=Comment.Status.REJECTED, priority=1.0)

    response = api.get(QUEUE)

    assert ids(response) == [high_old.pk, high_new.pk, low_old.pk]
    assert response.json()["count"] == 3


def test_queue_items_show_what_a_moderator_needs(api):
    article = ArticleFactory(slug="budget", title="Budget")
    comment = CommentFactory(
        article=article,
        author_email="writer@example.org",
        ip_address="198.51.100.9",
        flags="|abuse|threat|",
        priority=0.8,
        body="Text as written.",
    )

    (item,) = api.get(QUEUE).json()["results"]

    assert item == {
        "id": comment.pk,
        "article": {"id": article.pk, "slug": "budget", "title": "Budget"},
        "author_name": comment.author_name,
        "author_email": "writer@example.org",
        "ip_address": "198.51.100.9",
        "body": "Text as written.",
        "status": "pending",
        "submitted_at": item["submitted_at"],
        "decided_at": None,
        "flags": ["abuse", "threat"],
        "priority": 0.8,
    }


def test_queue_filters_by_status(api):
    pending = CommentFactory()
    approved = CommentFactory(status=Comment.Status.APPROVED)
    rejected = CommentFactory(status=Comment.Status.REJECTED)

    assert ids(api.get(QUEUE, {"status": "approved"})) == [approved.pk]
    assert ids(api.get(QUEUE, {"status": "rejected"})) == [rejected.pk]
    assert set(ids(api.get(QUEUE, {"status": "all"}))) == {pending.pk, approved.pk, rejected.pk}


def test_queue_filters_by_article_slug_or_id(api):
    article = ArticleFactory(slug="water-prices")
    mine = CommentFactory(article=article)
    CommentFactory()

    assert ids(api.get(QUEUE, {"article": "water-prices"})) == [mine.pk]
    assert ids(api.get(QUEUE, {"article": str(article.pk)})) == [mine.pk]
    assert ids(api.get(QUEUE, {"article": "no-such-article"})) == []
    assert ids(api.get(QUEUE, {"article": "9" * 30})) == []


def test_queue_filters_by_category_and_flagged(api):
    threat = CommentFactory(flags="|threat|", priority=0.9)
    both = CommentFactory(flags="|abuse|threat|", priority=0.8)
    abuse = CommentFactory(flags="|abuse|", priority=0.7)
    clean = CommentFactory(flags="", priority=0.0)

    assert ids(api.get(QUEUE, {"category": "threat"})) == [threat.pk, both.pk]
    assert ids(api.get(QUEUE, {"category": "abuse"})) == [both.pk, abuse.pk]
    assert ids(api.get(QUEUE, {"flagged": "true"})) == [threat.pk, both.pk, abuse.pk]
    assert ids(api.get(QUEUE, {"flagged": "false"})) == [clean.pk]


def test_queue_filters_by_submitted_days(api):
    now = timezone.now()
    old = CommentFactory(submitted_at=now - timedelta(days=10))
    recent = CommentFactory(submitted_at=now - timedelta(days=1))
    cutoff = (now - timedelta(days=5)).date().isoformat()

    assert ids(api.get(QUEUE, {"submitted_after": cutoff})) == [recent.pk]
    assert ids(api.get(QUEUE, {"submitted_before": cutoff})) == [old.pk]


def test_queue_orderings(api):
    now = timezone.now()
    a = CommentFactory(priority=0.2, submitted_at=now - timedelta(hours=3))
    b = CommentFactory(priority=0.9, submitted_at=now - timedelta(hours=2))
    c = CommentFactory(priority=0.5, submitted_at=now - timedelta(hours=1))

    assert ids(api.get(QUEUE, {"ordering": "queue"})) == [b.pk, c.pk, a.pk]
    assert ids(api.get(QUEUE, {"ordering": "-priority"})) == [b.pk, c.pk, a.pk]
    assert ids(api.get(QUEUE, {"ordering": "priority"})) == [a.pk, c.pk, b.pk]
    assert ids(api.get(QUEUE, {"ordering": "submitted_at"})) == [a.pk, b.pk, c.pk]
    assert ids(api.get(QUEUE, {"ordering": "-submitted_at"})) == [c.pk, b.pk, a.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "maybe"},
        {"category": "rudeness"},
        {"flagged": "perhaps"},
        {"submitted_after": "yesterday"},
        {"ordering": "random"},
        {"page_size": "lots"},
    ],
    ids=["status", "category", "flagged", "date", "ordering", "page-size"],
)
def test_queue_bad_filter_values_are_400(api, params):
    response = api.get(QUEUE, params)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_queue_is_paginated(api):
    CommentFactory.create_batch(25)

    first = api.get(QUEUE).json()
    small = api.get(QUEUE, {"page_size": 5, "page": 2}).json()

    assert (first["count"], len(first["results"])) == (25, 20)
    assert len(small["results"]) == 5


def test_queue_query_count_does_not_grow(api, django_assert_max_num_queries):
    CommentFactory.create_batch(15, flags="|abuse|")

    with django_assert_max_num_queries(6):
        assert api.get(QUEUE).status_code == 200


# --- Detail -------------------------------------------------------------------------------


def test_detail_has_findings_email_ip_and_history(api, moderator):
    comment = CommentFactory(
        author_email="writer@example.org",
        ip_address="198.51.100.9",
        user_agent="Browser/1",
        flags="|threat|",
        findings={
            "findings": [
                {"category": "threat", "rule": "threat.kill", "start": 0, "end": 4, "evidence": "kill", "score": 0.9}
            ],
            "priority": 0.9,
            "categories": ["threat"],
        },
    )
    comment_reject(comment=comment, moderator=moderator, reasons=["threat"], note="clear threat")
    comment_approve(comment=comment, moderator=None, expected_status="rejected")

    data = api.get(detail(comment)).json()

    assert (data["author_email"], data["ip_address"], data["user_agent"]) == (
        "writer@example.org",
        "198.51.100.9",
        "Browser/1",
    )
    assert data["findings"] == [
        {"category": "threat", "rule": "threat.kill", "start": 0, "end": 4, "evidence": "kill", "score": 0.9}
    ]
    assert [(d["decided_by"], d["verdict"], d["previous_status"]) for d in data["decisions"]] == [
        ("system", "approved", "rejected"),
        ("mod-anna", "rejected", "pending"),
    ]
    assert data["decisions"][1]["reasons"] == ["threat"]
    assert data["decisions"][1]["note"] == "clear threat"


def test_detail_of_unknown_comment_is_404(api):
    assert api.get(f"{QUEUE}999999/").status_code == 404
    assert api.get(f"{QUEUE}{'9' * 25}/").json()["code"] == "not_found"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_comments_cannot_be_edited_or_deleted(api, method):
    comment = CommentFactory(body="As written.")

    response = getattr(api, method)(detail(comment), {"body": "Edited"}, format="json")

    assert response.status_code == 405
    comment.refresh_from_db()
    assert comment.body == "As written."


# --- Approve / reject ---------------------------------------------------------------------------


def test_approve_decides_through_the_services(api, moderator, django_capture_on_commit_callbacks):
    comment = CommentFactory()
    Claim.objects.create(
        comment=comment,
        moderator=moderator,
        claimed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    sent = []
    comment_decided.connect(lambda **kw: sent.append(kw["decision"]), weak=False, dispatch_uid="test-api")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(approve_url(comment), {"note": "fine"}, format="json")
    finally:
        comment_decided.disconnect(dispatch_uid="test-api")

    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["status"]) == (comment.pk, "approved")
    assert (data["decision"]["decided_by"], data["decision"]["verdict"]) == ("mod-anna", "approved")
    decision = ModerationDecision.objects.get()
    assert (decision.moderator, decision.note, decision.previous_status) == (moderator, "fine", "pending")
    assert [d.pk for d in sent] == [decision.pk]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert not Claim.objects.exists()  # the moderator's claim is released, as in admin


def test_reject_with_reasons_and_note(api):
    comment = CommentFactory()

    response = api.post(reject_url(comment), {"reasons": ["threat", "abuse"], "note": "both"}, format="json")

    assert response.status_code == 200
    assert response.json()["decision"]["reasons"] == ["abuse", "threat"]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reasons"),
        ({"reasons": []}, "reasons"),
        ({"reasons": ["rudeness"]}, "reasons"),
        ({"reasons": "threat"}, "reasons"),
        ({"reasons": ["other"]}, "note"),
        ({"reasons": ["other"], "note": "   "}, "note"),
        ({"reasons": ["abuse"], "note": 5}, "note"),
        ({"reasons": ["abuse"], "expected_status": "gone"}, "expected_status"),
        ({"reasons": ["abuse"], "status": "approved"}, "status"),
    ],
    ids=[
        "missing",
        "empty",
        "unknown-code",
        "not-a-list",
        "other-needs-note",
        "blank-note",
        "note-number",
        "bad-expected",
        "unknown-field",
    ],
)
def test_reject_refuses_bad_input_with_400_and_writes_nothing(api, body, field):
    comment = CommentFactory()

    response = api.post(reject_url(comment), body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ModerationDecision.objects.exists()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_reject_as_other_with_a_note_works(api):
    comment = CommentFactory()

    response = api.post(reject_url(comment), {"reasons": ["other"], "note": "doxxing"}, format="json")

    assert response.status_code == 200
    assert ModerationDecision.objects.get().note == "doxxing"


def test_second_decision_is_409_with_who_decided_first(api):
    comment = CommentFactory()
    comment_approve(comment=comment, moderator=ModeratorFactory(username="mod-ben"))

    response = api.post(reject_url(comment), {"reasons": ["abuse"]}, format="json")

    assert response.status_code == 409
    data = response.json()
    assert (data["code"], data["decided_by"], data["status"], data["errors"]) == (
        "already_decided",
        "mod-ben",
        "approved",
        {},
    )
    assert "mod-ben" in data["detail"]
    assert ModerationDecision.objects.count() == 1


def test_approving_an_approved_comment_is_409(api):
    comment = CommentFactory(status=Comment.Status.APPROVED)

    response = api.post(approve_url(comment), {"expected_status": "approved"}, format="json")

    assert response.status_code == 409
    assert response.json()["decided_by"] is None


def test_reversing_needs_the_status_the_moderator_saw(api):
    comment = CommentFactory()
    comment_approve(comment=comment, moderator=ModeratorFactory())

    stale = api.post(reject_url(comment), {"reasons": ["abuse"], "expected_status": "pending"}, format="json")
    reversed_ = api.post(reject_url(comment), {"reasons": ["abuse"], "expected_status": "approved"}, format="json")

    assert stale.status_code == 409
    assert reversed_.status_code == 200
    assert reversed_.json()["decision"]["previous_status"] == "approved"
    assert ModerationDecision.objects.count() == 2


def test_decision_on_unknown_comment_is_404(api):
    assert api.post(f"{QUEUE}424242/approve/", {}, format="json").status_code == 404
    assert api.post(f"{QUEUE}424242/reject/", {"reasons": ["abuse"]}, format="json").status_code == 404


def test_decision_endpoints_accept_only_post(api):
    comment = CommentFactory()

    assert api.get(approve_url(comment)).status_code == 405
    assert api.put(reject_url(comment), {}, format="json").status_code == 405


def test_malformed_json_is_400(api):
    response = api.post(approve_url(CommentFactory()), '{"note": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_deeply_nested_json_to_a_decision_is_400(api):
    comment = CommentFactory()
    response = api.post(
        reject_url(comment), '{"reasons": ' + "[" * 1000 + "]" * 1000 + "}", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    comment.refresh_from_db()
    assert comment.status == "pending"


# --- Bulk -----------------------------------------------------------------------------------


def test_bulk_approve_reports_each_id(api):
    pending = CommentFactory()
    other = CommentFactory()
    decided = CommentFactory()
    comment_reject(comment=decided, moderator=ModeratorFactory(username="mod-ben"), reasons=["abuse"])

    response = api.post(
        BULK, {"action": "approve", "ids": [pending.pk, decided.pk, 999999, pending.pk, other.pk]}, format="json"
    )

    assert response.status_code == 200
    data = response.json()
    assert data["results"] == [
        {"id": pending.pk, "result": "decided", "status": "approved", "decided_by": "mod-anna"},
        {"id": decided.pk, "result": "already_decided", "status": "rejected", "decided_by": "mod-ben"},
        {"id": 999999, "result": "not_found", "status": None, "decided_by": None},
        {"id": other.pk, "result": "decided", "status": "approved", "decided_by": "mod-anna"},
    ]
    assert data["counts"] == {"decided": 2, "already_decided": 1, "not_found": 1}
    assert ModerationDecision.objects.filter(moderator__username="mod-anna").count() == 2


def test_bulk_reject_uses_reasons_and_note(api):
    comments = CommentFactory.create_batch(3)

    response = api.post(
        BULK,
        {"action": "reject", "ids": [c.pk for c in comments], "reasons": ["promotion"], "note": "spam run"},
        format="json",
    )

    assert response.json()["counts"]["decided"] == 3
    assert {(tuple(d.reasons), d.note) for d in ModerationDecision.objects.all()} == {(("promotion",), "spam run")}


def test_bulk_never_reverses_decisions(api):
    approved = CommentFactory(status=Comment.Status.APPROVED)

    response = api.post(BULK, {"action": "reject", "ids": [approved.pk], "reasons": ["abuse"]}, format="json")

    assert response.json()["results"][0]["result"] == "already_decided"
    approved.refresh_from_db()
    assert approved.status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "reject", "ids": [1]}, "reasons"),
        ({"action": "approve", "ids": [1], "reasons": ["abuse"]}, "reasons"),
        ({"action": "delete", "ids": [1]}, "action"),
        ({"action": "approve", "ids": []}, "ids"),
        ({"action": "approve", "ids": "1,2"}, "ids"),
        ({"action": "approve", "ids": [0]}, "ids"),
        ({"action": "approve", "ids": [2**70]}, "ids"),
        ({"action": "approve", "ids": list(range(1, 202))}, "ids"),
        ({"action": "approve", "ids": [1], "status": "approved"}, "status"),
    ],
    ids=[
        "reject-without-reasons",
        "approve-with-reasons",
        "bad-action",
        "no-ids",
        "ids-string",
        "zero-id",
        "huge-id",
        "too-many",
        "unknown-field",
    ],
)
def test_bulk_bad_input_is_400(api, body, field):
    CommentFactory()

    response = api.post(BULK, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ModerationDecision.objects.exists()


def test_bulk_reject_as_other_without_note_is_400_and_writes_nothing(api):
    comments = CommentFactory.create_batch(2)

    response = api.post(
        BULK, {"action": "reject", "ids": [999999] + [c.pk for c in comments], "reasons": ["other"]}, format="json"
    )

    assert response.status_code == 400
    assert "note" in response.json()["errors"]
    assert not ModerationDecision.objects.exists()


# --- Decision log -------------------------------------------------------------------------------


@pytest.fixture
def log(moderator):
    ben = ModeratorFactory(username="mod-ben")
    old = timezone.now() - timedelta(days=10)
    first = CommentFactory(submitted_at=old)
    second = CommentFactory()
    third = CommentFactory()
    decisions = {
        "anna-rejects": comment_reject(comment=first, moderator=moderator, reasons=["abuse", "threat"]),
        "ben-approves": comment_approve(comment=second, moderator=ben),
        "system-rejects": comment_reject(comment=third, moderator=None, reasons=["profanity"]),
    }
    return decisions


def log_ids(api, **params):
    response = api.get(DECISIONS, params)
    assert response.status_code == 200, response.content
    return [d["id"] for d in response.json()["results"]]


def test_decision_log_lists_newest_first(api, log):
    expected = [log[k].pk for k in ("system-rejects", "ben-approves", "anna-rejects")]

    assert log_ids(api) == expected


def test_decision_log_filters(api, log):
    assert log_ids(api, moderator="mod-ben") == [log["ben-approves"].pk]
    assert log_ids(api, moderator="system") == [log["system-rejects"].pk]
    assert log_ids(api, verdict="approved") == [log["ben-approves"].pk]
    assert log_ids(api, reason="threat") == [log["anna-rejects"].pk]
    assert log_ids(api, reason="personal_attack") == []
    assert log_ids(api, comment=log["ben-approves"].comment_id) == [log["ben-approves"].pk]
    today = timezone.now().date().isoformat()
    assert len(log_ids(api, decided_after=today, decided_before=today)) == 3
    assert log_ids(api, decided_before="2000-01-01") == []


@pytest.mark.parametrize(
    "params",
    [{"verdict": "maybe"}, {"reason": "rude"}, {"comment": "abc"}, {"comment": "9" * 30}, {"decided_after": "soon"}],
    ids=["verdict", "reason", "comment-word", "comment-huge", "date"],
)
def test_decision_log_bad_filters_are_400(api, log, params):
    response = api.get(DECISIONS, params)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_decision_log_is_read_only(api, log):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api, method)(DECISIONS, {}, format="json").status_code == 405
    assert ModerationDecision.objects.count() == 3


# --- Stats --------------------------------------------------------------------------------------


def test_stats_returns_the_moderation_figures(api, moderator):
    CommentFactory(flags="|threat|", submitted_at=timezone.now() - timedelta(hours=2))
    CommentFactory()
    comment_reject(
        comment=CommentFactory(flags="|abuse|", checks_model_version="m-0123456789ab"),
        moderator=moderator,
        reasons=["abuse"],
    )

    response = api.get(STATS)

    assert response.status_code == 200
    data = response.json()
    assert data["pending_total"] == 2
    assert data["pending_by_category"]["threat"] == 1
    assert data["pending_by_category"]["unflagged"] == 1
    assert 7000 < data["oldest_pending_age_seconds"] < 7400
    (day,) = data["decisions_per_moderator_per_day"]
    assert (day["moderator"], day["approved"], day["rejected"]) == ("mod-anna", 0, 1)
    abuse = next(row for row in data["agreement_by_category"] if row["category"] == "abuse")
    assert (abuse["decided"], abuse["rejected"], abuse["rejection_rate"]) == (1, 1, 1.0)
    assert data["agreement_by_model_version"] == [
        {
            "model_version": "m-0123456789ab",
            "decided": 1,
            "flagged": 1,
            "flagged_rejected": 1,
            "rejected": 1,
            "rejected_flagged": 1,
            "precision": 1.0,
            "recall": 1.0,
        }
    ]


def test_stats_window_is_a_parameter(api, moderator):
    comment_reject(comment=CommentFactory(), moderator=moderator, reasons=["abuse"])

    assert len(api.get(STATS, {"days": 1}).json()["decisions_per_moderator_per_day"]) == 1
    for bad in ("0", "367", "many"):
        response = api.get(STATS, {"days": bad})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["days"]


# --- Guidelines (public) ------------------------------------------------------------------------


def test_guidelines_are_public_and_match_the_reader_page(client):
    response = client.get("/api/guidelines/")

    assert response.status_code == 200
    assert response.json() == guideline_list()
    assert [g["code"] for g in response.json()] == list(Guideline.values)
    assert all(g["text"] and g["label"] for g in response.json())


# --- Tokens ---------------------------------------------------------------------------------------


def test_moderator_gets_a_token_with_username_and_password(client):
    ModeratorFactory(username="mod-carla")

    response = client.post(
        "/api/auth/token/", {"username": "mod-carla", "password": "pw-for-tests-1"}, content_type="application/json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get(QUEUE, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_wrong_password_gets_no_token(client):
    ModeratorFactory(username="mod-carla")

    response = client.post(
        "/api/auth/token/", {"username": "mod-carla", "password": "guess"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "token" not in response.json()


def test_deeply_nested_json_to_the_token_endpoint_is_400(client):
    response = client.post(
        "/api/auth/token/", '{"username": ' + "[" * 1000 + "]" * 1000 + "}", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_token_endpoint_is_rate_limited(client):
    statuses = [
        # A username each: the per-username lockout (config/tests/test_lockout.py) is not what this counts.
        client.post(
            "/api/auth/token/", {"username": f"x{n}", "password": "y"}, content_type="application/json"
        ).status_code
        for n in range(11)
    ]

    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


# --- Caching --------------------------------------------------------------------------------


def test_moderator_responses_are_never_stored_by_a_cache(api, client):
    comment = CommentFactory(author_email="secret@example.org")
    responses = [
        api.get(QUEUE),
        api.get(f"{QUEUE}{comment.pk}/"),
        api.post(approve_url(comment), {}, format="json"),
        client.get(QUEUE),  # refused ones too
    ]
    for response in responses:
        cache_control = response.headers.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, (response.status_code, cache_control)


def test_token_responses_are_never_stored_by_a_cache(client):
    ModeratorFactory(username="mod-dana")
    response = client.post(
        "/api/auth/token/", {"username": "mod-dana", "password": "pw-for-tests-1"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
