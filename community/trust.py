"""Trusted commenters: moderators mark an email address trusted or take trust back; the system only suggests.

Trust is the latest TrustChange row for a normalised address, so granting and revoking are both one
more row, never an edit. Trust never publishes anything: the submit path lowers a trusted commenter's
priority (moderation.screening.with_trusted_priority) and every comment is still moderated.

Writes (`trust_grant`, `trust_revoke`) refuse a change that changes nothing, so the log alternates
trusted / not trusted per address and reads as what moderators decided. Two moderators acting at once
are serialised per address (a PostgreSQL advisory lock keyed by the address; SQLite's IMMEDIATE
transactions hold the write lock from BEGIN) and the latest row is read again inside that lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User  # the staff account type (annotations)
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connections, router, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

from comments.models import Comment
from community.models import TrustChange
from community.signals import trust_changed
from community.standing import commenter_standing, normalised_email
from moderation.services import can_moderate

NOTE_MAX_LENGTH = 2000
# The first key of the two-key advisory lock: trust changes only ever wait for trust changes.
TRUST_LOCK_NAMESPACE = 0x54525354  # b"TRST" as a 32-bit number: a constant no other lock in the project uses


class NoTrustChange(Exception):
    """The address is already in the asked-for state; nothing was written."""

    def __init__(self, state: TrustState) -> None:
        self.state = state
        if state.trusted:
            message = f"{state.email} is already trusted (since {state.since:%Y-%m-%d %H:%M} by {state.changed_by})."
        else:
            message = f"{state.email} is not trusted; there is no trust to remove."
        super().__init__(message)


# --- Reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustState:
    """Whether an address is trusted now, and the change that made it so (or took trust back)."""

    email: str
    trusted: bool
    since: datetime | None = None  # when the latest change was made; None: never changed
    changed_by: str | None = None  # that moderator's username
    note: str = ""
    change_id: int | None = None


@dataclass(frozen=True)
class TrustSuggestion:
    """The system's hint: an untrusted commenter with COMMUNITY_TRUST_SUGGEST_APPROVED approved comments and
    none rejected. A hint for a moderator only; nothing changes until one acts on it."""

    suggested: bool
    approved: int
    rejected: int
    threshold: int


def _state(email: str, change: TrustChange | None) -> TrustState:
    if change is None:
        return TrustState(email=email, trusted=False)
    return TrustState(
        email=email,
        trusted=change.trusted,
        since=change.changed_at,
        changed_by=change.changed_by_username,
        note=change.note,
        change_id=change.pk,
    )


def _latest_change(email: str) -> TrustChange | None:
    return TrustChange.objects.filter(email=email).select_related("changed_by").order_by("-changed_at", "-id").first()


def trust_state(*, email: str) -> TrustState:
    """Is the address trusted, since when and by whom. One query on the trust_email_latest index."""
    email = normalised_email(email)
    return _state(email, _latest_change(email))


def suggests_trust(*, trusted: bool, approved: int, rejected: int) -> bool:
    """The suggestion rule (COMMUNITY_TRUST_SUGGEST_APPROVED of 0 or less turns suggestions off)."""
    threshold = settings.COMMUNITY_TRUST_SUGGEST_APPROVED
    return threshold > 0 and not trusted and rejected == 0 and approved >= threshold


def trust_suggestion(*, email: str, trusted: bool | None = None) -> TrustSuggestion:
    """Counts of the address's approved and rejected comments (all of them, by LOWER(author_email), served by
    the comment_author_email_time index) and whether they suggest trusting it. Pass `trusted` when it is
    already known, to save the trust look-up."""
    if trusted is None:
        trusted = trust_state(email=email).trusted
    # LOWER(author_email) = LOWER(%s), the expression of the comment_author_email_time index (as
    # community.selectors reads an author's comments; that module imports this one for the badges).
    authored = Comment.objects.alias(email_key=Lower("author_email")).filter(
        email_key=Lower(Value(normalised_email(email)))
    )
    figures = authored.aggregate(
        approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
        rejected=Count("pk", filter=Q(status=Comment.Status.REJECTED)),
    )
    return TrustSuggestion(
        suggested=suggests_trust(trusted=trusted, **figures),
        threshold=settings.COMMUNITY_TRUST_SUGGEST_APPROVED,
        **figures,
    )


def latest_trust_changes() -> QuerySet[TrustChange]:
    """Each address's latest change (no later row for the same address), served by trust_email_latest."""
    later = TrustChange.objects.filter(email=OuterRef("email")).filter(
        Q(changed_at__gt=OuterRef("changed_at")) | Q(changed_at=OuterRef("changed_at"), pk__gt=OuterRef("pk"))
    )
    return TrustChange.objects.exclude(Exists(later))


