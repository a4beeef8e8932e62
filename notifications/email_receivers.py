"""Commenter emails, heard once a decision committed: record the email owed, hand it to a worker.

Like the webhook receivers, nothing here may fail the decision that caused it: errors are logged.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver

from comments.models import Comment
from moderation.signals import comment_decided
from moderation.tasks import dispatch
from notifications.emails import decision_email_record, send_decision_email

logger = logging.getLogger(__name__)


@receiver(comment_decided, sender=Comment, dispatch_uid="notifications.email_on_comment_decided")
def email_on_comment_decided(sender, comment, decision, **kwargs) -> None:
    try:
        record = decision_email_record(comment=comment, decision=decision)
        if record is not None:
            dispatch(send_decision_email, email_id=record.pk)  # inline when no broker takes it
    except Exception:
        logger.exception("the decision email for comment %s was not sent", comment.pk)
