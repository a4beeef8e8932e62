"""Personal-data reads: a commenter's comments by address, and the access export.

`personal_data_export()` gathers everything stored about one email address:
the comments carrying it (with IP address, user agent and name), the decisions
on them (verdict, reasons, note, time; who decided is given only as
"moderator" or "system": the moderator's username is staff data, not the
commenter's), bans naming the address or made from one of those comments,
trust changes for it, and earlier erasures of it (matched by the keyed hash).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comments.models import Comment, CommentQuerySet
from community.models import Sanction, TrustChange
from community.selectors import normalised_email
from moderation.models import ModerationDecision
from privacy.models import PersonalDataErasure


def comments_by_email(email: str) -> CommentQuerySet:
    """The comments of one commenter: same address, trimmed and case-insensitive.

    LOWER(author_email) = LOWER(%s): the expression of the comment_author_email_time index on
    both databases (Django's `iexact` is UPPER(...) on PostgreSQL and LIKE on SQLite).
    """
    return Comment.objects.alias(email_key=Lower("author_email")).filter(
        email_key=Lower(Value(normalised_email(email)))
    )


def email_hash(email: str) -> str:
    """A keyed hash (HMAC-SHA256 under SECRET_KEY) of the normalised address: recognises a repeated
    request without storing the address, and cannot be reversed by hashing guessed addresses.
    (Rotating SECRET_KEY starts new hashes: older erasures are then not matched.)"""
    return salted_hmac("privacy.erasure.email", normalised_email(email), algorithm="sha256").hexdigest()


def _time(value: Any) -> str | None:
    return value.isoformat() if value else None


def personal_data_export(*, email: str) -> dict[str, Any]:
    """Everything stored about `email`, as JSON-ready data (see the module docstring)."""
    address = normalised_email(email)
    comments = list(
        comments_by_email(address)
        .select_related("article", "user")
        .defer("article__body")
        .order_by("submitted_at", "id")
    )
    ids = [c.pk for c in comments]
    decisions = ModerationDecision.objects.filter(comment_id__in=ids).order_by("comment_id", "decided_at", "id")
    bans = (
        Sanction.objects.filter(Q(kind=Sanction.Kind.EMAIL, value=address) | Q(comment_id__in=ids))
        .select_related("lift")
        .order_by("created_at", "id")
    )
    trust = TrustChange.objects.filter(email=address).order_by("changed_at", "id")
    erasures = PersonalDataErasure.objects.filter(email_hash=email_hash(address)).order_by("started_at", "id")
    return {
        "email": address,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": c.pk,
                "article": {"id": c.article_id, "slug": c.article.slug, "title": c.article.title},
                "author_name": c.author_name,
                "author_email": c.author_email,
                "body": c.body,
                "status": c.status,
                "submitted_at": _time(c.submitted_at),
                "decided_at": _time(c.decided_at),
                "ip_address": c.ip_address,
                "user_agent": c.user_agent,
                "notify_author": c.notify_author,
                "account": c.user.get_username() if c.user_id else None,
                "flagged_categories": c.flag_list,
            }
            for c in comments
        ],
        "decisions": [
            {
                "comment": d.comment_id,
                "verdict": d.verdict,
                "reasons": list(d.reasons or []),
                "note": d.note,
                "previous_status": d.previous_status,
                "decided_at": _time(d.decided_at),
                "decided_by": "system" if d.by_system else "moderator",
            }
            for d in decisions
        ],
        "bans": [
            {
                "id": s.pk,
                "kind": s.kind,
                "value": s.value,
                "comment": s.comment_id,
                "reasons": list(s.reasons or []),
                "note": s.note,
                "created_at": _time(s.created_at),
                "expires_at": _time(s.expires_at),
                "lifted_at": _time(s.lift.lifted_at) if hasattr(s, "lift") else None,
            }
            for s in bans
        ],
        "trust_changes": [{"trusted": t.trusted, "note": t.note, "changed_at": _time(t.changed_at)} for t in trust],
        "erasures": [
            {
                "id": e.pk,
                "started_at": _time(e.started_at),
                "completed_at": _time(e.completed_at),
                "comments_erased": e.comments_erased,
                "bodies_erased": e.bodies_erased,
            }
            for e in erasures
        ],
    }
