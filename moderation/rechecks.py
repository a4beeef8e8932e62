"""Re-run the guideline checks on stored comments (after a term-list or engine change).

Only the check results (findings, flags, priority and the learned model's
version) are rewritten, with the active term lists and model; content and
status are never touched, so a recheck can run while moderators decide.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet

from comments.models import Comment
from comments.services import flags_value
from moderation.checks import check
from moderation.checkmodels import current_check_model
from moderation.screening import active_terms, check_context

RESULT_FIELDS = ["findings", "flags", "priority", "checks_model_version"]


def recheck_comments(queryset: QuerySet[Comment], *, batch_size: int = 500) -> Iterator[int]:
    """Recheck every comment of `queryset` in primary-key batches; yields the size of each batch done."""
    terms = active_terms()
    model = current_check_model()
    last_pk = 0
    base = queryset.select_related("article").order_by("pk").defer(
        "user_agent", "ip_address", "decided_at"
    )
    while True:
        batch = list(base.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return
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
            report = check(comment.body, context)
            comment.findings = report.to_dict()
            comment.flags = flags_value(report.categories)
            comment.priority = report.priority
            comment.checks_model_version = report.model_version
        Comment.objects.bulk_update(batch, RESULT_FIELDS)
        last_pk = batch[-1].pk
        yield len(batch)


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
