"""The twelfth pass's speed-ups of the profanity stage give exactly what the code they
replace gave (seeded, nothing timed).

- ``WordMatcher.find_tuples`` keeps its list-word matches in a list (unique starts, in span
  order) apart from the few others (phrases, tokens, spelled runs), which alone are keyed by
  span, and merges them at the end (``_merged``: by bisection or by a start -> end dict), where
  it put every match in one dict keyed by span and sorted its values.
- A list word found more than ``_DENSE_KEY`` times in ``canon`` (of at most
  ``_DENSE_KEYS_MAX`` present) is placed from the word arrays
  (``_word_starts``) instead of one regex match per occurrence; ``_canon_starts`` reads the
  same arrays (``_canon_arrays``).

The code as it read before is kept here as the reference.
"""

from __future__ import annotations

import random
from itertools import compress, count, repeat
from operator import add
from typing import cast

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks import CheckContext, TermList
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized
from moderation.checks.rules import abuse, personal_attack, profanity, terms

# -- the reference: the code as it read before ----------------------------------------------


def ref_find_tuples(self, text: Normalized, cap: bool = True) -> list:
    """``WordMatcher.find_tuples`` as it read before (``self`` is the matcher)."""
    if not self._keys and not self._phrases:
        return []
    found: dict = {}
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
        hit_words = list(map(pieces.__getitem__, hits))
        starts = ref_canon_starts(text, hits)
        if firsts:
            for key, start in zip(hit_words, starts):
                if key in where:
                    where[key].append(start)
        if keys:
            # Hostile text repeats a list word hundreds of times: the
            # matches are built in C (``_spans_to_matches``), not one by one.
            chosen = list(map(keys.__contains__, hit_words))
            hit_words = list(compress(hit_words, chosen))
            starts = list(compress(starts, chosen))
            ends = list(map(add, starts, map(len, hit_words)))
            if not self._digit_like.isdisjoint(keys):
                # Only a key made of leet-digit letters can stand for digits ("455").
                digit_like = self._digit_like
                kept = [
                    key not in digit_like or not norm[start:end].isdigit()
                    for key, start, end in zip(hit_words, starts, ends)
                ]
                hit_words = list(compress(hit_words, kept))
                starts = list(compress(starts, kept))
                ends = list(compress(ends, kept))
            found.update(
                zip(
                    zip(starts, ends),
                    zip(starts, ends, hit_words, map(payload.__getitem__, hit_words)),
                )
            )
    else:
        where = None
        for key in keys:
            spans = list(map(W._SPAN, self._boundary(key).finditer(canon)))
            if key in self._digit_like:
                # (A key with a letter no digit stands for never matches digits.)
                spans = [span for span in spans if not norm[span[0] : span[1]].isdigit()]
            found.update(zip(spans, map(add, spans, repeat((key, payload[key])))))
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
                found[m.span()] = (m.start(), m.end(), key, value)
    self._check_tokens(W._trimmed_slow_tokens(text, cap), found)
    spelled = W.spelled_runs(text)
    for start, end in W._capped(spelled, W.MAX_SPELLED) if cap else spelled:
        self._check_spelled(norm[start:end], start, found)
    return W._by_span(found)


def ref_canon_starts(text: Normalized, indices: list[int]) -> list[int]:
    """``_canon_starts`` as it read before."""
    starts = text.__dict__.get("_canon_start_array")
    if starts is None:
        if W.np is None or "_canon_pieces" in text.__dict__:
            return list(map(W._canon_pieces(text)[1].__getitem__, indices))
        codes = W._codes(text.canon)
        if codes is None:  # (lone surrogates: never in canon, which keeps only alphanumerics)
            return list(map(W._canon_pieces(text)[1].__getitem__, indices))
        starts = text.__dict__["_canon_start_array"] = W.run_bounds(codes == 32)[0]
    return cast("list[int]", starts[indices].tolist())


# -- bodies -----------------------------------------------------------------------------------

# Units repeated into dense bodies: one list word hundreds of times (past ``_DENSE_KEY``), a
# digit-like key next to digits ("ass" is "455" in canon), a stretched list word that is also
# a slow token at the same span ("booooobs"), masks, phrases of the term list, spelled runs,
# leet words, a look-alike letter.
_REPEATED = (
    "fcuk ",
    "fuck. ",
    "ηιց**.",
    "nig nigga ",
    "ass 455 ",
    "a55 ",
    "booooobs ",
    "shiiit ",
    "dick Dick Cheney ",
    "f u c k ",
    "crypto giveaway ",
    "subhuman filth ",
    "sh1t f4ck ",
    "b00b 8008 ",
    "fück ",
    "hello there ",
)

_SENTENCES = (
    "I really think the council should fix the roads before winter. ",
    "What the hell is this, you absolute ass? ",
    "The dam on the river was built in 1931; the damn thing still works. ",
    "Honky tonk music and a pussy cat on the porch. ",
    "Check out my crypto giveaway at example dot com!!! ",
    "You sh!t-for-brains m0r0n, go back to school. ",
    "S.H.I.T happens, as they say... ",
    "Booooobs? Really? Grow up. ",
)


