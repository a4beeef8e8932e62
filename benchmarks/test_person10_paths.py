"""The paths of the tenth speed pass in personal_attack (issue #11) give
exactly what the code they replace gives (seeded, nothing timed).

* ``_aliases`` (unchanged in the end: a regex search of ``wordtext`` for
  the words holding "tard" cost more than it saved once their order was
  kept) against the ninth pass's code kept below, with "tard" words;
* ``_run`` takes the reach of the heads, addresses and person nouns from
  their positions (``_reaches_of``: from the shared trigger scan, and one
  scan of the words for those outside it) when a text has many insult
  words and few of those; the windows (``_reaches``, the code it replaces
  there) are the reference;
* ``_run`` blanks the words an alias spans with one slice assignment.
"""

from __future__ import annotations

import random
from itertools import compress, repeat
from operator import itemgetter, lt, not_, or_, sub

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks.normalize import Normalized
from moderation.checks.rules import personal_attack as pa

# -- the ninth pass's code, the references ------------------------------


def _aliases_old(
    text: Normalized, words: list[str], variants: frozenset[str] | None = None
) -> dict[int, tuple[str, int]]:
    """Word index -> (insult word it stands for, last word index) for
    obfuscated spellings and free compounds; usually empty.

    ``variants`` is ``text.wordset & pa._VARIANT_WORDS`` when the caller has it.
    """
    out: dict[int, tuple[str, int]] = {}
    wordset = text.wordset
    if variants is None:
        variants = wordset & pa._VARIANT_WORDS
    if variants:
        for i in pa._where(text, variants):
            out[i] = (pa.VARIANTS[words[i]], i)
    matches = pa.insult_matcher().find_obfuscated(text, limit=pa._MAX_OBFUSCATED)
    if matches:
        # ``text.word_range(m.start, m.end)`` of every match, the bisections
        # and the tests mapped in C (a hostile text has about a hundred such
        # matches).  The first words are non-decreasing (the matches are
        # sorted by span), so "the first match of a word wins" is: of the
        # matches that pass, keep the earliest of each run of equal firsts.
        firsts, afters = pa._match_words(text, matches)
        payloads = list(map(itemgetter(3), matches))
        spans = list(map(lt, firsts, afters))  # first <= last: the match holds a word
        if not all(spans):
            firsts, afters, payloads = (list(compress(x, spans)) for x in (firsts, afters, payloads))
        # Not a word the rule reads anyway, not a spelling variant found above.
        blocked = list(
            map(or_, map(pa._WORD_TRIGGERS.__contains__, map(words.__getitem__, firsts)), map(out.__contains__, firsts))
        )
        if any(blocked):
            fresh = list(map(not_, blocked))
            firsts, afters, payloads = (list(compress(x, fresh)) for x in (firsts, afters, payloads))
        # Later duplicates overwritten by earlier ones, then back in text order.
        earliest = dict(zip(reversed(firsts), zip(reversed(payloads), map(sub, reversed(afters), repeat(1)))))
        out.update(reversed(earliest.items()))
    if "tard" in text.norm:
        tards = [
            w
            for w in pa._words_containing(wordset, "tard")
            if w.endswith(("tard", "tards"))
            if (
                len(w) > 5
                and w not in pa._TARD_WORDS
                and w not in pa.NOUNS
                and (w[-5] if w.endswith("tard") else w[-6]) != "s"
            )
        ]
        if tards:
            # Where each is, from one scan for all of them (in the order above).
            at: dict[str, list[int]] = {}
            for i in pa._where(text, frozenset(tards)):
                at.setdefault(words[i], []).append(i)
            for w in tards:
                for i in at.get(w, ()):
                    out.setdefault(i, ("retards" if w.endswith("s") else "retard", i))
    brains = wordset & pa._BRAIN_WORDS
    if brains:
        for i in pa._where(text, brains):
            if (
                words[i] == "brained"
                and i > 0
                and words[i - 1] not in pa._BRAINED_NOT
                and words[i - 1] not in ("a", "the")
            ):
                out.setdefault(i - 1, ("brainless", i))
            elif (
                words[i] == "brains"
                and i > 1
                and words[i - 1] == "for"
                and len(words[i - 2]) > 2
                and words[i - 2] not in pa._NOT_FOR_BRAINS
            ):
                out.setdefault(i - 2, ("idiot", i))
    return out


