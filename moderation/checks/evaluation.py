"""Measure the checks against labelled comments.

``evaluate(rows)`` takes ``(text, label, source)`` rows and returns, per
label and per (source, label), the flag rate (share of rows with any
finding -- recall for violation labels, false-flag rate for ``clean``) and
the right-category rate (share of rows whose expected guideline code is among
the findings).  ``format_markdown(result)`` renders it as Markdown tables.

Pure Python; the Django side wraps it in ``manage.py evaluate_checks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

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
        return {"rows": self.rows, "flagged": self.flagged, "right": self.right,
                "flag_rate": round(self.flag_rate, 4), "right_rate": round(self.right_rate, 4)}


@dataclass
class EvaluationResult:
    by_label: dict[str, Tally] = field(default_factory=dict)
    by_source: dict[tuple[str, str], Tally] = field(default_factory=dict)
    unknown_labels: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
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
        for tally in (result.by_label.setdefault(label, Tally()), result.by_source.setdefault((source, label), Tally())):
            tally.rows += 1
            tally.flagged += flagged
            tally.right += right
    return result


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def format_markdown(result: EvaluationResult) -> str:
    """Two Markdown tables: per label, then per source and label."""
    lines = [
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
        lines += ["", "Skipped rows with unknown labels: " + ", ".join(f"{k} ({v})" for k, v in sorted(result.unknown_labels.items()))]
    return "\n".join(lines) + "\n"
