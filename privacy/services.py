"""Personal-data writes: erasing a commenter's personal data on request, and the retention purge.

Erasure (`comment_erase_personal_data`) is the one sanctioned change to stored
comment content. For every comment of the commenter (same address, trimmed and
case-insensitive) it replaces the author name with PLACEHOLDER_NAME and the
address with a placeholder unique to the erasure (`erased-<id>@erased.invalid`:
a valid address in a reserved domain that never receives mail, so the erased
person's comments still group together in the commenter history and two erased
people never merge into one), clears the IP address, user agent, linked account
and the notification opt-in, and, when asked, replaces the bodies of REJECTED
comments (never approved or pending ones) with ERASED_BODY. Decisions, findings
and statuses stay. One transaction holds the audit row (PersonalDataErasure), the
change, and a bump of the public comments version of every article where the
person has approved comments (cached public lists never show the old name).

Retention (`personal_data_purge`) clears the IP address and user agent of
comments submitted more than PERSONAL_DATA_RETENTION_DAYS ago, in bounded
batches of its own transactions along the `comment_personal_data_time` index.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User  # the staff account type (annotations)
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comments.cache import bump_public_version
from comments.models import HOLDS_CONNECTION_DATA, Comment
from community.selectors import normalised_email
from privacy.models import PersonalDataErasure, RetentionPurge
from privacy.selectors import comments_by_email, email_hash
from privacy.signals import personal_data_erased

ERASE_PERMISSION = "privacy.erase_personal_data"
# Valid for comments.names (letters and a space; no staff word), so forms and checks that re-read
# a stored name accept it.
PLACEHOLDER_NAME = "Former commenter"
ERASED_BODY = "[Removed at the commenter's request.]"
PLACEHOLDER_DOMAIN = "erased.invalid"  # .invalid is reserved (RFC 2606): never delivered
REASON_MAX_LENGTH = 2000

logger = logging.getLogger(__name__)


def can_erase_personal_data(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(ERASE_PERMISSION))


def placeholder_email(erasure_id: int) -> str:
    return f"erased-{erasure_id}@{PLACEHOLDER_DOMAIN}"


def is_placeholder_email(email: str) -> bool:
    return normalised_email(email).endswith(f"@{PLACEHOLDER_DOMAIN}")


def comment_erase_personal_data(
    *,
    comment_or_email: Comment | str,
    actor: User | None,
    reason: str,
    erase_rejected_bodies: bool = False,
) -> PersonalDataErasure:
    """Erase the personal data on every comment of the commenter of `comment_or_email` (see the module).

    `actor=None` is the system (a command run by the operator). Raises
    PermissionDenied without `privacy.erase_personal_data`, ValidationError for a
    blank reason or address, ObjectDoesNotExist when no comment carries the address.
    """
    if actor is not None and not can_erase_personal_data(actor):
        raise PermissionDenied("You do not have permission to erase personal data.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the personal data is erased (the request, its date)."]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": [f"At most {REASON_MAX_LENGTH} characters."]})
    email = normalised_email(
        comment_or_email.author_email if isinstance(comment_or_email, Comment) else comment_or_email
    )
    if not email:
        raise ValidationError({"email": ["Give the commenter's email address."]})
    with transaction.atomic():
        # Lock the commenter's comments: a decision racing the erasure waits for it.
        rows = list(comments_by_email(email).select_for_update().order_by("pk").values_list("article_id", "status"))
        if not rows:
            raise ObjectDoesNotExist("No comments are stored for this email address.")
        now = timezone.now()
        erasure = PersonalDataErasure.objects.create(
            email_hash=email_hash(email),
            placeholder_email="",
            requested_by=actor,
            reason=reason,
            erase_rejected_bodies=erase_rejected_bodies,
            started_at=now,
        )
        bodies = 0
        if erase_rejected_bodies:
            bodies = comments_by_email(email).erase_personal_data(erasure=erasure, body=ERASED_BODY)
            _forget_erased_texts(email)
        placeholder = placeholder_email(erasure.pk)
        erased = comments_by_email(email).erase_personal_data(
            erasure=erasure,
            author_name=PLACEHOLDER_NAME,
            author_email=placeholder,
            ip_address=None,
            user_agent="",
            notify_author=False,
            user=None,
        )
        public_articles = sorted({article for article, status in rows if status == Comment.Status.APPROVED})
        for article_id in public_articles:
            bump_public_version(article_id)
        PersonalDataErasure.objects.complete(
            pk=erasure.pk,
            placeholder_email=placeholder,
            comments_erased=erased,
            bodies_erased=bodies,
            articles_affected=len(public_articles),
            completed_at=timezone.now(),
        )
        erasure = PersonalDataErasure.objects.get(pk=erasure.pk)
        transaction.on_commit(lambda: personal_data_erased.send(sender=PersonalDataErasure, erasure=erasure))
    logger.info("personal data erased: erasure %s, %s comment(s)", erasure.pk, erased)
    return erasure


def _forget_erased_texts(email: str) -> None:
    """An erased body's copies: its fingerprint, and the evidence the findings quote from it.

    The findings keep their categories, rules and scores; only the quoted words go.
    """
    rejected = list(
        comments_by_email(email).filter(status=Comment.Status.REJECTED, body=ERASED_BODY).only("pk", "findings")
    )
    for comment in rejected:
        findings = dict(comment.findings or {})
        findings["findings"] = [{**f, "evidence": ""} for f in findings.get("findings", []) if isinstance(f, dict)]
        comment.findings = findings
        comment.fingerprint = ""
    Comment.objects.bulk_update(rejected, ["findings", "fingerprint"], batch_size=500)


# --- Retention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    cleared: int
    batches: int
    purge: RetentionPurge


def retention_cutoff(*, now: datetime | None = None, days: int | None = None) -> datetime:
    days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
    return (now or timezone.now()) - timedelta(days=days)


def personal_data_purge(
    *,
    cutoff: datetime | None = None,
    batch_size: int | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> PurgeResult:
    """Clear the IP address and user agent of comments submitted before `cutoff` (default: the retention window).

    The system's own job (no actor: the periodic task and the command run it).
    Batches of `batch_size` (PERSONAL_DATA_PURGE_BATCH_SIZE) comments, oldest
    first, each its own short transaction, so a large backlog never holds locks
    for long and an interruption keeps what is done; running it again continues.
    Read along the partial index comment_personal_data_time: a cleared comment
    leaves it, so each batch reads only rows it clears. `on_batch(n)` is called
    after each batch (the command's progress bar). One RetentionPurge row records the run.
    """
    cutoff = cutoff or retention_cutoff()
    batch_size = batch_size or settings.PERSONAL_DATA_PURGE_BATCH_SIZE
    if batch_size < 1:
        raise ValidationError({"batch_size": ["At least 1."]})
    started = timezone.now()
    candidates = Comment.objects.filter(HOLDS_CONNECTION_DATA, submitted_at__lt=cutoff)
    cleared = batches = 0
    after = None  # the last batch's newest submitted_at: skip past entries already cleared
    while True:
        queryset = candidates if after is None else candidates.filter(submitted_at__gte=after)
        rows = list(queryset.order_by("submitted_at", "id").values_list("id", "submitted_at")[:batch_size])
        if not rows:
            break
        with transaction.atomic():
            # The condition again: a row changed since it was read is cleared once, counted once.
            done = Comment.objects.filter(HOLDS_CONNECTION_DATA, pk__in=[pk for pk, _ in rows]).update(
                ip_address=None, user_agent=""
            )
        cleared += done
        batches += 1
        after = rows[-1][1]
        if on_batch is not None:
            on_batch(done)
        if len(rows) < batch_size:
            break
    purge = RetentionPurge.objects.create(
        started_at=started, finished_at=timezone.now(), cutoff=cutoff, comments_cleared=cleared, batches=batches
    )
    logger.info("retention purge: %s comment(s) cleared in %s batch(es), cutoff %s", cleared, batches, cutoff)
    return PurgeResult(cutoff=cutoff, cleared=cleared, batches=batches, purge=purge)
