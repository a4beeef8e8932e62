"""The paths of the tenth speed pass in the abuse rule (issue #11) give
exactly what the code they replace gives (seeded, nothing timed).

* ``abuse.run`` rules out, with a few set operations, a group word that no
  shape of ``_examine_group`` can start from or reach (``_BEFORE_SHAPES``,
  ``_PREDICATE_WORDS``, ``_LINKS``, ...);
* on a text with many trigger words it memoises ``_examine_group`` by the
  words of its whole reach (``_REACH_BEFORE``, ``_REACH_AFTER``), so a
  repetitive hostile text examines each distinct neighbourhood once;
* the findings are gathered first and handed to the collector afterwards;
* ``groups.generic`` reads its modifiers from ``GENERIC_MODIFIERS``.

``reference_run`` and ``_reference_trope`` below are the code as it read
(d04f7bc), with the module's unchanged helpers and word lists.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import islice

import pytest

from benchmarks.search_adversarial import CYRILLIC, GREEK, LEET, PUNCT, SEPARATORS, TEMPLATES, render
from moderation.checks import groups
from moderation.checks.normalize import Normalized
from moderation.checks.rules import MAX_PER_RULE, WordSpanFindings, abuse, finding, match_phrase
from moderation.checks.senses import innocent
from moderation.checks.values import CheckContext, Finding

_CONTEXT = CheckContext()


def reference_run(text: Normalized, context: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    slurs = (m for m in abuse.slur_matcher().find(text, cap=False) if not innocent(text, m.key, m.start, m.end))
    for m in islice(slurs, MAX_PER_RULE):
        out.append(finding(text, "abuse", "abuse.slur", m.start, m.end, m.payload))
    wordset = text.wordset
    group_hits = wordset & abuse._GROUP_WORDS
    expulsion_firsts = abuse._EXPULSION_INDEX.firsts(text)
    trope_firsts = abuse._TROPE_INDEX.firsts(text)
    pronouns = wordset & abuse._PRONOUNS if group_hits and wordset & abuse._STRONG_METAPHORS else frozenset()
    if not group_hits and not expulsion_firsts and not trope_firsts and not pronouns:
        return out
    words = text.words
    n = len(words)
    spans = WordSpanFindings(text, "abuse")
    add = spans.add
    lgbt_context = bool(wordset & abuse._LGBT)
    for i in text.indices(group_hits | expulsion_firsts | trope_firsts | pronouns):
        w = words[i]
        if w in expulsion_firsts:
            phrase = match_phrase(words, i, abuse._EXPULSION_INDEX)
            if phrase:
                add(i, i + len(phrase) - 1, 0.7, "abuse.xenophobia")
        if w in trope_firsts:
            phrase = match_phrase(words, i, abuse._TROPE_INDEX)
            if phrase:
                _reference_trope(
                    words, i, phrase, lgbt_context, lgbt_context or bool(wordset & abuse._GENDER_CONTEXT), add
                )
        if w in pronouns:
            # "too many migrants here, they are like cockroaches".
            j = i + 1
            while j < n and j - i <= 4 and words[j] in abuse._LINKS:
                j += 1
            if j < n and j > i + 1 and words[j] in abuse._STRONG_METAPHORS and not abuse._reported(words, i):
                add(i, j, 0.65, "abuse.dehumanising")
            continue
        if w not in group_hits:
            continue
        if abuse._reported(words, i):
            continue
        nxt = words[i + 1] if i + 1 < n else ""
        prev = words[i - 1] if i > 0 else ""
        # "muslim vermin", "migrant infestation", "non-white parasites":
        # identity word + a noun that dehumanises (a colour only when
        # written "non-white").
        if nxt in abuse._DEHUMANISING_NEXT and w in abuse._CORE and (w not in abuse._COLOURS or prev == "non"):
            add(i - 1 if w in abuse._COLOURS else i, i + 1, 0.75, "abuse.dehumanising")
            continue
        # "typical Muslim", "so typical of Mexicans".
        if prev == "typical" and (i < 2 or words[i - 2] in abuse._TYPICAL_BEFORE or abuse._clause_start(text, i - 1)):
            add(i - 1, i, 0.6, "abuse.generalisation")
            continue
        if prev == "of" and i >= 2 and words[i - 2] == "typical":
            add(i - 2, i, 0.6, "abuse.generalisation")
            continue
        # "never trust a Jew".
        if (
            prev in ("a", "an", "any")
            and i >= 3
            and words[i - 2] == "trust"
            and words[i - 3] in abuse._TRUST | {"don't", "dont"}
        ):
            add(i - 3, i, 0.7, "abuse.generalisation")
            continue
        group_end = groups.group_end(words, i)
        if group_end < 0 and w in abuse._TRANS_NOUNS:
            group_end = i
        if group_end < 0:
            continue
        # "an infestation of migrants", "hordes of Muslims", "overrun by
        # refugees".
        h = i - 1
        while h >= 0 and i - h <= 2 and words[h] in ("the", "these", "those", "all", "filthy", "dirty"):
            h -= 1
        if (
            h >= 1
            and words[h] in ("of", "by", "with")
            and (words[h - 1] in abuse._COLLECTIVE or (words[h] != "of" and words[h - 1] in abuse._INFESTED))
            and not abuse._reported(words, h - 1)
        ):
            add(h - 1, group_end, 0.7, "abuse.dehumanising")
            continue
        if not _reference_generic(words, i):
            continue
        # "I hate muslims", "hate gay people".
        h = i - 1
        while (
            h >= 0
            and i - h <= 3
            and (words[h] in abuse._HATE_LINKS or words[h] in abuse._GROUP_WORDS or words[h] in ("and", "or"))
        ):
            h -= 1
        if h >= 0 and i - h <= 4 and words[h] in abuse.HATE:
            add(h, group_end, 0.75, "abuse.hatred")
            continue
        # "filthy jews", "stupid women".
        if prev in abuse.DEGRADING_ADJ and prev not in ("damn", "bloody"):
            add(i - 1, group_end, 0.7, "abuse.generalisation")
            continue
        if not abuse._HEDGES.isdisjoint(words[max(0, i - 3) : i]) or (
            i >= 2 and words[i - 2] == "not" and prev == "all"
        ):
            continue
        # "trans women are men", "a trans woman is not a woman".
        gender = abuse._trans_gender(words, i, group_end)
        if gender:
            denial_end = abuse._gender_denial(words, group_end + 1, n, gender)
            if denial_end is not None:
                add(i, denial_end, 0.7, "abuse.trope")
                continue
        shape = abuse._predicate_shape(words, group_end + 1, n)
        if shape is not None:
            rule, last, score = shape
            add(i, last, score, rule)
            continue
        # "immigrants are vermin", "muslims are all terrorists".
        j = group_end + 1
        linked = False
        while j < n and j - i <= 5 and words[j] in abuse._LINKS:
            linked = linked or words[j] in ("are", "is", "r", "were", "like")
            j += 1
        if linked:
            # Up to two modifiers may precede the degrading word: "are lower
            # class pigs", "are a fucking joke", "are mentally ill".
            k = j
            while k < n and k - j < 3 and words[k] not in abuse.DEGRADING and words[k] not in abuse._STOP_PREDICATE:
                k += 1
            if (
                k < n
                and words[k] in abuse.DEGRADING
                and not any(words[x] in abuse._STOP_PREDICATE for x in range(j, k))
            ):
                if not (words[k] in abuse._ILLNESS_ADJ and k + 1 < n and words[k + 1] in abuse._MEDICAL_NEXT):
                    add(i, k, 0.75, "abuse.generalisation")
    return out + spans.findings


def _reference_trope(
    words: list[str],
    i: int,
    phrase: tuple[str, ...],
    lgbt: bool,
    gender_context: bool,
    add: Callable[[int, int, float, str], None],
) -> None:
    """Gender-identity and breeding tropes found by phrase."""
    last = i + len(phrase) - 1
    head = phrase[0]
    if head in ("breed", "breeding"):
        # "these people breed like rabbits" (a group before it is handled
        # by the predicate shape; here only the demonstrative).
        if (
            i >= 2
            and words[i - 1] == "people"
            and words[i - 2] in abuse._DEMONSTRATIVE_PEOPLE
            and last + 1 < len(words)
        ):
            add(i - 2, last + 1, 0.7, "abuse.dehumanising")
        return
    if abuse._reported(words, i):
        return
    if phrase[-1] in ("dress", "dresses", "wig", "wigs", "skirt", "skirts", "pretending"):
        # "a man in a dress" said in a comment about trans people or
        # about who counts as a woman.
        if gender_context:
            add(i, last, 0.6, "abuse.trope")
        return
    if not lgbt:
        return
    # "(being trans) is a mental illness", "it's a disease".
    k = i - 1
    while (
        k >= 0
        and i - k <= 3
        and words[k]
        in (
            "a",
            "an",
            "just",
            "simply",
            "clearly",
            "obviously",
            "really",
            "serious",
            "severe",
            "form",
            "of",
            "kind",
            "type",
            "sort",
            "all",
            "basically",
        )
    ):
        k -= 1
    if k < 0:
        return
    head_word = words[k]
    if head_word in abuse._NEGATORS or any(x in abuse._NEGATORS for x in words[max(0, k - 2) : k]):
        return
    if head_word in ("is", "are", "it's", "its", "that's", "thats", "they're", "theyre", "r") or head_word.endswith(
        "'s"
    ):
        copula = head_word in ("is", "are", "r")
        subject = words[k - 1] if k > 0 and copula else head_word
        if (
            subject in ("it", "that", "this", "it's", "its", "that's", "thats", "they", "they're", "theyre")
            or subject in abuse._LGBT
            or subject.endswith("ism")
        ):
            add(k - 1 if copula else k, last, 0.65, "abuse.trope")


def _reference_generic(words: list[str], i: int) -> bool:
    """``groups.generic`` as it read."""
    w = words[i]
    if w not in groups.GENDER_NOUNS and words[i + 1 if i + 1 < len(words) else i] not in groups.GENDER_NOUNS:
        return True
    k = i - 1
    while k >= 0 and words[k] in ("all", "most", "stupid", "white", "black", "trans", "gay"):
        k -= 1
    return not (k >= 0 and (words[k] in groups.SPECIFIC or words[k].isdigit()))


# -- bodies ---------------------------------------------------------------------------------------

_GROUPS = sorted(
    "muslims jews women immigrants congolese serbs gays blacks trans transwomen black white gay men girls "
    "chinese disabled mentally refugees people mexicans jew muslim".split()
)
_SLOTS = {
    "g": _GROUPS,
    "p": sorted(groups.PEOPLE)[:8] + ["people", "women", "men", "ill"],
    "l": sorted(abuse._LINKS),
    "d": sorted(abuse.DEGRADING)[:40] + ["sick", "ill", "dangerous", "vermin", "rats", "pigs"],
    "e": ["of", "and", "with", "x", "people", "in", "they"],
    "n": ["called", "labelled", "he", "x", "accused", "quoted", "said"],
    "c": sorted(abuse._COLLECTIVE) + ["overrun", "infested", "swarming"],
    "h": sorted(abuse.HATE) + ["love", "i"],
    "m": sorted(groups.GENERIC_MODIFIERS) + ["the", "these", "two", "my", "3", "some"],
    "s": sorted(abuse._STOP_PREDICATE)[:20],
    "v": sorted(abuse._PREDICATE_WORDS),
    "x": ["x", "kill", "ll", "so", "very", "they", "it", "trusted", "be", "not", "all", "here", "like", "rats", "our"],
}
_SHAPES = (
    "{g} are {l} {l} {l} {l} {x} {x} {x} {d} {e}",
    "{g} {p} are {l} {x} {d} {e}",
    "{g} {l} {l} {d} {e}",
    "{n} {x} {x} {x} {c} of the these {g}",
    "{n} {x} {x} {c} by {g}",
    "{x}{sep}typical {g}",
    "so typical of {g}",
    "never trust a {g}",
    "{h} all the {g}",
    "{h} {x} {g} {p}",
    "{m} {m} {m} {m} {m} {m} {m} {m} {g} are {d}",
    "{m} {m} {g} {p} are {d}",
    "trans women are {l} men",
    "trans {p} are not {x} {p}",
    "transwomen {v} not {x} women",
    "{g} {v} {x} {x} {x} {x}",
    "{g} should all be {x} deported",
    "{g} don't belong here",
    "{g} are invading our country",
    "{g} breed like rats",
    "these people breed like rabbits",
    "they are like {d}",
    "{g} {d}",
    "non {g} {d}",
    "filthy {g}",
    "some {g} are {d}",
    "not all {g} are {d}",
    "a man in a dress {x}",
    "being {g} is a mental illness",
    "go back to your country {g}",
    "send them all back",
    "{g} can't be trusted",
    "{g} commit most of the crimes",
    "{x} {x} {g} {x} {x} {x}",
    "{v} {g} {v} {l} {d}",
)


def _fill(rnd: random.Random, template: str) -> str:
    out = template
    while "{" in out:
        start = out.index("{")
        slot = out[start + 1 : out.index("}", start)]
        if slot == "sep":
            value = rnd.choice((" ", ". ", "! ", "; ", "\n", ", ", "-", ""))
        else:
            value = rnd.choice(_SLOTS[slot])
        out = out[:start] + value + out[start + len(slot) + 2 :]
    return out


def _disguise(rnd: random.Random, chunk: str) -> str:
    """Look-alike letters, leetspeak or capitals on some chunks, as the search does."""
    roll = rnd.random()
    if roll < 0.15:
        table = CYRILLIC if rnd.random() < 0.7 else GREEK
        return "".join(table.get(c, c) if rnd.random() < 0.5 else c for c in chunk)
    if roll < 0.2:
        return "".join(rnd.choice(LEET[c]) if c in LEET and rnd.random() < 0.3 else c for c in chunk)
    if roll < 0.25:
        return chunk.upper()
    return chunk


def _chunk(rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.6:
        text = _fill(rnd, rnd.choice(_SHAPES))
    elif roll < 0.8:
        t = rnd.choice(TEMPLATES)
        text = t.replace("{g}", rnd.choice(_GROUPS)).replace("{w}", rnd.choice(_SLOTS["d"] + _SLOTS["x"]))
    elif roll < 0.9:
        text = " ".join(rnd.choice(_SLOTS[rnd.choice("glxdmvn")]) for _ in range(rnd.randint(1, 6)))
    else:
        text = "".join(rnd.choice(PUNCT) for _ in range(rnd.randint(1, 3)))
    return _disguise(rnd, text) + rnd.choice(SEPARATORS)


def periodic_body(rnd: random.Random) -> str:
    """A body like the search's: a few chunks repeated cyclically to a length."""
    genome = [_chunk(rnd) for _ in range(rnd.randint(1, 12))]
    if rnd.random() < 0.3:
        # Duplicated slices: the same phrase in several neighbourhoods.
        i = rnd.randrange(len(genome))
        genome[i:i] = genome[i : i + rnd.randint(1, 3)] * rnd.randint(1, 4)
    return render(genome, rnd.choice((60, 150, 400, 1200, 3000, 5000)))


