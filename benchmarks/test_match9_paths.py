"""The word-matcher paths of the ninth speed pass (issue #11) give exactly
what the code they replace gives (seeded, nothing timed).

Each new path is compared with the code as it read before, kept here as a
reference: the per-token trimming of leet words.
"""

from __future__ import annotations

import random
from itertools import compress, repeat
from operator import add, itemgetter, le, sub
from pathlib import Path

import pytest

from benchmarks.test_adversarial_paths import _texts
from benchmarks.test_match_paths import _mixed_texts
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized

_WORST = Path(__file__).with_name("adversarial_worst.txt")


def _old_trimmed(norm: str, spans: list[tuple[int, int]]) -> tuple[list[int], list[int], list[str]]:
    """Tokens trimmed of edge junk, kept when at least two characters long
    (``wordmatch._trimmed`` as it read before)."""
    if not spans:
        return [], [], []
    tokens = list(map(norm.__getitem__, map(slice, map(itemgetter(0), spans), map(itemgetter(1), spans))))
    left = list(map(str.lstrip, tokens, repeat(W._EDGE_JUNK)))
    core = list(map(str.rstrip, left, repeat(W._EDGE_JUNK)))
    starts = list(map(sub, map(itemgetter(1), spans), map(len, left)))
    lengths = list(map(len, core))
    keep = list(map(le, repeat(2), lengths))
    starts = list(compress(starts, keep))
    ends = list(map(add, starts, compress(lengths, keep)))
    return starts, ends, list(compress(core, keep))


def _leet_heavy_texts(seed: int, count: int) -> list[str]:
    """Dense leet words glued to edge junk, digits of other scripts and
    numeric characters (every array path has a length threshold)."""
    rnd = random.Random(seed)
    pieces = (
        "1d10t l0s3r 0 7 a0 0a 00 a 2 ²0 0² ½0 ٣0 a٣ Ⅻ0 ﬁ0 é0 Ж3 '1d10t' \"l0s3r\" !1d10t! |0a| +4b+ #5c# %7d% "
        "__a0__ a_0 @0 $4 a0! !a0 \x00a0 a\x000 a\u200b0 1111 ab12cd 0x 3l1t3 s3x "
    ).split(" ")
    out = []
    for _ in range(count):
        seps = rnd.choice(([" "], ["", " ", "'", '"', "!", "|", "+", "#", "%", "_", "."], [""]))
        n = rnd.choice((10, 100, 700, 2000))
        out.append("".join(rnd.choice(pieces) + rnd.choice(seps) for _ in range(n)))
    return out


def _all_texts() -> list[str]:
    return _texts(91, 200) + _mixed_texts(92, 150) + _leet_heavy_texts(93, 250) + [_WORST.read_text()]


@pytest.mark.parametrize("caps", [True, False])
def test_leet_words_need_no_trimming(monkeypatch, caps):
    monkeypatch.setattr(W, "CAPS", caps)
    for text in _all_texts():
        norm = Normalized(text).norm
        # Either order of first use (capped first, or everything first).
        for order in ((True, False), (False, True)):
            n = Normalized(text)
            got = {cap: W._trimmed_leet_words(n, cap) for cap in order}
            spans = W.leet_words(n)
            assert got[True] == _old_trimmed(norm, W._capped(spans, W.MAX_TOKENS))
            assert got[False] == _old_trimmed(norm, spans)


@pytest.mark.parametrize("caps", [True, False])
def test_slow_tokens_trimmed_either_way(monkeypatch, caps):
    # Per token below _TRIM_ARRAY_FROM tokens, with array operations from it:
    # both give the old per-token trimming (counts on both sides of it).
    monkeypatch.setattr(W, "CAPS", caps)
    counts = set()
    for text in _all_texts():
        norm = Normalized(text).norm
        for order in ((True, False), (False, True)):
            n = Normalized(text)
            got = {cap: W._trimmed_slow_tokens(n, cap) for cap in order}
            spans = W.slow_tokens(n)
            counts.add(len(spans) >= W._TRIM_ARRAY_FROM)
            assert got[True] == _old_trimmed(norm, W._capped(spans, W.MAX_TOKENS))
            assert got[False] == _old_trimmed(norm, spans)
    assert counts == {True, False}
