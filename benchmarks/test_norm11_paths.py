"""The eleventh pass's paths in ``normalize`` give exactly what the code they
replace gave (seeded, nothing timed; issue #11).

Each new path is compared with a reference written the way the code read
before (kept here as a private function): ``_fold_many`` trying
``_fold_sparse`` whatever the number of non-ASCII runs (hostile text with a
look-alike letter in every other word now takes the array path), and
``clause_breaks`` bisecting an array rebuilt from the ``word_starts`` list
(a long text now reuses ``word_bound_arrays``).  Each test also checks that
its new path is actually taken, so it cannot silently be dead code.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from benchmarks import search_adversarial as sa
from benchmarks.test_adversarial_paths import _offsets
from moderation.checks import normalize as N
from moderation.checks.normalize import Normalized


def _periodic_bodies(seed: int, count: int) -> list[str]:
    """Bodies built like the adversarial search builds them: chunks (trigger
    words, groups, punctuation, look-alikes, leetspeak, spelled-out words)
    repeated cyclically to a length."""
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    out = []
    for k in range(count):
        gen = sa.Generator(random.Random(seed * 1000 + k), words, groups)
        chunks = [gen.chunk() for _ in range(rnd.randint(1, 30))]
        out.append(sa.render(chunks, rnd.choice((600, 800, 2500, 5000))))
    return out


# Look-alike letters, accented and zalgo marks (one character each), and
# characters that fold to several ("ß", "…", ligatures) or sit above U+FFFF.
_WIDE = [
    "а",
    "е",
    "о",
    "р",
    "с",
    "һ",
    "ԁ",
    "ս",
    "é",
    "\u0301",
    "\u200b",
    "ß",
    "\u2026",
    "\ufb01",
    "\U0001d41f",
    "\U0001f602",
]
_ASCII = "abcdefghijklmnop xyz .,!?'1345$@|"


def _scattered(rnd: random.Random) -> str:
    """Mostly-ASCII text with non-ASCII characters scattered at a chosen
    density, from a few runs (the sparse path) to hundreds (the array path)."""
    n = rnd.choice((512, 700, 1500, 5000, 8000))
    share = rnd.choice((0.002, 0.01, 0.03, 0.05, 0.08, 0.2))
    pool = rnd.sample(_WIDE, rnd.randint(1, len(_WIDE)))
    text = "".join(rnd.choice(pool) if rnd.random() < share else rnd.choice(_ASCII) for _ in range(n))
    if rnd.random() < 0.3:
        text = rnd.choice(pool) + text + rnd.choice(pool)  # non-ASCII at either end
    return text


def _fold_many_before(text: str) -> tuple[str, np.ndarray | None] | None:
    """``_fold_many`` as it read before: ``_fold_sparse`` first whenever the
    text splits into ASCII parts."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    parts = N._ascii_parts_array(text, codes)
    if parts is not None:
        sparse = N._fold_sparse(text, parts)
        if sparse is not None:
            return sparse
    saved = N._many_wide_runs
    N._many_wide_runs = lambda wide, length: True  # (the rest of the function is unchanged)
    try:
        return N._fold_many(text)
    finally:
        N._many_wide_runs = saved


def _same_fold(got: tuple[str, np.ndarray | None] | None, want: tuple[str, np.ndarray | None] | None) -> bool:
    if got is None or want is None:
        return got is want
    if got[0] != want[0]:
        return False
    if got[1] is None or want[1] is None:
        return got[1] is want[1]
    return bool(got[1].tolist() == want[1].tolist())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fold_many_with_many_wide_runs_as_before(seed):
    rnd = random.Random(seed)
    texts = [_scattered(rnd) for _ in range(120)] + _periodic_bodies(seed, 40)
    texts.append(open("benchmarks/adversarial_worst.txt", encoding="utf-8").read())
    taken = 0
    for text in texts:
        if text.isascii() or len(text) < N._FOLD_ARRAY_FROM:
            continue
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        taken += N._many_wide_runs(np.flatnonzero(codes > 127), len(text))
        got = N._fold_many(text)
        assert _same_fold(got, _fold_many_before(text)), text[:200]
        # And the whole ``Normalized`` agrees with the plain fold.
        n = Normalized(text)
        assert n.norm == text.translate(N._TABLE)
        expected = _offsets(text)
        assert (n.offsets is None and expected == list(range(len(text)))) or n.offsets == expected
    assert taken > 25


def _clause_breaks_before(n: Normalized) -> frozenset[int]:
    """``clause_breaks``'s array path as it read before (the word starts
    turned back into an array from the list)."""
    codes = n.norm_codes
    assert codes is not None
    mask = codes == N._BREAK_CODES[0]
    for c in N._BREAK_CODES[1:]:
        mask |= codes == c
    at = np.searchsorted(np.array(n.word_starts, dtype=np.int64), np.flatnonzero(mask), side="right")
    return frozenset(at.tolist())


@pytest.mark.parametrize("seed", [1, 2])
def test_clause_breaks_from_word_arrays_as_before(seed):
    rnd = random.Random(seed)
    texts = _periodic_bodies(seed, 60)
    for _ in range(80):
        pieces = []
        for _ in range(rnd.randint(20, 400)):
            pieces.append(rnd.choice(("you", "idiot", "a", "x", "ﬁne", "stop", "ԁumb", "!!", "...", "1d10t")))
            pieces.append(rnd.choice((" ", ". ", "! ", "? ", "; ", "\n", ", ", "", "?!")))
        texts.append("".join(pieces))
    array_path = 0
    for text in texts:
        n = Normalized(text)
        total = sum(map(n.norm.count, N._BREAK_CHARS))
        breaks = n.clause_breaks
        if not 32 < total <= N._EAGER_BREAKS or n.norm_codes is None:
            continue
        assert isinstance(breaks, frozenset)
        assert breaks == _clause_breaks_before(Normalized(text)), text[:200]
        array_path += n.word_bound_arrays is not None
    assert array_path > 20
