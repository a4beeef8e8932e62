"""Reports in the API: POST /api/comments/{id}/reports/ (public) and the moderators' Reported queue,
uphold / dismiss and stats."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import ReaderReport, ReportResolution
from community.reports import reporter_key
from community.tests.factories import ReaderReportFactory
from moderation.models import ModerationDecision
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

APPROVED = Comment.Status.APPROVED
READER_IP = "198.51.100.77"


def report_url(pk) -> str:
    return f"/api/comments/{pk}/reports/"


@pytest.fixture
def approved():
    return CommentFactory(status=APPROVED)


@pytest.fixture
def reader():
    return APIClient(REMOTE_ADDR=READER_IP)


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mod-api")


@pytest.fixture
def api(moderator):
    client = APIClient()
    client.force_authenticate(moderator)
    return client


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


# --- Public: report a comment -------------------------------------------------------------------


def test_a_report_is_received_and_says_nothing_more(reader, approved):
    response = post(reader, report_url(approved.pk), {"reason": "threat", "note": "Says he will hurt her."})

    assert response.status_code == 201
    assert response.json() == {"status": "received"}
    report = ReaderReport.objects.get()
    assert (report.comment, report.reason, report.note) == (approved, "threat", "Says he will hurt her.")
    assert report.reporter_key == reporter_key(ip_address=READER_IP)


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED])
def test_a_comment_not_approved_is_404_like_an_unknown_id(reader, status):
    hidden = CommentFactory(status=status)

    response = post(reader, report_url(hidden.pk), {"reason": "abuse"})
    unknown = post(reader, report_url(999_999), {"reason": "abuse"})

    assert response.status_code == unknown.status_code == 404
    assert response.json() == unknown.json()
    assert not ReaderReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "rudeness"}, "reason"),
        ({"reason": "banned"}, "reason"),
        ({"reason": "abuse", "note": 7}, "note"),
        ({"reason": "abuse", "note": "x" * 501}, "note"),
        ({"reason": "abuse", "note": "bell\x07"}, "note"),
        ({"reason": "other"}, "note"),
        ({"reason": "abuse", "reporter": "me"}, "reporter"),
    ],
)
def test_bad_bodies_are_400_with_field_errors(reader, approved, body, field):
    response = post(reader, report_url(approved.pk), body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not ReaderReport.objects.exists()


def test_a_form_body_is_refused_415(reader, approved):
    response = reader.post(report_url(approved.pk), {"reason": "abuse"})  # multipart

    assert response.status_code == 415
    assert not ReaderReport.objects.exists()


def test_a_second_report_from_the_same_reader_is_409(reader, approved):
    assert post(reader, report_url(approved.pk), {"reason": "abuse"}).status_code == 201

    again = post(reader, report_url(approved.pk), {"reason": "threat"})

    assert again.status_code == 409
    assert again.json()["code"] == "already_reported"
    assert set(again.json()) == {"detail", "code", "errors"}
    assert ReaderReport.objects.count() == 1


def test_reports_are_rate_limited_per_address_and_only_stored_ones_count(settings, reader):
    settings.COMMUNITY_REPORT_RATE = "2/hour"
    comments = [CommentFactory(status=APPROVED) for _ in range(3)]

    assert post(reader, report_url(comments[0].pk), {"reason": "nope"}).status_code == 400
    assert post(reader, report_url(999_999), {"reason": "abuse"}).status_code == 404
    assert post(reader, report_url(comments[0].pk), {"reason": "abuse"}).status_code == 201
    assert post(reader, report_url(comments[0].pk), {"reason": "abuse"}).status_code == 409
    assert post(reader, report_url(comments[1].pk), {"reason": "abuse"}).status_code == 201
    limited = post(reader, report_url(comments[2].pk), {"reason": "abuse"})

    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert ReaderReport.objects.count() == 2
    other = APIClient(REMOTE_ADDR="203.0.113.60")
    assert post(other, report_url(comments[2].pk), {"reason": "abuse"}).status_code == 201


def test_public_answers_never_carry_report_data(reader, approved):
    for n in range(4):
        ReaderReportFactory(comment=approved, note=f"SECRET-{n}")

    received = post(reader, report_url(approved.pk), {"reason": "abuse"})
    repeated = post(reader, report_url(approved.pk), {"reason": "abuse"})
    listing = reader.get(f"/api/articles/{approved.article.slug}/comments/")

    assert received.json() == {"status": "received"}
    assert repeated.json() == {
        "detail": "You have already reported this comment.",
        "code": "already_reported",
        "errors": {},
    }
    assert [set(c) for c in listing.json()["results"]] == [{"id", "author_name", "body", "submitted_at"}]
    for answer in (received, repeated, listing):
        assert "SECRET" not in answer.content.decode()
        assert "report" not in json.dumps(answer.json().get("results", "")).lower()


# --- Moderators: the Reported queue -------------------------------------------------------------


def test_the_queue_is_for_moderators_only(approved):
    ReaderReportFactory(comment=approved)
    anonymous = APIClient()
    plain = APIClient()
    plain.force_authenticate(UserFactory(is_staff=True))

    assert anonymous.get("/api/moderation/reports/").status_code == 401
    assert plain.get("/api/moderation/reports/").status_code == 403
    for path in (
        f"/api/moderation/comments/{approved.pk}/reports/dismiss/",
        f"/api/moderation/comments/{approved.pk}/reports/uphold/",
    ):
        assert post(plain, path, {"reasons": ["abuse"]} if "uphold" in path else {}).status_code == 403
    assert plain.get("/api/moderation/reports/stats/").status_code == 403
    assert not ReportResolution.objects.exists()


def test_the_queue_lists_counts_reasons_and_notes_in_order_without_reporters(api):
    most, fewer = CommentFactory(status=APPROVED, body="Most reported"), CommentFactory(status=APPROVED)
    for reason in ("abuse", "abuse", "threat"):
        ReaderReportFactory(comment=most, reason=reason, note="Vile" if reason == "threat" else "")
    keys = [ReaderReportFactory(comment=fewer).reporter_key]
    keys += list(ReaderReport.objects.values_list("reporter_key", flat=True))

    response = api.get("/api/moderation/reports/")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert [r["comment"]["id"] for r in body["results"]] == [most.pk, fewer.pk]
    assert first["open_reports"] == 3
    assert first["reasons"] == [{"code": "abuse", "count": 2}, {"code": "threat", "count": 1}]
    assert [(n["reason"], n["note"]) for n in first["notes"]] == [("threat", "Vile")]
    assert first["notes_total"] == 1
    assert first["comment"]["body"] == "Most reported"
    text = response.content.decode()
    assert not any(key in text for key in keys)
    assert "reporter" not in text


def test_the_queue_takes_the_same_queries_for_any_page_size(api):
    api.get("/api/moderation/reports/")  # the moderator's permissions are cached from here on

    def queries(n):
        for _ in range(n):
            ReaderReportFactory(comment=CommentFactory(status=APPROVED), note="n")
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/moderation/reports/?page_size=100").status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


def test_the_queue_without_pagination_lists_every_reported_comment(api, monkeypatch):
    # paginate_queryset() gives None when no page size applies; the queue used to pass that None on (TypeError).
    from community.apis_reports import ReportedQueueApi

    monkeypatch.setattr(ReportedQueueApi, "pagination_class", None)
    most, fewer = CommentFactory(status=APPROVED), CommentFactory(status=APPROVED)
    ReaderReportFactory(comment=most, reason="abuse")
    ReaderReportFactory(comment=most, reason="threat")
    ReaderReportFactory(comment=fewer)

    response = api.get("/api/moderation/reports/")

    assert response.status_code == 200
    assert [(r["comment"]["id"], r["open_reports"]) for r in response.json()] == [(most.pk, 2), (fewer.pk, 1)]


# --- Moderators: uphold and dismiss -------------------------------------------------------------


def test_uphold_rejects_the_comment_and_answers_the_resolution(api, moderator, approved):
    ReaderReportFactory(comment=approved, reason="threat")
    ReaderReportFactory(comment=approved, reason="abuse")

    response = post(
        api, f"/api/moderation/comments/{approved.pk}/reports/uphold/", {"reasons": ["threat"], "note": "Threat"}
    )

    assert response.status_code == 200
    body = response.json()
    decision = ModerationDecision.objects.get(comment=approved)
    assert (body["comment"], body["status"], body["outcome"], body["moderator"], body["reports"]) == (
        approved.pk,
        "rejected",
        "upheld",
        "mod-api",
        2,
    )
    assert body["decision"]["id"] == decision.pk and body["decision"]["previous_status"] == "approved"
    approved.refresh_from_db()
    assert approved.status == Comment.Status.REJECTED

    again = post(api, f"/api/moderation/comments/{approved.pk}/reports/uphold/", {"reasons": ["threat"]})
    assert again.status_code == 409
    assert again.json()["code"] == "no_open_reports"
    assert ReportResolution.objects.count() == 1


def test_uphold_of_a_comment_no_longer_approved_is_409_already_decided(api, approved):
    ReaderReportFactory(comment=approved)
    comment_reject(comment=approved, moderator=ModeratorFactory(username="quick"), reasons=["abuse"])

    response = post(api, f"/api/moderation/comments/{approved.pk}/reports/uphold/", {"reasons": ["abuse"]})

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["decided_by"], response.json()["status"]) == (
        "already_decided",
        "quick",
        "rejected",
    )
    assert not ReportResolution.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reasons"),
        ({"reasons": []}, "reasons"),
        ({"reasons": ["other"]}, "note"),
        ({"reasons": ["abuse"], "x": 1}, "x"),
    ],
)
def test_uphold_refuses_bad_bodies_400(api, approved, body, field):
    ReaderReportFactory(comment=approved)

    response = post(api, f"/api/moderation/comments/{approved.pk}/reports/uphold/", body)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ReportResolution.objects.exists()


def test_dismiss_keeps_the_comment_and_a_second_dismiss_is_409(api, approved):
    ReaderReportFactory(comment=approved)

    response = post(api, f"/api/moderation/comments/{approved.pk}/reports/dismiss/", {"note": "Fair criticism"})

    assert response.status_code == 200
    assert (response.json()["outcome"], response.json()["decision"], response.json()["status"]) == (
        "dismissed",
        None,
        "approved",
    )
    assert post(api, f"/api/moderation/comments/{approved.pk}/reports/dismiss/", {}).json()["code"] == "no_open_reports"


def test_resolving_an_unknown_comment_is_404(api):
    assert post(api, "/api/moderation/comments/999999/reports/dismiss/", {}).status_code == 404


# --- Moderators: stats --------------------------------------------------------------------------


def test_stats(api, moderator, approved):
    ReaderReportFactory(comment=approved)
    ReaderReportFactory(comment=approved)
    post(api, f"/api/moderation/comments/{approved.pk}/reports/uphold/", {"reasons": ["abuse"]})
    ReaderReportFactory(comment=CommentFactory(status=APPROVED))

    body = api.get("/api/moderation/reports/stats/?days=7").json()

    assert body["days"] == 7
    assert len(body["reports_per_day"]) == 8
    assert body["reports_total"] == 3
    assert (body["resolutions"], body["upheld"], body["dismissed"], body["share_upheld"]) == (1, 1, 0, 1.0)
    assert body["median_seconds_to_resolve"] >= 0
    assert (body["open_reports"], body["reported_comments"]) == (1, 1)


@pytest.mark.parametrize("query", ["?days=0", "?days=91", "?days=", "?days=7&days=8", "?days=x"])
def test_stats_refuse_bad_windows(api, query):
    response = api.get(f"/api/moderation/reports/stats/{query}")

    assert response.status_code == 400
    assert "days" in response.json()["errors"]
