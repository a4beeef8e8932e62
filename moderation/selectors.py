"""Read paths for moderators: the review queue and moving through it; the learned checks' versions
and the decisions they learn from."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from comments.models import Comment
from moderation.checks.model.training import CATEGORIES as MODEL_CATEGORIES
from moderation.checks.model.training import Row
from moderation.claims import claimed_by_others
from moderation.guidelines import Guideline
from moderation.models import CheckModelActivation, ModerationDecision

# Highest priority first, then oldest; the id keeps the order total.
QUEUE_ORDER = ("-priority", "submitted_at", "id")


def review_queue(queryset: QuerySet | None = None) -> QuerySet:
    """Pending comments in queue order (the partial index comment_pending_queue serves it)."""
    queryset = Comment.objects.all() if queryset is None else queryset
    return queryset.filter(status=Comment.Status.PENDING).order_by(*QUEUE_ORDER)


def next_in_queue(after: Comment, moderator: User, *, queryset: QuerySet | None = None) -> Comment | None:
    """The pending comment after `after` in queue order, wrapping round to the start.

    Skips comments another moderator has a live claim on. `after` itself need
    not be pending any more (it usually was just decided). `queryset` narrows
    the queue (the moderator's filters and search); the order stays QUEUE_ORDER.
    """
    queue = _others(after, moderator, queryset)
    return queue.filter(_behind(after)).first() or queue.first()


def previous_in_queue(after: Comment, moderator: User, *, queryset: QuerySet | None = None) -> Comment | None:
    """The pending comment before `after` in queue order (no wrap-round), skipping others' claims."""
    return _others(after, moderator, queryset).filter(_ahead(after)).reverse().first()


def _others(after: Comment, moderator: User, queryset: QuerySet | None) -> QuerySet:
    return review_queue(queryset).exclude(pk=after.pk).exclude(pk__in=claimed_by_others(moderator))


# Keyset conditions. The leading `priority <= p` (or `>= p`) is implied by the rest but
# written out on its own: it lets the database start the index scan at the comment
# instead of filtering the queue from its head.


def _behind(comment: Comment) -> Q:
    """Comments that come after `comment` in QUEUE_ORDER."""
    p, at = comment.priority, comment.submitted_at
    return Q(priority__lte=p) & (Q(priority__lt=p) | Q(submitted_at__gt=at) | Q(submitted_at=at, id__gt=comment.pk))


def _ahead(comment: Comment) -> Q:
    """Comments that come before `comment` in QUEUE_ORDER."""
    p, at = comment.priority, comment.submitted_at
    return Q(priority__gte=p) & (Q(priority__gt=p) | Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=comment.pk))


# --- The learned checks: versions, the active one, and what they learn from ----------------------

# Rejection reasons -> the learned layer's categories. Reasons outside it (off_topic, other)
# say nothing the model can learn: a comment rejected only for them is left out.
REASON_CATEGORIES = {
    Guideline.PROFANITY: "profanity",
    Guideline.VULGARITY: "profanity",
    Guideline.PERSONAL_ATTACK: "personal_attack",
    Guideline.THREAT: "threat",
    Guideline.ABUSE: "abuse",
    Guideline.PROMOTION: "promotion",
}
assert set(REASON_CATEGORIES.values()) <= set(MODEL_CATEGORIES)
DECISIONS_SOURCE = "decisions"
_LATEST_DECISION_CHUNK = 1000


def decision_training_rows(*, since: datetime | None = None, limit: int | None = None) -> list[Row]:
    """Comments decided by a moderator, as training rows: the body and what the latest decision says.

    One row per comment whose latest decision was made by a person (automatic
    rejections, and comments whose last word was the system's, are left out):
    approved -> no labels (clean); rejected -> its reasons mapped by
    REASON_CATEGORIES (vulgarity counts as profanity), and the comment is left
    out when none maps (off_topic, other). The text is the body and nothing
    else: never the author's name, email, IP address or user agent.

    `since` keeps comments whose latest decision is at or after it; at most
    `limit` (default CHECKS_RETRAIN_MAX_DECISIONS) most recently decided comments
    are read, newest first along the comment_decided_flags index. Rows come
    in comment id order.
    """
    limit = settings.CHECKS_RETRAIN_MAX_DECISIONS if limit is None else limit
    decided = Comment.objects.filter(decided_at__isnull=False)
    if since is not None:
        decided = decided.filter(decided_at__gte=since)
    ids = list(decided.order_by("-decided_at", "-id").values_list("id", flat=True)[:limit])
    rows: list[Row] = []
    for start in range(0, len(ids), _LATEST_DECISION_CHUNK):
        chunk = sorted(ids[start : start + _LATEST_DECISION_CHUNK])
        latest: dict[int, tuple] = {}
        decisions = (
            ModerationDecision.objects.filter(comment_id__in=chunk)
            .order_by("comment_id", "-decided_at", "-id")
            .values_list("comment_id", "moderator_username", "verdict", "reasons")
        )
        for comment_id, moderator_username, verdict, reasons in decisions:
            latest.setdefault(comment_id, (moderator_username, verdict, reasons))
        labels_of: dict[int, frozenset[str]] = {}
        for comment_id, (moderator_username, verdict, reasons) in latest.items():
            if not moderator_username:
                continue  # the system decided last (a moderator's decision keeps their name, account or not)
            if verdict == ModerationDecision.Verdict.APPROVED:
                labels_of[comment_id] = frozenset()
                continue
            labels = frozenset(REASON_CATEGORIES[code] for code in reasons or () if code in REASON_CATEGORIES)
            if labels:
                labels_of[comment_id] = labels
        # Only the body is read: the author's name, email, IP and user agent never leave the table.
        bodies = Comment.objects.filter(pk__in=labels_of).order_by("pk").values_list("pk", "body")
        rows.extend(Row(body, labels_of[pk], DECISIONS_SOURCE) for pk, body in bodies)
    return rows


def latest_check_model_activation() -> CheckModelActivation | None:
    """The activation in force now (its version is the active one); None: nothing activated, the shipped file is."""
    return (
        CheckModelActivation.objects.select_related("version", "activated_by")
        .defer("version__data")
        .order_by("-id")
        .first()
    )
