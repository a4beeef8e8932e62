"""The one call through which comments reach the guideline checks.

`screen_comment()` builds the check context (article text, moderator term
lists, recent repeats of the same text) and runs the plain-Python checks;
`apply_screening()` runs inside the submit transaction and records a system
rejection when auto-reject is on and a banned term fired.

Term lists on the submission path come from a per-process copy that is
trusted while a version token in the shared cache is unchanged; saving or
deleting a GuidelineTerm replaces the token when its transaction commits
(moderation/receivers.py), so every process with the shared (Redis) cache
sees the change on its next comment without a database query per comment.
The copy is also re-validated against the table (one cheap stamp query) at
least every TERMS_RECHECK_SECONDS, which bounds how long a per-process
(LocMem) cache or a bump lost to a Redis outage can leave a process behind;
with the cache unreachable every comment checks the stamp, as before.

The learned layer's active model version comes the same way, from
`moderation.checkmodels.active_check_model()` (its own version token).

The reader's name is screened here too (`name_findings()`): a name that reads
as a staff word (settings.COMMENT_STAFF_NAME_WORDS) or as an active staff
member's username or full name (comments/names.py decides) adds a finding of
category `other`, rule `name.imitates_staff`, evidence the name, so the
comment is flagged in the queue and its priority rises (0.75 when look-alike
letters, leet or separators disguise it, 0.5 when plainly written). Names that
do so with letters of two alphabets never get here: comment_submit() refuses
them. The staff identities come from the shared cache (STAFF_NAMES_SECONDS;
saving or deleting a user drops the copy), so a submission costs no user query.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import Article
from comments import names
from comments.models import Comment
from community.standing import Standing, commenter_standing
from config.metrics import CHECK_SECONDS
from moderation.checkmodels import active_check_model
from moderation.checks import CheckContext, Finding, Report, TermList, check
from moderation.checks.engine import priority
from moderation.checks.model import LinearModel
from moderation.checks.rules.terms import compile_terms
from moderation.guidelines import SystemReason
from moderation.models import GuidelineTerm
from moderation.services import comment_reject

BANNED_RULE = "terms.banned"
BAN_REASON = SystemReason.BANNED
TERMS_VERSION_KEY = "guideline-terms:version"
# Longest a process serves its copy of the term lists without asking the table.
TERMS_RECHECK_SECONDS = 5.0
# The repeated-text check saturates at 4 earlier copies (score 0.3 + 0.15 * n, capped
# at 0.9), so counting beyond this changes nothing and only costs index reads.
DUPLICATE_COUNT_CAP = 10
# A reader's name that reads as a staff word or a staff member's name.
NAME_RULE = "name.imitates_staff"
NAME_CATEGORY = "other"
STAFF_NAMES_KEY = "staff-names:v1"
# Longest a copy of the staff identities is used (each process's own copy without Redis).
STAFF_NAMES_SECONDS = 60
STAFF_GROUP = "Moderators"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScreeningOutcome:
    """What the checks found, and whether the system rejects the comment at once."""

    report: Report
    auto_reject_reasons: tuple[str, ...] = ()
    standing: Standing = Standing()


def screen_comment(
    *,
    article: Article,
    author_name: str,
    author_email: str,
    body: str,
    fingerprint: str,
    ip_address: str | None = None,
) -> ScreeningOutcome:
    context = check_context(
        article=article,
        author_name=author_name,
        author_email=author_email,
        terms=screening_terms(),
        duplicate_count=recent_duplicate_count(fingerprint),
        model=active_check_model(),
    )
    with CHECK_SECONDS.time():
        report = check(body, context)
    report = with_name_findings(report, author_name)
    standing = commenter_standing(email=author_email, ip_address=ip_address)
    if standing.trusted:
        report = with_trusted_priority(report)
    reasons = (BAN_REASON,) if standing.banned else auto_reject_reasons(report)
    return ScreeningOutcome(report=report, auto_reject_reasons=reasons, standing=standing)


def with_trusted_priority(report: Report) -> Report:
    """A trusted commenter's comment waits behind strangers' (COMMUNITY_TRUSTED_PRIORITY_FACTOR); findings stay."""
    lowered = round(report.priority * settings.COMMUNITY_TRUSTED_PRIORITY_FACTOR, 4)
    return Report(report.findings, lowered, report.model_version, report.model_scores)


def name_findings(author_name: str) -> tuple[Finding, ...]:
    """A finding when the reader's name imitates a staff word or a staff member (comments/names.py)."""
    match = names.imitation(author_name, staff_words=settings.COMMENT_STAFF_NAME_WORDS, staff_users=staff_identities())
    if match is None:
        return ()
    return (Finding(NAME_CATEGORY, NAME_RULE, 0, 0, author_name, 0.75 if match.disguised else 0.5),)


