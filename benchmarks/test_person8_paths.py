"""The paths of the eighth speed pass in the person-aimed rules and the
shared finding helpers (issue #11) give exactly what the code they replace
gives (seeded, nothing timed).

* ``rules.finding`` and ``WordSpanFindings.add`` clamp a score strictly
  inside (0, 1) with two comparisons, and ``add`` reads the word offsets
  itself instead of calling ``word_span`` and ``finding``;
* threat skips the rest of its loop at a menace first word that belongs to
  no other class ("you"), and ``_kindly`` tests for "with" before zipping;
* personal_attack tests a slice for a naming verb before the generator;
* personal_attack reads the reach of the heads, addresses and person nouns
  from one window of eleven words per insult word (``_reaches``), where the
  seventh pass read a window per vocabulary (``_in_windows``, few insult
  words) or searched the sorted positions of the vocabulary's words
  (``_in_reach``, many): both kept below as references.
"""

from __future__ import annotations

import math
import random
from itertools import chain, compress, repeat
from operator import add, not_

import numpy as np
import pytest

from benchmarks.test_person_paths import _person_texts
from moderation.checks.normalize import Normalized
from moderation.checks.rules import MAX_PER_RULE, WordSpanFindings, finding, personal_attack, threat
from moderation.checks.values import Finding


def _clamped_plain(score: float) -> float:
    """The code as it read."""
    return max(0.0, min(1.0, float(score)))


def test_finding_clamps_its_score_like_min_max():
    import numpy as np

    text = Normalized("x")

    rnd = random.Random(1)
    special = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 1e-300, -1e-300, 1 - 1e-16, 1 + 1e-15, math.inf, -math.inf, math.nan]
    values = special + [0, 1, 2, -3, True, False, np.float32(0.7), np.float64(1.5), np.float64(-0.0), np.int64(1)]
    values += [rnd.uniform(-2, 3) for _ in range(20000)] + [rnd.choice((0.4, 0.55, 0.8, 0.85)) for _ in range(100)]
    for value in values:
        # repr tells -0.0 from 0.0 and compares NaN.
        score = finding(text, "abuse", "abuse.test", 0, 1, value).score
        assert repr(score) == repr(_clamped_plain(value))
        assert type(score) is float


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


# -- the reach of heads and addresses: the seventh pass's two paths --------


def _in_windows_plain(vocabulary: frozenset[str], padded: list[str], queries: list[int], lo: int, hi: int) -> set[int]:
    """The code as it read (few insult words): a slice and a test per query and vocabulary."""
    if not vocabulary or not queries:
        return set()
    pad = personal_attack._PAD
    windows = map(
        padded.__getitem__, map(slice, map(add, queries, repeat(pad + lo)), map(add, queries, repeat(pad + hi)))
    )
    return set(compress(queries, map(not_, map(vocabulary.isdisjoint, windows))))


def _in_reach_plain(positions: list[int], queries: list[int], queries_array: np.ndarray, lo: int, hi: int) -> set[int]:
    """The code as it read (many insult words): two searches of the sorted positions."""
    if not positions:
        return set()
    at = np.array(positions)
    hit = np.searchsorted(at, queries_array + lo) < np.searchsorted(at, queries_array + hi)
    return set(compress(queries, hit.tolist()))


def _reach_listed(positions: list[int], before: int, after: int) -> set[int]:
    """The sixth pass's code: every ``p + d``, ``before <= d < after``."""
    return set(chain.from_iterable(map(range, map(add, positions, repeat(before)), map(add, positions, repeat(after)))))


# The (lo, hi) windows of heads, addresses, addresses or possessives, and
# person nouns, in the order ``_reaches`` returns them.
_WINDOWS = ((-5, 0), (-6, 5), (-4, 5), (1, 2))


@pytest.mark.parametrize("seed", [10, 11, 12])
def test_reaches_are_the_windows_and_the_searches(seed):
    rnd = random.Random(seed)
    alphabet = ["a", "b", "c", "d", "", "e", "f"]
    for _ in range(3000):
        n = rnd.choice((1, 2, 3, 8, 12, 40, 300))
        words = [rnd.choice(alphabet) for _ in range(n)]
        vocabularies = [frozenset(rnd.sample(["a", "b", "c", "x"], rnd.randint(0, 3))) for _ in range(4)]
        # ``_run`` passes addresses within addresses-or-possessives.
        vocabularies[1] = vocabularies[1] & vocabularies[2]
        heads, addresses, addressing, people = vocabularies
        queries = sorted(rnd.sample(range(n), rnd.randint(0, n)))
        padded = personal_attack._PADDING + words
        got = personal_attack._reaches(padded, queries, heads, addresses, addressing, people)
        array = np.array(queries)
        for vocabulary, (lo, hi), reach in zip(vocabularies, _WINDOWS, got, strict=True):
            assert reach == _in_windows_plain(vocabulary, padded, queries, lo, hi)
            if queries:
                positions = [j for j, w in enumerate(words) if w in vocabulary]
                assert reach == _in_reach_plain(positions, queries, array, lo, hi)
                assert reach == {i for i in queries if i in _reach_listed(positions, -hi + 1, -lo + 1)}


@pytest.mark.parametrize("seed", [13, 14])
def test_rule_findings_are_those_of_the_seventh_pass_reach(monkeypatch, seed):
    # The whole rule with the old paths in place of ``_reaches``: the same
    # findings on hostile and ordinary texts, whichever old path is taken.
    texts = _person_texts(seed, 60) + ["you idiot. what a moron! your stupid face", "Stupid woman.", ""]
    new = [repr(personal_attack.run(Normalized(t), None)) for t in texts]

    def windows(padded, queries, heads, addresses, addressing, people):
        vocabularies = (heads, addresses, addressing, people)
        return tuple(_in_windows_plain(v, padded, queries, lo, hi) for v, (lo, hi) in zip(vocabularies, _WINDOWS))

    def searches(padded, queries, heads, addresses, addressing, people):
        words = padded[personal_attack._PAD :]
        array = np.array(queries)
        vocabularies = (heads, addresses, addressing, people)
        out = []
        for v, (lo, hi) in zip(vocabularies, _WINDOWS):
            positions = [j for j, w in enumerate(words) if w in v]
            out.append(_in_reach_plain(positions, queries, array, lo, hi) if queries else set())
        return tuple(out)

    for reference in (windows, searches):
        monkeypatch.setattr(personal_attack, "_reaches", reference)
        assert [repr(personal_attack.run(Normalized(t), None)) for t in texts] == new
    assert sum(r != "[]" for r in new) > 20  # the texts do make findings
