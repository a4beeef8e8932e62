"""Background moderation work for Celery, handed over so that no work is ever lost.

`dispatch()` queues a task; when the broker cannot take it (Redis down, network
error) the work runs at once in the calling process and the event is logged.
Tasks are idempotent (a recheck rewrites check results from the stored text;
a retraining on the same decisions stores the same version once), so a message
delivered twice after a worker crash does no harm.

A queued recheck is recorded first, one `RecheckBatch` row per batch, and each
task marks its batch done with its results: a broker that loses its queue loses
messages, not work, since `recheck_comments --batches` shows what never finished
and `resume_rechecks()` (`recheck_comments --resume`) hands it out again.

`retrain_check_model` is run by Celery beat every CHECKS_RETRAIN_HOURS hours
when that setting is set (config/settings.py, CELERY_BEAT_SCHEDULE).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from celery import Task, shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from config.metrics import FALLBACKS
from moderation.models import RecheckBatch
from moderation.rechecks import (
    comments_to_recheck,
    recheck_batch_run,
    recheck_comments,
    recheck_stamp,
    record_batch,
    unfinished_batches,
)
from moderation.services import NotEnoughDecisions, check_model_train_from_decisions

logger = logging.getLogger(__name__)

# What publishing raises when the broker is unreachable (kombu wraps most of them).
BROKER_ERRORS = (BrokerError, ConnectionError, OSError, TimeoutError)

Ran = Literal["queued", "inline"]


recheck_queryset = comments_to_recheck  # the name earlier code used


@shared_task(name="moderation.recheck_batch")
def recheck_batch(*, batch_id: int) -> int:
    """Recheck one recorded batch and mark it done with its results; 0 if it was done already."""
    return recheck_batch_run(batch_id)


@shared_task(name="moderation.recheck_comment_range")
def recheck_comment_range(*, status: str, first_pk: int, last_pk: int, batch_size: int = 500) -> int:
    """Recheck the comments with `status` whose id lies in [first_pk, last_pk]; returns how many.

    Unrecorded: kept for messages queued before batches were recorded (RecheckBatch).
    """
    queryset = comments_to_recheck(status).filter(pk__gte=first_pk, pk__lte=last_pk)
    return sum(recheck_comments(queryset, batch_size=batch_size))


@shared_task(name="moderation.retrain_check_model")
def retrain_check_model() -> str | None:
    """Fine-tune the active check model on moderators' decisions (as the system); the new version, or None.

    Activates it at once only with CHECKS_RETRAIN_ACTIVATE; otherwise an admin
    reviews and activates it. Too few decisions is not an error: logged, nothing stored.
    """
    try:
        stored = check_model_train_from_decisions(
            actor=None,
            activate=settings.CHECKS_RETRAIN_ACTIVATE,
            note="Periodic retraining (CHECKS_RETRAIN_HOURS).",
        )
    except NotEnoughDecisions as exc:
        logger.info("check model not retrained: %s", exc)
        return None
    return stored.version


def dispatch(task: Task, **kwargs: Any) -> Ran:
    """Queue `task`; if the broker cannot take it, run it here and now instead of dropping it."""
    if task.app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs)  # no broker configured: Celery runs it inline
        return "inline"
    try:
        task.apply_async(kwargs=kwargs)
    except BROKER_ERRORS as exc:
        logger.warning("task broker unavailable (%s); running %s inline", exc, task.name)
        FALLBACKS.labels("broker").inc()
        task(**kwargs)
        return "inline"
    return "queued"


@dataclass
class RecheckDispatch:
    """How a recheck was handed out: batches queued for workers and batches run inline."""

    comments: int = 0
    queued: int = 0
    inline: int = 0
    batch_ids: list[int] = field(default_factory=list)


class _Dispatcher:
    """Hands recorded batches out; once the broker refuses one, the rest run inline too
    (waiting on a dead broker for every batch would only make the command slower)."""

    def __init__(self, *, inline: bool = False) -> None:
        self.broker_up = not inline
        self.result = RecheckDispatch()

    def hand_out(self, batch_id: int, comments: int) -> None:
        if self.broker_up:
            ran = dispatch(recheck_batch, batch_id=batch_id)  # runs it inline if it cannot queue it
            self.broker_up = ran == "queued"
        else:
            recheck_batch_run(batch_id)
            ran = "inline"
        if ran == "queued":
            self.result.queued += 1
        else:
            self.result.inline += 1
        self.result.comments += comments
        self.result.batch_ids.append(batch_id)


def enqueue_recheck(*, status: str, batch_size: int = 500, reason: str = "") -> RecheckDispatch:
    """Split the comments to recheck into id ranges of `batch_size`, record each, hand each to a worker.

    Each batch is a committed `RecheckBatch` row before its message goes to the
    broker; the task marks it done. A batch the broker loses stays queued
    (`unfinished_batches()`) until `resume_rechecks()` hands it out again.
    """
    dispatcher = _Dispatcher()
    stamp = recheck_stamp()
    for first_pk, last_pk, count in _id_ranges(comments_to_recheck(status), batch_size):
        batch = record_batch(status=status, first_pk=first_pk, last_pk=last_pk, size=count, reason=reason, stamp=stamp)
        dispatcher.hand_out(batch.pk, count)
    return dispatcher.result


def resume_rechecks(*, older_than: timedelta = timedelta(hours=1), inline: bool = False) -> RecheckDispatch:
    """Hand out again the batches still unfinished `older_than` after they were last handed out.

    With `inline` (or once the broker refuses one) they run in this process. Safe
    to repeat and to run while workers are busy: a batch is claimed by moving its
    `queued_at` forward (so a second resume skips it), and one that finishes twice
    is written once (`recheck_batch_run`).
    """
    dispatcher = _Dispatcher(inline=inline)
    cutoff = timezone.now() - older_than
    stale = list(unfinished_batches().filter(queued_at__lte=cutoff).values_list("pk", "size"))
    for batch_id, size in stale:
        claimed = RecheckBatch.objects.filter(
            pk=batch_id, status=RecheckBatch.Status.QUEUED, queued_at__lte=cutoff
        ).update(queued_at=timezone.now(), dispatches=F("dispatches") + 1)
        if claimed:
            dispatcher.hand_out(batch_id, size)
    return dispatcher.result


def _id_ranges(queryset, batch_size: int):
    """(first id, last id, count) for consecutive groups of `batch_size` comments, in id order."""
    first = last = None
    count = 0
    for pk in queryset.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000):
        if first is None:
            first = pk
        last = pk
        count += 1
        if count == batch_size:
            yield first, last, count
            first, count = None, 0
    if count:
        yield first, last, count