def with_name_findings(report: Report, author_name: str) -> Report:
    """`report` plus the name's findings, its priority recomputed as the checks compute it."""
    extra = name_findings(author_name)
    if not extra:
        return report
    findings = tuple(sorted(report.findings + extra, key=lambda f: (f.start, f.end, f.category, f.rule)))
    return Report(findings, priority(findings, report.model_scores), report.model_version, report.model_scores)


def staff_identities() -> tuple[tuple[str, str, str], ...]:
    """(username, first name, last name) of every active staff member, superuser or moderator."""
    cached = cache.get(STAFF_NAMES_KEY)
    if cached is not None:
        return cached
    user_model = get_user_model()
    staff = (
        user_model.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name=STAFF_GROUP))
        .order_by("pk")
        .values_list(user_model.USERNAME_FIELD, "first_name", "last_name")
        .distinct()
    )
    identities = tuple(tuple(row) for row in staff)
    cache.set(STAFF_NAMES_KEY, identities, STAFF_NAMES_SECONDS)
    return identities


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="moderation.forget_staff_names_on_save")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="moderation.forget_staff_names_on_delete")
def forget_staff_identities(**kwargs) -> None:
    """A user changed: the next submission reads the staff identities again (others' copies expire).

    Dropped now and again once the change commits, so a copy read meanwhile is not kept.
    """
    cache.delete(STAFF_NAMES_KEY)
    transaction.on_commit(lambda: cache.delete(STAFF_NAMES_KEY))


def check_context(
    *,
    article: Article,
    author_name: str,
    author_email: str,
    terms: TermList,
    duplicate_count: int,
    model: LinearModel | None = None,
) -> CheckContext:
    """Everything the checks read besides the text, for a new or a stored comment (model None: rules only)."""
    return CheckContext(
        article_title=article.title,
        article_body=article.body,
        author_name=author_name,
        author_email=author_email,
        terms=terms,
        duplicate_count=duplicate_count,
        model=model,
    )


def auto_reject_reasons(report: Report) -> tuple[str, ...]:
    """Guideline codes of banned-term hits, when automatic rejection is enabled."""
    if not settings.MODERATION_AUTO_REJECT_BANNED:
        return ()
    return tuple(sorted({f.category for f in report.findings if f.rule == BANNED_RULE}))


def apply_screening(*, comment: Comment, outcome: ScreeningOutcome) -> None:
    """Inside the submit transaction: the system rejects a banned commenter's comment, or (when
    enabled) one with a banned term, recorded as a decision without a moderator."""
    ban = outcome.standing.ban  # `standing.banned` is `ban is not None`
    if ban is not None:
        comment_reject(
            comment=comment,
            moderator=None,
            reasons=[BAN_REASON],
            note=f"Rejected automatically: the commenter is banned (ban {ban.pk}).",
        )
    elif outcome.auto_reject_reasons:
        comment_reject(
            comment=comment,
            moderator=None,
            reasons=list(outcome.auto_reject_reasons),
            note="Rejected automatically: the comment contains a banned term.",
        )


def recent_duplicate_count(fingerprint: str) -> int:
    """How many comments with the same text arrived within the duplicate window (at most DUPLICATE_COUNT_CAP).

    Answered from the (fingerprint, submitted_at) index alone, and bounded: a
    text posted thousands of times costs no more than one posted ten times.
    Every submission runs this, and building it through the ORM cost about
    ten times the query itself (0.3 ms against 0.03 ms on SQLite), so the
    statement is built once from the model's own names and only executed here.
    """
    since = timezone.now() - timedelta(hours=settings.COMMENT_DUPLICATE_WINDOW_HOURS)
    alias = router.db_for_read(Comment)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(
            _duplicate_count_sql(alias),
            [fingerprint, connection.ops.adapt_datetimefield_value(since), DUPLICATE_COUNT_CAP],
        )
        return cursor.fetchone()[0]


@lru_cache(maxsize=None)
def _duplicate_count_sql(alias: str) -> str:
    quote, meta = connections[alias].ops.quote_name, Comment._meta
    table = quote(meta.db_table)
    fingerprint = quote(meta.get_field("fingerprint").column)
    submitted_at = quote(meta.get_field("submitted_at").column)
    return (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {fingerprint} = %s AND {submitted_at} >= %s "
        f"LIMIT %s) AS recent"
    )


@dataclass(frozen=True)
class _TermsCopy:
    """This process's term lists, the table stamp they were built from and the shared token they were checked under."""

    terms: TermList
    stamp: tuple | None
    token: str | None
    checked_at: float
    ready: bool = True  # False only for the empty placeholder a process starts with


