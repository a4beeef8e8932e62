"""The paths of the eighth speed pass in the person-aimed rules and the
shared finding helpers (issue #11) give exactly what the code they replace
gives (seeded, nothing timed).

* ``rules.finding`` and ``WordSpanFindings.add`` clamp a score strictly
  inside (0, 1) with two comparisons, and ``add`` reads the word offsets
  itself instead of calling ``word_span`` and ``finding``;
* threat skips the rest of its loop at a menace first word that belongs to
  no other class ("you"), and ``_kindly`` tests for "with" before zipping;
* personal_attack tests a slice for a naming verb before the generator.
"""

from __future__ import annotations

import math
import random

import pytest

from benchmarks.test_person_paths import _person_texts
from moderation.checks.normalize import Normalized
from moderation.checks.rules import MAX_PER_RULE, WordSpanFindings, _clamped, finding, personal_attack, threat
from moderation.checks.values import Finding


def _clamped_plain(score: float) -> float:
    """The code as it read."""
    return max(0.0, min(1.0, float(score)))


def test_clamped_is_the_min_max():
    import numpy as np

    rnd = random.Random(1)
    special = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 1e-300, -1e-300, 1 - 1e-16, 1 + 1e-15, math.inf, -math.inf, math.nan]
    values = special + [0, 1, 2, -3, True, False, np.float32(0.7), np.float64(1.5), np.float64(-0.0), np.int64(1)]
    values += [rnd.uniform(-2, 3) for _ in range(20000)] + [rnd.choice((0.4, 0.55, 0.8, 0.85)) for _ in range(100)]
    for value in values:
        # repr tells -0.0 from 0.0 and compares NaN.
        assert repr(_clamped(value)) == repr(_clamped_plain(value))
        assert type(_clamped(value)) is float


class _PlainSpans:
    """``WordSpanFindings`` as it read (the reference of the test below)."""

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
        start, end = self.text.word_span(first, last)
        text = self.text
        s, e, evidence = text.evidence(start, end)
        self.findings.append(
            Finding(self.category, rule, s, e, evidence, max(0.0, min(1.0, float(score))))  # the old ``finding``
        )


@pytest.mark.parametrize("seed", [2, 3])
def test_word_span_findings_are_the_plain_ones(seed):
    rnd = random.Random(seed)
    texts = _person_texts(seed, 60) + ["a\x00b  \x00 c", "Ж é \u200b x y z", "x"]
    scores = [0.0, -0.0, 0.5, 0.55, 0.8, 1.0, 1.3, -0.2, 0.75]
    for text in texts:
        n = Normalized(text)
        size = len(n.words)
        if not size:
            continue
        new, old = WordSpanFindings(n, "threat"), _PlainSpans(n, "threat")
        for _ in range(rnd.choice((1, 10, 60))):
            first = rnd.randrange(size)
            last = min(size - 1, first + rnd.choice((0, 0, 1, 2, 5)))
            score = rnd.choice(scores)
            rule = rnd.choice(("threat.a", "threat.b", "threat.c"))
            new.add(first, last, score, rule)
            old.add(first, last, score, rule)
        assert list(map(repr, new.findings)) == list(map(repr, old.findings))
        # ``finding`` itself, on any span of the text.
        a = rnd.randint(0, len(n.norm))
        b = rnd.randint(a, len(n.norm))
        score = rnd.choice(scores)
        s, e, evidence = n.evidence(a, b)
        assert repr(finding(n, "x", "x.y", a, b, score)) == repr(
            Finding("x", "x.y", s, e, evidence, _clamped_plain(score))
        )


def _kindly_plain(after: list[str]) -> bool:
    """The code as it read."""
    return any(a == "with" and b in threat._KINDLY for a, b in zip(after[:4], after[1:5]))


def test_kindly_is_the_zip():
    rnd = random.Random(4)
    vocabulary = ["with", "kindness", "love", "them", "x", "", "laughter", "with"]
    for _ in range(30000):
        after = rnd.choices(vocabulary, k=rnd.randint(0, 7))
        assert threat._kindly(after) == _kindly_plain(after)


def _threat_texts(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    menace = sorted(threat._MENACE_FIRST)
    extra = (
        "you you're your go watch kill them with kindness love hope die dead should be shot i will "
        "find hurt him all let rot in hell kys wish death . ! \n gonna put a bullet kick out"
    ).split(" ")
    out = _person_texts(seed, count)
    for _ in range(count):
        words = rnd.choices(menace + extra, k=rnd.choice((3, 30, 300)))
        out.append(" ".join(words))
    return out


@pytest.mark.parametrize("seed", [5, 6])
def test_threat_skip_and_kindly_change_no_finding(monkeypatch, seed):
    texts = _threat_texts(seed, 80)
    new = [repr(threat.run(Normalized(t), None)) for t in texts]
    monkeypatch.setattr(threat, "_MENACE_ONLY", frozenset())  # never skip: the old loop
    monkeypatch.setattr(threat, "_kindly", _kindly_plain)
    old = [repr(threat.run(Normalized(t), None)) for t in texts]
    assert new == old
    assert any(n != "[]" for n in new)  # the texts do make threat findings


def test_menace_only_words_belong_to_no_other_class():
    # The skip is sound only if every class the loop reads after the menace
    # phrases is disjoint from it.
    read = (
        threat._LETHAL
        | threat.STRONG_VERBS
        | threat.WEAK_VERBS
        | threat.PASSIVE
        | threat.DEATH
        | threat.WISH
        | {"destroy", "wipe", "exterminate", "kick", "let", "want", "wanna", "love", "death"}
    )
    assert threat._MENACE_ONLY.isdisjoint(read)
    assert "you" in threat._MENACE_ONLY


def _naming_plain(words: list[str], lo: int, hi: int) -> int:
    """The code as it read."""
    return next((x for x in range(lo, hi) if words[x] in personal_attack._NAMING), -1)


def test_naming_is_the_generator():
    rnd = random.Random(7)
    vocabulary = ["called", "call", "an", "idiot", "you", "", "named", "x", "dubbed"]
    for _ in range(30000):
        words = rnd.choices(vocabulary, k=rnd.randint(0, 9))
        lo = rnd.randint(0, len(words))
        hi = rnd.randint(lo, len(words) + 1)
        hi = min(hi, len(words))
        assert personal_attack._naming(words, lo, hi) == _naming_plain(words, lo, hi)
