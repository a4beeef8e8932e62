"""The shared views and word-matcher paths of the fifth speed pass (issue #11)
give exactly what the code they replace gives (seeded, nothing timed).

Each new path is compared with the code as it read before: a regex over the
whole text, a per-word or per-token Python call.
"""

from __future__ import annotations

import random
import re
from itertools import repeat

from benchmarks.test_adversarial_paths import _leet_walk, _slow_walk, _texts
from moderation.checks import normalize as N
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized

_OLD_EDGE_QUOTES = re.compile(r"(?<= )'+|'+(?= )")


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _mixed_texts(seed: int, count: int) -> list[str]:
    """Long texts of words, symbols, masks, quotes, ignorables, stretched
    and non-ASCII letters (every array path has a length threshold)."""
    rnd = random.Random(seed)
    pieces = (
        "ab cd the 0137 9 _ @$!|+*#% \x00 \x00\x00 é Ж ² 1d10t sh1t f**k aaaa ééé ЖЖЖЖ ' '' \" !! |a| +x+ #a# %%ab "
        "!!!a!!! 😀 a😀! ÿÿ !ÿ! don't 'quoted' x'' ''y"
    ).split(" ")
    out = []
    for _ in range(count):
        seps = rnd.choice(([" "], [" ", " ", ".", "'", '"', "!"], ["", " ", "  "]))
        n = rnd.choice((30, 300, 1500))
        out.append("".join(rnd.choice(pieces) + rnd.choice(seps) for _ in range(n)))
    return out


def _all_texts() -> list[str]:
    return _texts(7, 200) + _mixed_texts(8, 200)


def test_edge_quotes_pattern_is_the_lookbehind_pattern():
    rnd = random.Random(1)
    for _ in range(20000):
        s = " " + "".join(rnd.choice(" 'a'\"") for _ in range(rnd.randint(0, 16))) + " "
        assert N._EDGE_QUOTES.sub(_blank, s) == _OLD_EDGE_QUOTES.sub(_blank, s)
        assert [m.span() for m in N._EDGE_QUOTES.finditer(s)] == [m.span() for m in _OLD_EDGE_QUOTES.finditer(s)]


def test_array_views_match_the_plain_code():
    for text in _all_texts():
        n = Normalized(text)
        norm = n.norm
        codes = N._codes(norm)
        if codes is not None:
            parts = N._ascii_parts_array(norm, codes)
            assert parts is None or parts == N._NON_ASCII_RUN.split(norm)
            assert N._stretch_starts_array(norm, codes) == [m.start() for m in N._STRETCH_START.finditer(norm)]
        assert n.stretch_starts == [m.start() for m in N._STRETCH_START.finditer(norm)]
        # The word views as they were computed before.
        padded = (" " + norm.translate(N._WORD_TABLE) + " ").replace(" '", "  ").replace("' ", "  ")
        wordtext = _OLD_EDGE_QUOTES.sub(_blank, padded)[1:-1]
        assert n.wordtext == wordtext
        words = N._STRETCH.sub(N._first_char, wordtext).split()
        if N.IGNORABLE in norm:
            words = list(map(str.replace, words, repeat(N.IGNORABLE), repeat("")))
        assert n.words == words
        assert W.leet_words(n) == _leet_walk(norm)
        assert W.slow_tokens(n) == _slow_walk(norm, n.stretch_starts)


def test_trimmed_tokens_match_the_per_token_trimming(monkeypatch):
    for caps in (True, False):
        monkeypatch.setattr(W, "CAPS", caps)
        for text in _all_texts():
            norm = Normalized(text).norm
            for name, find in (("slow", W.slow_tokens), ("leet", W.leet_words)):
                n = Normalized(text)
                spans = find(n)
                arrays = W._trimmed_array(n, spans, n.__dict__.get(f"_{name}_arrays")) if spans else None
                if arrays is not None:
                    assert arrays[0] == W._trimmed(norm, spans)
                    assert arrays[1] == W._trimmed(norm, spans[: W.MAX_TOKENS])
                # Either order of first use (capped first, or everything first).
                for order in ((True, False), (False, True)):
                    n = Normalized(text)
                    got = {cap: W._trimmed_tokens(n, name, find, cap) for cap in order}
                    assert got[True] == W._trimmed(norm, W._capped(find(n), W.MAX_TOKENS))
                    assert got[False] == W._trimmed(norm, find(n))


def test_trimming_without_numpy_views_falls_back():
    # Lone surrogates: no code-point array, the per-token trimming runs.
    text = "f**k \ud800 " + " ".join(["sh!t", "|a|", "!!x!!"] * 20)
    n = Normalized(text)
    assert n.norm_codes is None
    spans = W.slow_tokens(n)
    assert W._trimmed_array(n, spans, None) is None
    assert W._trimmed_tokens(n, "slow", W.slow_tokens, False) == W._trimmed(n.norm, spans)


def test_spelled_run_gate_on_word_offsets_is_the_word_length_gate():
    rnd = random.Random(3)
    pieces = ["a", "b", "cd", "é", "x'y", "'", "\x00", "long" * 70, "1", "$", "a.b.c"]
    for text in _all_texts()[:200] + [
        " ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 400))) for _ in range(400)
    ]:
        n = Normalized(text)
        lengths = list(map(len, n._raw_words))
        shape = bytes(map(min, lengths, repeat(2)))
        spelled = W._SPELLED.finditer(" " + n.wordtext)
        want = [(m.start(), m.end() - 1) for m in spelled] if b"\x01\x01\x01" in shape else []
        assert W.spelled_runs(n) == want
        assert n._bounds == N.word_bounds(n.wordtext)
