"""Moderation records: the append-only decision log and moderator term lists."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from comments.models import Comment
from moderation.guidelines import Guideline


class DecisionLogIsAppendOnly(Exception):
    """Raised when code tries to rewrite or delete a logged decision."""


class ModerationDecisionQuerySet(models.QuerySet):
    """Decision log rows are written once and never changed or removed."""

    def update(self, **kwargs: Any) -> int:
        raise DecisionLogIsAppendOnly("moderation decisions are never rewritten")

    def delete(self) -> Any:
        raise DecisionLogIsAppendOnly("moderation decisions are never deleted")


class ModerationDecision(models.Model):
    """One approve/reject decision on a comment, by a moderator or by the system."""

    class Verdict(models.TextChoices):
        APPROVED = Comment.Status.APPROVED.value, "Approved"
        REJECTED = Comment.Status.REJECTED.value, "Rejected"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="decisions")
    # Null means the system decided (automatic rejection on a banned term).
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moderation_decisions",
    )
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    reasons = models.JSONField(default=list, blank=True)  # list of Guideline codes
    note = models.TextField(blank=True)
    previous_status = models.CharField(max_length=10, choices=Comment.Status.choices)
    decided_at = models.DateTimeField(db_index=True)

    objects = ModerationDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["comment", "-decided_at"], name="decision_comment_time"),
            # Moderation stats over a time window: covers every column they read.
            models.Index(
                fields=["decided_at", "moderator", "verdict", "previous_status", "comment"],
                name="decision_time_stats",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} comment {self.comment_id} by {self.decided_by}"

    @property
    def decided_by(self) -> str:
        return self.moderator.get_username() if self.moderator_id else "system"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise DecisionLogIsAppendOnly("moderation decisions are never rewritten")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise DecisionLogIsAppendOnly("moderation decisions are never deleted")


class GuidelineTerm(models.Model):
    """A moderator-managed word or phrase the checks look for, per guideline."""

    class Kind(models.TextChoices):
        BANNED = "banned", "Banned (reject automatically when enabled)"
        SUSPECT = "suspect", "Suspect (flag for review)"

    category = models.CharField(
        max_length=20, choices=[(c.value, c.label) for c in Guideline if c != Guideline.OTHER]
    )
    term = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUSPECT)
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "term"]
        constraints = [
            models.UniqueConstraint(fields=["category", "term"], name="unique_term_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.category}, {self.kind})"


class ReviewQueueItem(Comment):
    """A comment as the review queue shows it: same table, an admin page of its own."""

    class Meta:
        proxy = True
        verbose_name = "comment to review"
        verbose_name_plural = "review queue"


class Claim(models.Model):
    """A moderator's short-lived "I am reviewing this" on a comment; informs, never blocks."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="claim")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_claims"
    )
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Comment {self.comment_id} claimed by {self.moderator_id} until {self.expires_at}"

    def is_active(self, now: Any = None) -> bool:
        return self.expires_at > (now or timezone.now())
