"""The Comment: stored exactly as the reader wrote it, never edited.

Content fields are frozen once the row exists: `save()` refuses a change and
the queryset refuses `update()`/`bulk_update()` on them. The status moves only
through the decision services in `moderation.services`, which use a
conditional `update()` (the one write path allowed to touch `status`).

The one sanctioned exception is erasing a commenter's personal data
(`privacy.services.comment_erase_personal_data`): `CommentQuerySet.erase_personal_data()`
changes the personal columns, and only with an open erasure audit row written
in the same transaction (see its docstring).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.text import Truncator


class CommentContentImmutable(Exception):
    """Raised when code tries to change a stored comment's content or status outside the services."""


IMMUTABLE_FIELDS = ("article_id", "author_name", "author_email", "body", "submitted_at", "user_id")
# Written only by the decision services (queryset.update()), never by save().
SERVICE_ONLY_FIELDS = ("status", "decided_at")
FROZEN_FIELDS = IMMUTABLE_FIELDS + SERVICE_ONLY_FIELDS
# What erasing a commenter's personal data may change ("body" only on rejected comments).
ERASABLE_FIELDS = ("author_name", "author_email", "ip_address", "user_agent", "notify_author", "user", "body")
# The audit row an erasure must hold (by label: comments does not import the privacy app).
ERASURE_MODEL = "privacy.PersonalDataErasure"
# PostgreSQL transaction-local setting naming the erasure while its UPDATE runs: the hook for
# triggers that refuse content changes except on the erasure path (see erase_personal_data()).
ERASURE_SETTING = "newsroom.erasure"
# A comment still holding connection data the retention purge clears (the partial index's condition:
# queries must use this same expression for the planner to pick the index).
HOLDS_CONNECTION_DATA = Q(ip_address__isnull=False) | ~Q(user_agent="")


class CommentQuerySet(models.QuerySet):
    """Queryset that refuses bulk rewrites of comment content."""

    def update(self, **kwargs: Any) -> int:
        _refuse_content_fields(kwargs)
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse_content_fields(fields)
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def erase_personal_data(self, *, erasure: models.Model, **values: Any) -> int:
        """The one sanctioned change of stored content: overwrite these comments' personal data.

        Only for `privacy.services.comment_erase_personal_data`. Refused
        (CommentContentImmutable) unless `erasure` is a saved, still open (not
        completed) `privacy.PersonalDataErasure` row inside a transaction, which on
        PostgreSQL must also be a row this very transaction inserted: so every use
        leaves its audit row, committed with the change or rolled back with it. Only
        ERASABLE_FIELDS may be given, and a new `body` is written to rejected comments
        only (approved and pending texts are never replaced).

        On PostgreSQL the UPDATE runs with `newsroom.erasure` set to the erasure's id
        (`set_config(..., true)`, i.e. SET LOCAL), cleared again right after it, so a
        trigger refusing content changes can let exactly this statement through: it
        allows the row when current_setting('newsroom.erasure', true) names an open
        erasure row inserted by the current transaction and only ERASABLE_FIELDS changed.
        """
        unknown = sorted(set(values) - set(ERASABLE_FIELDS))
        if unknown or not values:
            raise CommentContentImmutable(f"the erasure path cannot change: {', '.join(unknown) or 'nothing given'}")
        _require_open_erasure(erasure, self.db)
        queryset = self.filter(status=Comment.Status.REJECTED) if "body" in values else self
        connection = connections[self.db]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, %s, true)", [ERASURE_SETTING, str(erasure.pk)])
            try:
                return super(CommentQuerySet, queryset).update(**values)
            finally:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT set_config(%s, '', true)", [ERASURE_SETTING])

    def approved(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.PENDING)


def _refuse_content_fields(fields: Any) -> None:
    names = {name.removesuffix("_id") for name in fields}
    frozen = names & {name.removesuffix("_id") for name in IMMUTABLE_FIELDS}
    if frozen:
        raise CommentContentImmutable(f"comment content cannot change: {', '.join(sorted(frozen))}")


def _require_open_erasure(erasure: models.Model, alias: str) -> None:
    """Refuse unless `erasure` is an open erasure audit row of the current transaction (see erase_personal_data)."""
    connection = connections[alias]
    if getattr(getattr(erasure, "_meta", None), "label", None) != ERASURE_MODEL or erasure.pk is None:
        raise CommentContentImmutable(f"comment content changes only through a saved {ERASURE_MODEL}")
    if not connection.in_atomic_block:
        raise CommentContentImmutable("a personal-data erasure runs inside the transaction of its audit row")
    table = connection.ops.quote_name(erasure._meta.db_table)
    sql = f"SELECT 1 FROM {table} WHERE id = %s AND completed_at IS NULL"
    if connection.vendor == "postgresql":
        # A row whose inserting transaction is still in progress is visible only to that
        # transaction (or its subtransactions): then it is ours, not a committed leftover.
        sql += " AND txid_status((txid_current() >> 32 << 32) + xmin::text::bigint) = 'in progress'"
    with connection.cursor() as cursor:
        cursor.execute(sql, [erasure.pk])
        if cursor.fetchone() is None:
            raise CommentContentImmutable("the erasure audit row must be open and written in this transaction")


