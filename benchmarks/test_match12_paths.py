"""The twelfth pass's rewrite of ``WordMatcher.find`` and of the loops that read it gives
exactly what the code it replaces gave (seeded, nothing timed).

- ``find_tuples`` builds its matches as plain tuples, in C, from whole lists of spans (a regex
  scan's, the word index's, the tokens' verdicts) where the old ``find`` built a ``Match`` per
  occurrence in a Python loop; ``find`` is ``find_tuples`` made into ``Match`` objects.
- ``profanity.run`` drops the later matches of a category once it is full in one C-level
  filter, where the old loop skipped them one by one.
- ``abuse.run`` reads the tuples.

The code as it read before is kept here as the reference.  ``terms.run`` now caps its findings
(five per category and kind, as every other rule): ``moderation/tests/checks/test_terms.py``
tests that change, and here its old loop minus the cap is the reference for what it keeps.
"""

from __future__ import annotations

import random
from itertools import islice

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks import CheckContext, TermList
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized
from moderation.checks.rules import MAX_PER_RULE, abuse, finding, personal_attack, profanity, terms
from moderation.checks.senses import innocent

# -- the reference: the code as it read before ----------------------------------------------


def ref_check_tokens(matcher, trimmed, found) -> None:
    starts, ends, tokens = trimmed
    for i, token in enumerate(tokens):
        key = matcher._match_token(token)
        if key is not None:
            span = (starts[i], ends[i])
            if span not in found:
                found[span] = W.Match(*span, key, matcher._payload[key])


def ref_find(matcher, text: Normalized, cap: bool = True) -> list[W.Match]:
    if not matcher._keys and not matcher._phrases:
        return []
    found: dict = {}
    norm, canon, canon_words = text.norm, text.canon, text.canon_words
    keys = matcher._keys & canon_words
    firsts = matcher._firsts & canon_words
    payload = matcher._payload
    if len(keys) + len(firsts) > W._INDEX_FROM or ((keys or firsts) and matcher._shares_hits(text)):
        pieces = text.canon_split
        wanted = keys | firsts
        hits = [i for i, w in enumerate(pieces) if w in wanted]
        starts = W._canon_pieces(text)[1]
        positions: dict[str, list[int]] = {w: [] for w in firsts}
        for i in hits:
            key, start = pieces[i], starts[i]
            if key in keys:
                end = start + len(key)
                if key not in matcher._digit_like or not norm[start:end].isdigit():
                    found[(start, end)] = W.Match(start, end, key, payload[key])
            if key in positions:
                positions[key].append(start)
        where: dict[str, list[int]] | None = positions
    else:
        where = None
        for key in keys:
            for m in matcher._boundary(key).finditer(canon):
                if not norm[m.start() : m.end()].isdigit():
                    found[m.span()] = W.Match(m.start(), m.end(), key, payload[key])
    for first in firsts:
        pattern, lookup = matcher._phrases[first]
        matches = pattern.finditer(canon) if where is None else W._matches_at(pattern, canon, where[first])
        for m in matches:
            rest = m.group(1).replace(" ", "")
            key, value = lookup.get(rest, (first + rest, None))
            if value is not None:
                found[m.span()] = W.Match(m.start(), m.end(), key, value)
    ref_check_tokens(matcher, W._trimmed_slow_tokens(text, cap), found)
    spelled = W.spelled_runs(text)
    for start, end in W._capped(spelled, W.MAX_SPELLED) if cap else spelled:
        matcher._check_spelled(norm[start:end], start, found)
    return [W.Match(*m) for m in sorted(found.values(), key=lambda m: (m[0], m[1]))]


def ref_profanity(text: Normalized) -> list:
    out = []
    shown: dict[str, int] = {}
    for m in ref_find(profanity.matcher(), text):
        category, score, rule = m.payload
        n = shown.get(category, 0)
        if n >= MAX_PER_RULE:
            continue
        if m.key in profanity._NAME_LIKE and profanity._is_name(text, m.start, m.end):
            continue
        if innocent(text, m.key, m.start, m.end):
            continue
        shown[category] = n + 1
        out.append(finding(text, category, rule, m.start, m.end, score))
        if n + 1 == MAX_PER_RULE and all(shown.get(c, 0) >= MAX_PER_RULE for c in profanity._CATEGORIES):
            break
    if "profanity" not in shown:
        unread = W.cap_hit(text)
        if unread is not None:
            out.append(finding(text, "profanity", "profanity.obfuscation_flood", *unread, profanity._FLOOD_SCORE))
    return out


