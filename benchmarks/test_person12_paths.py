"""The paths of the twelfth speed pass in personal_attack (issue #11) give
exactly what the code they replace gives (seeded, nothing timed).

* ``_where`` finds the words outside the shared trigger scan
  with ``str.find`` in the words joined by spaces; the eleventh pass's
  ``_where`` (a scan of every word for more than two words, ``list.index``
  passes for one or two) is the reference;
* ``_Breaks.__missing__`` tests a one-character gap without the regex; the
  regex search of every gap is the reference;
* ``_clause`` finds the breaks on each side with one regex search of
  ``norm``; the eleventh pass's walk over ``breaks`` is the reference.
"""

from __future__ import annotations

import random
import re

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks.normalize import _TRIGGER_UNION, Normalized
from moderation.checks.rules import personal_attack as pa
from moderation.checks.values import CheckContext

_CONTEXT = CheckContext()

# -- the eleventh pass's code, the references ---------------------------


def _where_old(text: Normalized, found: frozenset[str]) -> list[int]:
    """``text.indices(found)`` for words of ``text`` (``found`` is a subset
    of ``text.wordset``).  Words outside the shared trigger scan cost a scan
    of all words each call; one or two such words are found faster with
    ``list.index`` (a C loop comparing strings, no hashing) per occurrence."""
    if len(found) > 2 or found <= _TRIGGER_UNION:
        return text.indices(found)
    words = text.words
    index = words.index
    out: list[int] = []
    for w in found:
        i = -1
        try:
            while True:
                i = index(w, i + 1)
                out.append(i)
        except ValueError:
            pass
    if len(found) > 1:
        out.sort()
    return out


_BREAK_CHARACTER = re.compile("[.!?;\n]")


class _BreaksOld(dict):
    """The eleventh pass's ``_Breaks``: one regex search per gap asked about."""

    def __init__(self, text: Normalized) -> None:
        super().__init__()
        self._norm = text.norm
        self._starts, self._ends = text._bounds

    def __missing__(self, i: int) -> bool:
        ends = self._ends
        start = ends[i - 1] if i > 0 else 0
        end = self._starts[i] if i < len(ends) else len(self._norm)
        hit = self[i] = _BREAK_CHARACTER.search(self._norm, start, end) is not None
        return hit


def _clause_old(breaks, n: int, first: int, last: int, before: int, after: int) -> tuple[int, int]:
    """Word range ``[lo, hi)`` around ``first..last``, clipped at sentence breaks."""
    lo = first
    while lo > 0 and first - lo < before and not breaks[lo]:
        lo -= 1
    hi = last + 1
    while hi < n and hi - last <= after and not breaks[hi]:
        hi += 1
    return lo, hi


# -- bodies ---------------------------------------------------------------

# Words outside the trigger scan ("tard" words, heads, person nouns,
# spelling variants), repeated and adjacent, and gaps of every length
# with and without a break.
_EXTRA = (
    "snowtard snowtards liarytard obam4tard scumtard turdtard bastards mustard re\u200btard "
    "idiott stpd mrn loozer moronn shit for brains pea-brained lizard-brained "
    "you your ur you're he's she's john's they're is are was like such what a the not "
    "man woman guy people liberals idiot moron stupid dumb you're you're is is "
    "Bob Smith @troll ... ?! ; , - -- \n \n\n . .. ' '' "
).split(" ")
_GAPS = (" ", ". ", ".", "!", "?", ";", "\n", ", ", " - ", "  ", "...", " ; ", "\u200b", "", "'")


def _bodies(seed: int, count: int) -> list[str]:
    """Bodies rendered as the search renders them, short ones, and words
    from ``_EXTRA`` joined by random gaps."""
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    out = []
    for k in range(count):
        gen = sa.Generator(random.Random(seed * 1000 + k), words, groups)
        shape = k % 3
        if shape == 0:
            out.append(sa.render([gen.chunk() for _ in range(rnd.randint(1, 12))], rnd.choice((5000, 1500, 200))))
        elif shape == 1:
            out.append("".join(gen.chunk() for _ in range(rnd.randint(1, 60)))[: rnd.choice((30, 400, 5000))])
        else:
            out.append(
                "".join(rnd.choice(_EXTRA) + rnd.choice(_GAPS) for _ in range(rnd.randint(1, rnd.choice((8, 80, 900)))))
            )
    return out + [
        "",
        "you",
        "you you",
        " you ",
        "you're an idiot. what a moron! your stupid face",
        "Stupid woman.",
        "snowtard " * 200,
        "snowtard.snowtard;snowtard\nsnowtard",
        "a b c snowtard d liarytard liarytard e",
    ]


