"""The one call through which comments reach the guideline checks.

`screen_comment()` builds the check context (article text, moderator term
lists, recent repeats of the same text) and runs the plain-Python checks;
`apply_screening()` runs inside the submit transaction and records a system
rejection when auto-reject is on and a banned term fired.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from moderation.checks import CheckContext, Report, TermList, check
from moderation.models import GuidelineTerm
from moderation.services import comment_reject

BANNED_RULE = "terms.banned"


@dataclass(frozen=True)
class ScreeningOutcome:
    """What the checks found, and whether the system rejects the comment at once."""

    report: Report
    auto_reject_reasons: tuple[str, ...] = ()


def screen_comment(
    *, article: Article, author_name: str, author_email: str, body: str, fingerprint: str
) -> ScreeningOutcome:
    context = check_context(
        article=article,
        author_name=author_name,
        author_email=author_email,
        terms=active_terms(),
        duplicate_count=recent_duplicate_count(fingerprint),
    )
    report = check(body, context)
    return ScreeningOutcome(report=report, auto_reject_reasons=auto_reject_reasons(report))


def check_context(
    *, article: Article, author_name: str, author_email: str, terms: TermList, duplicate_count: int
) -> CheckContext:
    """Everything the checks read besides the text, for a new or a stored comment."""
    return CheckContext(
        article_title=article.title,
        article_body=article.body,
        author_name=author_name,
        author_email=author_email,
        terms=terms,
        duplicate_count=duplicate_count,
    )


def auto_reject_reasons(report: Report) -> tuple[str, ...]:
    """Guideline codes of banned-term hits, when automatic rejection is enabled."""
    if not settings.MODERATION_AUTO_REJECT_BANNED:
        return ()
    return tuple(sorted({f.category for f in report.findings if f.rule == BANNED_RULE}))


def apply_screening(*, comment: Comment, outcome: ScreeningOutcome) -> None:
    if outcome.auto_reject_reasons:
        comment_reject(
            comment=comment,
            moderator=None,
            reasons=list(outcome.auto_reject_reasons),
            note="Rejected automatically: the comment contains a banned term.",
        )


def recent_duplicate_count(fingerprint: str) -> int:
    """How many comments with the same text arrived within the duplicate window."""
    since = timezone.now() - timedelta(hours=settings.COMMENT_DUPLICATE_WINDOW_HOURS)
    return Comment.objects.filter(fingerprint=fingerprint, submitted_at__gte=since).count()


_terms_lock = threading.Lock()
_terms_cache: dict[str, object] = {"stamp": None, "terms": TermList()}


def active_terms() -> TermList:
    """The active moderator term lists, rebuilt only when the table changed.

    The stamp (row count, latest edit) is one cheap query, so every process
    sees an edit made in admin on its next comment, without a restart or a
    shared cache to invalidate.
    """
    stamp_row = GuidelineTerm.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    stamp = (stamp_row["n"], stamp_row["latest"])
    with _terms_lock:
        if _terms_cache["stamp"] == stamp:
            return _terms_cache["terms"]  # type: ignore[return-value]
    banned: dict[str, list[str]] = {}
    suspect: dict[str, list[str]] = {}
    for term in GuidelineTerm.objects.filter(active=True).only("category", "term", "kind"):
        target = banned if term.kind == GuidelineTerm.Kind.BANNED else suspect
        target.setdefault(term.category, []).append(term.term)
    terms = TermList(
        banned={k: tuple(sorted(v)) for k, v in banned.items()},
        suspect={k: tuple(sorted(v)) for k, v in suspect.items()},
    )
    with _terms_lock:
        _terms_cache.update(stamp=stamp, terms=terms)
    return terms
