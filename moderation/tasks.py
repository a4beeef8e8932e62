"""Background moderation work for Celery, handed over so that no work is ever lost.

`dispatch()` queues a task; when the broker cannot take it (Redis down, network
error) the work runs at once in the calling process and the event is logged.
Tasks are idempotent (a recheck rewrites check results from the stored text;
a retraining on the same decisions stores the same version once), so a message
delivered twice after a worker crash does no harm.

`retrain_check_model` is run by Celery beat every CHECKS_RETRAIN_HOURS hours
when that setting is set (config/settings.py, CELERY_BEAT_SCHEDULE).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from celery import Task, shared_task
from kombu.exceptions import OperationalError as BrokerError

from django.conf import settings

from comments.models import Comment
from moderation.rechecks import recheck_comments
from moderation.services import NotEnoughDecisions, check_model_train_from_decisions

logger = logging.getLogger(__name__)

# What publishing raises when the broker is unreachable (kombu wraps most of them).
BROKER_ERRORS = (BrokerError, ConnectionError, OSError, TimeoutError)

Ran = Literal["queued", "inline"]


def recheck_queryset(status: str):
    return Comment.objects.all() if status == "all" else Comment.objects.filter(status=status)


@shared_task(name="moderation.recheck_comment_range")
def recheck_comment_range(*, status: str, first_pk: int, last_pk: int, batch_size: int = 500) -> int:
    """Recheck the comments with `status` whose id lies in [first_pk, last_pk]; returns how many."""
    queryset = recheck_queryset(status).filter(pk__gte=first_pk, pk__lte=last_pk)
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
        task(**kwargs)
        return "inline"
    return "queued"


@dataclass
class RecheckDispatch:
    """How a recheck was handed out: batches queued for workers and batches run inline."""

    comments: int = 0
    queued: int = 0
    inline: int = 0


def enqueue_recheck(*, status: str, batch_size: int = 500) -> RecheckDispatch:
    """Split the comments to recheck into id ranges of `batch_size` and hand each to a worker.

    Once the broker refuses one batch, the rest run inline too: waiting on a
    dead broker for every batch would only make the command slower.
    """
    result = RecheckDispatch()
    broker_up = True
    for first_pk, last_pk, count in _id_ranges(recheck_queryset(status), batch_size):
        kwargs = {"status": status, "first_pk": first_pk, "last_pk": last_pk, "batch_size": batch_size}
        if broker_up:
            ran = dispatch(recheck_comment_range, **kwargs)  # runs it inline if it cannot queue it
            broker_up = ran == "queued"
        else:
            recheck_comment_range(**kwargs)
            ran = "inline"
        if ran == "queued":
            result.queued += 1
        else:
            result.inline += 1
        result.comments += count
    return result


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
