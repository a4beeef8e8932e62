"""The tenth pass's paths in ``normalize`` and ``wordmatch`` give exactly what
the code they replace gave (seeded, nothing timed).

Each new path is compared with a reference written the way the code read
before (kept here as a private function): ``_fold_many``'s general path
without ``np.repeat``, ``WordMatcher._check_spelled`` without
``typing.cast`` and without building a match that ``setdefault`` throws
away, and the profanity rule stopping once both of its categories have
their examples.
"""

from __future__ import annotations

import random
from typing import Any, Literal, cast

import numpy as np
import pytest

from benchmarks import search_adversarial as sa
from benchmarks.test_adversarial_paths import _texts
from moderation.checks import normalize as N
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized
from moderation.checks.rules import MAX_PER_RULE, abuse, personal_attack, profanity


def _periodic_bodies(seed: int, count: int) -> list[str]:
    """Bodies built like the adversarial search builds them: a list of chunks
    (trigger words, groups, punctuation, look-alikes, leetspeak, spelled-out
    words...) repeated cyclically to a length."""
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    out = []
    for k in range(count):
        gen = sa.Generator(random.Random(seed * 1000 + k), words, groups)
        chunks = [gen.chunk() for _ in range(rnd.randint(1, 30))]
        out.append(sa.render(chunks, rnd.choice((60, 300, 800, 2500, 5000))))
    return out


