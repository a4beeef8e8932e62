"""Review claims: "I am looking at this comment" for a few minutes.

A claim only informs other moderators; it never blocks a decision. It expires
on its own (`expires_at`); an expired claim is ignored and may be taken over.
The length is the `MODERATION_CLAIM_MINUTES` setting (default 5).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment
from moderation.models import Claim


def claim_minutes() -> int:
    return settings.MODERATION_CLAIM_MINUTES


def claim_comment(comment: Comment, moderator: User, *, now: datetime | None = None) -> Claim:
    """Claim (or renew) `comment` for `moderator` unless someone else holds a live claim.

    Returns the claim in force afterwards: the moderator's own, or the other
    moderator's live one. An expired or own claim is taken over with a conditional
    update; a new one is inserted with ON CONFLICT DO NOTHING, so two moderators
    opening the comment at once end with one claim (the first) and no error.
    When the comment was loaded with select_related("claim"), that claim is used to
    skip the write that cannot succeed.
    """
    now = now or timezone.now()
    known, loaded = _loaded_claim(comment)
    if loaded and known is not None and known.moderator_id != moderator.pk and known.expires_at > now:
        return known  # someone else is on it: nothing to write
    fields = {"moderator": moderator, "claimed_at": now, "expires_at": now + timedelta(minutes=claim_minutes())}
    taken = 0
    if not loaded or known is not None:
        takeover = Q(moderator=moderator) | Q(expires_at__lte=now)
        taken = Claim.objects.filter(takeover, comment_id=comment.pk).update(**fields)
    if not taken:
        Claim.objects.bulk_create([Claim(comment_id=comment.pk, **fields)], ignore_conflicts=True)
    claim = Claim.objects.select_related("moderator").get(comment_id=comment.pk)
    Comment.claim.related.set_cached_value(comment, claim)  # so active_claim() needs no query
    return claim


def _loaded_claim(comment: Comment) -> tuple[Claim | None, bool]:
    """(the comment's claim as already loaded, whether it was loaded at all)."""
    related = Comment.claim.related
    if not related.is_cached(comment):
        return None, False
    return cast("Claim | None", related.get_cached_value(comment)), True  # the cache of Comment.claim


def release_claim(comment: Comment, moderator: User) -> None:
    """Drop the moderator's own claim (after deciding); other moderators' claims stay."""
    Claim.objects.filter(comment_id=comment.pk, moderator=moderator).delete()


def active_claim(comment: Comment, *, now: datetime | None = None) -> Claim | None:
    """The comment's live claim, or None; no query when `claim` was select_related."""
    try:
        claim = comment.claim
    except Claim.DoesNotExist:
        return None
    return claim if claim.is_active(now) else None


def claimed_by_others(moderator: User, *, now: datetime | None = None):
    """Ids of comments someone other than `moderator` holds a live claim on (a subquery)."""
    live = Claim.objects.filter(expires_at__gt=now or timezone.now())
    return live.exclude(moderator=moderator).values("comment_id")
