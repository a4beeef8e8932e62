"""The audit log of personal-data erasures.

One row per erasure: who asked, when, why, how many comments it changed, and
a keyed hash of the erased address (to recognise a repeated request), never the
address itself. Written once by `privacy.services.comment_erase_personal_data`:
created open, completed with its counts in the same transaction, never changed
or deleted afterwards. While it is open (inside that transaction) it is the
capability `Comment.objects.erase_personal_data()` requires.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from moderation.models import UsernameOf, keep_username_set_null


class ErasureLogIsAppendOnly(Exception):
    """Raised when code tries to rewrite or delete a completed erasure record."""


class PersonalDataErasureQuerySet(models.QuerySet):
    """Bulk update() and delete() refuse; `complete()` is the one write after the insert."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ErasureLogIsAppendOnly("personal-data erasures are never rewritten")

    def delete(self) -> NoReturn:
        raise ErasureLogIsAppendOnly("personal-data erasures are never deleted")

    def complete(self, *, pk: int, **counts: Any) -> int:
        """Fill in an open erasure's counts and completion time (once: a completed row is not matched)."""
        return models.QuerySet.update(self.filter(pk=pk, completed_at__isnull=True), **counts)


class PersonalDataErasure(models.Model):
    """One erasure of a commenter's personal data (audit row)."""

    # HMAC-SHA256 (keyed by SECRET_KEY, see privacy.services.email_hash) of the trimmed, lower-case address.
    email_hash = models.CharField(max_length=64, db_index=True)
    # The placeholder address the erased comments now carry (unique per erasure).
    placeholder_email = models.CharField(max_length=254)
    # Null with no username: the system (a management command run by the operator).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=keep_username_set_null,
        related_name="personal_data_erasures",
    )
    requested_by_username = UsernameOf(user_field="requested_by")
    reason = models.TextField()
    erase_rejected_bodies = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    # Set, with the counts, before the erasure's transaction commits; null only inside it.
    completed_at = models.DateTimeField(null=True, blank=True)
    comments_erased = models.PositiveIntegerField(default=0)
    bodies_erased = models.PositiveIntegerField(default=0)
    articles_affected = models.PositiveIntegerField(default=0)

    objects = PersonalDataErasureQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "personal-data erasure"
        permissions = [
            ("erase_personal_data", "Can erase and export commenters' personal data"),
        ]

    def __str__(self) -> str:
        return f"Erasure {self.pk} by {self.requested_by_name} ({self.comments_erased} comments)"

    @property
    def requested_by_name(self) -> str:
        return self.requested_by_username or "system"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ErasureLogIsAppendOnly("personal-data erasures are never rewritten")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ErasureLogIsAppendOnly("personal-data erasures are never deleted")


class RetentionPurge(models.Model):
    """One run of the retention purge (privacy.services.personal_data_purge): when, up to which date, how many."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    # Comments submitted before this lost their IP address and user agent.
    cutoff = models.DateTimeField()
    comments_cleared = models.PositiveIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "retention purge"

    def __str__(self) -> str:
        return f"Retention purge {self.pk}: {self.comments_cleared} comments before {self.cutoff:%Y-%m-%d}"
