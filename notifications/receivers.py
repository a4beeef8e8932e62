"""Events that leave the system, heard after the transaction that caused them committed.

Webhooks: a comment stored, a decision made, reader reports resolved -> one pending delivery per
subscribed endpoint (notifications.webhooks). These run inside the request that caused the event,
after its commit: whatever goes wrong here is logged and swallowed, so a webhook can never fail or
undo what the reader or the moderator did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.dispatch import receiver

from comments.models import Comment
from comments.signals import comment_submitted
from community.signals import reports_resolved
from moderation.signals import comment_decided
from notifications import webhooks

logger = logging.getLogger(__name__)


def _never_raise(what: str, publish: Callable[[], object]) -> None:
    try:
        publish()
    except Exception:  # see the module docstring
        logger.exception("webhook deliveries for %s were not recorded", what)


@receiver(comment_submitted, sender=Comment, dispatch_uid="notifications.webhooks_on_comment_submitted")
def webhooks_on_comment_submitted(sender, comment, **kwargs) -> None:
    _never_raise(f"comment.submitted {comment.pk}", lambda: webhooks.webhook_comment_submitted(comment=comment))


@receiver(comment_decided, sender=Comment, dispatch_uid="notifications.webhooks_on_comment_decided")
def webhooks_on_comment_decided(sender, comment, decision, **kwargs) -> None:
    _never_raise(
        f"comment.decided {comment.pk}", lambda: webhooks.webhook_comment_decided(comment=comment, decision=decision)
    )


@receiver(reports_resolved, dispatch_uid="notifications.webhooks_on_reports_resolved")
def webhooks_on_reports_resolved(sender, resolution, comment, reports, **kwargs) -> None:
    _never_raise(
        f"comment.reports_resolved {comment.pk}",
        lambda: webhooks.webhook_reports_resolved(resolution=resolution, comment=comment, reports=reports),
    )
