"""Reader reports: a reader tells the moderators that an approved comment breaks a guideline, and a
moderator answers all the open reports on that comment at once.

Writes (services, keyword-only):
- `report_submit()`: one report per reader per comment, only on approved comments (any other
  comment is "not found", exactly like an unknown id, so nobody learns that a pending or rejected
  comment exists). The reader is known only by `reporter_key()`, a keyed hash of their network
  address (or session), never the address itself.
- `reports_uphold()`: rejects the comment through `moderation.services.comment_reject` (a reversal
  from approved) and closes its open reports with a ReportResolution that names the decision.
- `reports_dismiss()`: closes the open reports with a ReportResolution; the comment stays.
Both resolve under the comment's row lock and close the reports with a conditional update from
"open", so two moderators answering at once end with exactly one resolution; the other is told
NoOpenReports (or AlreadyDecided) and nothing of theirs is written. Reports that arrive later are
open again: a new round for the queue.

Reads (selectors): `reported_queue()` and `reported_entries()` for the Reported queue (a constant
number of queries per page), `open_reports_for()` for one comment, and `report_stats()`.

Reports are moderator-only data: nothing here is ever shown on a public page or in a public API
response, and no selector returns who reported (not even the keyed hash).
"""

from __future__ import annotations

import ipaddress
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User  # the staff account type (annotations)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.crypto import salted_hmac

from articles.selectors import published_articles
from comments.models import Comment
from community.models import ReaderReport, ReportResolution
from community.signals import reports_resolved
from moderation.guidelines import Guideline
from moderation.services import can_moderate, comment_reject

REPORT_NOTE_MAX_LENGTH = 500
RESOLUTION_NOTE_MAX_LENGTH = 2000
# Changing the salt starts every reader afresh (each could report each comment once more).
REPORTER_KEY_SALT = "community.reports.reporter.v1"
# An IPv6 reader usually holds a whole /64: counting each address as a reader would let one
# reader report a comment (and use the rate limit) as often as they like.
IPV6_READER_PREFIX = 64
# Control characters other than tab/newline/carriage return (as comment_submit refuses them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The queue shows at most this many notes per comment (the newest); `notes_total` counts them all.
NOTES_SHOWN = 10
# Time to resolve is measured over at most this many of the window's most recent resolutions.
RESOLVE_TIME_SAMPLE = 2_000
STATS_MAX_DAYS = 90

APPROVED = Comment.Status.APPROVED


class CommentNotReportable(Exception):
    """No approved comment with this id: answered exactly like an unknown id (404)."""


class AlreadyReported(Exception):
    """This reader has already reported this comment; nothing was stored."""


class NoOpenReports(Exception):
    """The comment has no open reports (none yet, or another moderator resolved them first)."""

    def __init__(self, comment: Comment) -> None:
        self.comment = comment
        super().__init__(f"Comment {comment.pk} has no open reports: they were resolved already, or there were none.")


# --- Who is reporting -------------------------------------------------------------------------


def reader_network(ip_address: str | None) -> str | None:
    """The address that stands for one reader: an IPv4 address, or the /64 network of an IPv6 one."""
    if not ip_address:
        return None
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_READER_PREFIX}", strict=False))
    return str(address)


def reporter_key(*, ip_address: str | None, session_key: str | None = None) -> str:
    """A keyed hash (HMAC-SHA256 under SECRET_KEY) of the reader's network address, or of their session
    when there is no address: enough to allow one report per reader per comment, and not reversible
    to the address without the server's secret."""
    network = reader_network(ip_address)
    if network:
        source = f"ip:{network}"
    elif session_key:
        source = f"session:{session_key}"
    else:
        raise ValueError("A reporter needs an IP address or a session.")
    return salted_hmac(REPORTER_KEY_SALT, source, algorithm="sha256").hexdigest()


# --- Writes -----------------------------------------------------------------------------------