def _reaches_old(text: Normalized, queries, heads, addresses, addressing, people):
    """The ninth pass's call: the windows for every text."""
    return pa._reaches(pa._PADDING + text.words, queries, heads, addresses, addressing, people)


# Words that exercise the replaced paths: "tard" words stretched, split by
# ignorables, hyphenated or plural, words that merely hold "tard", heads
# ending in "'s"/"'re", addresses, possessives and person nouns.
_EXTRA = (
    "retard retards libtard libtards snowtard snowtards shittard fucktard mustard custards standard "
    "taaaaard reeetaaard libtaaaards re\u200btard lib\u00adtards re\u200b\u200btards t\u200bard s-tard "
    "retardation tardy ttard tarrrd libt4rd "
    "you your ur you're ya yourself he's she's john's mom's they're we're it's that's who's "
    "is are was be like sounds such what a an the not so really just all "
    "man woman guy people dude liberals women idiot moron stupid dumb vermin congolese "
    "shit for brains pea-brained lizard-brained idiott stpd mrn loozer "
    ". ! ? ; , - \n @"
).split(" ")


def _chunks(rnd: random.Random, gen: sa.Generator, count: int) -> list[str]:
    out = []
    for _ in range(count):
        if rnd.random() < 0.5:
            out.append(gen.chunk())
        else:
            out.append(" ".join(rnd.choice(_EXTRA) for _ in range(rnd.randint(1, 6))) + rnd.choice(sa.SEPARATORS))
    return out


def _bodies(seed: int, count: int) -> list[str]:
    """Periodic bodies rendered as the search renders them, short ones, and
    non-periodic ones (every chunk drawn afresh)."""
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    out = []
    for k in range(count):
        gen = sa.Generator(random.Random(seed * 1000 + k), words, groups)
        shape = k % 3
        if shape == 0:  # periodic, as the search's bodies are
            out.append(sa.render(_chunks(rnd, gen, rnd.randint(1, 12)), rnd.choice((5000, 1500))))
        elif shape == 1:  # short: every window meets an end of the text
            out.append(sa.render(_chunks(rnd, gen, rnd.randint(1, 4)), rnd.choice((20, 60, 200))))
        else:  # non-periodic
            out.append("".join(_chunks(rnd, gen, rnd.randint(20, 400)))[:5000])
    return out


def _rewritten_old(words: list[str], aliases: dict[int, tuple[str, int]]) -> list[str]:
    """The ninth pass's rewriting of the words from the aliases, in ``_run``."""
    words = list(words)
    for i, (canonical, last) in aliases.items():
        words[i] = canonical
        for k in range(i + 1, last + 1):
            words[k] = ""
    return words


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aliases_are_the_ninth_pass_aliases(seed):
    tards = 0
    for body in _bodies(seed, 150):
        new, old = Normalized(body), Normalized(body)
        got = pa._aliases(new, new.words)
        want = _aliases_old(old, old.words)
        assert got == want and list(got) == list(want)
        assert pa._rewritten(new.words, got) == _rewritten_old(old.words, want)
        tards += sum(v[0].startswith("retard") for v in got.values())
    assert tards > 20  # the "tard" path is taken


