"""Reader reports: report_submit, reports_uphold / reports_dismiss, the Reported queue and the report stats."""

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import CommunityLogIsAppendOnly, ReaderReport, ReportResolution
from community.reports import (
    NOTES_SHOWN,
    REPORT_NOTE_MAX_LENGTH,
    AlreadyReported,
    CommentNotReportable,
    NoOpenReports,
    ReportedComment,
    open_reports_for,
    report_stats,
    report_submit,
    reported_entries,
    reported_queue,
    reporter_key,
    reports_dismiss,
    reports_uphold,
)
from community.signals import reports_resolved
from community.tests.factories import ReaderReportFactory
from moderation.models import ModerationDecision
from moderation.services import AlreadyDecided, comment_reject
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

APPROVED, PENDING, REJECTED = Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.REJECTED


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mod-ana")


@pytest.fixture
def approved():
    return CommentFactory(status=APPROVED)


def key(n: int) -> str:
    return reporter_key(ip_address=f"198.51.100.{n}")


def reported(comment, *reasons_and_notes, start=1):
    """Reports on `comment` from distinct readers: each item a reason, or (reason, note)."""
    for n, item in enumerate(reasons_and_notes, start=start):
        reason, note = item if isinstance(item, tuple) else (item, "")
        report_submit(comment=comment, reason=reason, note=note, reporter_key=key(n))


# --- Who reports --------------------------------------------------------------------------------


def test_reporter_key_is_a_keyed_hash_not_the_address():
    one = reporter_key(ip_address="203.0.113.5")

    assert len(one) == 64 and "203" not in one
    assert one == reporter_key(ip_address="203.0.113.5")
    assert one != reporter_key(ip_address="203.0.113.6")


def test_reporter_key_changes_with_the_secret(settings):
    before = reporter_key(ip_address="203.0.113.5")
    settings.SECRET_KEY = "another-secret-for-this-test-only-0123456789"

    assert reporter_key(ip_address="203.0.113.5") != before


def test_an_ipv6_reader_is_their_slash_64():
    assert reporter_key(ip_address="2001:db8:1:2::1") == reporter_key(ip_address="2001:db8:1:2:ffff::9")
    assert reporter_key(ip_address="2001:db8:1:2::1") != reporter_key(ip_address="2001:db8:1:3::1")


def test_without_an_address_the_session_is_the_reader():
    by_session = reporter_key(ip_address=None, session_key="abc123")

    assert by_session == reporter_key(ip_address="", session_key="abc123")
    assert by_session != reporter_key(ip_address=None, session_key="abc124")
    with pytest.raises(ValueError):
        reporter_key(ip_address=None, session_key=None)


# --- report_submit ------------------------------------------------------------------------------


def test_a_report_is_stored_with_reason_note_and_key_only(approved):
    report = report_submit(comment=approved, reason="abuse", note="  Racist slur in line two.  ", reporter_key=key(1))

    stored = ReaderReport.objects.get()
    assert stored == report
    assert (stored.comment_id, stored.reason, stored.note, stored.reporter_key) == (
        approved.pk,
        "abuse",
        "Racist slur in line two.",
        key(1),
    )
    assert stored.resolution is None
    assert "198.51.100" not in repr(vars(stored))


@pytest.mark.parametrize("status", [PENDING, REJECTED])
def test_only_approved_comments_can_be_reported(status):
    comment = CommentFactory(status=status)

    with pytest.raises(CommentNotReportable):
        report_submit(comment=comment, reason="abuse", reporter_key=key(1))
    assert not ReaderReport.objects.exists()


def test_the_status_is_read_from_the_database_not_the_callers_copy(approved, moderator):
    stale = Comment.objects.get(pk=approved.pk)
    comment_reject(comment=approved, moderator=moderator, reasons=["abuse"], expected_status=APPROVED)

    with pytest.raises(CommentNotReportable):
        report_submit(comment=stale, reason="abuse", reporter_key=key(1))


