"""One module per guideline; each exposes ``run(text, context) -> list[Finding]``.

``text`` is a ``Normalized`` comment; rules report spans of the folded text
through ``finding()``, which maps them back to the original comment so that
``evidence == original[start:end]`` always holds.
"""

from __future__ import annotations

from ..normalize import Normalized
from ..values import Finding


def finding(text: Normalized, category: str, rule: str, start: int, end: int, score: float) -> Finding:
    s, e, evidence = text.evidence(start, end)
    return Finding(category, rule, s, e, evidence, max(0.0, min(1.0, float(score))))


def phrase_index(phrases) -> dict[str, tuple[tuple[str, ...], ...]]:
    """first word -> phrases starting with it, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(tuple(phrase))
    return {k: tuple(sorted(set(v), key=len, reverse=True)) for k, v in index.items()}


def match_phrase(words: list[str], i: int, index) -> tuple[str, ...] | None:
    """The longest phrase of ``index`` starting at word ``i``, if any."""
    for phrase in index.get(words[i], ()):
        if tuple(words[i:i + len(phrase)]) == phrase:
            return phrase
    return None


class WordSpanFindings:
    """Collects one rule module's findings over word ranges; a word is reported at most once.

    The first pattern to claim a word wins, so overlapping patterns (a menace
    phrase and the intent verb inside it) yield one finding, not two.
    """

    def __init__(self, text: Normalized, category: str) -> None:
        self.text = text
        self.category = category
        self.findings: list[Finding] = []
        self._taken: set[int] = set()

    def add(self, first: int, last: int, score: float, rule: str) -> None:
        words = range(first, last + 1)
        if any(k in self._taken for k in words):
            return
        self._taken.update(words)
        start, end = self.text.word_span(first, last)
        self.findings.append(finding(self.text, self.category, rule, start, end, score))