def report_submit(*, comment: Comment, reason: str, note: str = "", reporter_key: str) -> ReaderReport:
    """Store a reader's report on an approved comment.

    Raises ValidationError ({"reason": [...], "note": [...]}) for an unknown guideline code, a note
    over REPORT_NOTE_MAX_LENGTH or with control characters, or "other" without a note;
    CommentNotReportable when the comment is not approved (now, in the database: not the caller's
    copy); AlreadyReported when this reporter has reported it before (in any round).
    """
    reason, note = _clean_report(reason, note)
    if not reporter_key:
        raise ValueError("reporter_key is required")
    with transaction.atomic():
        if not Comment.objects.filter(pk=comment.pk, status=APPROVED).exists():
            raise CommentNotReportable(f"No approved comment {comment.pk}.")
        try:
            with transaction.atomic():  # a savepoint: the unique constraint decides between parallel reports
                return ReaderReport.objects.create(
                    comment_id=comment.pk,
                    reason=reason,
                    note=note,
                    reporter_key=reporter_key,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            if ReaderReport.objects.filter(comment_id=comment.pk, reporter_key=reporter_key).exists():
                raise AlreadyReported(f"Comment {comment.pk} was already reported by this reader.") from None
            raise


def _clean_report(reason: str, note: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if reason not in Guideline.values:
        errors["reason"] = ["Choose the guideline the comment breaks."]
    note = (note or "").strip()
    if len(note) > REPORT_NOTE_MAX_LENGTH:
        errors["note"] = [f"Keep the note to at most {REPORT_NOTE_MAX_LENGTH} characters (it has {len(note)})."]
    elif _CONTROL.search(note):
        errors["note"] = ["Remove the control characters from the note."]
    elif reason == Guideline.OTHER and not note:
        errors["note"] = ["Say what is wrong with the comment when you choose \u201cOther\u201d."]
    if errors:
        raise ValidationError(errors)
    return reason, note


def reports_uphold(*, comment: Comment, moderator: User, reasons: Iterable[str], note: str = "") -> ReportResolution:
    """Reject the reported comment and close its open reports, in one transaction.

    The rejection is `comment_reject(expected_status=approved)`: a reversal logged as a
    ModerationDecision with previous_status "approved", named by the resolution. Raises
    PermissionDenied without the moderation permission, NoOpenReports when no report is open
    (another moderator resolved them first), AlreadyDecided when the comment is no longer approved,
    and ValidationError for the reasons (as comment_reject: one or more guideline codes, `other`
    needs a note). Nothing is written unless everything is.
    """
    _require_moderator(moderator)
    note = _clean_resolution_note(note)
    with transaction.atomic():
        _lock_with_open_reports(comment)
        decision = comment_reject(
            comment=comment, moderator=moderator, reasons=list(reasons), note=note, expected_status=APPROVED
        )
        resolution = ReportResolution.objects.create(
            comment=comment,
            outcome=ReportResolution.Outcome.UPHELD,
            decision=decision,
            moderator=moderator,
            note=note,
            resolved_at=decision.decided_at,
        )
        _close_open_reports(comment, resolution)
    return resolution


def reports_dismiss(*, comment: Comment, moderator: User, note: str = "") -> ReportResolution:
    """Close the comment's open reports without changing the comment (logged as a dismissal).

    Raises PermissionDenied without the moderation permission and NoOpenReports when no report is
    open (another moderator resolved them first).
    """
    _require_moderator(moderator)
    note = _clean_resolution_note(note)
    with transaction.atomic():
        _lock_with_open_reports(comment)
        resolution = ReportResolution.objects.create(
            comment=comment,
            outcome=ReportResolution.Outcome.DISMISSED,
            moderator=moderator,
            note=note,
            resolved_at=timezone.now(),  # taken under the lock: never earlier than a resolution it waited for
        )
        _close_open_reports(comment, resolution)
    return resolution


def _require_moderator(moderator: User | None) -> None:
    if not can_moderate(moderator):
        raise PermissionDenied("You do not have permission to moderate comments.")


def _clean_resolution_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > RESOLUTION_NOTE_MAX_LENGTH:
        raise ValidationError({"note": [f"Keep the note to at most {RESOLUTION_NOTE_MAX_LENGTH} characters."]})
    return note


def _lock_with_open_reports(comment: Comment) -> None:
    # The comment's row lock (the one comment_reject takes too) queues a second moderator behind
    # the first, and a new report's insert (a key-share lock on the same row) behind both: the
    # second moderator then finds no open report and is told so.
    Comment.objects.select_for_update().filter(pk=comment.pk).values_list("pk").first()
    if not ReaderReport.objects.filter(comment_id=comment.pk, resolution__isnull=True).exists():
        raise NoOpenReports(comment)


def _close_open_reports(comment: Comment, resolution: ReportResolution) -> int:
    closed = ReaderReport.objects.filter(comment_id=comment.pk, resolution__isnull=True).update(resolution=resolution)
    if not closed:
        # Only reachable without the row lock (a database that ignores it): undo the resolution.
        raise NoOpenReports(comment)
    transaction.on_commit(
        lambda: reports_resolved.send(sender=ReportResolution, resolution=resolution, comment=comment, reports=closed)
    )
    return closed


# --- Reads: the Reported queue -----------------------------------------------------------------


def reportable_comment(pk: int) -> Comment | None:
    """The approved comment `pk` on a published article (what a reader may report), else None:
    pending, rejected and unknown comments are alike to the public."""
    return (
        Comment.objects.approved()
        .filter(pk=pk, article__in=published_articles())
        .select_related("article")
        .defer("article__body")
        .first()
    )


@dataclass(frozen=True)
class ReportNote:
    """A reader's note on an open report (never who wrote it)."""

    reason: str
    note: str
    reported_at: datetime


@dataclass(frozen=True)
class ReportedComment:
    """An approved comment with open reports, as the Reported queue shows it."""

    comment: Comment
    open_reports: int
    first_reported_at: datetime
    last_reported_at: datetime
    reasons: dict[str, int] = field(default_factory=dict)  # guideline code -> open reports, most first
    notes: list[ReportNote] = field(default_factory=list)  # newest first, at most NOTES_SHOWN
    notes_total: int = 0

    @property
    def reported_codes(self) -> list[str]:
        """The guideline codes readers chose, most reported first (the admin pre-ticks them)."""
        return list(self.reasons)

    @property
    def reason_counts(self) -> list[dict[str, Any]]:
        return [{"code": code, "count": count} for code, count in self.reasons.items()]


def _open_report_groups(queryset: QuerySet) -> QuerySet:
    return (
        queryset.filter(resolution__isnull=True)
        .values("comment_id")
        .annotate(open_reports=Count("id"), first_reported_at=Min("created_at"))
        .order_by("-open_reports", "first_reported_at", "comment_id")
    )


def reported_queue() -> QuerySet:
    """Approved comments with open reports, one row each ({comment_id, open_reports, first_reported_at}),
    most open reports first, then the oldest open report first, then comment id.

    Grouped from the open reports (index report_open_queue: resolution, comment, created_at), so the
    cost follows the open reports, not the comments. Page it (it is a queryset: `count()` and
    slices work), then give the page to `reported_entries()`.
    """
    return _open_report_groups(ReaderReport.objects.filter(comment__status=APPROVED))


def reported_entries(rows: Iterable[dict[str, Any]]) -> list[ReportedComment]:
    """The page's rows of `reported_queue()` with their comments, reasons and notes: three queries
    whatever the page size (comments with their articles; reason counts; the newest notes)."""
    rows = list(rows)
    ids = [row["comment_id"] for row in rows]
    if not ids:
        return []
    comments = Comment.objects.select_related("article").defer("article__body", "findings").in_bulk(ids)
    open_reports = ReaderReport.objects.filter(comment_id__in=ids, resolution__isnull=True)
    reasons: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    notes_total: dict[int, int] = dict.fromkeys(ids, 0)
    last: dict[int, datetime] = {}
    groups = (
        open_reports.order_by()
        .values("comment_id", "reason")
        .annotate(n=Count("id"), with_note=Count("id", filter=~Q(note="")), latest=Max("created_at"))
    )
    for group in sorted(groups, key=lambda g: (-g["n"], g["reason"])):
        pk = group["comment_id"]
        reasons[pk][group["reason"]] = group["n"]
        notes_total[pk] += group["with_note"]
        last[pk] = max(last.get(pk, group["latest"]), group["latest"])
    notes: dict[int, list[ReportNote]] = {pk: [] for pk in ids}
    newest_notes = (
        open_reports.exclude(note="")
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("comment_id")], order_by=[F("created_at").desc(), F("id").desc()])
        )
        .filter(rank__lte=NOTES_SHOWN)
        .order_by("comment_id", "-created_at", "-id")
        .values_list("comment_id", "reason", "note", "created_at")
    )
    for pk, reason, note, created_at in newest_notes:
        notes[pk].append(ReportNote(reason=reason, note=note, reported_at=created_at))
    return [
        ReportedComment(
            comment=comments[row["comment_id"]],
            open_reports=row["open_reports"],
            first_reported_at=row["first_reported_at"],
            last_reported_at=last.get(row["comment_id"], row["first_reported_at"]),
            reasons=reasons[row["comment_id"]],
            notes=notes[row["comment_id"]],
            notes_total=notes_total[row["comment_id"]],
        )
        for row in rows
        if row["comment_id"] in comments
    ]