def _vocabularies(text: Normalized):
    """The vocabularies ``_run`` passes (as it computes them)."""
    wordset = text.wordset
    heads = wordset & pa._HEADS
    if "'" in text.wordtext:
        heads = heads | frozenset(w for w in pa._apostrophe_words(text) if w.endswith(("'s", "'re")))
    return heads, wordset & pa._ADDRESS, wordset & pa._ADDRESS_OR_POSSESSIVE, wordset & pa._EPITHET_PEOPLE


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_reaches_of_are_the_windows(seed, monkeypatch):
    rnd = random.Random(seed)
    listed = []
    within = pa._within
    monkeypatch.setattr(pa, "_within", lambda *a: listed.append(1) or within(*a))
    scanned = []
    where = pa._where
    monkeypatch.setattr(pa, "_where", lambda *a: scanned.append(1) or where(*a))
    bodies = _bodies(seed, 90)
    # Many insult words and few heads (the listed path), some of them in
    # the shared trigger scan ("you", "your"), some not ("is", "he's").
    insults = ["idiot", "moron", "stupid", "vermin", "retard", "libtard"]
    for _ in range(90):
        few = rnd.choice(("you", "your", "he's", "john's", "they're", "is", "what", "woman", "it's", "ur"))
        words = [rnd.choice(insults) for _ in range(rnd.choice((30, 200, 900)))]
        for _ in range(rnd.choice((0, 1, 3, 10, 70))):
            words.insert(rnd.randrange(len(words) + 1), few)
        sep = rnd.choice((" ", ". ", " ' "))
        bodies.append(sep.join(words))
    for body in bodies:
        text = Normalized(body)
        heads, addresses, addressing, people = _vocabularies(text)
        n = len(text.words)
        for queries in (
            sorted(text.indices(text.wordset & (pa.NOUNS | pa.ADJECTIVES))),
            sorted(rnd.sample(range(n), min(n, rnd.choice((0, 5, 30, 300))))),
            list(range(n)),
        ):
            got = pa._reaches_of(text, queries, heads, addresses, addressing, people)
            assert got == _reaches_old(text, queries, heads, addresses, addressing, people)
    assert len(listed) > 100  # the listed path is taken
    assert len(scanned) > 20  # with words outside the shared trigger scan


@pytest.mark.parametrize("seed", [10, 11, 12])
def test_rule_findings_are_the_ninth_pass_findings(seed, monkeypatch):
    bodies = _bodies(seed, 120) + ["you idiot. what a moron! your stupid face", "Stupid woman.", "", "libtard"]
    new = [repr(pa.run(Normalized(b), None)) for b in bodies]
    monkeypatch.setattr(pa, "_aliases", _aliases_old)
    monkeypatch.setattr(pa, "_reaches_of", _reaches_old)
    assert [repr(pa.run(Normalized(b), None)) for b in bodies] == new
    assert sum(r != "[]" for r in new) > 40  # the bodies do make findings


def test_the_searchs_worst_body_gives_the_ninth_pass_findings(monkeypatch):
    from pathlib import Path

    body = (Path(__file__).resolve().parent / "adversarial_worst.txt").read_text(encoding="utf-8")
    new = repr(pa.run(Normalized(body), None))
    monkeypatch.setattr(pa, "_aliases", _aliases_old)
    monkeypatch.setattr(pa, "_reaches_of", _reaches_old)
    assert repr(pa.run(Normalized(body), None)) == new


@pytest.mark.parametrize("seed", [13, 14])
def test_rewritten_is_the_ninth_pass_loop(seed):
    rnd = random.Random(seed)
    for _ in range(5000):
        n = rnd.randint(1, 30)
        words = [rnd.choice("abcdef") for _ in range(n)]
        aliases = {}
        for _ in range(rnd.randint(0, 8)):
            i = rnd.randrange(n)
            aliases[i] = (
                rnd.choice(("idiot", "retard", "moron")),
                rnd.randint(i, min(n - 1, i + rnd.choice((0, 0, 1, 4)))),
            )
        assert pa._rewritten(words, aliases) == _rewritten_old(words, aliases)