def _fold_general_before(text: str) -> tuple[str, list[int]]:
    """``_fold_many``'s general path (many expansions) as it read before:
    the source indices and columns from ``np.repeat``."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    arrays = N._fold_arrays
    assert arrays is not None
    if int(codes.max()) >= N._FOLD_ARRAY_CODES:
        codes = N._astral_rows(codes, arrays)
    lens = arrays.lens.take(codes).astype(np.intp)
    src = np.repeat(np.arange(codes.shape[0]), lens)
    ends = np.cumsum(lens)
    k = np.arange(int(ends[-1])) - np.repeat(ends - lens, lens)
    flat = codes.astype(np.intp).take(src)
    flat *= N._FOLD_WIDTH
    flat += k
    out = arrays.chars.reshape(-1).take(flat)
    return out.tobytes().decode("utf-32-le"), src.tolist()


@pytest.mark.parametrize("seed", [1, 2])
def test_fold_general_path_without_repeat_as_before(seed):
    rnd = random.Random(seed)
    # (U+FDFA folds to 18 characters: a text holding it takes ``str.translate``.)
    expanding = ["\u2026", "\u00df", "\ufb01", "\u01c4", "\u0130", "\U0001d41f", "\U0001f602", "\u00e9", "\ufdfa"]
    general = 0
    for _ in range(150):
        n = rnd.choice((512, 1000, 5000))
        share = rnd.choice((0.01, 0.1, 0.5, 1.0))
        pool = rnd.sample(expanding, rnd.randint(1, len(expanding)))
        text = "".join(rnd.choice(pool) if rnd.random() < share else rnd.choice("abc XYZ.!1") for _ in range(n))
        if rnd.random() < 0.3:
            text = rnd.choice(expanding) + text + rnd.choice(expanding)  # expansions at either end
        folded = N._fold_many(text)
        if folded is None or folded[1] is None:
            continue
        if sum(len(N._TABLE[ord(c)]) != 1 for c in text) <= N._FEW_EXPANDERS:
            continue
        general += 1
        before = _fold_general_before(text)
        assert folded[0] == before[0] and folded[1].tolist() == before[1]
        assert folded[1].dtype == np.intp
        assert folded[0] == text.translate(N._TABLE)
    assert general > 40


def _check_spelled_before(self: Any, run: str, offset: int, found: dict) -> None:
    if len(run) > 4 * (self._max_len + 2):
        return
    memo_key = "\x01" + run
    hit = cast("tuple[int, int, str] | Literal[False] | None", self._memo.get(memo_key, False))
    if hit is False:
        hit = self._spelled_uncached(run)
        if len(self._memo) >= W._MEMO_SIZE:
            self._memo.clear()
        self._memo[memo_key] = hit
    if hit is not None:
        s, e, key = hit
        found.setdefault((offset + s, offset + e), W.Match(offset + s, offset + e, key, self._payload[key]))


_SPELLED_WORDS = ("fuck", "shit", "cunt", "idiot", "moron", "nigger", "twat", "loser", "bitch", "dick")


def _spelled_texts(seed: int, count: int) -> list[str]:
    """Texts full of spelled-out words ("f u c k", "s.h.i.t", "a f-a-g"),
    some also written as one token next to the same span ("f_u_c_k!"),
    repeated (periodic) or not."""
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        pieces = []
        for _ in range(rnd.randint(1, 40)):
            word = rnd.choice(_SPELLED_WORDS)
            sep = rnd.choice((" ", ".", "-", " . ", "_", "'", "  "))
            r = rnd.random()
            if r < 0.6:
                pieces.append(sep.join(word))
            elif r < 0.75:
                pieces.append("_".join(word) + rnd.choice(("!", "#", "")))
            elif r < 0.85:
                pieces.append(rnd.choice(("a ", "you ", "ur ")) + sep.join(word))
            else:
                pieces.append(rnd.choice(("hello", "the", "x", "a b c d e f g h", "1 2 3")))
            pieces.append(rnd.choice((" ", ". ", ", ", "\n")))
        body = "".join(pieces)
        out.append(sa.render([body], rnd.choice((len(body), 800, 5000))) if rnd.random() < 0.5 else body)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_spelled_runs_checked_as_before(monkeypatch, seed):
    matchers = [profanity.matcher(), abuse.slur_matcher(), personal_attack.insult_matcher()]
    texts = _spelled_texts(seed, 80) + _periodic_bodies(seed, 50)
    spelled_hits = 0
    for text in texts:
        got = []
        for m in matchers:
            got.append(
                (m.find(Normalized(text)), m.find(Normalized(text), cap=False), m.find_obfuscated(Normalized(text)))
            )
        with monkeypatch.context() as patch:
            patch.setattr(W.WordMatcher, "_check_spelled", _check_spelled_before)
            for m, results in zip(matchers, got):
                want = (
                    m.find(Normalized(text)),
                    m.find(Normalized(text), cap=False),
                    m.find_obfuscated(Normalized(text)),
                )
                assert results == want
                for a, b in zip(results, want):
                    assert [type(x) for x in a] == [type(x) for x in b]
        n = Normalized(text)
        spans = W.spelled_runs(n)
        spelled_hits += sum(any(s <= x.start and x.end <= e for s, e in spans) for x in matchers[0].find(n, cap=False))
    assert spelled_hits > 100  # spelled-out words were found (the new lines ran)


def _profanity_before(text: Normalized, context: Any) -> list:
    """``profanity.run`` as it read before: every match is visited."""
    from moderation.checks.rules import finding

    out = []
    shown: dict[str, int] = {}
    for m in profanity.matcher().find(text):
        category, score, rule = m.payload
        n = shown.get(category, 0)
        if n >= MAX_PER_RULE:
            continue
        if m.key in profanity._NAME_LIKE and profanity._is_name(text, m.start, m.end):
            continue
        if profanity.innocent(text, m.key, m.start, m.end):
            continue
        shown[category] = n + 1
        out.append(finding(text, category, rule, m.start, m.end, score))
    if "profanity" not in shown:
        unread = W.cap_hit(text)
        if unread is not None:
            out.append(finding(text, "profanity", "profanity.obfuscation_flood", *unread, profanity._FLOOD_SCORE))
    return out


def _profane_texts(seed: int, count: int) -> list[str]:
    """Texts with many list words of both categories (the rule stops once
    both have their examples), names ("Dick Cheney"), innocent readings
    ("pussy cat", "honky tonk"), leetspeak and masking, periodic or not."""
    rnd = random.Random(seed)
    entries = sorted(profanity.matcher()._payload)
    extra = ["Dick Cheney", "Fanny Brice", "pussy cat", "honky tonk", "garden hoe", "f**k", "sh1t", "a$$", "455"]
    out = []
    for _ in range(count):
        vocab = rnd.sample(entries, rnd.choice((1, 3, 10, 100)))
        pieces = []
        for _ in range(rnd.choice((3, 20, 150, 600))):
            r = rnd.random()
            if r < 0.5:
                word = rnd.choice(vocab)
            elif r < 0.6:
                word = rnd.choice(extra)
            else:
                word = rnd.choice(("the", "you", "are", "Bob", "Smith", "so", "...", "!"))
            if rnd.random() < 0.1:
                word = word.capitalize()
            pieces.append(word)
            pieces.append(rnd.choice((" ", " ", ", ", ". ", "\n")))
        body = "".join(pieces)
        out.append(sa.render([body], rnd.choice((len(body), 5000))) if rnd.random() < 0.3 else body)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_profanity_stops_once_both_categories_are_full(seed):
    # The early stop is only right if the matcher gives no other category.
    assert {p[0] for p in profanity.matcher()._payload.values()} <= set(profanity._CATEGORIES)
    context = sa.load_checks(None).context
    stopped = 0
    texts = _profane_texts(seed, 150) + _periodic_bodies(seed, 40) + _texts(seed, 40)
    for text in texts:
        got = profanity.run(Normalized(text), context)
        assert got == _profanity_before(Normalized(text), context)
        categories = [f.category for f in got]
        stopped += all(categories.count(c) == MAX_PER_RULE for c in profanity._CATEGORIES)
    assert stopped > 30  # texts where the loop stopped early
