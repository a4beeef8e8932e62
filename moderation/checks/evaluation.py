"""Measure the checks against labelled comments.

``evaluate(rows)`` takes ``(text, label, source)`` rows and returns, per
label and per (source, label), the flag rate (share of rows with any
finding -- recall for violation labels, false-flag rate for ``clean``) and
the right-category rate (share of rows whose expected guideline code is among
the findings).  Beside them: the ROC AUC of the priority (how often a random
violation outranks a random clean comment in the review queue), and the
false-flag rate again without the clean rows that contain a listed swear word
(the policy forbids profanity, so such a "clean" label disagrees with it).
``format_markdown(result)`` renders it as Markdown tables.

Pure Python; the Django side wraps it in ``manage.py evaluate_checks``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .engine import check
from .values import CheckContext, Report

# label -> guideline codes that count as the right category (empty: clean).
EXPECTED: dict[str, frozenset[str]] = {
    "clean": frozenset(),
    "profanity": frozenset({"profanity", "vulgarity"}),
    "insult": frozenset({"personal_attack"}),
    "identity_abuse": frozenset({"abuse"}),
    "promotion": frozenset({"promotion"}),
    "threat": frozenset({"threat"}),
}


@dataclass
class Tally:
    rows: int = 0
    flagged: int = 0
    right: int = 0

    @property
    def flag_rate(self) -> float:
        return self.flagged / self.rows if self.rows else 0.0

    @property
    def right_rate(self) -> float:
        return self.right / self.rows if self.rows else 0.0

    def to_dict(self) -> dict:
        return {
            "rows": self.rows,
            "flagged": self.flagged,
            "right": self.right,
            "flag_rate": round(self.flag_rate, 4),
            "right_rate": round(self.right_rate, 4),
        }


def roc_auc(positives: list[float], negatives: list[float]) -> float | None:
    """P(random positive scores above random negative), ties counting half (Mann-Whitney U)."""
    if not positives or not negatives:
        return None
    scored = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum = 0.0
    i = 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2  # ranks i+1..j share their mean
        rank_sum += average_rank * sum(flag for _, flag in scored[i:j])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def has_listed_swear_word(text: str) -> bool:
    """Whether the profanity rule's word list (better-profanity's) matches ``text``."""
    from .normalize import Normalized
    from .rules import profanity

    return bool(profanity.run(Normalized(text), CheckContext()))


@dataclass
class EvaluationResult:
    by_label: dict[str, Tally] = field(default_factory=dict)
    by_source: dict[tuple[str, str], Tally] = field(default_factory=dict)
    unknown_labels: dict[str, int] = field(default_factory=dict)
    # Clean rows without a listed swear word (the stricter false-flag figure).
    clean_without_swearing: Tally = field(default_factory=Tally)
    violation_priorities: list[float] = field(default_factory=list)
    clean_priorities: list[float] = field(default_factory=list)

    def merge(self, other: EvaluationResult) -> None:
        pairs: tuple[tuple[dict[Any, Tally], dict[Any, Tally]], ...] = (
            (self.by_label, other.by_label),
            (self.by_source, other.by_source),
        )
        for mine, theirs in pairs:
            for key, t in theirs.items():
                tally = mine.setdefault(key, Tally())
                tally.rows += t.rows
                tally.flagged += t.flagged
                tally.right += t.right
        for k, v in other.unknown_labels.items():
            self.unknown_labels[k] = self.unknown_labels.get(k, 0) + v
        self.clean_without_swearing.rows += other.clean_without_swearing.rows
        self.clean_without_swearing.flagged += other.clean_without_swearing.flagged
        self.violation_priorities += other.violation_priorities
        self.clean_priorities += other.clean_priorities

    @property
    def auc(self) -> float | None:
        return roc_auc(self.violation_priorities, self.clean_priorities)

    def summary(self) -> dict:
        violations = [t for label, t in self.by_label.items() if label != "clean"]
        clean = self.by_label.get("clean")
        auc = self.auc
        return {
            "mean_recall": round(sum(t.flag_rate for t in violations) / len(violations), 4) if violations else None,
            "min_recall": round(min(t.flag_rate for t in violations), 4) if violations else None,
            "mean_right_category": round(sum(t.right_rate for t in violations) / len(violations), 4)
            if violations
            else None,
            "false_flags": round(clean.flag_rate, 4) if clean else None,
            "false_flags_without_swearing": round(self.clean_without_swearing.flag_rate, 4)
            if self.clean_without_swearing.rows
            else None,
            "priority_auc": round(auc, 4) if auc is not None else None,
        }

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "by_label": {k: v.to_dict() for k, v in self.by_label.items()},
            "by_source": {f"{s}/{l}": v.to_dict() for (s, l), v in self.by_source.items()},
            "unknown_labels": dict(self.unknown_labels),
        }


def evaluate(
    rows: Iterable[tuple[str, str, str]],
    checker: Callable[[str, CheckContext | None], Report] = check,
    context: CheckContext | None = None,
) -> EvaluationResult:
    result = EvaluationResult()
    for row in rows:
        text, label, source = row[0], str(row[1]).strip(), str(row[2]).strip() if len(row) > 2 else ""
        if label not in EXPECTED:
            result.unknown_labels[label] = result.unknown_labels.get(label, 0) + 1
            continue
        report = checker(text, context)
        expected = EXPECTED[label]
        flagged = report.flagged
        right = (not flagged) if not expected else bool(expected & set(report.categories))
        if expected:
            result.violation_priorities.append(report.priority)
        else:
            result.clean_priorities.append(report.priority)
            if not has_listed_swear_word(text):
                result.clean_without_swearing.rows += 1
                result.clean_without_swearing.flagged += flagged
        for tally in (
            result.by_label.setdefault(label, Tally()),
            result.by_source.setdefault((source, label), Tally()),
        ):
            tally.rows += 1
            tally.flagged += flagged
            tally.right += right
    return result


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def format_summary(summary: dict[str, Any]) -> str:
    def pct(x: float | None) -> str:
        return "n/a" if x is None else _pct(x)

    auc = summary.get("priority_auc")
    return (
        f"mean recall {pct(summary['mean_recall'])} (lowest label {pct(summary['min_recall'])}), "
        f"right category {pct(summary['mean_right_category'])}, "
        f"false flags {pct(summary['false_flags'])} "
        f"({pct(summary['false_flags_without_swearing'])} without listed swear words), "
        f"priority ROC AUC {'n/a' if auc is None else f'{auc:.3f}'}"
    )


def format_markdown(result: EvaluationResult) -> str:
    """A summary line, then two Markdown tables: per label, then per source and label."""
    lines = [
        format_summary(result.summary()),
        "",
        "| label | rows | flag rate | right-category rate |",
        "| --- | ---: | ---: | ---: |",
    ]
    order = [l for l in EXPECTED if l in result.by_label]
    for label in order:
        t = result.by_label[label]
        right = "n/a (false flags)" if label == "clean" else _pct(t.right_rate)
        lines.append(f"| {label} | {t.rows} | {_pct(t.flag_rate)} | {right} |")
    lines += ["", "| source | label | rows | flag rate | right-category rate |", "| --- | --- | ---: | ---: | ---: |"]
    for (source, label), t in sorted(result.by_source.items()):
        right = "n/a" if label == "clean" else _pct(t.right_rate)
        lines.append(f"| {source} | {label} | {t.rows} | {_pct(t.flag_rate)} | {right} |")
    if result.unknown_labels:
        lines += [
            "",
            "Skipped rows with unknown labels: "
            + ", ".join(f"{k} ({v})" for k, v in sorted(result.unknown_labels.items())),
        ]
    return "\n".join(lines) + "\n"
