"""Read paths about commenters: an author's history (by normalised email and by IP address) and the
review queue's per-row badges.

Plain functions, keyword-only. Every query is bounded by an index (see Comment.Meta):
`comment_author_email_time` (LOWER(author_email), submitted_at DESC, status) serves the author's
comments, counts and first comment; `comment_ip_time` (ip_address, submitted_at DESC) the same-IP
window; `decision_comment_time` each listed comment's latest decision.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, JSONField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import Truncator

from comments.models import Comment
from moderation.models import ModerationDecision

EXCERPT_CHARS = 120
APPROVED, REJECTED, PENDING = Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.PENDING


@dataclass(frozen=True)
class HistoryEntry:
    """One of the author's other comments (or one from the same IP address)."""

    id: int
    status: str
    reasons: list[str]  # guideline codes of the latest decision ([] when none or approved)
    submitted_at: datetime
    excerpt: str
    article_id: int
    author_name: str
    author_email: str


@dataclass(frozen=True)
class CommenterHistory:
    """What a moderator sees about who wrote `comment`: counts cover the author's *other* comments."""

    email: str  # normalised: trimmed, lower case
    approved: int
    rejected: int
    pending: int
    first_seen: datetime | None  # the author's first comment, this one included
    comments: list[HistoryEntry] = field(default_factory=list)  # newest first, at most `limit`
    ip_address: str | None = None
    same_ip_days: int = 30
    same_ip: list[HistoryEntry] = field(default_factory=list)  # newest first, at most `limit`

    @property
    def total(self) -> int:
        return self.approved + self.rejected + self.pending

    @property
    def rejection_rate(self) -> float | None:
        """Rejected share of the author's other decided comments (None when none was decided)."""
        decided = self.approved + self.rejected
        return round(self.rejected / decided, 4) if decided else None

    @property
    def more(self) -> int:
        """How many of the author's other comments the list leaves out."""
        return max(self.total - len(self.comments), 0)


def normalised_email(email: str) -> str:
    """The key comments of one author share: the address trimmed and in lower case."""
    return (email or "").strip().lower()


def _by_email(email: str) -> QuerySet:
    # LOWER(author_email) = LOWER(%s): the expression of comment_author_email_time on both
    # databases (Django's `iexact` is UPPER(...) on PostgreSQL and LIKE on SQLite: no index).
    return Comment.objects.alias(email_key=Lower("author_email")).filter(
        email_key=Lower(Value(normalised_email(email)))
    )


def _latest_reasons() -> Subquery:
    latest = ModerationDecision.objects.filter(comment=OuterRef("pk")).order_by("-decided_at", "-id")
    return Subquery(latest.values("reasons")[:1], output_field=JSONField())


def _entries(queryset: QuerySet, *, limit: int) -> list[HistoryEntry]:
    rows = (
        queryset.order_by("-submitted_at", "-id")
        .annotate(latest_reasons=_latest_reasons())
        .values("id", "status", "latest_reasons", "submitted_at", "body", "article_id", "author_name",
                "author_email")[: max(limit, 0)]
    )
    return [
        HistoryEntry(
            id=row["id"],
            status=row["status"],
            reasons=list(row["latest_reasons"] or []) if row["status"] == REJECTED else [],
            submitted_at=row["submitted_at"],
            excerpt=Truncator(row["body"]).chars(EXCERPT_CHARS),
            article_id=row["article_id"],
            author_name=row["author_name"],
            author_email=row["author_email"],
        )
        for row in rows
    ]


def commenter_history(*, comment: Comment, limit: int = 20, now: datetime | None = None) -> CommenterHistory:
    """The author's other comments (same normalised email, `comment` itself left out), newest first, with
    status and the latest decision's reasons; counts per status and first seen; and, separately, the
    comments from `comment`'s IP address in the last COMMUNITY_SAME_IP_DAYS days (any author, `comment`
    left out), newest first. Three queries, each bounded by an index and `limit`."""
    authored = _by_email(comment.author_email)
    others = ~Q(pk=comment.pk)
    figures = authored.aggregate(
        approved=Count("pk", filter=others & Q(status=APPROVED)),
        rejected=Count("pk", filter=others & Q(status=REJECTED)),
        pending=Count("pk", filter=others & Q(status=PENDING)),
        first_seen=Min("submitted_at"),
    )
    days = settings.COMMUNITY_SAME_IP_DAYS
    same_ip: list[HistoryEntry] = []
    if comment.ip_address:
        since = (now or timezone.now()) - timedelta(days=days)
        nearby = Comment.objects.filter(ip_address=comment.ip_address, submitted_at__gte=since).exclude(pk=comment.pk)
        same_ip = _entries(nearby, limit=limit)
    return CommenterHistory(
        email=normalised_email(comment.author_email),
        approved=figures["approved"],
        rejected=figures["rejected"],
        pending=figures["pending"],
        first_seen=figures["first_seen"],
        comments=_entries(authored.exclude(pk=comment.pk), limit=limit),
        ip_address=comment.ip_address,
        same_ip_days=days,
        same_ip=same_ip,
    )


# --- Badges for a page of the review queue ---------------------------------------------------------


@dataclass(frozen=True)
class CommenterBadge:
    """A row's compact commenter badge: `kind` is "new" or "rejected"; "" when there is nothing to say."""

    kind: str
    label: str
    rejected: int = 0
    others: int = 0


NO_BADGE = CommenterBadge(kind="", label="")


def commenter_badges(*, comments: Iterable[Comment]) -> dict[int, CommenterBadge]:
    """A badge per comment id, from ONE aggregate query for the whole page (grouped by normalised email):

    - "new commenter": the author has no comment submitted before this one;
    - "N of M rejected": N of the author's M other comments are rejected (when N > 0);
    - otherwise no badge. ("trusted" and "banned" come with sanctions and trust.)
    """
    comments = list(comments)
    if not comments:
        return {}
    emails = sorted({normalised_email(c.author_email) for c in comments})
    rows = (
        Comment.objects.annotate(email_key=Lower("author_email"))
        .filter(email_key__in=emails)
        .order_by()
        .values("email_key")
        .annotate(total=Count("pk"), rejected=Count("pk", filter=Q(status=REJECTED)), first_seen=Min("submitted_at"))
    )
    by_email = {row["email_key"]: row for row in rows}
    badges = {}
    for comment in comments:
        row = by_email.get(normalised_email(comment.author_email))
        if row is None:  # an address the database lowers differently (non-ASCII on SQLite): say nothing
            badges[comment.pk] = NO_BADGE
            continue
        others = row["total"] - 1
        rejected = row["rejected"] - (comment.status == REJECTED)
        if rejected > 0:
            badges[comment.pk] = CommenterBadge(
                kind="rejected", label=f"{rejected} of {others} rejected", rejected=rejected, others=others
            )
        elif others == 0 or comment.submitted_at <= row["first_seen"]:
            badges[comment.pk] = CommenterBadge(kind="new", label="new commenter", others=others)
        else:
            badges[comment.pk] = CommenterBadge(kind="", label="", others=others)
    return badges