def test_one_report_per_reader_per_comment(approved):
    report_submit(comment=approved, reason="abuse", reporter_key=key(1))

    with pytest.raises(AlreadyReported):
        report_submit(comment=approved, reason="threat", note="Another go", reporter_key=key(1))
    report_submit(comment=approved, reason="threat", reporter_key=key(2))
    report_submit(comment=CommentFactory(status=APPROVED), reason="abuse", reporter_key=key(1))

    assert ReaderReport.objects.filter(comment=approved).count() == 2
    assert ReaderReport.objects.count() == 3


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [
        ("rudeness", "", "reason"),
        ("", "", "reason"),
        ("banned", "", "reason"),  # a system reason, not a guideline a reader can choose
        ("other", "   ", "note"),
        ("abuse", "x" * (REPORT_NOTE_MAX_LENGTH + 1), "note"),
        ("abuse", "bad\x00note", "note"),
        ("abuse", "bell\x07", "note"),
    ],
)
def test_bad_input_is_refused_per_field(approved, reason, note, field):
    with pytest.raises(ValidationError) as caught:
        report_submit(comment=approved, reason=reason, note=note, reporter_key=key(1))

    assert list(caught.value.message_dict) == [field]
    assert not ReaderReport.objects.exists()


def test_other_with_a_note_and_a_note_at_the_limit_are_fine(approved):
    report_submit(comment=approved, reason="other", note="Spoils the film's ending.", reporter_key=key(1))
    report_submit(comment=approved, reason="abuse", note="y" * REPORT_NOTE_MAX_LENGTH, reporter_key=key(2))

    assert ReaderReport.objects.count() == 2


# --- reports_uphold -----------------------------------------------------------------------------


def test_uphold_rejects_through_comment_reject_and_closes_every_open_report(approved, moderator):
    reported(approved, "abuse", ("threat", "He says he will find her"), "abuse")

    resolution = reports_uphold(comment=approved, moderator=moderator, reasons=["threat", "abuse"], note="Clear threat")

    approved.refresh_from_db()
    decision = ModerationDecision.objects.get(comment=approved)
    assert approved.status == REJECTED
    assert (decision.verdict, decision.previous_status, decision.moderator, decision.reasons, decision.note) == (
        REJECTED,
        APPROVED,
        moderator,
        ["abuse", "threat"],
        "Clear threat",
    )
    assert (resolution.outcome, resolution.decision, resolution.moderator, resolution.note) == (
        ReportResolution.Outcome.UPHELD,
        decision,
        moderator,
        "Clear threat",
    )
    assert resolution.resolved_at == decision.decided_at
    assert set(ReaderReport.objects.values_list("resolution_id", flat=True)) == {resolution.pk}


def test_uphold_sends_reports_resolved_after_commit(approved, moderator, django_capture_on_commit_callbacks):
    reported(approved, "abuse", "abuse")
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    reports_resolved.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            resolution = reports_uphold(comment=approved, moderator=moderator, reasons=["abuse"])
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        reports_resolved.disconnect(listener)

    assert [(r["resolution"], r["comment"].pk, r["reports"]) for r in received] == [(resolution, approved.pk, 2)]


def test_uphold_needs_the_moderation_permission(approved):
    reported(approved, "abuse")

    for user in (UserFactory(), UserFactory(is_staff=True), None):
        with pytest.raises(PermissionDenied):
            reports_uphold(comment=approved, moderator=user, reasons=["abuse"])
    inactive = ModeratorFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        reports_uphold(comment=approved, moderator=inactive, reasons=["abuse"])

    approved.refresh_from_db()
    assert approved.status == APPROVED
    assert not ReportResolution.objects.exists()
    assert ReaderReport.objects.filter(resolution__isnull=True).count() == 1


def test_uphold_without_open_reports_writes_nothing(approved, moderator):
    with pytest.raises(NoOpenReports):
        reports_uphold(comment=approved, moderator=moderator, reasons=["abuse"])

    approved.refresh_from_db()
    assert approved.status == APPROVED
    assert not ModerationDecision.objects.exists()
    assert not ReportResolution.objects.exists()


def test_uphold_of_a_comment_no_longer_approved_is_already_decided(approved, moderator):
    reported(approved, "abuse")
    seen = Comment.objects.get(pk=approved.pk)
    comment_reject(comment=approved, moderator=ModeratorFactory(username="first"), reasons=["abuse"])

    with pytest.raises(AlreadyDecided) as caught:
        reports_uphold(comment=seen, moderator=moderator, reasons=["abuse"])

    assert caught.value.decided_by == "first"
    assert not ReportResolution.objects.exists()
    assert ReaderReport.objects.filter(resolution__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("reasons", "note", "field"), [([], "", "reasons"), (["other"], "", "note"), (["nope"], "", "reasons")]
)
def test_uphold_refuses_bad_reasons_and_writes_nothing(approved, moderator, reasons, note, field):
    reported(approved, "abuse")

    with pytest.raises(ValidationError) as caught:
        reports_uphold(comment=approved, moderator=moderator, reasons=reasons, note=note)

    assert field in caught.value.message_dict
    approved.refresh_from_db()
    assert approved.status == APPROVED
    assert not ReportResolution.objects.exists()
    assert ReaderReport.objects.filter(resolution__isnull=True).count() == 1


