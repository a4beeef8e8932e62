"""Moderation records: the append-only decision log, moderator term lists, and the learned
check models (stored versions and their append-only activation log).

Log rows name the staff member who wrote them twice: a link to the account and the username
copied when the row is inserted (`UsernameOf`). Deleting the account nulls the link
(`keep_username_set_null`, the one change a log row ever gets) and the row still says who.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import ProtectedError, Q
from django.utils import timezone

from comments.models import Comment
from moderation.guidelines import Guideline


class DecisionLogIsAppendOnly(Exception):
    """Raised when code tries to rewrite or delete a logged decision."""


class CheckModelLogIsAppendOnly(Exception):
    """Raised when code tries to rewrite or delete a stored model version or an activation."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows written once and never changed or removed: bulk update() and delete() refuse."""

    def update(self, **kwargs: Any) -> int:
        model: type[_AppendOnlyModel] = self.model
        model.refuse("rewritten")

    def delete(self) -> Any:
        model: type[_AppendOnlyModel] = self.model
        model.refuse("deleted")


class _AppendOnlyModel(models.Model):
    """A log row: saved once, never saved again or deleted (one by one or in bulk)."""

    append_only_error: type[Exception]
    append_only_rows: str  # what the error message calls these rows

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def refuse(cls, what: str) -> NoReturn:
        raise cls.append_only_error(f"{cls.append_only_rows} are never {what}")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            self.refuse("rewritten")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self.refuse("deleted")


class UsernameOf(models.CharField):
    """The username of the account in `user_field` when the row is inserted ("" when there is none).

    Filled in `pre_save` on insert, which `save()` and `bulk_create()` both call, so no
    writer has to remember it. Kept when the account is deleted (keep_username_set_null).
    """

    def __init__(self, *args: Any, user_field: str = "", **kwargs: Any) -> None:
        self.user_field = user_field
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["user_field"] = self.user_field
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = getattr(model_instance, self.attname)
        link = model_instance._meta.get_field(self.user_field)
        assert isinstance(link, models.ForeignKey), "user_field names the row's link to an account"
        if add and not value and getattr(model_instance, link.attname) is not None:
            value = getattr(model_instance, self.user_field).get_username()
            setattr(model_instance, self.attname, value)
        return value


def keep_username_set_null(collector: Any, field: models.Field, sub_objs: Any, using: str) -> None:
    """on_delete for a log row's link to a staff account: SET NULL, as long as the row keeps the username.

    The collector nulls the link with its own UPDATE (through the default base manager,
    not the append-only queryset), so this is the only way a log row changes. A row
    without its stored username (written by raw SQL) protects the account instead, so
    deleting an account never makes a logged action anonymous.
    """
    username_field = f"{field.name}_username"
    nameless = sub_objs.filter(**{username_field: ""})
    if nameless.exists():
        raise ProtectedError(
            f"Cannot delete the account: {field.model.__name__} rows link to it without its stored username.",
            set(nameless[:10]),
        )
    collector.add_field_update(field, None, sub_objs)


keep_username_set_null.lazy_sub_objs = True  # type: ignore[attr-defined]


class ModerationDecision(_AppendOnlyModel):
    """One approve/reject decision on a comment, by a moderator or by the system."""

    class Verdict(models.TextChoices):
        APPROVED = Comment.Status.APPROVED.value, "Approved"
        REJECTED = Comment.Status.REJECTED.value, "Rejected"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="decisions")
    # Null with no moderator_username: the system decided (automatic rejection). Null with a
    # username: the moderator's account was deleted since.
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=keep_username_set_null,
        related_name="moderation_decisions",
    )
    moderator_username = UsernameOf(user_field="moderator")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    reasons = models.JSONField(default=list, blank=True)  # list of Guideline codes
    note = models.TextField(blank=True)
    previous_status = models.CharField(max_length=10, choices=Comment.Status.choices)
    decided_at = models.DateTimeField(db_index=True)

    append_only_error = DecisionLogIsAppendOnly
    append_only_rows = "moderation decisions"

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["comment", "-decided_at"], name="decision_comment_time"),
            # Moderation stats over a time window: covers every column they read.
            models.Index(
                fields=["decided_at", "moderator", "moderator_username", "verdict", "previous_status", "comment"],
                name="decision_time_stats",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} comment {self.comment_id} by {self.decided_by}"

    @property
    def decided_by(self) -> str:
        """The moderator's username when they decided (kept after their account is deleted), or `system`."""
        return self.moderator_username or "system"

    @property
    def by_system(self) -> bool:
        return self.moderator_id is None and not self.moderator_username

    @staticmethod
    def system_q() -> Q:
        """Decisions the system made (no moderator, now or deleted)."""
        return Q(moderator__isnull=True, moderator_username="")