def plain_body(rnd: random.Random) -> str:
    """No repetition beyond chance: chunks drawn afresh."""
    out = ""
    size = rnd.choice((40, 300, 2000, 5000))
    while len(out) < size:
        out += _chunk(rnd)
    return out[:size]


def _recording(base: type[WordSpanFindings], calls: list[tuple]) -> type[WordSpanFindings]:
    class Recording(base):  # type: ignore[valid-type,misc]
        def add(self, first: int, last: int, score: float, rule: str) -> None:
            calls.append((first, last, score, rule))
            super().add(first, last, score, rule)

    return Recording


def _same(body: str) -> None:
    """Same findings, and the same calls on the collector in the same order
    (past a rule's cap the findings alone would not tell)."""
    global WordSpanFindings
    plain = WordSpanFindings
    want_calls: list[tuple] = []
    got_calls: list[tuple] = []
    try:
        WordSpanFindings = _recording(plain, want_calls)
        want = reference_run(Normalized(body), _CONTEXT)
        abuse.WordSpanFindings = _recording(plain, got_calls)
        got = abuse.run(Normalized(body), _CONTEXT)
    finally:
        WordSpanFindings = plain
        abuse.WordSpanFindings = plain
    assert got == want, body
    assert got_calls == want_calls, body


# -- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_periodic_bodies_match_the_reference(seed):
    rnd = random.Random(1000 + seed)
    for _ in range(250):
        _same(periodic_body(rnd))


