"""Review claims: "I am looking at this comment" for a few minutes.

A claim only informs other moderators; it never blocks a decision. It expires
on its own (`expires_at`); an expired claim is ignored and may be taken over.
The length is the `MODERATION_CLAIM_MINUTES` setting (default 5).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment
from moderation.models import Claim


def claim_minutes() -> int:
    return settings.MODERATION_CLAIM_MINUTES


def claim_comment(
    comment: Comment, moderator: AbstractBaseUser, *, now: datetime | None = None
) -> Claim:
    """Claim (or renew) `comment` for `moderator` unless someone else holds a live claim.

    Returns the claim in force afterwards: the moderator's own, or the other
    moderator's live one. An upsert that takes over only an expired or own claim.
    """
    now = now or timezone.now()
    fields = {"moderator": moderator, "claimed_at": now, "expires_at": now + timedelta(minutes=claim_minutes())}
    takeover = Q(moderator=moderator) | Q(expires_at__lte=now)
    with transaction.atomic():
        taken = Claim.objects.filter(takeover, comment_id=comment.pk).update(**fields)
        if not taken and not Claim.objects.filter(comment_id=comment.pk).exists():
            try:
                with transaction.atomic():
                    Claim.objects.create(comment_id=comment.pk, **fields)
            except IntegrityError:
                pass  # another moderator claimed it a moment ago; theirs stands
    return Claim.objects.select_related("moderator").get(comment_id=comment.pk)


def release_claim(comment: Comment, moderator: AbstractBaseUser) -> None:
    """Drop the moderator's own claim (after deciding); other moderators' claims stay."""
    Claim.objects.filter(comment_id=comment.pk, moderator=moderator).delete()


def active_claim(comment: Comment, *, now: datetime | None = None) -> Claim | None:
    """The comment's live claim, or None; no query when `claim` was select_related."""
    try:
        claim = comment.claim
    except Claim.DoesNotExist:
        return None
    return claim if claim.is_active(now) else None


def claimed_by_others(moderator: AbstractBaseUser, *, now: datetime | None = None):
    """Ids of comments someone other than `moderator` holds a live claim on (a subquery)."""
    live = Claim.objects.filter(expires_at__gt=now or timezone.now())
    return live.exclude(moderator=moderator).values("comment_id")
