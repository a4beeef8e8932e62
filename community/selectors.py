"""Read paths about commenters: an author's history (by normalised email and by IP address) and the
review queue's per-row badges.

Plain functions, keyword-only. Every query is bounded by an index (see Comment.Meta):
`comment_author_email_time` (LOWER(author_email), submitted_at DESC, status) serves the author's
comments, counts and first comment; `comment_ip_time` (ip_address, submitted_at DESC) the same-IP
window; `decision_comment_time` each listed comment's latest decision; `trust_email_latest` and the
sanctions' (kind, value) and (kind, ip_first, ip_last) indexes the badges' trust and ban look-ups.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connections, router
from django.db.models import BooleanField, Count, JSONField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import Truncator

from comments.models import Comment
from community.models import Sanction, ip_key
from community.standing import active_sanctions, email_domains
from community.trust import suggests_trust, trusted_emails
from config.sql import column
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
        .values("id", "status", "latest_reasons", "submitted_at", "body", "article_id", "author_name", "author_email")[
            : max(limit, 0)
        ]
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
    """A row's compact commenter badge; `kind` is "" when there is nothing to say.

    Kinds, the first that applies winning: "banned" (a ban in force covers the address, its domain or
    the comment's IP address), "rejected" (N of the author's M other comments are rejected), "trusted",
    "suggested" (trust suggested: COMMUNITY_TRUST_SUGGEST_APPROVED approved, none rejected), "new"
    (no earlier comment). Warnings outrank reassurance: a trust mark must never hide a rejection history
    or a ban from a moderator skimming the queue.
    """

    kind: str
    label: str
    rejected: int = 0
    others: int = 0
    ban_id: int | None = None


NO_BADGE = CommenterBadge(kind="", label="")


def commenter_badges(*, comments: Iterable[Comment], now: datetime | None = None) -> dict[int, CommenterBadge]:
    """A badge per comment id (see CommenterBadge), from three queries for the whole page whatever its size:
    one aggregate grouped by normalised email (counts, first comment), one for which of the page's
    addresses are trusted, one for the bans in force that cover any of the page's addresses, domains or
    IP addresses (matched to each row in Python)."""
    comments = list(comments)
    if not comments:
        return {}
    emails = sorted({normalised_email(c.author_email) for c in comments})
    rows = (
        Comment.objects.annotate(email_key=Lower("author_email"))
        .filter(email_key__in=emails)
        .order_by()
        .values("email_key")
        .annotate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(status=APPROVED)),
            rejected=Count("pk", filter=Q(status=REJECTED)),
            first_seen=Min("submitted_at"),
        )
    )
    by_email = {row["email_key"]: row for row in rows}
    trusted = trusted_emails(emails=emails)
    bans = _bans_covering(comments, now=now)
    return {comment.pk: _badge(comment, by_email, trusted, bans) for comment in comments}


def _badge(comment: Comment, by_email: dict, trusted: set[str], bans: list[Sanction]) -> CommenterBadge:
    email = normalised_email(comment.author_email)
    ban = _first_covering(bans, comment)
    if ban is not None:
        return CommenterBadge(kind="banned", label="banned", ban_id=ban.pk)
    row = by_email.get(email)
    if row is None:  # an address the database lowers differently (non-ASCII on SQLite): no counts
        return CommenterBadge(kind="trusted", label="trusted") if email in trusted else NO_BADGE
    others = row["total"] - 1
    rejected = row["rejected"] - (comment.status == REJECTED)
    if rejected > 0:
        return CommenterBadge(
            kind="rejected", label=f"{rejected} of {others} rejected", rejected=rejected, others=others
        )
    if email in trusted:
        return CommenterBadge(kind="trusted", label="trusted", others=others)
    if suggests_trust(trusted=False, approved=row["approved"], rejected=row["rejected"]):
        return CommenterBadge(kind="suggested", label="trust suggested", others=others)
    if others == 0 or comment.submitted_at <= row["first_seen"]:
        return CommenterBadge(kind="new", label="new commenter", others=others)
    return CommenterBadge(kind="", label="", others=others)


@lru_cache(maxsize=4096)  # each page asks twice per row (the query, then the matching)
def _ip_key_or_none(value: str | None) -> str | None:
    try:
        return ip_key(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _bans_covering(comments: list[Comment], *, now: datetime | None) -> list[Sanction]:
    """The bans in force covering any of the comments' addresses, domains (or parent domains) or IP
    addresses, newest first: one query, whose conditions grow with the page's distinct IP addresses only."""
    match = Q(kind=Sanction.Kind.EMAIL, value__in=sorted({normalised_email(c.author_email) for c in comments}))
    domains = sorted({domain for c in comments for domain in email_domains(c.author_email)})
    if domains:
        match |= Q(kind=Sanction.Kind.DOMAIN, value__in=domains)
    keys = sorted({key for key in map(_ip_key_or_none, (c.ip_address for c in comments)) if key})
    if keys:
        match |= Q(_ip_ranges_containing(keys))
    return list(active_sanctions(now=now).filter(match).order_by("-created_at", "-id"))


def _ip_ranges_containing(keys: list[str]) -> RawSQL:
    """`(kind = 'ip' AND ip_first <= key AND ip_last >= key) OR ...` for each key: each term a range probe
    of the sanction_ip_range index. Written as SQL because the ORM takes ~1 ms per term to build and
    compile the same condition as Q objects (50 ms for a queue page of 50 addresses)."""
    quote = connections[router.db_for_read(Sanction)].ops.quote_name
    table = quote(Sanction._meta.db_table)
    kind, first, last = (f"{table}.{quote(column(Sanction, name))}" for name in ("kind", "ip_first", "ip_last"))
    term = f"({kind} = %s AND {first} <= %s AND {last} >= %s)"
    params = [value for key in keys for value in (Sanction.Kind.IP.value, key, key)]
    return RawSQL(f"({' OR '.join([term] * len(keys))})", params, output_field=BooleanField())


def _first_covering(bans: list[Sanction], comment: Comment) -> Sanction | None:
    """The newest of `bans` that covers this comment, by the rules of community.standing.sanctions_matching."""
    email = normalised_email(comment.author_email)
    domains = set(email_domains(comment.author_email))
    key = _ip_key_or_none(comment.ip_address)
    for ban in bans:
        if (
            (ban.kind == Sanction.Kind.EMAIL and ban.value == email)
            or (ban.kind == Sanction.Kind.DOMAIN and ban.value in domains)
            or (ban.kind == Sanction.Kind.IP and key is not None and ban.ip_first <= key <= ban.ip_last)
        ):
            return ban
    return None
