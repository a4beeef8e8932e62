"""The eleventh pass's paths in ``normalize`` give exactly what the code they
and ``wordmatch`` replace gave (seeded, nothing timed; issue #11).

Each new path is compared with a reference written the way the code read
before (kept here as a private function): ``_fold_many`` trying
``_fold_sparse`` whatever the number of non-ASCII runs (hostile text with a
look-alike letter in every other word now takes the array path), and
``clause_breaks`` bisecting an array rebuilt from the ``word_starts`` list
(a long text now reuses ``word_bound_arrays``), and ``WordMatcher.find``
building a ``Match`` for every list word of its word index up front (now
``find_iter`` builds them as they are read, and the profanity rule stops
reading after its examples).  Each test also checks that
its new path is actually taken, so it cannot silently be dead code.
"""

from __future__ import annotations

import random
from itertools import compress, count  # (used by ``_find_before``)
from typing import Any

import numpy as np
import pytest

from benchmarks import search_adversarial as sa
from benchmarks.test_adversarial_paths import _offsets, _texts
from benchmarks.test_norm10_paths import _spelled_texts
from moderation.checks import normalize as N
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized
from moderation.checks.rules import abuse, personal_attack, profanity


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


def _find_before(self: Any, text: Normalized, cap: bool = True) -> list[Any]:
    """Every list entry in ``text``.  With ``cap`` (the default) at most the
    first ``MAX_TOKENS`` leet words and slow tokens and ``W.MAX_SPELLED``
    spelled runs are read (see "Bounded work" above); the moderator's
    term list passes ``cap=False``."""
    if not self._keys and not self._phrases:
        return []
    found: dict[tuple[int, int], Any] = {}
    norm = text.norm
    canon = text.canon  # same length as norm
    canon_words = text.canon_words
    keys = self._keys & canon_words
    firsts = self._firsts & canon_words
    payload = self._payload
    if len(keys) + len(firsts) > W._INDEX_FROM or ((keys or firsts) and self._shares_hits(text)):
        # Many list words present (dense hostile text): one pass over the
        # words of ``canon`` finds them all instead of a scan per word;
        # list words become matches in that pass, phrase first words
        # keep their positions for the phrase patterns below.
        pieces = text.canon_split
        wanted = keys | firsts
        if not self._shared_at:
            self._share()
        if self._shared_at > 0:
            _, shared, shared_words = W._shared_hits(text)
            hits = list(compress(shared, map(wanted.__contains__, shared_words)))
        else:
            hits = list(compress(count(), map(wanted.__contains__, pieces)))
        where: dict[str, list[int]] | None
        where = {w: [] for w in firsts}
        digit_like = self._digit_like
        for key, start in zip(map(pieces.__getitem__, hits), W._canon_starts(text, hits)):
            if key in keys:
                end = start + len(key)
                # Only a key made of leet-digit letters can stand for digits ("455").
                if key not in digit_like or not norm[start:end].isdigit():
                    found[(start, end)] = W._new_match((start, end, key, payload[key]))
            if key in where:
                where[key].append(start)
    else:
        where = None
        for key in keys:
            for m in self._boundary(key).finditer(canon):
                if not norm[m.start() : m.end()].isdigit():
                    found[m.span()] = W.Match(m.start(), m.end(), key, payload[key])
    for first in firsts:
        pattern, lookup = self._phrases[first]
        if where is None:
            matches = pattern.finditer(canon)
        else:
            matches = W._matches_at(pattern, canon, where[first])
        for m in matches:
            rest = m.group(1).replace(" ", "")
            key, value = lookup.get(rest, (first + rest, None))
            if value is not None:
                found[m.span()] = W.Match(m.start(), m.end(), key, value)
    self._check_tokens(W._trimmed_slow_tokens(text, cap), found)
    spelled = W.spelled_runs(text)
    for start, end in W._capped(spelled, W.MAX_SPELLED) if cap else spelled:
        self._check_spelled(norm[start:end], start, found)
    return W._by_span(found)


def _dense_texts(seed: int, count: int) -> list[str]:
    """Texts packed with list words (the word index path), some leet or
    stretched, some digits that read as a list word ("455"), some capitalised
    names, periodic or not."""
    rnd = random.Random(seed)
    entries = sorted(profanity.matcher()._keys)[:400] + sorted(abuse.slur_matcher()._keys)[:200]
    out = []
    for _ in range(count):
        pieces = []
        for _ in range(rnd.randint(5, 300)):
            r = rnd.random()
            word = rnd.choice(entries)
            if r < 0.1:
                word = word.replace("i", "1").replace("e", "3").replace("s", "$")
            elif r < 0.15:
                word = word[:1] + word[1:2] * 4 + word[2:]
            elif r < 0.2:
                word = rnd.choice(("455", "455hole", "Dick Smith", "you", "the", "f u c k", "s.h.i.t"))
            elif r < 0.25:
                word = word.capitalize()
            pieces.append(word)
            pieces.append(rnd.choice((" ", ". ", ", ", "! ", "\n", " - ")))
        body = "".join(pieces)
        out.append(sa.render([body], rnd.choice((len(body), 1000, 5000))) if rnd.random() < 0.4 else body)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_find_builds_matches_lazily_as_before(seed):
    matchers: list[Any] = [
        profanity.matcher(),
        abuse.slur_matcher(),
        personal_attack.insult_matcher(),
        W.WordMatcher({"badword": 1, "very bad phrase": 2, "sh1t": 3, "idiot": 4, "fuck": 5}),
    ]
    texts = _dense_texts(seed, 60) + _periodic_bodies(seed, 40) + _spelled_texts(seed, 20) + _texts(seed, 40)
    indexed = 0
    for text in texts:
        for m in matchers:
            for cap in (True, False):
                want = _find_before(m, Normalized(text), cap)
                n = Normalized(text)
                assert m.find(n, cap) == want, text[:200]
                assert list(m.find_iter(Normalized(text), cap)) == want
                # The word index stores plain list words as their keys.
                indexed += any(type(v) is str for v in m._found(Normalized(text), cap).values())
    assert indexed > 100


@pytest.mark.parametrize("seed", [1, 2])
def test_profanity_reads_matches_lazily_as_before(monkeypatch, seed):
    from benchmarks.search_adversarial import load_checks

    context = load_checks(None).context
    texts = _dense_texts(seed, 60) + _periodic_bodies(seed, 40) + _spelled_texts(seed, 20)
    got = [profanity.run(Normalized(text), context) for text in texts]
    monkeypatch.setattr(W.WordMatcher, "find_iter", lambda self, text, cap=True: iter(_find_before(self, text, cap)))
    want = [profanity.run(Normalized(text), context) for text in texts]
    assert got == want
    assert sum(map(len, got)) > 200