# --- reports_dismiss ----------------------------------------------------------------------------


def test_dismiss_closes_the_reports_and_leaves_the_comment(approved, moderator):
    reported(approved, "off_topic", "off_topic")

    resolution = reports_dismiss(comment=approved, moderator=moderator, note="On topic: it is about the budget.")

    approved.refresh_from_db()
    assert approved.status == APPROVED
    assert not ModerationDecision.objects.exists()
    assert (resolution.outcome, resolution.decision, resolution.note) == (
        ReportResolution.Outcome.DISMISSED,
        None,
        "On topic: it is about the budget.",
    )
    assert set(ReaderReport.objects.values_list("resolution_id", flat=True)) == {resolution.pk}
    with pytest.raises(NoOpenReports):
        reports_dismiss(comment=approved, moderator=moderator)
    assert ReportResolution.objects.count() == 1


def test_dismiss_needs_the_moderation_permission(approved):
    reported(approved, "abuse")

    with pytest.raises(PermissionDenied):
        reports_dismiss(comment=approved, moderator=UserFactory())
    assert not ReportResolution.objects.exists()


def test_resolutions_are_append_only(approved, moderator):
    reported(approved, "abuse")
    resolution = reports_dismiss(comment=approved, moderator=moderator)

    resolution.note = "rewritten"
    with pytest.raises(CommunityLogIsAppendOnly):
        resolution.save()
    with pytest.raises(CommunityLogIsAppendOnly):
        resolution.delete()


def test_a_report_after_a_resolution_opens_a_new_round(approved, moderator):
    reported(approved, "abuse", "abuse")
    first = reports_dismiss(comment=approved, moderator=moderator)

    reported(approved, "threat", start=3)

    entry = open_reports_for(approved)
    assert (entry.open_reports, entry.reasons) == (1, {"threat": 1})
    assert [row["comment_id"] for row in reported_queue()] == [approved.pk]
    # The readers of the first round are still the same readers: one report each per comment.
    with pytest.raises(AlreadyReported):
        reported(approved, "abuse", start=1)
    second = reports_uphold(comment=approved, moderator=moderator, reasons=["threat"])
    assert ReaderReport.objects.filter(resolution=first).count() == 2
    assert ReaderReport.objects.filter(resolution=second).count() == 1
    assert list(reported_queue()) == []


# --- The Reported queue -------------------------------------------------------------------------


def _at(comment, *created_at, reason="abuse", note=""):
    for when in created_at:
        ReaderReportFactory(comment=comment, created_at=when, reason=reason, note=note)


def test_the_queue_is_most_reported_first_then_oldest_report(moderator):
    now = timezone.now()
    two_new, three, two_old, one = (CommentFactory(status=APPROVED) for _ in range(4))
    _at(two_new, now - timedelta(hours=1), now)
    _at(three, now - timedelta(minutes=5), now - timedelta(minutes=4), now - timedelta(minutes=3))
    _at(two_old, now - timedelta(days=1), now)
    _at(one, now - timedelta(days=3))
    # Not in the queue: a comment whose reports are resolved, and reported comments no longer approved.
    resolved = CommentFactory(status=APPROVED)
    _at(resolved, now, now, now, now)
    reports_dismiss(comment=resolved, moderator=moderator)
    _at(CommentFactory(status=REJECTED), now, now, now, now, now)
    _at(CommentFactory(status=PENDING), now, now, now, now, now)

    rows = list(reported_queue())

    assert [row["comment_id"] for row in rows] == [three.pk, two_old.pk, two_new.pk, one.pk]
    assert [row["open_reports"] for row in rows] == [3, 2, 2, 1]
    assert reported_queue().count() == 4