def trusted_emails(*, emails: list[str] | set[str]) -> set[str]:
    """Which of these (normalised) addresses are trusted now: one query for any number of them."""
    if not emails:
        return set()
    rows = latest_trust_changes().filter(email__in=sorted(emails), trusted=True).values_list("email", flat=True)
    return set(rows)


def trusted_commenters() -> QuerySet[TrustChange]:
    """The changes that made each currently trusted address trusted, most recently trusted first."""
    return latest_trust_changes().filter(trusted=True).select_related("changed_by").order_by("-changed_at", "-id")


def trust_log(*, email: str | None = None, trusted: bool | None = None) -> QuerySet[TrustChange]:
    """Every trust change, newest first; narrowed to one address and/or to grants (True) or removals (False)."""
    changes = TrustChange.objects.select_related("changed_by").order_by("-changed_at", "-id")
    if email is not None:
        changes = changes.filter(email=normalised_email(email))
    if trusted is not None:
        changes = changes.filter(trusted=trusted)
    return changes


@dataclass(frozen=True)
class StandingSummary:
    """What the moderator API says about a comment's author next to their history."""

    banned: bool
    ban_id: int | None
    trusted: bool
    trust_suggested: bool


def standing_summary(*, comment: Comment) -> StandingSummary:
    """Banned (the newest ban in force covering the author's address, domain or the comment's IP address),
    trusted, and whether trust is suggested: three indexed queries."""
    standing = commenter_standing(email=comment.author_email, ip_address=comment.ip_address)
    suggestion = trust_suggestion(email=comment.author_email, trusted=standing.trusted)
    return StandingSummary(
        banned=standing.banned,
        ban_id=standing.ban.pk if standing.ban else None,
        trusted=standing.trusted,
        trust_suggested=suggestion.suggested,
    )


# --- Writes ---------------------------------------------------------------------------------------


def trust_grant(*, email: str, actor: User | None, note: str = "") -> TrustChange:
    """Mark the address trusted: its comments wait behind strangers' in the queue, and are still moderated."""
    return _change_trust(email=email, trusted=True, actor=actor, note=note)


def trust_revoke(*, email: str, actor: User | None, note: str = "") -> TrustChange:
    """Take trust back from the address."""
    return _change_trust(email=email, trusted=False, actor=actor, note=note)


def clean_trust_email(email: str) -> str:
    """The address as trust is keyed (trimmed, lower case); ValidationError on "email" unless it is one."""
    cleaned = normalised_email(email if isinstance(email, str) else "")
    if not cleaned:
        raise ValidationError({"email": ["Give the commenter's email address."]})
    if len(cleaned) > (TrustChange._meta.get_field("email").max_length or 254):
        raise ValidationError({"email": ["The email address is too long."]})
    try:
        validate_email(cleaned)
    except ValidationError:
        raise ValidationError({"email": ["Enter a valid email address."]}) from None
    return cleaned


def _change_trust(*, email: str, trusted: bool, actor: User | None, note: str) -> TrustChange:
    if not can_moderate(actor):
        raise PermissionDenied("You do not have permission to moderate comments.")
    email = clean_trust_email(email)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": [f"Keep the note to {NOTE_MAX_LENGTH} characters."]})
    with transaction.atomic():
        _lock_address(email)
        # Read again under the lock: the state the moderator saw may have been changed meanwhile.
        current = _state(email, _latest_change(email))
        if current.trusted == trusted:
            raise NoTrustChange(current)
        change = TrustChange.objects.create(
            email=email, trusted=trusted, note=note, changed_by=actor, changed_at=timezone.now()
        )
        transaction.on_commit(lambda: trust_changed.send(sender=TrustChange, change=change))
    return change


def _lock_address(email: str) -> None:
    """Serialise trust changes to one address until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock on (namespace, 32-bit hash of the address); a hash
    collision only makes two addresses wait for each other. SQLite (IMMEDIATE transactions, see
    config/settings.py) already holds the database's write lock from BEGIN.
    """
    connection = connections[router.db_for_write(TrustChange)]
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(email.encode(), digest_size=4).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [TRUST_LOCK_NAMESPACE, int.from_bytes(digest, "big", signed=True)],
        )
