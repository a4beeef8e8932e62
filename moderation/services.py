"""Moderation writes: decisions (the only code that changes a comment's status) and the learned
checks' model versions (training from decisions, activating and rolling back).

Each decision is one transaction: a conditional status change (it succeeds
only if the comment is still in the state the moderator saw) plus one
append-only ModerationDecision row. Admin, API, commands and the automatic
screening all call these functions, so they behave identically.

Model versions are stored once and never changed; which one the checks use is
the latest row of the append-only CheckModelActivation log (none: the shipped
file), so activating and rolling back are both one more row, written with the
permission `moderation.manage_check_models` (not part of the Moderators group:
superusers, or an explicit grant) and published to every process on commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User  # the staff account type (annotations)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from moderation import checkmodels
from moderation.checks.model import LinearModel
from moderation.guidelines import Guideline, SystemReason
from moderation.models import CheckModelActivation, CheckModelVersion, ModerationDecision
from moderation.selectors import decision_training_rows, latest_check_model_activation
from moderation.signals import comment_decided

MODERATE_PERMISSION = "comments.moderate_comment"
MANAGE_CHECK_MODELS_PERMISSION = "moderation.manage_check_models"
# Fine-tuning holds out this share of the decisions (chosen by a hash of the text, seeded) to
# recalibrate on; the stored metrics are measured on the same share.
FINE_TUNE_SEED = 13
FINE_TUNE_HELD_SHARE = 0.2

logger = logging.getLogger(__name__)


class AlreadyDecided(Exception):
    """Someone else changed the comment's status first; nothing was written."""

    def __init__(self, comment: Comment, current_status: str, decided_by: str | None) -> None:
        self.comment = comment
        self.current_status = current_status
        self.decided_by = decided_by
        who = f" by {decided_by}" if decided_by else ""
        super().__init__(f"Comment {comment.pk} was already {current_status}{who}.")


def can_moderate(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(MODERATE_PERMISSION))


def comment_approve(
    *,
    comment: Comment,
    moderator: User | None,
    note: str = "",
    expected_status: str | None = None,
) -> ModerationDecision:
    """Approve a comment as written. `moderator=None` means the system."""
    return _decide(
        comment=comment,
        verdict=ModerationDecision.Verdict.APPROVED,
        moderator=moderator,
        reasons=[],
        note=note,
        expected_status=expected_status,
    )


def comment_reject(
    *,
    comment: Comment,
    moderator: User | None,
    reasons: Iterable[str],
    note: str = "",
    expected_status: str | None = None,
) -> ModerationDecision:
    """Reject a comment for one or more guideline codes (`other` needs a note)."""
    return _decide(
        comment=comment,
        verdict=ModerationDecision.Verdict.REJECTED,
        moderator=moderator,
        reasons=_clean_reasons(reasons, note, system=moderator is None),
        note=note,
        expected_status=expected_status,
    )


def _clean_reasons(reasons: Iterable[str], note: str, *, system: bool = False) -> list[str]:
    codes = sorted(set(reasons))
    if not codes:
        raise ValidationError({"reasons": ["Choose at least one guideline the comment breaks."]})
    known = set(Guideline.values) | (set(SystemReason.values) if system else set())
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError({"reasons": [f"Unknown guideline code: {', '.join(unknown)}."]})
    if Guideline.OTHER in codes and not note.strip():
        raise ValidationError({"note": ["Explain the reason when rejecting as 'other'."]})
    return codes