def test_entries_carry_reason_counts_and_the_newest_notes_but_no_reporter(approved):
    now = timezone.now()
    for n in range(NOTES_SHOWN + 3):
        ReaderReportFactory(
            comment=approved, reason="abuse", note=f"note {n}", created_at=now - timedelta(minutes=60 - n)
        )
    ReaderReportFactory(comment=approved, reason="threat", created_at=now)
    ReaderReportFactory(comment=approved, reason="threat", created_at=now - timedelta(days=1))

    [entry] = reported_entries(reported_queue())

    assert entry.comment == approved
    assert entry.open_reports == NOTES_SHOWN + 5
    assert entry.reasons == {"abuse": NOTES_SHOWN + 3, "threat": 2}
    assert entry.reported_codes == ["abuse", "threat"]
    assert [n.note for n in entry.notes] == [f"note {n}" for n in range(NOTES_SHOWN + 2, 2, -1)]
    assert entry.notes_total == NOTES_SHOWN + 3
    assert entry.first_reported_at == now - timedelta(days=1)
    assert entry.last_reported_at == now
    assert "reporter" not in " ".join(f.name for f in fields(ReportedComment))


def _entries_queries(count: int) -> int:
    for _ in range(count):
        comment = CommentFactory(status=APPROVED)
        ReaderReportFactory(comment=comment, reason="abuse", note="a note")
        ReaderReportFactory(comment=comment, reason="threat")
    with CaptureQueriesContext(connection) as queries:
        entries = reported_entries(reported_queue()[:50])
        # What the admin and the API read of each row: nothing more is loaded.
        shown = [(e.comment.body, e.comment.article.title, e.reasons, e.notes) for e in entries]
    assert len(shown) >= count
    return len(queries)


def test_a_page_of_the_queue_takes_the_same_queries_for_3_or_30_comments():
    few = _entries_queries(3)
    many = _entries_queries(27)

    assert few == many == 4  # the page's rows, their comments, reason counts, notes


def test_open_reports_for_one_comment(approved, moderator):
    assert open_reports_for(approved) is None
    reported(approved, ("other", "Spoiler"), "abuse")

    entry = open_reports_for(approved)

    assert (entry.open_reports, entry.reasons, [n.note for n in entry.notes]) == (
        2,
        {"abuse": 1, "other": 1},
        ["Spoiler"],
    )


# --- Stats --------------------------------------------------------------------------------------


def _resolve_at(comment, moderator, outcome, when):
    resolution = ReportResolution.objects.create(
        comment=comment, outcome=outcome, moderator=moderator, resolved_at=when
    )
    ReaderReport.objects.filter(comment=comment, resolution__isnull=True).update(resolution=resolution)


def test_report_stats(moderator):
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    upheld_comment, dismissed_comment, open_comment = (CommentFactory(status=APPROVED) for _ in range(3))
    _at(upheld_comment, now - timedelta(days=1, hours=2), now - timedelta(days=1))
    _at(dismissed_comment, now - timedelta(hours=3))
    _at(open_comment, now - timedelta(hours=1), now - timedelta(minutes=30))
    _at(open_comment, now - timedelta(days=40))  # outside the window
    # Resolved 4 h and 2 h after the first report of their round (rows written directly, to set the times).
    _resolve_at(
        upheld_comment,
        moderator,
        ReportResolution.Outcome.UPHELD,
        now - timedelta(days=1, hours=2) + timedelta(hours=4),
    )
    _resolve_at(dismissed_comment, moderator, ReportResolution.Outcome.DISMISSED, now - timedelta(hours=1))
    _resolve_at(CommentFactory(status=APPROVED), moderator, ReportResolution.Outcome.DISMISSED, now - timedelta(days=9))
    with timezone.override(UTC):
        stats = report_stats(days=7, now=now)

    assert stats["days"] == 7
    assert len(stats["reports_per_day"]) == 8
    per_day = {row["day"].isoformat(): row["reports"] for row in stats["reports_per_day"]}
    assert per_day["2026-03-10"] == 3 and per_day["2026-03-09"] == 2 and per_day["2026-03-04"] == 0
    assert stats["reports_per_day"][0]["day"].isoformat() == "2026-03-10"  # newest first
    assert stats["reports_total"] == 5
    assert (stats["resolutions"], stats["upheld"], stats["dismissed"], stats["share_upheld"]) == (2, 1, 1, 0.5)
    assert stats["median_seconds_to_resolve"] == 3 * 3600
    assert stats["mean_seconds_to_resolve"] == 3 * 3600
    assert (stats["open_reports"], stats["reported_comments"]) == (3, 1)


def test_report_stats_without_anything():
    stats = report_stats(days=1)

    assert stats["reports_total"] == 0
    assert stats["share_upheld"] is None
    assert stats["median_seconds_to_resolve"] is None
    with pytest.raises(ValueError):
        report_stats(days=0)
