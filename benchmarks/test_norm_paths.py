"""The seventh pass's paths in the shared views (``normalize``) and the word
matchers give exactly what the code they replace gave (seeded, nothing timed).

Each new path is compared with a reference written the way the code read
before (kept here as a private function).
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from moderation.checks import normalize as N
from moderation.checks.normalize import Normalized

# Astral code points: emoji (fold to themselves), mathematical letters (fold
# to Latin), a tag character (ignorable), a Deseret capital (casefolds), and
# BMP characters that expand, fold long or are look-alikes.
_ASTRAL = ["\U0001f602", "\U0001f921", "\U0001d41f", "\U0001d4d0", "\U000e0041", "\U00010400", "\U0001f1fa"]
_BMP = ["\u2026", "\u00df", "\ufb01", "\u00e9", "\u0435", "\u200d", "\ufe0f", "\u2019", "\ufdfa", "\u00a0"]
_ASCII = list("abcdefghijklmnopqrstuvwxyz ABCDEFGH0123456789.,!?'\n@$*")


def _fold_before(original: str) -> tuple[str, list[int] | None]:
    """``Normalized``'s ``norm`` and ``offsets`` as the code read before the
    astral rows: any code point above U+FFFF sent the text through
    ``str.translate`` and the offsets through the expander walk."""
    norm = original.translate(N._TABLE)
    if len(norm) == len(original):
        return norm, None
    offsets: list[int] = []
    prev = 0
    for m in N._expander_pattern().finditer(original):
        start, end = m.span()
        offsets.extend(range(prev, start))
        for i in range(start, end):
            offsets.extend([i] * len(N._TABLE[ord(original[i])]))
        prev = end
    offsets.extend(range(prev, len(original)))
    return norm, offsets


def _long_texts(seed: int, count: int) -> list[str]:
    """Long texts (the array fold starts at 512 characters): mostly ASCII
    with a few astral or expanding characters (``_fold_sparse``, more or
    fewer than ``_FEW_EXPANDERS`` expansions), or dense with non-ASCII
    characters (the array path, with few or many expansions)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        n = rnd.choice((512, 900, 2500, 5000))
        share = rnd.choice((0.002, 0.01, 0.05, 0.3, 0.8))  # of non-ASCII characters
        wide = rnd.sample(_ASTRAL + _BMP, rnd.randint(1, 8))
        text = "".join(rnd.choice(wide) if rnd.random() < share else rnd.choice(_ASCII) for _ in range(n))
        if rnd.random() < 0.3:  # a few expansions in any text
            chars = [c for c in text if c not in "\u2026\u00df\ufb01\ufdfa"]
            for _ in range(rnd.randint(1, 10)):
                chars.insert(rnd.randrange(len(chars)), rnd.choice(("\u2026", "\u00df", "\ufb01")))
            text = "".join(chars)
        out.append(text)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_long_texts_fold_as_before(seed):
    paths = set()
    for text in _long_texts(seed, 200):
        norm, offsets = _fold_before(text)
        n = Normalized(text)
        assert n.norm == norm
        assert n.offsets == offsets
        folded = N._fold_many(text)
        if folded is None:  # only a fold longer than the table holds declines
            assert "\ufdfa" in text
            continue
        assert folded[0] == norm
        assert (folded[1] is None and offsets is None) or folded[1].tolist() == offsets
        parts = N._ascii_parts_array(text, N._codes(text))
        expanders = 0 if offsets is None else sum(n > 1 for n in Counter(offsets).values())
        paths.add((parts is not None, offsets is not None, expanders > N._FEW_EXPANDERS))
    assert len(paths) == 6  # sparse or dense; no, few or many expansions


def test_astral_rows_run_out_to_the_plain_path(monkeypatch):
    text = "a\U0001f600b\U0001f9e8c " * 100 + "\U0001fa90"  # the last one is new to the rows
    N._fold_many("x" * 600 + "\U0001f600\U0001f9e8")
    monkeypatch.setattr(N, "_ASTRAL_ROW_COUNT", len(N._ASTRAL_ROWS))
    assert N._fold_many(text) is None
    n = Normalized(text)
    assert (n.norm, n.offsets) == _fold_before(text)


def _hits_before(matcher, text):
    """The list words' positions in ``canon.split()`` as ``find`` read them
    before the shared look-up: one pass over every word per matcher."""
    from itertools import compress, count

    wanted = (matcher._keys | matcher._firsts) & text.canon_words
    return list(compress(count(), map(wanted.__contains__, text.canon_split)))


@pytest.mark.parametrize("seed", [5, 6])
def test_shared_hits_give_each_matcher_its_own_words(seed):
    from moderation.checks import wordmatch as W
    from moderation.checks.rules.abuse import slur_matcher
    from moderation.checks.rules.profanity import matcher

    rnd = random.Random(seed)
    words = sorted(matcher()._keys | slur_matcher()._keys | matcher()._firsts)
    filler = ["the", "you", "are", "a", "real", "sh1t", "f u c k", "b!tch", "and", "2", "so", "what"]
    late = W.WordMatcher({"zzqx": 1, "qqzy wwx": 2, **dict.fromkeys(rnd.sample(words, 300), 3)})
    for _ in range(60):
        text = Normalized(" ".join(rnd.choice(words) if rnd.random() < 0.3 else rnd.choice(filler) for _ in range(300)))
        found = {}
        for m in (matcher(), slur_matcher(), late):
            cap = m is matcher()
            found[id(m)] = m.find(text, cap=cap)
            if len(m._keys & text.canon_words) + len(m._firsts & text.canon_words) > W._INDEX_FROM:
                size, positions, shared_words = W._shared_hits(text)
                assert size == len(W._SHARED_VOCAB)
                assert list(compress_positions(positions, shared_words, m)) == _hits_before(m, text)
        plain = Normalized(text.original)
        for m in (matcher(), slur_matcher(), late):
            shared_at, m._shared_at = m._shared_at, -1  # the matcher's own pass, as before
            try:
                assert m.find(plain, cap=m is matcher()) == found[id(m)]
            finally:
                m._shared_at = shared_at
    assert late._shared_at > 0


def compress_positions(positions, shared_words, m):
    wanted = m._keys | m._firsts
    return (p for p, w in zip(positions, shared_words) if w in wanted)