def _decide(
    *,
    comment: Comment,
    verdict: str,
    moderator: User | None,
    reasons: list[str],
    note: str,
    expected_status: str | None,
) -> ModerationDecision:
    if moderator is not None and not can_moderate(moderator):
        raise PermissionDenied("You do not have permission to moderate comments.")
    seen = expected_status or comment.status
    with transaction.atomic():
        # The time is taken once this transaction holds the comment's row (PostgreSQL row
        # lock; SQLite's IMMEDIATE transactions already hold the write lock from BEGIN), so a
        # decision that waited for another is never logged as earlier than it.
        Comment.objects.select_for_update().filter(pk=comment.pk).values_list("pk").first()
        now = timezone.now()
        changed = 0
        if seen != verdict:
            changed = Comment.objects.filter(pk=comment.pk, status=seen).update(status=verdict, decided_at=now)
        if not changed:
            current = Comment.objects.filter(pk=comment.pk).values_list("status", flat=True).first()
            last = comment.decisions.select_related("moderator").first()
            raise AlreadyDecided(comment, current or seen, last.decided_by if last else None)
        decision = ModerationDecision.objects.create(
            comment=comment,
            moderator=moderator,
            verdict=verdict,
            reasons=reasons,
            note=note.strip(),
            previous_status=seen,
            decided_at=now,
        )
        comment.mark_decided(status=verdict, decided_at=now)
        transaction.on_commit(lambda: comment_decided.send(sender=Comment, comment=comment, decision=decision))
        transaction.on_commit(lambda: _log_decision(decision))
    return decision


def _log_decision(decision: ModerationDecision) -> None:
    # Structured fields of their own in the JSON logs (config/logconfig.py).
    logger.info(
        "comment %s %s by %s",
        decision.comment_id,
        decision.verdict,
        decision.decided_by,
        extra={
            "comment_id": decision.comment_id,
            "moderator": decision.decided_by,
            "verdict": decision.verdict,
            "reasons": list(decision.reasons),
        },
    )


# --- The learned checks: stored versions and which one is active ----------------------------------


class NotEnoughDecisions(Exception):
    """Too few usable moderator decisions to learn from; nothing was stored."""

    def __init__(self, available: int, needed: int) -> None:
        self.available = available
        self.needed = needed
        super().__init__(
            f"Only {available} usable moderator decision(s); at least {needed} are needed "
            "(CHECKS_RETRAIN_MIN_DECISIONS)."
        )


def can_manage_check_models(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(MANAGE_CHECK_MODELS_PERMISSION))


def _require_manage_check_models(actor: User | None) -> None:
    """`actor=None` is the system (the periodic task, a command run by the operator)."""
    if actor is not None and not can_manage_check_models(actor):
        raise PermissionDenied("You do not have permission to manage the guideline-check models.")


def check_model_activate(*, version: str, actor: User | None, note: str = "") -> CheckModelActivation:
    """Make `version` the model the checks use (also the way to roll back): one more activation row.

    `version` is a stored version, or the shipped model's version (stored on first
    use, so it can be rolled back to). Every process switches on its next comment
    once the transaction commits. Raises PermissionDenied without
    `moderation.manage_check_models`, ValidationError for an unknown version or
    the version already active.
    """
    _require_manage_check_models(actor)
    shipped = checkmodels.shipped_or_none()
    with transaction.atomic():
        latest = latest_check_model_activation()
        active_version = latest.version.version if latest else (shipped.version if shipped else "")
        if version == active_version:
            raise ValidationError({"version": [f"{version} is already the active check model."]})
        stored = CheckModelVersion.objects.filter(version=version).defer("data").first()
        if stored is None:
            if shipped is None or shipped.version != version:
                raise ValidationError({"version": [f"No check model version {version!r}."]})
            stored = _store_version(model=shipped, origin=CheckModelVersion.Origin.SHIPPED, actor=actor)
        return _activate(stored=stored, actor=actor, note=note)


def _activate(*, stored: CheckModelVersion, actor: User | None, note: str) -> CheckModelActivation:
    activation = CheckModelActivation.objects.create(
        version=stored, activated_by=actor, activated_at=timezone.now(), note=note.strip()
    )
    checkmodels.forget_local_check_model()
    transaction.on_commit(checkmodels.bump_check_model_version)
    return activation


def _store_version(
    *,
    model: LinearModel,
    origin: str,
    actor: User | None,
    parent_version: str = "",
    decisions_used: int = 0,
    metrics: dict | None = None,
    note: str = "",
) -> CheckModelVersion:
    """The stored row for `model` (the same weights are stored once, under their version)."""
    stored, _ = CheckModelVersion.objects.get_or_create(
        version=model.version,
        defaults={
            "data": model.to_bytes(),
            "origin": origin,
            "parent_version": parent_version,
            "decisions_used": decisions_used,
            "meta": model.meta,
            "metrics": metrics or {},
            "note": note.strip(),
            "created_at": timezone.now(),
            "created_by": actor,
        },
    )
    return stored


