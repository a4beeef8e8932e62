"""The shared views and word-matcher paths of the eighth speed pass (issue #11)
give exactly what the code they replace gives (seeded, nothing timed).

Each new path is compared with the code as it read before, kept here as the
reference.
"""

from __future__ import annotations

import random

from benchmarks.test_adversarial_paths import _texts
from benchmarks.test_match_paths import _mixed_texts
from moderation.checks import normalize as N
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized


def _spelled_texts(seed: int, count: int) -> list[str]:
    """Long texts full of one-character words, apostrophes and separators
    (spelled-out runs of every length, with and without a stray piece)."""
    rnd = random.Random(seed)
    mixed = "a b c f u k i'm x'y'z i 'a' a' 'b 9 \x00 é Ж ab the don't 1d10t f.u.c.k s-h-i-t".split(" ")
    single = list("abcfuki9\x00éЖ") + ["'a", "a'"]
    seps = (" ", "  ", "   ", "    ", ".", "'", "''", " ' ", "' ", " '", "-", "_", ", ")
    out = []
    for _ in range(count):
        pieces = rnd.choice((mixed, single, single + ["ab"]))
        n = rnd.choice((100, 300, 900))
        out.append("".join(rnd.choice(pieces) + rnd.choice(seps) for _ in range(n)))
    return out


def _all_texts() -> list[str]:
    return _texts(81, 150) + _mixed_texts(82, 150) + _spelled_texts(83, 200)


def _old_spelled_runs(text: Normalized) -> list[tuple[int, int]]:
    """``spelled_runs`` before the pass: the pattern run over the whole text
    once three one-character words follow each other."""
    lengths = list(map(len, text._raw_words))
    if not any(lengths[i] == lengths[i + 1] == lengths[i + 2] == 1 for i in range(len(lengths) - 2)):
        return []
    return [(m.start(), m.end() - 1) for m in W._SPELLED.finditer(" " + text.wordtext)]


def test_spelled_runs_match_the_whole_text_scan():
    found = 0
    for text in _all_texts():
        n = Normalized(text)
        expected = _old_spelled_runs(n)
        assert W.spelled_runs(n) == expected, text[:80]
        found += bool(expected)
    assert found > 200  # the texts do hold spelled runs


def _word_texts(seed: int, count: int) -> list[str]:
    """Texts dense in profanity (so that its matcher makes the shared look-up)
    with a few slurs and slur phrases, some obfuscated, among plain words."""
    from moderation.checks.rules import abuse, profanity

    rnd = random.Random(seed)
    swear = sorted(profanity.matcher()._payload)
    slurs = sorted(abuse.slur_matcher()._payload)
    phrases = [w.replace("_", " ") for block in abuse._SLURS.values() for w in block.split() if "_" in w]
    plain = "the a of you and is 455 1d10t sh1t f**k n1gg3r ' \x00".split(" ")
    out = []
    for _ in range(count):
        words = []
        for _ in range(rnd.choice((40, 200, 800))):
            r = rnd.random()
            pool = swear if r < 0.3 else slurs if r < 0.33 else phrases if r < 0.35 else plain
            words.append(rnd.choice(pool))
        out.append(rnd.choice((" ", ". ", "  ")).join(words))
    return out


def test_slur_matcher_reads_the_shared_lookup_like_its_own_scan():
    from moderation.checks.rules import abuse, profanity

    slurs = abuse.slur_matcher()
    shared = 0
    for text in _word_texts(84, 300) + _texts(85, 100):
        fresh = Normalized(text)
        used = Normalized(text)
        profanity.matcher().find(used)
        keys = slurs._keys & used.canon_words
        if keys and len(keys) + len(slurs._firsts & used.canon_words) <= W._INDEX_FROM and slurs._shares_hits(used):
            shared += 1  # the new path: few slurs, read from profanity's look-up
        for cap in (False, True):
            assert slurs.find(used, cap=cap) == slurs.find(fresh, cap=cap), text[:80]
    assert shared > 50


def _old_words(text: Normalized) -> list[str]:
    """``Normalized.words`` as the plain code gives it: ignorables removed
    from each word, a word made only of them kept as ""."""
    source = N._STRETCH.sub(N._first_char, text.wordtext)
    raw = source.split()
    return " ".join(raw).replace(N.IGNORABLE, "").split(" ") if raw else []


def _ignorable_texts(seed: int, count: int) -> list[str]:
    """Texts with words made only of zero-width characters, few or many."""
    rnd = random.Random(seed)
    pieces = "ab the \u200b \u200b\u200d a\u200bb é Ж x'y sooo 1d10t".split(" ")
    out = []
    for _ in range(count):
        weights = [rnd.random() ** 2 for _ in pieces]
        n = rnd.choice((20, 100, 400, 1500))
        out.append(" ".join(rnd.choices(pieces, weights, k=n)))
    return out


def test_words_put_empty_words_back_in_place():
    placed = 0
    for text in _ignorable_texts(86, 400) + _texts(87, 100) + _mixed_texts(88, 100):
        n = Normalized(text)
        assert n.words == _old_words(n), text[:80]
        placed += 0 < n.words.count("") <= Normalized._FEW_EMPTY_WORDS and n.word_bound_arrays is not None
    assert placed > 50


def test_matches_come_in_span_order():
    """``find`` sorts the matches themselves instead of by a span key: the
    same order, since their spans are unique and come first."""
    from operator import attrgetter

    from moderation.checks.rules import abuse, profanity

    span = attrgetter("start", "end")
    many = 0
    for text in _word_texts(89, 150) + _texts(90, 100):
        n = Normalized(text)
        for matcher in (profanity.matcher(), abuse.slur_matcher()):
            for found in (matcher.find(n), matcher.find(n, cap=False), matcher.find_obfuscated(n)):
                assert found == sorted(found, key=span)
                assert len({span(m) for m in found}) == len(found)
                many += len(found) > 20
    assert many > 50