@pytest.mark.parametrize("seed", range(3))
def test_plain_bodies_match_the_reference(seed):
    rnd = random.Random(2000 + seed)
    for _ in range(250):
        _same(plain_body(rnd))


def test_reach_at_the_ends_of_the_text():
    """Group words within the memo's reach of either end, in texts with
    enough trigger words to memoise."""
    rnd = random.Random(3)
    for _ in range(400):
        middle = periodic_body(rnd)
        head = _fill(rnd, rnd.choice(_SHAPES))
        tail = _fill(rnd, rnd.choice(_SHAPES))
        _same(head + " " + middle + " " + tail)
        _same(" ".join(rnd.choice(_GROUPS + _SLOTS["x"] + _SLOTS["l"]) for _ in range(rnd.randint(20, 60))))


def test_reach_edges_in_a_repeated_neighbourhood():
    """The farthest reads of ``_examine_group``, each varied in a text that
    otherwise repeats one neighbourhood: a naming verb eight words before the
    group word, the word after a degrading word ten words after it, a run of
    ``generic`` modifiers reaching past the memo's reach, punctuation before
    "typical"."""
    rnd = random.Random(4)
    shapes = (
        # The slot is the only word that varies: two occurrences differ there alone.
        ("{} x x x infestation of the these migrants", ("called", "x")),
        ("{} x x x horde of all the muslims", ("labelled", "the")),
        ("muslims are just really so basically x y z sick {}", ("of", "x")),
        ("black people are just so basically x y sick {}", ("with", "x")),
        ("{} all all all all all all all all women are stupid", ("the", "x", "2")),
        ("{} most gay trans all white black stupid all women are stupid", ("these", "x")),
        ("x{}typical muslims", (". ", " ", "; ", "\n")),
        ("so{}typical jews", (". ", " ")),
        ("black people can't ever really be {}", ("trusted", "x")),
        ("gay men x x x {} like rats", ("breed", "x")),
        ("trans women x x x x {} women", ("aren't", "x")),
        ("{} x x immigrants", ("typical", "x")),
        ("transwomen {} never be women", ("will", "x")),
        ("trans women {} not be women", ("will", "are")),
    )
    for _ in range(300):
        shape, values = rnd.choice(shapes)
        parts = [shape.format(rnd.choice(values)) for _ in range(rnd.randint(8, 60))]
        _same(rnd.choice((" . ", " ", ", ", "\n")).join(parts))