def _bodies(seed: int, n: int) -> list[str]:
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            units = rnd.sample(_REPEATED, rnd.randint(1, 3))
            body = "".join(rnd.choice(units) for _ in range(rnd.randint(5, 1200)))
        elif kind == 1:
            body = "".join(rnd.choice(_SENTENCES + _REPEATED) for _ in range(rnd.randint(1, 300)))
        else:
            gen = sa.Generator(random.Random(seed * 1000 + i), words, groups)
            body = sa.render([gen.chunk() for _ in range(rnd.randint(1, 40))], rnd.choice((100, 1000, 5000)))
        out.append(body[: rnd.choice((60, 400, 5000, 8000))])
    return out


_EDGE_BODIES = (
    "",
    " ",
    "fcuk",
    "fcuk " * 200,
    "fcuk" * 200,
    "455 " * 200 + "ass " * 200,
    "ass 455 " * 150,
    "booooobs " * 150 + "fcuk " * 150,
    "fcuk! fcuk? 'fcuk' " * 100,
    "f**k " * 300,
    "fcuk" + " fcuk" * 130 + " fcukfcuk",
    "FCUK " * 150 + "Fcuk",
    "ᖴcuk " * 150,
    "fcuk\u200b " * 150,
    "crypto giveaway " * 150,
    "subhuman filth fcuk " * 140,
)


_CONTEXT = CheckContext(
    terms=TermList(
        banned={"abuse": ("subhuman filth",), "profanity": ("fcuk", "fuck")},
        suspect={"promotion": ("crypto giveaway", "forex signals"), "personal_attack": ("shill",)},
    )
)


def _matchers() -> list:
    return [
        profanity.matcher(),
        abuse.slur_matcher(),
        personal_attack.insult_matcher(),
        terms.compile_terms(_CONTEXT.terms),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_find_tuples_gives_what_the_old_one_gave(seed, monkeypatch):
    matchers = _matchers()
    for body in _bodies(seed, 48) + list(_EDGE_BODIES):
        for index_from in (W._INDEX_FROM, -1, 10**9):  # as shipped, word index always, never
            monkeypatch.setattr(W, "_INDEX_FROM", index_from)
            for matcher in matchers:
                for cap in (True, False):
                    expected = ref_find_tuples(matcher, Normalized(body), cap)
                    assert matcher.find_tuples(Normalized(body), cap) == expected


@pytest.mark.parametrize("seed", [4, 5])
def test_every_branch_gives_the_same(seed, monkeypatch):
    """Dense keys always / never / as shipped, and both ways of merging."""
    matchers = _matchers()
    for body in _bodies(seed, 32) + list(_EDGE_BODIES):
        for dense, bisect_below in ((0, 0), (0, 10**9), (10**9, W._BISECT_BELOW), (W._DENSE_KEY, 10**9)):
            monkeypatch.setattr(W, "_DENSE_KEY", dense)
            monkeypatch.setattr(W, "_DENSE_KEYS_MAX", 10**9 if dense == 0 else W._DENSE_KEYS_MAX)
            monkeypatch.setattr(W, "_BISECT_BELOW", bisect_below)
            for matcher in matchers:
                for cap in (True, False):
                    expected = ref_find_tuples(matcher, Normalized(body), cap)
                    assert matcher.find_tuples(Normalized(body), cap) == expected


@pytest.mark.parametrize("seed", [6, 7])
def test_word_places_match_the_split(seed):
    rnd = random.Random(seed)
    for body in _bodies(seed, 40) + list(_EDGE_BODIES):
        text = Normalized(body)
        pieces = text.canon_split
        offsets = W._canon_pieces(Normalized(body))[1]
        for key in set(rnd.sample(pieces, min(5, len(pieces)))) | {"fcuk", "ass", "zzzz"}:
            got = W._word_starts(text, key)
            assert got == [offsets[i] for i, w in enumerate(pieces) if w == key]
        indices = sorted(rnd.sample(range(len(pieces)), min(20, len(pieces))))
        assert W._canon_starts(Normalized(body), indices) == ref_canon_starts(Normalized(body), indices)
        assert W._canon_starts(text, indices) == [offsets[i] for i in indices]


def test_the_bodies_reach_the_new_paths(monkeypatch):
    text = Normalized("ass 455 " * 150 + "booooobs " * 150)
    assert text.canon.count("ass") > W._DENSE_KEY
    assert W._word_starts(text, "ass") is not None
    matches = profanity.matcher().find_tuples(text)
    assert not any(text.norm[m[0] : m[1]].isdigit() for m in matches)
    # A stretched list word is a slow token at its own span: the word's match keeps it.
    assert W._trimmed_slow_tokens(text)[0]
    calls = []
    real = W._merged

    def spy(base, found):
        calls.append((len(base), len(found)))
        return real(base, found)

    monkeypatch.setattr(W, "_merged", spy)
    profanity.matcher().find_tuples(Normalized("fcuk " * 300 + "f**k"))
    assert calls[-1][0] == 300 and calls[-1][1] == 1
    assert W._word_starts(Normalized("ᖴcuk " * 10), "ᖴcuk") is None  # a non-ASCII key reads the regex
