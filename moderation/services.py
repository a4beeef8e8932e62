"""Moderation decisions: the only code that changes a comment's status.

Each decision is one transaction: a conditional status change (it succeeds
only if the comment is still in the state the moderator saw) plus one
append-only ModerationDecision row. Admin, API, commands and the automatic
screening all call these functions, so they behave identically.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from moderation.guidelines import Guideline
from moderation.models import ModerationDecision
from moderation.signals import comment_decided

MODERATE_PERMISSION = "comments.moderate_comment"


class AlreadyDecided(Exception):
    """Someone else changed the comment's status first; nothing was written."""

    def __init__(self, comment: Comment, current_status: str, decided_by: str | None) -> None:
        self.comment = comment
        self.current_status = current_status
        self.decided_by = decided_by
        who = f" by {decided_by}" if decided_by else ""
        super().__init__(f"Comment {comment.pk} was already {current_status}{who}.")


def can_moderate(user: AbstractBaseUser | None) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(MODERATE_PERMISSION))


def comment_approve(
    *,
    comment: Comment,
    moderator: AbstractBaseUser | None,
    note: str = "",
    expected_status: str | None = None,
) -> ModerationDecision:
    """Approve a comment as written. `moderator=None` means the system."""
    return _decide(
        comment=comment,
        verdict=ModerationDecision.Verdict.APPROVED,
        moderator=moderator,
        reasons=[],
        note=note,
        expected_status=expected_status,
    )


def comment_reject(
    *,
    comment: Comment,
    moderator: AbstractBaseUser | None,
    reasons: Iterable[str],
    note: str = "",
    expected_status: str | None = None,
) -> ModerationDecision:
    """Reject a comment for one or more guideline codes (`other` needs a note)."""
    return _decide(
        comment=comment,
        verdict=ModerationDecision.Verdict.REJECTED,
        moderator=moderator,
        reasons=_clean_reasons(reasons, note),
        note=note,
        expected_status=expected_status,
    )


def _clean_reasons(reasons: Iterable[str], note: str) -> list[str]:
    codes = sorted(set(reasons))
    if not codes:
        raise ValidationError({"reasons": ["Choose at least one guideline the comment breaks."]})
    unknown = [code for code in codes if code not in Guideline.values]
    if unknown:
        raise ValidationError({"reasons": [f"Unknown guideline code: {', '.join(unknown)}."]})
    if Guideline.OTHER in codes and not note.strip():
        raise ValidationError({"note": ["Explain the reason when rejecting as 'other'."]})
    return codes


def _decide(
    *,
    comment: Comment,
    verdict: str,
    moderator: AbstractBaseUser | None,
    reasons: list[str],
    note: str,
    expected_status: str | None,
) -> ModerationDecision:
    if moderator is not None and not can_moderate(moderator):
        raise PermissionDenied("You do not have permission to moderate comments.")
    seen = expected_status or comment.status
    now = timezone.now()
    with transaction.atomic():
        changed = 0
        if seen != verdict:
            changed = Comment.objects.filter(pk=comment.pk, status=seen).update(
                status=verdict, decided_at=now
            )
        if not changed:
            current = Comment.objects.filter(pk=comment.pk).values_list("status", flat=True).first()
            last = comment.decisions.select_related("moderator").first()
            raise AlreadyDecided(comment, current or seen, last.decided_by if last else None)
        decision = ModerationDecision.objects.create(
            comment=comment,
            moderator=moderator,
            verdict=verdict,
            reasons=reasons,
            note=note.strip(),
            previous_status=seen,
            decided_at=now,
        )
        comment.mark_decided(status=verdict, decided_at=now)
        transaction.on_commit(
            lambda: comment_decided.send(sender=Comment, comment=comment, decision=decision)
        )
    return decision