def test_adversarial_worst_and_the_issue_shape_match():
    from pathlib import Path

    from benchmarks.search_adversarial import issue_shape, vocabulary

    body = (Path(__file__).parent / "adversarial_worst.txt").read_text(encoding="utf-8")
    _same(body)
    words, _ = vocabulary()
    for seed in range(5):
        _same(issue_shape(words, seed))


def _counting(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = abuse._examine_group

    def counted(text, words, i, nxt):
        calls.append(i)
        return real(text, words, i, nxt)

    monkeypatch.setattr(abuse, "_examine_group", counted)
    return calls


def test_the_memo_is_hit_on_a_periodic_body(monkeypatch):
    calls = _counting(monkeypatch)
    body = render(["the congolese are vermin. ", "kill all serbs ", "muslims are just a bunch of rats! "], 5000)
    text = Normalized(body)
    occurrences = text.indices(text.wordset & abuse._GROUP_WORDS)
    assert len(occurrences) > abuse._MEMO_FROM
    got = abuse.run(text, _CONTEXT)
    assert got == reference_run(Normalized(body), _CONTEXT)
    # Each distinct neighbourhood once (plus the ends of the text), not once per occurrence.
    assert 0 < len(calls) < 20 < len(occurrences)
    assert {f.rule for f in got} >= {"abuse.generalisation"}


def test_no_memo_on_a_short_text(monkeypatch):
    calls = _counting(monkeypatch)
    body = "the congolese are vermin. " * 5
    abuse.run(Normalized(body), _CONTEXT)
    assert len(calls) == 5


def test_generic_reads_the_same_modifiers():
    rnd = random.Random(5)
    pool = sorted(groups.GENERIC_MODIFIERS | groups.SPECIFIC | groups.GENDER_NOUNS) + ["3", "x", "people"]
    for _ in range(20000):
        words = [rnd.choice(pool) for _ in range(rnd.randint(1, 12))]
        i = rnd.randrange(len(words))
        assert groups.generic(words, i) == _reference_generic(words, i)


def test_the_prefilter_words_are_what_the_shapes_need():
    """``_BEFORE_SHAPES`` holds every word a shape before the group word needs."""
    assert {"typical", "of", "a", "an", "any", "by", "with"} <= abuse._BEFORE_SHAPES
    assert abuse.HATE <= abuse._BEFORE_SHAPES and abuse.DEGRADING_ADJ <= abuse._BEFORE_SHAPES
    assert abuse._TRANS_NOUNS | groups.TRANS <= abuse._TRANS_ANY
