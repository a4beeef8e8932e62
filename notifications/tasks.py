"""Webhook deliveries for Celery.

`enqueue_deliveries()` hands deliveries to `deliver_webhook`, one message each. It runs after the
deliveries' transaction committed, usually on a request, so it must never slow the request down or
fail it: without a broker (eager mode) it queues nothing, since an eager task would send HTTP inside
the request; it publishes on a connection of its own that does not retry (a refused connection fails
at once, a broker that does not answer at all costs the connect timeout); when publishing fails it
logs, and this process stops trying for WEBHOOKS_BROKER_BACKOFF_SECONDS. Either way the deliveries stay pending and are sent by
`manage.py deliver_webhooks` or by the beat sweep `deliver_due_webhooks` (every
WEBHOOKS_SWEEP_SECONDS), which also hands out deliveries whose message was lost.

`deliver_webhook` makes one attempt and, when it failed and attempts are left, queues the next one
for its `next_retry_at`. An attempt claims its delivery first, so a message delivered twice (after a
worker crash with acks_late, or a sweep that re-queued a late one) sends nothing twice.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Literal

from celery import shared_task
from django.conf import settings

from notifications import webhooks

logger = logging.getLogger(__name__)

Enqueued = Literal["queued", "left pending"]

# monotonic time until which this process does not try the broker again (after a failed publish).
_broker_paused_until = 0.0


@shared_task(name="notifications.deliver_webhook")
def deliver_webhook(*, delivery_id: int) -> str:
    """One attempt at one delivery; the next attempt is queued when this one failed and some are left."""
    result = webhooks.webhook_delivery_attempt(delivery_id=delivery_id)
    if result.outcome == "retry" and result.next_retry_at is not None:
        enqueue_deliveries([delivery_id], eta=result.next_retry_at)
    return result.outcome


@shared_task(name="notifications.deliver_due_webhooks")
def deliver_due_webhooks() -> int:
    """Beat sweep: queue the deliveries that are overdue (their message lost or never queued); prune the log."""
    ids = webhooks.due_delivery_ids(overdue_by=webhooks.OVERDUE_AFTER)
    if ids:
        enqueue_deliveries(ids)
    if settings.WEBHOOKS_LOG_DAYS:
        webhooks.webhook_deliveries_prune(older_than=timedelta(days=settings.WEBHOOKS_LOG_DAYS))
    return len(ids)


def broker_configured() -> bool:
    """Whether deliveries are handed to workers (False: eager mode, they wait for deliver_webhooks)."""
    return not deliver_webhook.app.conf.task_always_eager


def enqueue_deliveries(delivery_ids: list[int], *, eta: datetime | None = None) -> Enqueued:
    """Queue one `deliver_webhook` per id; never raises and never sends HTTP itself."""
    global _broker_paused_until
    if not delivery_ids:
        return "queued"
    try:
        if not broker_configured():
            return "left pending"  # no broker: an eager task would post from inside the request
        if time.monotonic() < _broker_paused_until:
            return "left pending"
        # No retries, neither to connect nor to publish: the sweep is the retry, and the request must
        # not wait for one (the pooled connections keep trying to connect for the connect timeout).
        with deliver_webhook.app.connection_for_write(transport_options={"max_retries": 0}) as connection:
            for delivery_id in delivery_ids:
                deliver_webhook.apply_async(
                    kwargs={"delivery_id": delivery_id}, eta=eta, retry=False, connection=connection
                )
    except Exception as exc:  # whatever the broker raises, the caller's work is done
        _broker_paused_until = time.monotonic() + settings.WEBHOOKS_BROKER_BACKOFF_SECONDS
        logger.warning(
            "webhook deliveries %s left pending: the task broker refused them (%s); not trying it again for %g s",
            delivery_ids,
            exc,
            settings.WEBHOOKS_BROKER_BACKOFF_SECONDS,
        )
        return "left pending"
    return "queued"