class GuidelineTerm(models.Model):
    """A moderator-managed word or phrase the checks look for, per guideline."""

    class Kind(models.TextChoices):
        BANNED = "banned", "Banned (reject automatically when enabled)"
        SUSPECT = "suspect", "Suspect (flag for review)"

    category = models.CharField(max_length=20, choices=[(c.value, c.label) for c in Guideline if c != Guideline.OTHER])
    term = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUSPECT)
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "term"]
        constraints = [models.UniqueConstraint(fields=["category", "term"], name="unique_term_per_category")]

    def __str__(self) -> str:
        return f"{self.term} ({self.category}, {self.kind})"


class ReviewQueueItem(Comment):
    """A comment as the review queue shows it: same table, an admin page of its own."""

    class Meta:
        proxy = True
        verbose_name = "comment to review"
        verbose_name_plural = "comments to review"


class Claim(models.Model):
    """A moderator's short-lived "I am reviewing this" on a comment; informs, never blocks."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="claim")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_claims")
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Comment {self.comment_id} claimed by {self.moderator_id} until {self.expires_at}"

    def is_active(self, now: Any = None) -> bool:
        return self.expires_at > (now or timezone.now())


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
    # Null with no username: the system (the shipped model, the periodic retraining, a command).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=keep_username_set_null,
        related_name="check_model_versions",
    )
    created_by_username = UsernameOf(user_field="created_by")

    append_only_error = CheckModelLogIsAppendOnly
    append_only_rows = "check model versions and activations"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "check model version"
        permissions = [("manage_check_models", "Can train and activate guideline-check models")]

    def __str__(self) -> str:
        return f"{self.version} ({self.get_origin_display()})"

    @property
    def created_by_name(self) -> str:
        return self.created_by_username or "system"


class CheckModelActivation(_AppendOnlyModel):
    """An append-only log: the latest row names the model version the checks use (none: the shipped file).

    Rolling back is activating an older version again, i.e. one more row.
    """

    version = models.ForeignKey(CheckModelVersion, on_delete=models.PROTECT, related_name="activations")
    # Null with no username: the system (the periodic retraining with CHECKS_RETRAIN_ACTIVATE, a command).
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=keep_username_set_null,
        related_name="check_model_activations",
    )
    activated_by_username = UsernameOf(user_field="activated_by")
    activated_at = models.DateTimeField()
    note = models.TextField(blank=True)

    append_only_error = CheckModelLogIsAppendOnly
    append_only_rows = "check model versions and activations"

    class Meta:
        ordering = ["-id"]
        verbose_name = "check model activation"

    def __str__(self) -> str:
        return f"{self.version.version} activated by {self.activated_by_name} at {self.activated_at:%Y-%m-%d %H:%M}"

    @property
    def activated_by_name(self) -> str:
        return self.activated_by_username or "system"


class RecheckBatch(models.Model):
    """One batch of a queued recheck (`recheck_comments --enqueue`): which comments, and whether it ran.

    Written before the batch is handed to the broker and marked done by the task in the
    same transaction as the comments' new check results, so a batch whose message the
    broker lost stays `queued`: `recheck_comments --batches` lists it and `--resume`
    hands it out again. A batch already done is never rechecked twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued (not finished)"
        DONE = "done", "Done"

    created_at = models.DateTimeField()
    # The comments: status (pending/approved/rejected/all) and an id range, both ends included.
    comment_status = models.CharField(max_length=10)
    first_comment_id = models.BigIntegerField()
    last_comment_id = models.BigIntegerField()
    size = models.PositiveIntegerField()  # comments in the range when the batch was made
    reason = models.CharField(max_length=200, blank=True)
    # What the recheck was for: the term lists' version token and the active model version.
    terms_version = models.CharField(max_length=64, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField()  # last handed to the broker (again by --resume)
    dispatches = models.PositiveIntegerField(default=0)  # times handed to a broker or run inline
    attempts = models.PositiveIntegerField(default=0)  # times a worker (or this process) started it
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rechecked = models.PositiveIntegerField(default=0)  # comments rechecked when it finished

    class Meta:
        ordering = ["-id"]
        verbose_name = "recheck batch"
        verbose_name_plural = "recheck batches"
        indexes = [models.Index(fields=["status", "queued_at"], name="recheck_batch_status_time")]

    def __str__(self) -> str:
        return (
            f"Recheck batch {self.pk}: {self.comment_status} comments "
            f"{self.first_comment_id}–{self.last_comment_id} ({self.status})"
        )
