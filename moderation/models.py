"""Moderation records: the append-only decision log, moderator term lists, and the learned
check models (stored versions and their append-only activation log)."""
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


class CheckModelLogIsAppendOnly(Exception):
    """Raised when code tries to rewrite or delete a stored model version or an activation."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows written once and never changed or removed (model versions and their activations)."""

    def update(self, **kwargs: Any) -> int:
        raise CheckModelLogIsAppendOnly("check model versions and activations are never rewritten")

    def delete(self) -> Any:
        raise CheckModelLogIsAppendOnly("check model versions and activations are never deleted")


class _AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise CheckModelLogIsAppendOnly("check model versions and activations are never rewritten")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise CheckModelLogIsAppendOnly("check model versions and activations are never deleted")


class CheckModelVersion(_AppendOnlyModel):
    """One learned-layer model the checks can use: its weights (the .npz bytes) and where it came from.

    Written by moderation.services (training from decisions, or registering the
    shipped model when it is activated or fine-tuned); never edited.
    """

    class Origin(models.TextChoices):
        SHIPPED = "shipped", "Shipped with the code"
        DECISIONS = "decisions", "Fine-tuned on moderators' decisions"

    version = models.CharField(max_length=40, unique=True)
    data = models.BinaryField()
    origin = models.CharField(max_length=20, choices=Origin.choices)
    # The version it was fine-tuned from ("" for a shipped model).
    parent_version = models.CharField(max_length=40, blank=True, default="")
    decisions_used = models.PositiveIntegerField(default=0)
    meta = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # Null means the system (the shipped model, the periodic retraining, a command).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="check_model_versions",
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "check model version"
        permissions = [("manage_check_models", "Can train and activate guideline-check models")]

    def __str__(self) -> str:
        return f"{self.version} ({self.get_origin_display()})"


class CheckModelActivation(_AppendOnlyModel):
    """An append-only log: the latest row names the model version the checks use (none: the shipped file).

    Rolling back is activating an older version again, i.e. one more row.
    """

    version = models.ForeignKey(CheckModelVersion, on_delete=models.PROTECT, related_name="activations")
    # Null means the system (the periodic retraining with CHECKS_RETRAIN_ACTIVATE, a command).
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="check_model_activations",
    )
    activated_at = models.DateTimeField()
    note = models.TextField(blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "check model activation"

    def __str__(self) -> str:
        return f"{self.version.version} activated by {self.activated_by_name} at {self.activated_at:%Y-%m-%d %H:%M}"

    @property
    def activated_by_name(self) -> str:
        return self.activated_by.get_username() if self.activated_by_id else "system"