def check_model_train_from_decisions(
    *,
    actor: User | None,
    activate: bool = False,
    since: datetime | None = None,
    note: str = "",
) -> CheckModelVersion:
    """Fine-tune the shipped model on moderators' decisions and store the result as a new version.

    Every retraining starts again from the shipped model and learns from all
    usable decisions (up to CHECKS_RETRAIN_MAX_DECISIONS): tuning the active,
    already tuned version on the same decisions again would count them twice.

    Learns from `decision_training_rows(since=since)` (bodies only, the latest
    moderator decision of each comment). Raises NotEnoughDecisions below
    CHECKS_RETRAIN_MIN_DECISIONS usable decisions, and PermissionDenied without
    `moderation.manage_check_models` (`actor=None`: the system). The training
    runs outside any transaction (seconds to a minute); storing the version (and
    the model it was tuned from, when that is the shipped file) and, with
    `activate`, activating it is one transaction. The same weights trained
    twice are stored once.
    """
    _require_manage_check_models(actor)
    from moderation.checks.model import training  # scipy: never imported on the request path

    rows = decision_training_rows(since=since)
    needed = settings.CHECKS_RETRAIN_MIN_DECISIONS
    if len(rows) < needed:
        raise NotEnoughDecisions(len(rows), needed)
    base = checkmodels.shipped_or_none()
    if base is None:
        raise ValidationError("No check model to fine-tune: the shipped model could not be loaded.")
    tuned = training.fine_tune(
        base,
        rows,
        maxiter=settings.CHECKS_RETRAIN_MAXITER,
        seed=FINE_TUNE_SEED,
        calibration_share=FINE_TUNE_HELD_SHARE,
        meta={"origin": CheckModelVersion.Origin.DECISIONS},
    )
    metrics = _decision_metrics(base=base, tuned=tuned, rows=rows)
    with transaction.atomic():
        latest = latest_check_model_activation()
        if latest is None or latest.version.version != base.version:
            # The model it was tuned from is the shipped file (or a fallback to it): keep it to roll back to.
            _store_version(model=base, origin=CheckModelVersion.Origin.SHIPPED, actor=None)
        stored = _store_version(
            model=tuned,
            origin=CheckModelVersion.Origin.DECISIONS,
            actor=actor,
            parent_version=base.version,
            decisions_used=len(rows),
            metrics=metrics,
            note=note,
        )
        if activate and (latest is None or latest.version_id != stored.pk):
            _activate(stored=stored, actor=actor, note=note or "Activated when trained from decisions.")
    logger.info("check model %s fine-tuned from %s on %d decisions", stored.version, base.version, len(rows))
    return stored


def _decision_metrics(*, base: LinearModel, tuned: LinearModel, rows: list) -> dict:
    """How the base and the tuned model flag the decisions the tuning held out (its calibration share).

    "clean_flagged": share of approved comments the model flags (any category);
    "rejected_caught": share of rejected comments it flags with one of their reasons.
    """
    from moderation.checks.model import training
    from moderation.checks.normalize import Normalized

    held = [row for row in rows if training.is_validation(row, FINE_TUNE_SEED, FINE_TUNE_HELD_SHARE)]
    out: dict = {"decisions": len(rows), "held_out": len(held), "clean": sum(1 for row in rows if not row.labels)}
    for name, model in (("base", base), ("tuned", tuned)):
        clean = flagged_clean = rejected = caught = 0
        for row in held:
            probs = model.calibrate(model.raw_scores(Normalized(row.text).wordtext))
            flagged = {cat for cat, p, t in zip(model.categories, probs, model.thresholds) if p >= t}
            if row.labels:
                rejected += 1
                caught += bool(flagged & row.labels)
            else:
                clean += 1
                flagged_clean += bool(flagged)
        out[name] = {
            "version": model.version,
            "clean_flagged": round(flagged_clean / clean, 4) if clean else None,
            "rejected_caught": round(caught / rejected, 4) if rejected else None,
        }
    return out
