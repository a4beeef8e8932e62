"""One module per guideline; each exposes ``run(text, context) -> list[Finding]``.

``text`` is a ``Normalized`` comment; rules report spans of the folded text
through ``finding()``, which maps them back to the original comment so that
``evidence == original[start:end]`` always holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

from ..normalize import IGNORABLE, Normalized
from ..values import Finding, _FindingFields

# A moderator needs a few examples of each problem, not every repetition of
# it; capping also bounds the work on long hostile input (each finding costs
# an offset lookup and an object).
MAX_PER_RULE = 5


def finding(text: Normalized, category: str, rule: str, start: int, end: int, score: float) -> Finding:
    """``make_finding(category, rule, *text.evidence(start, end), clamped score)``.

    Hostile text makes dozens of findings per rule, and that chain was five
    Python calls each (``evidence``, ``span``, a clamp, ``make_finding``):
    this is one.  A span that starts or ends on an ignorable character
    (rare: those are trimmed) takes ``evidence`` itself, as does an empty one.
    """
    norm = text.norm
    if start < end and norm[start] != IGNORABLE and norm[end - 1] != IGNORABLE:
        # ``Normalized.span`` of a non-empty span.
        array = text._offset_array
        if array is not None:
            item = array.item
            s = item(start)
            e = item(end - 1) + 1
        else:
            offsets = text.offsets
            if offsets is None:
                s, e = start, end
            else:
                s = offsets[start]
                e = offsets[end - 1] + 1
        evidence = text.original[s:e]
    else:
        s, e, evidence = text.evidence(start, end)
    # ``max(0.0, min(1.0, float(score)))`` (two comparisons for a score
    # inside (0, 1), the usual case) and ``make_finding``, inline.
    score = float(score)
    if not 0.0 < score < 1.0:
        score = max(0.0, min(1.0, score))
    f = _new(_FindingFields)
    f.category = category
    f.rule = rule
    f.start = s
    f.end = e
    f.evidence = evidence
    f.score = score
    f.__class__ = Finding  # type: ignore[assignment]
    return cast("Finding", f)


_new = object.__new__


class PhraseIndex(dict):
    """``first word -> second word -> phrases``, with a per-text pre-filter."""

    rests: dict[str, tuple[frozenset[str], ...]]
    singles: frozenset[str]

    # The same pre-filter data arranged for C-level tests: the first words,
    # the second words of each first word's two-word phrases, and the rests
    # of its longer phrases (only for first words that have some).
    first_words: frozenset[str]
    seconds: dict[str, frozenset[str]]
    longer: dict[str, tuple[frozenset[str], ...]]

    def firsts(self, text: Normalized) -> frozenset[str]:
        """First words of the phrases whose words all occur in ``text``.

        Common first words ("you", "my", "go") would otherwise send every
        occurrence through ``match_phrase``; C-level set intersections rule
        almost all of them out.
        """
        wordset = text.wordset
        candidates = self.first_words & wordset
        if not candidates:
            return frozenset()
        singles = self.singles
        seconds = self.seconds
        longer = self.longer
        # A two-word phrase's rest is its second word: one ``isdisjoint``
        # over a first word's second words (in C) tests all of them (a dense
        # hostile text has dozens of candidate first words with up to 40
        # phrases each); ``wordset.issuperset`` mapped over the rests of the
        # longer phrases does the others.
        disjoint = wordset.isdisjoint
        superset = wordset.issuperset
        return frozenset(
            w
            for w in candidates
            if w in singles or not disjoint(seconds[w]) or (w in longer and any(map(superset, longer[w])))
        )


def phrase_index(phrases: Iterable[Iterable[str]]) -> PhraseIndex:
    """first word -> second word -> phrases starting with both, longest first.

    One-word phrases sit under the second-word key ``None``.  Keying on two
    words means a common first word ("you", "my", "go") costs one dict
    lookup per occurrence instead of a slice per candidate phrase.
    """
    index: dict[str, dict[str | None, set[tuple[str, ...]]]] = {}
    for phrase in phrases:
        phrase = tuple(phrase)
        second = phrase[1] if len(phrase) > 1 else None
        index.setdefault(phrase[0], {}).setdefault(second, set()).add(phrase)
    out = PhraseIndex(
        (first, {second: tuple(sorted(v, key=len, reverse=True)) for second, v in by_second.items()})
        for first, by_second in index.items()
    )
    out.rests = {
        first: tuple(frozenset(p[1:]) for phrases in d.values() for p in phrases if len(p) > 1)
        for first, d in index.items()
    }
    out.singles = frozenset(first for first, d in index.items() if None in d)
    out.first_words = frozenset(index)
    out.seconds = {
        first: frozenset(p[1] for phrases in d.values() for p in phrases if len(p) == 2) for first, d in index.items()
    }
    out.longer = {
        first: rests
        for first, d in index.items()
        if (rests := tuple(frozenset(p[1:]) for phrases in d.values() for p in phrases if len(p) > 2))
    }
    return out


def match_phrase(
    words: list[str], i: int, index: Mapping[str, Mapping[str | None, tuple[tuple[str, ...], ...]]]
) -> tuple[str, ...] | None:
    """The longest phrase of ``index`` starting at word ``i``, if any."""
    by_second = index.get(words[i])
    if by_second is None:
        return None
    if i + 1 < len(words):
        for phrase in by_second.get(words[i + 1], ()):
            if len(phrase) == 2 or tuple(words[i : i + len(phrase)]) == phrase:
                return phrase
    single = by_second.get(None)
    return single[0] if single else None


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
        self._per_rule: dict[str, int] = {}

    def add(self, first: int, last: int, score: float, rule: str) -> None:
        count = self._per_rule.get(rule, 0)
        if count >= MAX_PER_RULE:
            return
        words = range(first, last + 1)
        if not self._taken.isdisjoint(words):
            return
        self._per_rule[rule] = count + 1
        self._taken.update(words)
        # ``finding(text, ..., *text.word_span(first, last), score)`` with
        # the word offsets read here (a hostile text makes dozens of
        # findings; two method calls and a frame fewer each).
        text = self.text
        starts, ends = text._bounds
        self.findings.append(finding(text, self.category, rule, starts[first], ends[last], score))