# -- tests ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_where_is_the_eleventh_pass_where(seed):
    rnd = random.Random(seed)
    outside = 0
    for body in _bodies(seed, 150):
        text = Normalized(body)
        wordset = sorted(text.wordset)
        for size in (1, 2, 3, 5, 40):
            found = frozenset(rnd.sample(wordset, min(size, len(wordset))))
            if not found:
                continue
            outside += not found <= _TRIGGER_UNION
            assert pa._where(text, found) == _where_old(text, found)
        for vocabulary in (pa._VARIANT_WORDS, pa._HEADS, pa._EPITHET_PEOPLE, pa._BRAIN_WORDS):
            found = text.wordset & vocabulary
            if found:
                assert pa._where(text, found) == _where_old(text, found)
    assert outside > 300  # the new path is taken


@pytest.mark.parametrize("seed", [13, 14])
def test_joined_where_is_the_scan(seed):
    rnd = random.Random(seed)
    for _ in range(3000):
        words = [rnd.choice(("", "a", "ab", "b", "a'b", "ba", "aa")) for _ in range(rnd.randint(0, 30))]
        found = frozenset(rnd.sample(("", "a", "ab", "b", "a'b", "ba", "aa", "c"), rnd.randint(1, 8)))
        want = [i for i, w in enumerate(words) if w in found]
        assert pa._joined_where(words, found) == want


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_breaks_are_the_regex_breaks(seed):
    one = 0
    for body in _bodies(seed, 150):
        text = Normalized(body)
        n = len(text.words)
        new, old = pa._Breaks(text), _BreaksOld(text)
        starts, ends = text._bounds
        for i in range(n + 1):
            assert new[i] is old[i]
            one += (starts[i] if i < n else len(text.norm)) - (ends[i - 1] if i else 0) == 1
    assert one > 10000  # the one-character path is taken


@pytest.mark.parametrize("seed", [10, 11, 12])
def test_clause_is_the_walk_over_breaks(seed):
    rnd = random.Random(seed)
    clipped = 0
    for body in _bodies(seed, 150):
        text = Normalized(body)
        n = len(text.words)
        if not n:
            continue
        breaks = pa._Breaks(text)
        for _ in range(60):
            first = rnd.randrange(n)
            last = min(n - 1, first + rnd.choice((0, 0, 0, 1, 2, 5)))
            before, after = rnd.choice(((6, 4), (4, 4), (0, 0), (1, 1), (2, 9)))
            got = pa._clause(breaks, n, first, last, before, after)
            want = _clause_old(_BreaksOld(text), n, first, last, before, after)
            assert got == want
            clipped += got[0] > max(0, first - before) or got[1] < min(n, last + after + 1)
    assert clipped > 500  # breaks do clip the ranges


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_rule_findings_are_the_eleventh_pass_findings(seed, monkeypatch):
    bodies = _bodies(seed, 120)
    new = [repr(pa.run(Normalized(b), _CONTEXT)) for b in bodies]
    monkeypatch.setattr(pa, "_where", _where_old)
    monkeypatch.setattr(pa, "_Breaks", _BreaksOld)
    monkeypatch.setattr(pa, "_clause", _clause_old)
    assert [repr(pa.run(Normalized(b), _CONTEXT)) for b in bodies] == new
    assert sum(r != "[]" for r in new) > 40  # the bodies do make findings


def test_the_searchs_worst_body_gives_the_eleventh_pass_findings(monkeypatch):
    from pathlib import Path

    body = (Path(__file__).resolve().parent / "adversarial_worst.txt").read_text(encoding="utf-8")
    new = repr(pa.run(Normalized(body), _CONTEXT))
    monkeypatch.setattr(pa, "_where", _where_old)
    monkeypatch.setattr(pa, "_Breaks", _BreaksOld)
    monkeypatch.setattr(pa, "_clause", _clause_old)
    assert repr(pa.run(Normalized(body), _CONTEXT)) == new