class Comment(models.Model):
    """A reader's comment on an article."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey("articles.Article", on_delete=models.PROTECT, related_name="comments")
    author_name = models.CharField(max_length=settings.COMMENT_AUTHOR_NAME_MAX_LENGTH)
    author_email = models.EmailField(max_length=254)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # What the automated guideline checks found: the Report as JSON
    # ({"findings": [...], "priority": .., "categories": [...]}).
    findings = models.JSONField(default=dict, blank=True)
    # The flagged category codes as "|code|code|" ("" when none): portable
    # filtering by category on SQLite and PostgreSQL alike.
    flags = models.CharField(max_length=200, blank=True, default="")
    priority = models.FloatField(default=0.0)
    # sha256 of the normalised body: finds the same text posted again (see the
    # comment_fingerprint_time index).
    fingerprint = models.CharField(max_length=64, blank=True)
    # The learned-model version that scored it ("" when none did: the learned layer
    # was off or did not exist yet). A check result like findings: rechecks rewrite it.
    checks_model_version = models.CharField(max_length=40, blank=True, default="")
    # The reader asked for an email when a moderator approves or rejects the comment
    # (notifications/). Not content: erasing personal data clears it with the address.
    notify_author = models.BooleanField(default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        permissions = [("moderate_comment", "Can approve or reject comments")]
        indexes = [
            # Public read path: approved comments of an article, newest first.
            models.Index(fields=["article", "status", "-submitted_at"], name="comment_article_status_time"),
            # Repeats of a text within the duplicate window (every submission counts them,
            # rechecks read them): answered from the index alone, no row reads.
            models.Index(fields=["fingerprint", "submitted_at"], name="comment_fingerprint_time"),
            # Admin's list of all comments: newest first.
            models.Index(fields=["-submitted_at", "-id"], name="comment_submitted_time"),
            # Review queue: pending comments, highest priority first, then oldest, then id:
            # the whole queue order, so pages and next/previous read it without sorting.
            models.Index(
                fields=["-priority", "submitted_at", "id"],
                name="comment_pending_queue",
                condition=Q(status="pending"),
            ),
            # Pending counts per flag combination (stats) and counting a category filter
            # of the queue: read from this small index, not the comment rows.
            models.Index(
                fields=["flags", "submitted_at"],
                name="comment_pending_flags",
                condition=Q(status="pending"),
            ),
            # Moderation stats join a time window's decisions to their comments' flags and
            # model version: decided comments by decision time, with all the join reads (index-only).
            models.Index(
                fields=["decided_at", "flags", "checks_model_version", "id"],
                name="comment_decided_flags",
                condition=Q(decided_at__isnull=False),
            ),
            # Commenter history (community.selectors): an author's comments by normalised email,
            # newest first, and their counts per status and first comment, read from the index.
            models.Index(
                Lower("author_email"), F("submitted_at").desc(), F("status"), name="comment_author_email_time"
            ),
            # Commenter history: comments from one IP address within a recent window, newest first.
            models.Index(fields=["ip_address", "-submitted_at"], name="comment_ip_time"),
            # Retention (privacy.services.personal_data_purge): the comments still holding an IP address or user agent,
            # oldest first. Partial, so the purge reads only rows it will clear: a purged row
            # leaves the index, and it stays as small as the retention window.
            models.Index(
                fields=["submitted_at", "id"],
                name="comment_personal_data_time",
                condition=HOLDS_CONNECTION_DATA,
            ),
        ]

    def __str__(self) -> str:
        # Names the article by its title (lists load it with select_related("article")).
        title = Truncator(self.article.title).chars(60) if self.article_id else "no article"
        return f"Comment {self.pk} by {self.author_name} on “{title}”"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Comment:
        instance = super().from_db(db, field_names, values)
        instance._snapshot()
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._snapshot()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            # Always an INSERT: an object built with an existing id must fail, not overwrite.
            kwargs.setdefault("force_insert", True)
        else:
            self._refuse_changed_content()
            # Never write frozen columns on an update, so a stale copy cannot undo a decision.
            kwargs["update_fields"] = self._writable_fields(kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        self._snapshot()

    def _snapshot(self) -> None:
        self._stored = {name: self.__dict__[name] for name in FROZEN_FIELDS if name in self.__dict__}

    def _refuse_changed_content(self) -> None:
        stored = getattr(self, "_stored", {})
        changed = sorted(name for name, value in stored.items() if self.__dict__.get(name) != value)
        if changed:
            raise CommentContentImmutable(
                "a stored comment is never edited; status changes go through "
                f"moderation.services (changed: {', '.join(changed)})"
            )

    def _writable_fields(self, requested: Any) -> list[str]:
        frozen = {name.removesuffix("_id") for name in FROZEN_FIELDS}
        writable = [f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in frozen]
        if requested is None:
            return writable
        refused = sorted({name.removesuffix("_id") for name in requested} & frozen)
        if refused:
            raise CommentContentImmutable(f"comment content cannot change: {', '.join(refused)}")
        return list(requested)

    def mark_decided(self, *, status: str, decided_at: Any) -> None:
        """Mirror a status change the decision service already wrote to the database."""
        self.status = status
        self.decided_at = decided_at
        self._snapshot()

    @property
    def flag_list(self) -> list[str]:
        return [code for code in self.flags.split("|") if code]


class PublicCommentsVersion(models.Model):
    """How often an article's public (approved) comments changed; the cached public lists are keyed by it.

    Incremented in the transaction that makes the change (`comments.cache.bump_public_version`,
    called from comments/receivers.py and moderation/receivers.py), so a list cached under an
    older number is never read after the change committed, whatever happened to the cache.
    A row of its own, not an Article column: saving a stale copy of the article cannot set it back.
    """

    article = models.OneToOneField("articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    # How many of the article's comments are approved, moved in the same statement as `version`
    # (+1 when a comment becomes public, -1 when one stops being public), so article lists show
    # counts without counting comments (`comments.cache.recount_approved` rebuilds it after bulk
    # loads). Not a PositiveIntegerField: a count set wrong by hand must never make a decision fail.
    approved_count = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"Public comments of article {self.article_id}: version {self.version}"
