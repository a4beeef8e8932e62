"""The person-aimed rules' paths of the seventh speed pass (issue #11) give
exactly what the code they replace gives (seeded, nothing timed).

(The reach of the heads and addresses, which the seventh pass read from
windows or from a search of sorted positions, is read from one window per
insult word since the eighth pass: its test, with both seventh-pass paths
kept as references, is in ``test_person8_paths.py``.)
"""

from __future__ import annotations

import random
from bisect import bisect_left

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized
from moderation.checks.rules import personal_attack


def _person_texts(seed: int, count: int) -> list[str]:
    words, groups = sa.vocabulary()
    extra = (
        "you your you're he's she's it's that's people woman guy idiot moron stupid such what a an is are "
        "sound like look shut up fuck you dumb ass piece of shit 1d10t m0r0n stuuupid libtard . ! ? \n"
    ).split(" ")
    rnd = random.Random(seed)
    out = []
    for k in range(count):
        gen = sa.Generator(random.Random(seed * 1000 + k), words, groups)
        chunks = [gen.chunk() for _ in range(rnd.randint(0, 25))] + rnd.choices(extra, k=rnd.choice((3, 30, 300)))
        rnd.shuffle(chunks)
        out.append(sa.render(chunks, rnd.choice((60, 800, 5000))))
    return out


@pytest.mark.parametrize("seed", [6, 7])
def test_apostrophe_words_are_the_words_holding_one(seed):
    # The old code tested every distinct word for an apostrophe.
    rnd = random.Random(seed)
    pieces = (
        "it's that's you're don't 'quoted' x'' ''y a'b'c ab''''s o'''re \x00'\x00s it'\x00s "
        "stuuuuupid's heeeey'''re ' '' é's Ж're 1d10t's the a . ! @x's"
    ).split(" ")
    for _ in range(3000):
        seps = rnd.choice(([" "], [" ", " ", ".", "'", '"', "!"], ["", " ", "  "]))
        text = "".join(rnd.choice(pieces) + rnd.choice(seps) for _ in range(rnd.choice((1, 5, 30, 200))))
        n = Normalized(text)
        got = personal_attack._apostrophe_words(n)
        assert got <= n.wordset
        assert {w for w in got if "'" in w} == {w for w in n.wordset if "'" in w}


@pytest.mark.parametrize("seed", [8, 9])
def test_words_containing_is_the_substring_filter(seed):
    rnd = random.Random(seed)
    pieces = ["tard", "tards", "libtard", "tardtard", "mustard", "t", "ard", "x", "", "é", "tar", "dtard"]
    for _ in range(5000):
        words = frozenset(
            "".join(rnd.choices(pieces, k=rnd.randint(0, 3))) for _ in range(rnd.choice((0, 1, 3, 20, 200)))
        )
        for part in ("tard", "t", "ard"):
            assert personal_attack._words_containing(words, part) == [w for w in words if part in w]


@pytest.mark.parametrize("seed", [10, 11])
def test_match_words_are_the_bisections(seed):
    rnd = random.Random(seed)
    for text in _person_texts(seed, 80):
        n = Normalized(text + " 1d10t m0r0n st00pid " * rnd.choice((0, 1, 30)))
        norm_len = len(n.norm)
        found = personal_attack.insult_matcher().find_obfuscated(n, limit=personal_attack._MAX_OBFUSCATED)
        made = [
            W.Match(a, a + rnd.randint(0, 9), "idiot", "idiot") for a in sorted(rnd.choices(range(norm_len + 1), k=40))
        ]
        for matches in (found, made, made[:3]):
            starts = n.word_starts
            want = (
                [bisect_left(starts, m.start) for m in matches],
                [bisect_left(starts, m.end) for m in matches],
            )
            assert personal_attack._match_words(n, matches) == want


def test_one_intersection_splits_into_the_two():
    # personal_attack intersects the distinct words with its words and the
    # spelling variants at once, then splits that.
    for text in _person_texts(12, 40) + ["you idi0t stpd idt m0ron lsr", ""]:
        wordset = Normalized(text).wordset
        known = wordset & personal_attack._WORDS_OR_VARIANTS
        assert known & personal_attack._WORD_TRIGGERS == wordset & personal_attack._WORD_TRIGGERS
        assert known & personal_attack._VARIANT_WORDS == wordset & personal_attack._VARIANT_WORDS


@pytest.mark.parametrize("seed", [13, 14])
def test_predicate_shape_skips_only_windows_with_no_shape(seed):
    # abuse._predicate_shape returns None early when none of the words the
    # shapes need is near; _window_shape is the full reading it skips.
    from moderation.checks.rules import abuse

    rnd = random.Random(seed)
    kinds = [
        sorted(kind)
        for kind in (
            abuse._STEREO_VERBS,
            abuse._MODALS,
            abuse._BELONG,
            abuse._INVASION,
            abuse._ADVERBS,
            abuse._CRIMES,
            abuse._TRUST,
            abuse._EXCLUDED,
            abuse._HUMAN,
            abuse._HOMELAND,
            "be get b been".split(),
            "not no never don't dont doesn't".split(),
            ["trusted"],
            "place welcome like kitchen equal allowed commit commits committing".split(),
            "have are is r aren't isn't arent isnt".split(),
            "x y the".split(),
        )
    ]
    for _ in range(40000):
        # Words of a few kinds at a time, so that whole shapes come up often.
        chosen = rnd.sample(kinds, rnd.randint(1, 4))
        words = [rnd.choice(rnd.choice(chosen)) for _ in range(rnd.randint(1, 9))]
        start = rnd.randint(0, len(words))
        n = len(words)
        window = words[start : min(n, start + 7)]
        want = abuse._window_shape(window, start) if window else None
        assert abuse._predicate_shape(words, start, n) == want