def open_reports_for(comment: Comment) -> ReportedComment | None:
    """The open reports on one comment (in any status), or None when none is open."""
    rows = _open_report_groups(ReaderReport.objects.filter(comment_id=comment.pk))
    entries = reported_entries(rows)
    return entries[0] if entries else None


# --- Reads: statistics --------------------------------------------------------------------------


def report_stats(*, days: int = 30, now: datetime | None = None) -> dict[str, Any]:
    """Report figures over the `days` days up to `now`, as a dict with exactly these keys:

    - "days": the window's length.
    - "reports_per_day": [{"day": date, "reports": int}], every day of the window (in the current
      time zone), newest first, days without reports included as 0.
    - "reports_total": reports received in the window.
    - "resolutions", "upheld", "dismissed": resolutions made in the window (each answers every open
      report on one comment at once), and how they ended.
    - "share_upheld": upheld / resolutions, None when there were none.
    - "median_seconds_to_resolve", "mean_seconds_to_resolve": from the first report of a round to
      its resolution, over the most recent RESOLVE_TIME_SAMPLE resolutions of the window; None when none.
    - "open_reports", "reported_comments": now, the open reports on approved comments and how many
      comments they are on (the Reported queue's length).

    Each figure is one grouped query bounded by the window's indexes (report_time, resolved_at).
    """
    if not 1 <= days <= STATS_MAX_DAYS:
        raise ValueError(f"days must be 1..{STATS_MAX_DAYS}")
    now = now or timezone.now()
    since = now - timedelta(days=days)
    day_list = _days(since, now)
    in_window = ReaderReport.objects.filter(created_at__gt=since, created_at__lte=now)
    per_bucket = dict(
        in_window.order_by()
        .annotate(bucket=_day_bucket("created_at", day_list))
        .values("bucket")
        .annotate(n=Count("id"))
        .values_list("bucket", "n")
    )
    per_day = [{"day": day, "reports": per_bucket.get(index, 0)} for index, day in enumerate(day_list)][::-1]

    resolutions = ReportResolution.objects.filter(resolved_at__gt=since, resolved_at__lte=now)
    outcomes = dict(resolutions.order_by().values("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    upheld = outcomes.get(ReportResolution.Outcome.UPHELD, 0)
    dismissed = outcomes.get(ReportResolution.Outcome.DISMISSED, 0)
    resolved = upheld + dismissed
    rounds = (
        resolutions.order_by("-resolved_at", "-id")
        .annotate(first_report=Min("reports__created_at"))
        .values_list("resolved_at", "first_report")[:RESOLVE_TIME_SAMPLE]
    )
    waits = [(resolved_at - first).total_seconds() for resolved_at, first in rounds if first is not None]
    queue = ReaderReport.objects.filter(resolution__isnull=True, comment__status=APPROVED).aggregate(
        open_reports=Count("id"), reported_comments=Count("comment_id", distinct=True)
    )
    return {
        "days": days,
        "reports_per_day": per_day,
        "reports_total": sum(per_bucket.values()),
        "resolutions": resolved,
        "upheld": upheld,
        "dismissed": dismissed,
        "share_upheld": upheld / resolved if resolved else None,
        "median_seconds_to_resolve": statistics.median(waits) if waits else None,
        "mean_seconds_to_resolve": statistics.fmean(waits) if waits else None,
        "open_reports": queue["open_reports"],
        "reported_comments": queue["reported_comments"],
    }


def _days(since: datetime, now: datetime) -> list[date]:
    zone = timezone.get_current_timezone()
    first, last = timezone.localtime(since, zone).date(), timezone.localtime(now, zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _day_bucket(field_name: str, day_list: Sequence[date]) -> Case:
    # Comparisons against local midnights computed here, as moderation.stats does: no per-row date
    # function (on SQLite that would be a Python call per row).
    zone = timezone.get_current_timezone()
    return Case(
        *[
            When(**{f"{field_name}__gte": datetime.combine(day, time.min, tzinfo=zone)}, then=Value(index))
            for index, day in reversed(list(enumerate(day_list)))
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
