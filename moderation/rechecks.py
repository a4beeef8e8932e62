"""Re-run the guideline checks on stored comments (after a term-list or engine change).

Only the check results (findings, flags, priority and the learned model's
version) are rewritten, with the active term lists and model; content and
status are never touched, so a recheck can run while moderators decide.

A queued recheck is recorded batch by batch (`RecheckBatch`): `recheck_batch_run()`
rewrites a batch's comments and marks the batch done in one transaction, and does
nothing for a batch already done, so a batch whose message the broker lost stays
visible as unfinished and can be handed out again (`recheck_comments --resume`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone

from comments.models import Comment
from comments.services import flags_value
from moderation.checkmodels import current_check_model
from moderation.checks import check
from moderation.models import GuidelineTerm, RecheckBatch
from moderation.screening import active_terms, check_context, with_name_findings

RESULT_FIELDS = ["findings", "flags", "priority", "checks_model_version"]


def recheck_comments(queryset: QuerySet[Comment], *, batch_size: int = 500) -> Iterator[int]:
    """Recheck every comment of `queryset` in primary-key batches; yields the size of each batch done."""
    terms = active_terms()
    model = current_check_model()
    last_pk = 0
    base = _for_recheck(queryset)
    while True:
        batch = list(base.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return
        _apply_checks(batch, terms=terms, model=model)
        Comment.objects.bulk_update(batch, RESULT_FIELDS)
        last_pk = batch[-1].pk
        yield len(batch)


def _for_recheck(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    return queryset.select_related("article").order_by("pk").defer("user_agent", "ip_address", "decided_at")


def _apply_checks(batch: list[Comment], *, terms, model) -> None:
    """Set each comment's check results (in memory) from its stored text."""
    earlier = _earlier_duplicates(batch)
    for comment in batch:
        context = check_context(
            article=comment.article,
            author_name=comment.author_name,
            author_email=comment.author_email,
            terms=terms,
            duplicate_count=earlier[comment.pk],
            model=model,
        )
        # As at submission: the body's findings plus the name's (a name imitating staff).
        report = with_name_findings(check(comment.body, context), comment.author_name)
        comment.findings = report.to_dict()
        comment.flags = flags_value(report.categories)
        comment.priority = report.priority
        comment.checks_model_version = report.model_version


def _earlier_duplicates(batch: list[Comment]) -> dict[int, int]:
    """For each comment: how many same-text comments came in the window before it (one query a batch)."""
    window = timedelta(hours=settings.COMMENT_DUPLICATE_WINDOW_HOURS)
    times: dict[str, list] = defaultdict(list)
    rows = Comment.objects.filter(fingerprint__in={c.fingerprint for c in batch}).values_list(
        "fingerprint", "submitted_at"
    )
    for fingerprint, submitted_at in rows:
        times[fingerprint].append(submitted_at)
    for values in times.values():
        values.sort()
    counts = {}
    for comment in batch:
        stamps = times[comment.fingerprint]
        counts[comment.pk] = bisect_left(stamps, comment.submitted_at) - bisect_left(
            stamps, comment.submitted_at - window
        )
    return counts


# --- Recorded batches ------------------------------------------------------------------------


def comments_to_recheck(status: str) -> QuerySet[Comment]:
    """The comments a recheck of `status` (pending, approved, rejected or all) covers."""
    return Comment.objects.all() if status == "all" else Comment.objects.filter(status=status)


def recheck_stamp() -> dict[str, str]:
    """What a recheck is measured against: the term lists' stamp and the active model's version."""
    terms = GuidelineTerm.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    latest = f", last changed {terms['latest']:%Y-%m-%d %H:%M:%S}" if terms["latest"] else ""
    model = current_check_model()
    return {"terms_version": f"{terms['n']} term(s){latest}", "model_version": model.version if model else ""}


def record_batch(
    *, status: str, first_pk: int, last_pk: int, size: int, reason: str = "", stamp: dict[str, str] | None = None
) -> RecheckBatch:
    """A queued batch, written (and committed) before its message is handed to the broker."""
    now = timezone.now()
    return RecheckBatch.objects.create(
        created_at=now,
        queued_at=now,
        dispatches=1,
        comment_status=status,
        first_comment_id=first_pk,
        last_comment_id=last_pk,
        size=size,
        reason=reason[:200],
        **(stamp if stamp is not None else recheck_stamp()),
    )


def recheck_batch_run(batch_id: int) -> int:
    """Recheck batch `batch_id` and mark it done in the same transaction; how many comments it rechecked.

    The checks run first, outside any transaction (no lock is held while they
    compute); then one transaction locks the batch row, writes the comments'
    results and marks the batch done. Idempotent: a batch already done (a message
    delivered twice, a --resume racing the original worker) is left alone and 0 is
    returned, and of two runs racing on one batch only the first writes. A run that
    fails leaves the batch queued, with one more attempt counted.
    """
    started = RecheckBatch.objects.filter(pk=batch_id, status=RecheckBatch.Status.QUEUED).update(
        attempts=F("attempts") + 1, started_at=timezone.now()
    )
    if not started:
        return 0  # done already, or no such batch
    batch = RecheckBatch.objects.get(pk=batch_id)
    comments = list(
        _for_recheck(
            comments_to_recheck(batch.comment_status).filter(
                pk__gte=batch.first_comment_id, pk__lte=batch.last_comment_id
            )
        )
    )
    _apply_checks(comments, terms=active_terms(), model=current_check_model())
    with transaction.atomic():
        batch = RecheckBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == RecheckBatch.Status.DONE:
            return 0  # another run finished it meanwhile
        Comment.objects.bulk_update(comments, RESULT_FIELDS, batch_size=500)
        batch.status = RecheckBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.rechecked = len(comments)
        batch.save(update_fields=["status", "finished_at", "rechecked"])
    return len(comments)


def unfinished_batches() -> QuerySet[RecheckBatch]:
    """Batches handed out and not finished, oldest first."""
    return RecheckBatch.objects.filter(status=RecheckBatch.Status.QUEUED).order_by("queued_at", "id")
