"""Writes for comments: `comment_submit()` is the only way a comment is created."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User  # the staff account type (annotations)
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from comments import names
from comments.models import Comment
from comments.signals import comment_submitted
from moderation import screening

_WHITESPACE = re.compile(r"\s+")
# Control characters other than tab/newline/carriage return: PostgreSQL
# refuses NUL in text, and none of them belongs in a comment.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_USER_AGENT_MAX: int = Comment._meta.get_field("user_agent").max_length or 400
_EMAIL_MAX: int = Comment._meta.get_field("author_email").max_length or 254


class CommentsClosed(Exception):
    """The article does not accept new comments."""


class CommenterBanned(Exception):
    """A ban covers the commenter and COMMUNITY_BANNED_REFUSE is on: nothing was stored."""


def comment_submit(
    *,
    article: Article,
    author_name: str,
    author_email: str,
    body: str,
    ip_address: str | None,
    user_agent: str = "",
    user: User | AnonymousUser | None = None,
    notify_author: bool = False,
) -> Comment:
    """Validate, screen and store a reader's comment as pending.

    Raises CommentsClosed when the article is closed and ValidationError
    (with a per-field message dict) on bad input. The comment and what the
    checks found are stored in one transaction. A banned commenter's comment
    is stored and rejected by the system in that transaction (reason
    "banned"), unless COMMUNITY_BANNED_REFUSE is on: then CommenterBanned is
    raised and nothing is stored.
    """
    now = timezone.now()
    if not article.accepts_comments(now):
        raise CommentsClosed("Comments are closed for this article.")
    author_name, author_email, body = _clean_input(author_name, author_email, body)
    fingerprint = body_fingerprint(body)
    outcome = screening.screen_comment(
        article=article,
        author_name=author_name,
        author_email=author_email,
        body=body,
        fingerprint=fingerprint,
        ip_address=ip_address or None,
    )
    if outcome.standing.banned and settings.COMMUNITY_BANNED_REFUSE:
        raise CommenterBanned("You cannot comment here.")
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            author_name=author_name,
            author_email=author_email,
            body=body,
            status=Comment.Status.PENDING,
            submitted_at=now,
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:_USER_AGENT_MAX],
            user=user if user is not None and user.is_authenticated else None,
            findings=outcome.report.to_dict(),
            flags=flags_value(outcome.report.categories),
            priority=outcome.report.priority,
            fingerprint=fingerprint,
            checks_model_version=outcome.report.model_version,
            notify_author=bool(notify_author),
        )
        # Registered before a system decision's own signal, so listeners hear "submitted" first.
        transaction.on_commit(lambda: comment_submitted.send(sender=Comment, comment=comment))
        screening.apply_screening(comment=comment, outcome=outcome)
    return comment


def flags_value(categories: tuple[str, ...] | list[str]) -> str:
    """The stored form of flagged category codes: "|a|b|", or "" for none."""
    return f"|{'|'.join(sorted(set(categories)))}|" if categories else ""


def body_fingerprint(body: str) -> str:
    """A hash that is equal for the same text modulo case, spacing and punctuation."""
    folded = unicodedata.normalize("NFKC", body).casefold()
    letters = "".join(ch for ch in folded if ch.isalnum() or ch.isspace())
    return hashlib.sha256(_WHITESPACE.sub(" ", letters).strip().encode()).hexdigest()


def _clean_input(author_name: str, author_email: str, body: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    author_name = _WHITESPACE.sub(" ", author_name or "").strip()
    author_email = (author_email or "").strip()
    # Surrounding whitespace is trimmed; the text itself is stored as written.
    body = (body or "").strip()

    name_max = settings.COMMENT_AUTHOR_NAME_MAX_LENGTH
    if not author_name:
        errors.setdefault("author_name", []).append("Please enter your name.")
    elif len(author_name) > name_max:
        errors.setdefault("author_name", []).append(
            f"Name must be at most {name_max} characters (it has {len(author_name)})."
        )
    if author_name:
        # Bidi controls, invisible and control characters, look-alike staff titles (comments/names.py).
        # (Past twice the limit the name is refused anyway: the rest need not be read.)
        problems = names.name_problems(author_name[: 2 * name_max], staff_words=settings.COMMENT_STAFF_NAME_WORDS)
        if problems:
            errors.setdefault("author_name", []).extend(problems)
    if not author_email:
        errors.setdefault("author_email", []).append("Please enter your email address.")
    elif len(author_email) > _EMAIL_MAX:
        errors.setdefault("author_email", []).append(f"Email address must be at most {_EMAIL_MAX} characters.")
    else:
        try:
            validate_email(author_email)
        except ValidationError:
            errors.setdefault("author_email", []).append("Enter a valid email address.")
    body_max = int(settings.COMMENT_MAX_LENGTH)
    if not body:
        errors.setdefault("body", []).append("Please write a comment.")
    elif len(body) > body_max:
        errors.setdefault("body", []).append(f"Comment must be at most {body_max} characters (it has {len(body)}).")
    for field, value in (("author_email", author_email), ("body", body)):
        if _CONTROL.search(value):
            errors.setdefault(field, []).append("Remove the control characters from this field.")
    if errors:
        raise ValidationError(errors)
    return author_name, author_email, body
