"""Emails to commenters who asked to hear about their comment ("Email me when my comment is approved or
rejected": Comment.notify_author, on the form and in the API).

When a decision commits, `decision_email_record()` writes one DecisionEmail row for it (none for a
comment whose author did not ask, whose address unsubscribed or was erased, or that the system
rejected because a ban covers its author: a banned commenter learns nothing), and the Celery task
`send_decision_email` sends it through Django's email backend (the console by default; SMTP from
EMAIL_URL). The task locks the row, so a message delivered twice sends one email; without a broker
it runs inline, once. Every email carries a signed one-click unsubscribe link (RFC 8058 headers),
which stops all further emails to that address. The address itself never appears in a URL: the
link carries a signed keyed hash of it, and the opt-out table keeps only that hash.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comments.models import Comment
from comments.views import comment_status_url
from moderation.guidelines import Guideline, SystemReason, guideline_list
from moderation.models import ModerationDecision
from notifications.models import DecisionEmail, EmailOptOut

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# What a failed send is retried on (SMTP refusals, network errors); anything else is a bug.
SEND_ERRORS = (SMTPException, OSError, ConnectionError, TimeoutError)


def address_key(email: str) -> str:
    """A keyed hash of the normalised address: what the opt-out table and the unsubscribe link hold."""
    return salted_hmac(UNSUBSCRIBE_SALT, (email or "").strip().lower(), algorithm="sha256").hexdigest()


def unsubscribe_token(email: str) -> str:
    return signing.dumps(address_key(email), salt=UNSUBSCRIBE_SALT, compress=False)


def address_key_from_token(token: str) -> str | None:
    """The address key a link was made for; None when the token was not made here."""
    try:
        key = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return key if isinstance(key, str) and len(key) == 64 else None


def is_opted_out(email: str) -> bool:
    return EmailOptOut.objects.filter(address_key=address_key(email)).exists()


def email_unsubscribe(*, address_key: str) -> EmailOptOut:
    """Stop every further email to the address behind `address_key` (idempotent: once is enough)."""
    opt_out, _ = EmailOptOut.objects.get_or_create(address_key=address_key, defaults={"created_at": timezone.now()})
    return opt_out


def _wanted(comment: Comment, decision: ModerationDecision) -> bool:
    if not comment.notify_author or not comment.author_email:
        return False
    if decision.moderator_id is None and SystemReason.BANNED in (decision.reasons or []):
        return False  # no oracle for ban evasion, and no mail to someone the newsroom banned
    return not is_opted_out(comment.author_email)


def decision_email_record(*, comment: Comment, decision: ModerationDecision) -> DecisionEmail | None:
    """The email owed for this decision, recorded once (None when none is owed)."""
    if not _wanted(comment, decision):
        return None
    record, _ = DecisionEmail.objects.get_or_create(decision=decision, defaults={"created_at": timezone.now()})
    return record


def absolute(path: str) -> str:
    return settings.PUBLIC_SITE_URL.rstrip("/") + path


def decision_message(*, comment: Comment, decision: ModerationDecision) -> EmailMultiAlternatives:
    """The email itself: the decision, and on rejection the guidelines broken, in the article page's words."""
    by_code = {g["code"]: g for g in guideline_list()}
    broken = [by_code[code] for code in decision.reasons or [] if code in by_code and code != Guideline.OTHER]
    if Guideline.OTHER in (decision.reasons or []):
        broken.append(
            {"code": "other", "label": "Other", "text": "It breaks our guidelines in a way not listed above."}
        )
    article = comment.article
    unsubscribe = absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(comment.author_email)]))
    context = {
        "comment": comment,
        "approved": decision.verdict == ModerationDecision.Verdict.APPROVED,
        "broken": broken,
        "article_title": article.title,
        "article_url": absolute(article.get_absolute_url())
        + (f"#comment-{comment.pk}" if decision.verdict == "approved" else ""),
        "status_url": absolute(comment_status_url(comment)),
        "unsubscribe_url": unsubscribe,
        "site_name": settings.PUBLIC_SITE_NAME,
    }
    subject = (
        f"Your comment on “{article.title}” was approved"
        if context["approved"]
        else f"Your comment on “{article.title}” was not published"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/decision_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[comment.author_email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("notifications/decision_email.html", context), "text/html")
    return message


@shared_task(
    name="notifications.send_decision_email", bind=True, acks_late=True, max_retries=settings.NOTIFICATION_EMAIL_RETRIES
)
def send_decision_email(self: Any, *, email_id: int) -> str:
    """Send one recorded email, at most once; retried with back-off on SMTP and network errors."""
    with transaction.atomic():
        record = (
            DecisionEmail.objects.select_for_update()
            .select_related("decision", "decision__comment", "decision__comment__article")
            .filter(pk=email_id)
            .first()
        )
        if record is None or record.status == DecisionEmail.Status.SENT:
            return "done"
        comment, decision = record.decision.comment, record.decision
        # Asked again at send time: the address may have unsubscribed or been erased meanwhile.
        if not _wanted(comment, decision):
            record.mark(status=DecisionEmail.Status.SKIPPED)
            return "skipped"
        try:
            decision_message(comment=comment, decision=decision).send()
        except SEND_ERRORS as exc:
            record.mark(status=DecisionEmail.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500])
            failed = exc
        else:
            record.mark(status=DecisionEmail.Status.SENT)
            return "sent"
    if self.request.is_eager:
        # Inline (no broker): one attempt, in the request that decided; the failure is recorded.
        logger.warning("decision email %s not sent: %s", email_id, failed)
        return "failed"
    raise self.retry(exc=failed, countdown=min(60 * 2**self.request.retries, 3600))
