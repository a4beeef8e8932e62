"""Runs every guideline rule on a comment and computes review priority.

Priority is a noisy-OR over categories of (best finding score x category
weight): several independent problems rank higher than one, threats and
identity abuse rank above promotion, and off-topic alone stays low.  A
moderator ``terms.banned`` hit always yields priority 1.0.

With a learned model in the context (``CheckContext.model``), its findings
join the rules' (rule ``model``) and its calibrated probability counts for
every category it scores: in full where that category was flagged (by a rule
or by the model), at half weight where nothing flagged it.  So the queue is
ordered by how likely a comment breaks a guideline, not only by whether a
rule fired, and flagged comments still come before unflagged ones of equal
probability.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter

from .normalize import Normalized
from .rules import abuse, off_topic, personal_attack, profanity, promotion, terms, threat
from .values import CheckContext, Finding, Report

_DEFAULT_CONTEXT = CheckContext()
RULES = (
    profanity.run,
    threat.run,
    personal_attack.run,
    abuse.run,
    promotion.run,
    off_topic.run,
    terms.run,
)
CATEGORY_WEIGHTS = {
    "threat": 1.0,
    "abuse": 0.95,
    "personal_attack": 0.85,
    "profanity": 0.75,
    "vulgarity": 0.8,
    "promotion": 0.7,
    "off_topic": 0.3,
}


# Report order of findings: the (start, end, category, rule) tuple, built in C.
_ORDER = attrgetter("start", "end", "category", "rule")

# Share of an unflagged category's model probability that counts towards priority.
UNFLAGGED_MODEL_WEIGHT = 0.5


def priority(findings: tuple[Finding, ...] | list[Finding], model_scores: Mapping[str, float] | None = None) -> float:
    best: dict[str, float] = {}
    for f in findings:
        if f.rule == "terms.banned":
            return 1.0
        if f.score > best.get(f.category, 0.0):
            best[f.category] = f.score
    for category, score in (model_scores or {}).items():
        if category in best:
            best[category] = max(best[category], score)
        else:
            best[category] = UNFLAGGED_MODEL_WEIGHT * score
    remaining = 1.0
    for category, score in best.items():
        remaining *= 1.0 - score * CATEGORY_WEIGHTS.get(category, 0.7)
    return round(1.0 - remaining, 4)


def check(text: str, context: CheckContext | None = None) -> Report:
    if context is None:
        context = _DEFAULT_CONTEXT
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    normalized = Normalized(text)
    # Keyed by the report order (_ORDER): sorting the (unique) keys sorts the
    # findings, with no key function called per finding.
    merged: dict[tuple[int, int, str, str], Finding] = {}
    for rule in RULES:
        for f in rule(normalized, context):
            key = (f.start, f.end, f.category, f.rule)
            old = merged.get(key)
            if old is None or f.score > old.score:
                merged[key] = f
    model = context.model
    if model is not None:
        assessment = model.assess(normalized)
        for f in assessment.findings:
            merged.setdefault((f.start, f.end, f.category, f.rule), f)
    # The keys alone: comparing (key, finding) pairs compares each key twice
    # (tuple order tests equality first, then order), about three times the work.
    findings = tuple(map(merged.__getitem__, sorted(merged)))
    if model is None:
        return Report(findings, priority(findings))
    return Report(findings, priority(findings, assessment.scores), model.version, assessment.scores)