def ref_slurs(text: Normalized) -> list:
    slurs = (m for m in ref_find(abuse.slur_matcher(), text, cap=False) if not innocent(text, m.key, m.start, m.end))
    return [finding(text, "abuse", "abuse.slur", m.start, m.end, m.payload) for m in islice(slurs, MAX_PER_RULE)]


def ref_terms_capped(text: Normalized, context: CheckContext) -> list:
    """The old loop (every hit), keeping the first MAX_PER_RULE of each (category, kind)."""
    out = []
    shown: dict[tuple[str, str], int] = {}
    for m in ref_find(terms.compile_terms(context.terms), text, cap=False):
        category, rule, score = m.payload
        shown[(category, rule)] = shown.get((category, rule), 0) + 1
        if shown[(category, rule)] <= MAX_PER_RULE:
            out.append(finding(text, category, rule, m.start, m.end, score))
    return out


# -- bodies -----------------------------------------------------------------------------------

_REPEATED = (
    "fcuk ",
    "fuck. ",
    "ηιց**.",
    "n*gger ",
    "sh1t 455 ",
    "dick Dick Cheney ",
    "honky tonk ",
    "a s s ",
    "crypto giveaway ",
    "shill shit ",
    "f4ck fuuuck ",
    "8008 b00b ",
)


def _bodies(seed: int, n: int) -> list[str]:
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        if i % 3 == 0:
            units = rnd.sample(_REPEATED, rnd.randint(1, 3))
            body = "".join(rnd.choice(units) for _ in range(rnd.randint(5, 900)))
        else:
            gen = sa.Generator(random.Random(seed * 1000 + i), words, groups)
            body = sa.render([gen.chunk() for _ in range(rnd.randint(1, 40))], rnd.choice((100, 1000, 5000)))
        out.append(body[: rnd.choice((60, 400, 5000))])
    return out


_CONTEXT = CheckContext(
    terms=TermList(
        banned={"abuse": ("subhuman filth",), "profanity": ("fcuk", "fuck")},
        suspect={"promotion": ("crypto giveaway", "forex signals"), "personal_attack": ("shill",)},
    )
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_find_gives_what_the_old_find_gave(seed, monkeypatch):
    matchers = [
        profanity.matcher(),
        abuse.slur_matcher(),
        personal_attack.insult_matcher(),
        terms.compile_terms(_CONTEXT.terms),
    ]
    for body in _bodies(seed, 60):
        for index_from in (W._INDEX_FROM, -1, 10**9):  # as shipped, word index always, never
            monkeypatch.setattr(W, "_INDEX_FROM", index_from)
            for matcher in matchers:
                for cap in (True, False):
                    expected = ref_find(matcher, Normalized(body), cap)
                    got = matcher.find(Normalized(body), cap)
                    assert got == expected
                    assert all(type(m) is W.Match for m in got)
                    assert matcher.find_tuples(Normalized(body), cap) == [tuple(m) for m in expected]


@pytest.mark.parametrize("seed", [4, 5])
def test_rules_give_what_the_old_loops_gave(seed):
    for body in _bodies(seed, 90):
        assert profanity.run(Normalized(body), _CONTEXT) == ref_profanity(Normalized(body))
        slurs = [f for f in abuse.run(Normalized(body), _CONTEXT) if f.rule == "abuse.slur"]
        assert slurs == ref_slurs(Normalized(body))
        assert terms.run(Normalized(body), _CONTEXT) == ref_terms_capped(Normalized(body), _CONTEXT)


def test_the_bodies_reach_the_new_paths():
    """The repeated bodies fill a category early and leave matches to drop, on every rule."""
    text = Normalized("fcuk " * 300 + "pussy " * 3)
    assert len(profanity.matcher().find_tuples(text)) == 303
    assert [f.category for f in profanity.run(text, _CONTEXT)].count("profanity") == MAX_PER_RULE
    assert [f.category for f in profanity.run(text, _CONTEXT)].count("vulgarity") == 3
    assert len(terms.run(text, _CONTEXT)) == MAX_PER_RULE


def test_a_token_never_replaces_an_earlier_match_at_its_span():
    """As the old ``span not in found`` test: a word or phrase match found first keeps its span."""
    matcher = profanity.matcher()
    found = {(0, 4): (0, 4, "earlier", ("profanity", 0.1, "x"))}
    matcher._check_tokens(([0, 10], [4, 14], ["f**k", "f**k"]), found)
    assert found[(0, 4)] == (0, 4, "earlier", ("profanity", 0.1, "x"))
    assert (10, 14) in found
    expected: dict = {(0, 4): (0, 4, "earlier", ("profanity", 0.1, "x"))}
    ref_check_tokens(matcher, ([0, 10], [4, 14], ["f**k", "f**k"]), expected)
    assert found == expected