_clock = time.monotonic  # patched by tests to step past TERMS_RECHECK_SECONDS
# A term list longer than this takes long enough to compile (about 0.3 s at 10,000 terms, 2 s at
# 50,000) that no comment should wait for it: the new list is compiled in a background thread while
# comments are still checked with the list this process already has (see _refresh).
BACKGROUND_COMPILE_TERMS = 1000
_compiling: dict[str, Any] = {"stamp": None, "thread": None}  # the list being compiled, if any
# Replaced whole (never mutated), so threads share it without a lock.
_copy = _TermsCopy(terms=TermList(), stamp=None, token=None, checked_at=float("-inf"), ready=False)


def screening_terms() -> TermList:
    """The active term lists for a new comment: no database query while nothing changed.

    The copy is used while the shared version token is the one it was
    checked under and it is younger than TERMS_RECHECK_SECONDS; otherwise
    the table's stamp decides whether to rebuild. A long new list is
    compiled in the background while the copy in hand keeps serving.
    """
    token = terms_version()
    current = _copy
    if token is not None and current.token == token and _clock() - current.checked_at < TERMS_RECHECK_SECONDS:
        return current.terms
    # The token was read before the table: a change committed meanwhile has
    # replaced it, so terms read here are never trusted past that change.
    return _refresh(token=token, in_background=True)


def active_terms() -> TermList:
    """The active term lists as the table holds them now (for rechecks): one stamp query, rebuilt on change."""
    current = _copy
    return _refresh(token=current.token, keep_token_if_unchanged=True)


def _refresh(*, token: str | None, keep_token_if_unchanged: bool = False, in_background: bool = False) -> TermList:
    global _copy
    started = _clock()
    current = _copy
    stamp_row = GuidelineTerm.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    stamp = (stamp_row["n"], stamp_row["latest"])
    if stamp == current.stamp:
        terms = current.terms
    elif in_background and current.ready and stamp_row["n"] > BACKGROUND_COMPILE_TERMS:
        # A long list (the row count of the stamp, inactive terms included, is its upper bound):
        # read and compile it in a thread; the list in hand serves this comment and the next ones.
        if _compiling["stamp"] != stamp:
            _load_and_compile_in_background(stamp=stamp, token=token)
        return current.terms
    else:
        terms = _load_terms()
        if keep_token_if_unchanged:
            token = None  # built outside the token check: the next comment checks again
    _copy = _TermsCopy(terms=terms, stamp=stamp, token=token, checked_at=started)
    return terms


def _load_and_compile_in_background(*, stamp: tuple, token: str | None) -> None:
    """Read and compile the term lists in a thread, then make them this process's copy."""

    def load_compile_swap() -> None:
        global _copy
        try:
            terms = _load_terms()
            compile_terms(terms)  # the checks' own cache (LRU on the list's value): check() reuses it
            _copy = _TermsCopy(terms=terms, stamp=stamp, token=token, checked_at=_clock())
        except Exception:  # the old list keeps serving; the next comment after the recheck interval retries
            logger.exception("compiling the new guideline term lists failed")
        finally:
            _compiling["stamp"] = None
            connections.close_all()  # this thread's own database connection

    _compiling["stamp"] = stamp
    thread = threading.Thread(target=load_compile_swap, name="compile-guideline-terms", daemon=True)
    _compiling["thread"] = thread
    thread.start()


def _load_terms() -> TermList:
    banned: dict[str, list[str]] = {}
    suspect: dict[str, list[str]] = {}
    for term in GuidelineTerm.objects.filter(active=True).only("category", "term", "kind"):
        target = banned if term.kind == GuidelineTerm.Kind.BANNED else suspect
        target.setdefault(term.category, []).append(term.term)
    return TermList(
        banned={k: tuple(sorted(v)) for k, v in banned.items()},
        suspect={k: tuple(sorted(v)) for k, v in suspect.items()},
    )


def terms_version() -> str | None:
    """The shared term-list version token; None when the cache cannot be reached."""
    token = cache.get(TERMS_VERSION_KEY)
    if token is None:
        # add() keeps a token another process set meanwhile; re-read to use the winner.
        fresh = uuid.uuid4().hex
        if cache.add(TERMS_VERSION_KEY, fresh, timeout=None):
            return fresh
        token = cache.get(TERMS_VERSION_KEY)
    return token


def forget_local_terms() -> None:
    """Make this process re-read the table on its next comment (it changed a term itself)."""
    global _copy
    _copy = _TermsCopy(terms=_copy.terms, stamp=None, token=None, checked_at=float("-inf"), ready=_copy.ready)


def bump_terms_version() -> None:
    """After a term change committed: every process's copy stops being trusted on its next comment."""
    try:
        cache.set(TERMS_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the change is committed; at worst processes notice it within TERMS_RECHECK_SECONDS
        logger.exception("could not publish the guideline term change to the shared cache")
