"""The paths of the tenth speed pass in the threat rule (issue #11) give
exactly what the code they replace gives (seeded, nothing timed).

* ``threat.run`` and ``threat_shapes.run`` examine each trigger word in
  ``_occurrence`` and ``threat_shapes.replay`` memoises the examination of a
  frequent word per neighbourhood (the folded text of its reach, plus the
  case of the next word when the examination asks for it), replaying its
  calls at every repetition;
* ``threat._occurrence`` tests cheap conditions first and sets in C
  (``_intent``'s one test for a modal word, the imperative object before
  the clause test, ``isdisjoint`` for ``set(...) &``);
* ``threat_shapes.triggers`` keeps only the words of the shapes whose other
  needed words occur in the text.

The code as it read is kept below as the reference (``_plain_run``).
"""

from __future__ import annotations

import random

import pytest

import benchmarks.search_adversarial as sa
from moderation.checks.normalize import Normalized
from moderation.checks.rules import WordSpanFindings, match_phrase, threat, threat_shapes
from moderation.checks.rules.abuse import GROUPS, IDENTITY_ADJ
from moderation.checks.rules.threat import (
    _COMMON_CAPS,
    _KINDLY,
    _LET_HARM,
    _LET_OBJECTS,
    _LETHAL,
    _MENACE_INDEX,
    _MENACE_ONLY,
    _MENACE_SCORE,
    _NARRATED,
    _NEEDS_GROUP,
    _PASSIVE_FILLER,
    _PEOPLE_NOUNS,
    _SEE,
    _TARGET_WORDS,
    _WEAK_ONLY,
    _WORD_TRIGGERS,
    COMPLEMENTS,
    DEATH,
    FIRST_INTENT,
    FIRST_SUBJECTS,
    INCITE_MARKERS,
    INTENT_MARKERS,
    PASSIVE,
    PERSON_OBJECTS,
    REPORTED,
    SECOND_PERSON,
    STRONG_VERBS,
    WEAK_VERBS,
    WISH,
    WISH_HARM,
    _group_target,
    _thing_subject,
)
from moderation.checks.rules.threat import _NEGATIONS as _T_NEGATIONS
from moderation.checks.rules.threat_shapes import (
    _BACK_VERBS,
    _EJECT,
    _EXTERMINATION,
    _NEED,
    _NOT_NAMES,
    _PARTICLE,
    _RARE,
    _REPORTED,
    _WIPE,
    TRIGGERS,
    _bullet,
    _extermination,
    _gerund,
    _mood,
    _removal,
    _run_over,
    _target,
    _ultimatum,
    _wall,
)
from moderation.checks.rules.threat_shapes import _LETHAL as _S_LETHAL

# ---------------------------------------------------------------- the code as it read


def _window(words, i, before, after):
    return words[max(0, i - before) : i], words[i + 1 : i + 1 + after]


_PERSON_OR_GROUP = PERSON_OBJECTS | GROUPS


def _has_person_object(after):
    return not _PERSON_OR_GROUP.isdisjoint(after[:3])


def _imperative_target(text, i, after):
    first = after[0]
    if first in GROUPS or first in IDENTITY_ADJ:
        return True
    if first in _TARGET_WORDS:
        return any(x in GROUPS or x in IDENTITY_ADJ or x in _PEOPLE_NOUNS for x in after[1:4])
    if first.isalpha() and i + 1 < len(text.words):
        s, e = text.span(*text.word_span(i + 1, i + 1))
        word = text.original[s:e]
        return text.words[i] in _LETHAL and word[:1].isupper() and not word.isupper() and first not in _COMMON_CAPS
    return False


def _intent(before):
    if any(w in REPORTED for w in before):
        return 0.0
    joined = set(before)
    if joined & FIRST_INTENT:
        return 0.9
    if joined & FIRST_SUBJECTS and joined & INTENT_MARKERS:
        return 0.9
    if joined & INCITE_MARKERS:
        return 0.8
    return 0.0


_CLAUSE_CHARS = frozenset('.!?;:\n"')


def _at_clause_start(text, i):
    if i == 0:
        return True
    return not _CLAUSE_CHARS.isdisjoint(text.gap(i)) or text.words[i - 1] in (
        "just",
        "lets",
        "let's",
        "and",
        "so",
        "please",
        "go",
    )


def _kindly(after):
    return "with" in after[:4] and any(a == "with" and b in _KINDLY for a, b in zip(after[:4], after[1:5]))


def _plain_time_to(text, i, n):
    words = text.words
    if i < 2 or words[i - 1] != "to" or words[i - 2] != "time":
        return -1
    if _REPORTED & set(words[max(0, i - 7) : i]):
        return -1
    end = _target(words, i + 1, n)
    if end > 0:
        return end - 1
    if i + 1 < n and words[i + 1] not in _NOT_NAMES and words[i] != "shoot":
        s, e = text.span(*text.word_span(i + 1, i + 1))
        name = text.original[s:e]
        if name[:1].isupper() and not name.isupper():
            return i + 1
    return -1


def _plain_triggers(text):
    wordset = text.wordset
    if wordset.isdisjoint(_RARE):
        return frozenset()
    return wordset & TRIGGERS


def _plain_shapes_run(text, spans, positions):
    words = text.words
    n = len(words)
    add = spans.add
    for i in positions:
        w = words[i]
        if w in _EJECT or w in _WIPE or w in _BACK_VERBS:
            removal = _removal(text, i, n)
            if removal:
                mood = _mood(text, i)
                if mood:
                    add(i, removal[0], removal[1], "threat.incitement")
                    continue
        if w in _PARTICLE:
            last = _run_over(text, i, n)
            if last >= 0 and _mood(text, i):
                add(i, last, 0.7, "threat.incitement")
                continue
        if w == "or":
            found = _ultimatum(text, i, n)
            if found:
                add(found[0], found[1], found[2], "threat.incitement")
            continue
        if w in ("bullet", "bullets"):
            found = _bullet(text, i, n)
            if found:
                add(found[0], found[1], found[2], "threat.incitement")
            continue
        if w == "against":
            found = _wall(text, i)
            if found:
                add(found[0], found[1], found[2], "threat.incitement")
            continue
        if w in _EXTERMINATION:
            found = _extermination(text, i, n)
            if found:
                add(found[0], found[1], found[2], "threat.incitement")
            continue
        if w in _S_LETHAL:
            last = _plain_time_to(text, i, n)
            if last >= 0:
                add(i - 2, last, 0.75, "threat.incitement")
                continue
        if w in _NEED:
            found = _gerund(text, i)
            if found:
                add(found[0], found[1], found[2], "threat.incitement")


def _plain_run(text):
    """``threat.run`` as it read (with ``threat_shapes.run``)."""
    words = text.words
    menace_firsts = _MENACE_INDEX.firsts(text)
    hits = (text.wordset & _WORD_TRIGGERS) | menace_firsts
    spans = WordSpanFindings(text, "threat")
    shape_hits = _plain_triggers(text)
    shape_positions = text.indices(shape_hits) if shape_hits else []
    if not hits:
        _plain_shapes_run(text, spans, shape_positions)
        return spans.findings
    positions = text.indices(hits)
    add = spans.add
    n = len(words)
    for i in positions:
        w = words[i]
        if w in _WEAK_ONLY and _PERSON_OR_GROUP.isdisjoint(words[i + 1 : i + 4]):
            continue
        if w in menace_firsts:
            phrase = match_phrase(words, i, _MENACE_INDEX)
            if phrase:
                last = i + len(phrase) - 1
                if phrase in _NEEDS_GROUP:
                    if last + 1 < n and (words[last + 1] in GROUPS or words[last + 1] in IDENTITY_ADJ):
                        add(i, last + 1, 0.7, "threat.incitement")
                else:
                    add(i, last, _MENACE_SCORE.get(phrase, 0.85), "threat.menace")
            if w in _MENACE_ONLY:
                continue
        before, after = _window(words, i, 5, 4)
        if (
            w in _LETHAL
            and before[-1:] == ["to"]
            and after
            and not set(before) & _NARRATED
            and not set(before[-3:]) & _T_NEGATIONS
            and _group_target(after)
        ):
            add(i - 1, min(n - 1, i + len(after[:3])), 0.7, "threat.incitement")
            continue
        if w == "kick" and ({"out", "off"} & set(after[:4])):
            aimed = False
        elif (w in STRONG_VERBS or w in WEAK_VERBS) and _has_person_object(after) and not _kindly(after):
            aimed = True
            if w in WEAK_VERBS and not (set(after[:5]) & COMPLEMENTS):
                aimed = bool(after[:1] and after[0] in SECOND_PERSON and _intent(before) >= 0.9)
        else:
            aimed = False
        if aimed:
            if before and before[-1] in ("to",) and len(before) > 1 and before[-2] in REPORTED:
                continue
            score = _intent(before)
            if score == 0.0 and _at_clause_start(text, i) and after[:1] != ["it"]:
                if after and after[0] in ("them", "em", "him", "her", "all", "every", "these", "those"):
                    score = 0.7
            if score:
                second = bool(set(after[:3]) & SECOND_PERSON)
                add(i, min(n - 1, i + 2), min(1.0, score + (0.05 if second else 0.0)), "threat.intent")
            continue
        if w == "kick" and ({"out", "off"} & set(after[:4])):
            continue
        if (w in STRONG_VERBS or w in ("destroy", "wipe", "exterminate")) and after and _at_clause_start(text, i):
            if _imperative_target(text, i, after):
                add(i, min(n - 1, i + len(after[:3])), 0.65, "threat.incitement")
            continue
        if w in PASSIVE and before and before[-1] in ("shoulda", "should've", "coulda") and not set(before) & REPORTED:
            add(i - 1, i, 0.65, "threat.incitement")
            continue
        if (
            w == "death"
            and before[-1:] == ["to"]
            and after
            and (after[0] in PERSON_OBJECTS or after[0] in GROUPS or after[0] in ("all", "the"))
        ):
            add(i - 1, i + 1, 0.75, "threat.incitement")
            continue
        if w in PASSIVE:
            j = i - 1
            while j > i - 4 and j >= 0 and (words[j] in _PASSIVE_FILLER or words[j].endswith("ly")):
                j -= 1
            if j >= 1 and words[j] in ("be", "get", "b") and set(words[max(0, j - 3) : j]) & INCITE_MARKERS:
                if (
                    not set(words[max(0, j - 5) : j]) & REPORTED
                    and not _thing_subject(words, j)
                    and after[:1] != ["down"]
                ):
                    add(j - 1, i, 0.75, "threat.incitement")
            continue
        if w in DEATH and w in ("die", "dies", "dead"):
            if set(before[-3:]) & INCITE_MARKERS and not set(before) & REPORTED:
                if "should" in before[-3:] and before[-1] == "not":
                    continue
                add(max(0, i - 2), i, 0.75, "threat.incitement")
            continue
        if w == "let" and len(after) >= 2 and after[0] in _LET_OBJECTS and after[1] in _LET_HARM:
            if not set(before[-2:]) & _T_NEGATIONS:
                add(i, i + 2, 0.65, "threat.incitement")
            continue
        if w in ("want", "wanna", "love"):
            see = [j for j, x in enumerate(after[:3]) if x in _SEE]
            if see and not set(before[-3:]) & _T_NEGATIONS:
                rest = after[see[0] + 1 : see[0] + 5]
                harm = [j for j, x in enumerate(rest) if x in WISH_HARM]
                if harm:
                    add(i, i + see[0] + 2 + harm[0], 0.7, "threat.wish")
            continue
        if w in WISH:
            harm = [j for j, x in enumerate(after[:5]) if x in WISH_HARM]
            if harm and not (set(after[:5]) & {"not", "nobody", "no", "anyone", "anybody"}):
                target = set(after[: harm[0]])
                if (
                    target & (PERSON_OBJECTS | {"he", "she", "they", "he's", "she's", "they're", "you're"})
                    or harm[0] <= 1
                ):
                    add(i, i + 1 + harm[0], 0.8, "threat.wish")
    _plain_shapes_run(text, spans, shape_positions)
    return spans.findings


# ---------------------------------------------------------------- bodies

# Pieces that reach every branch, and far reads: a passive participle whose
# subject is ten words back, "or" whose demand is six words back and its
# mood five before that, the longest menace phrases, names by case.
_PHRASES = [
    "kill them all",
    "kill ll serbs",
    "I will hurt you",
    "im gonna kill him",
    "we know where you live",
    "put you in a body bag",
    "off the face of the earth",
    "you're dead",
    "should be shot",
    "should all be publicly hanged",
    "this bill should be killed",
    "the proposal should be shot down",
    "scum like this should be hanged",
    "they threatened to kill him",
    "deserve to die",
    "should not die",
    "let him die",
    "want to see them burn",
    "hope you die",
    "wish he was dead",
    "to death to the traitors",
    "the right to kill all muslims",
    "they plan to kill all jews",
    "execute Smith",
    "execute SMITH",
    "execute smith",
    "nuke the whole country",
    "destroy islam",
    "kick them out of the country",
    "wipe them off the face of the earth",
    "send them all back to where they came from",
    "run them over",
    "mow them down",
    "leave or die",
    "you must convert or die",
    "convert or we will kill you",
    "get out or else",
    "put a bullet in his head",
    "he needs a bullet",
    "line them up against a wall",
    "should be lined up against the wall",
    "we need the extermination of all rats",
    "time to nuke Iran",
    "time to kill them all",
    "he needs killing",
    "they deserve a good beating",
    "beat you to death",
    "end you",
    "kill them with kindness",
    "get rid of all immigrants",
    "send all gays to hell",
    "shoulda killed",
]
_WORDS = (
    "kill shoot hang nuke execute destroy wipe kick let want love hope wish die dead death shot hanged "
    "should must need be get the a all them him her you your i we will gonna to not never "
    "muslims jews gays immigrants Smith Iran time or out of country back over down bullet against wall "
    "extermination killing beating this bill it and so just please go with kindness"
).split()
_SEPARATORS = [" ", " ", " ", ". ", ", ", "! ", "\n", ": ", '" ', " - ", "_", "#", "  ", "? "]


def _chunk(rnd: random.Random) -> str:
    kind = rnd.random()
    if kind < 0.45:
        piece = rnd.choice(_PHRASES)
    elif kind < 0.8:
        piece = " ".join(rnd.choices(_WORDS, k=rnd.randint(1, 6)))
    else:
        piece = rnd.choice(sa.TRANSFORMS)(rnd, rnd.choice(_WORDS + _PHRASES))
    if rnd.random() < 0.15:
        piece = sa.lookalike(rnd, piece)
    if rnd.random() < 0.1:
        piece = piece.title() if rnd.random() < 0.5 else piece.upper()
    return piece + rnd.choice(_SEPARATORS)


def _bodies(seed: int, count: int) -> list[str]:
    """Periodic bodies (a few chunks repeated, as the search renders them),
    short ones (the reach of most words passes an end of the text) and
    non-periodic ones."""
    rnd = random.Random(seed)
    out = []
    for k in range(count):
        shape = k % 4
        if shape == 0:  # a short period: many repetitions of few neighbourhoods
            chunks = [_chunk(rnd) for _ in range(rnd.randint(1, 6))]
            out.append(sa.render(chunks, rnd.choice((400, 1500, 5000))))
        elif shape == 1:  # a longer period with variants of the same words
            base = [_chunk(rnd) for _ in range(rnd.randint(3, 12))]
            chunks = base + [rnd.choice(base) if rnd.random() < 0.7 else _chunk(rnd) for _ in range(rnd.randint(5, 40))]
            out.append(sa.render(chunks, rnd.choice((2000, 5000))))
        elif shape == 2:  # short: reaches past both ends
            out.append("".join(_chunk(rnd) for _ in range(rnd.randint(1, 12))))
        else:  # non-periodic and dense
            out.append(sa.render([_chunk(rnd) for _ in range(rnd.randint(20, 300))], rnd.choice((1000, 5000))))
    return out


def _search_bodies(seed: int, count: int) -> list[str]:
    """Bodies as the search makes them: chunks of its own generator repeated."""
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    out = []
    for k in range(count):
        gen = sa.Generator(random.Random(seed * 1000 + k), words, groups)
        chunks = [gen.chunk() for _ in range(rnd.randint(1, 30))] + [_chunk(rnd) for _ in range(rnd.randint(0, 10))]
        out.append(sa.render(chunks, rnd.choice((300, 2000, 5000))))
    return out


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_run_is_the_plain_run(seed):
    texts = _bodies(seed, 160)
    new = [repr(threat.run(Normalized(t), None)) for t in texts]  # type: ignore[arg-type]
    old = [repr(_plain_run(Normalized(t))) for t in texts]
    assert new == old
    assert sum(n != "[]" for n in new) > len(new) // 2  # the bodies do make findings


@pytest.mark.parametrize("seed", [4, 5])
def test_run_is_the_plain_run_on_search_bodies(seed):
    texts = _search_bodies(seed, 120)
    assert [repr(threat.run(Normalized(t), None)) for t in texts] == [  # type: ignore[arg-type]
        repr(_plain_run(Normalized(t))) for t in texts
    ]


@pytest.mark.parametrize("repeats", [1, 3, 8, 9, 30])
def test_memo_threshold_and_text_ends(repeats):
    # Around the thresholds (``MEMO_FROM`` trigger words, ``MEMO_REPEATS``
    # of one word), and with the repeated words at both ends of the text.
    rnd = random.Random(repeats)
    for _ in range(60):
        piece = _chunk(rnd)
        filler = " ".join(rnd.choices(_WORDS, k=rnd.randint(0, 12)))
        for text in (piece * repeats, filler + " " + piece * repeats, piece * repeats + filler):
            assert repr(threat.run(Normalized(text), None)) == repr(_plain_run(Normalized(text)))  # type: ignore[arg-type]


def test_memo_is_used_on_a_periodic_body(monkeypatch):
    """A periodic body examines each neighbourhood once, not every word."""
    text = sa.render(["kill ll serbs. ", "the congolese are vermin- ", "execute Smith. ", "should be shot "], 5000)
    seen = {"threat": 0, "shapes": 0}

    def counted(name, examine):
        def wrapper(*args):
            seen[name] += 1
            return examine(*args)

        return wrapper

    monkeypatch.setattr(threat, "_occurrence", counted("threat", threat._occurrence))
    n = Normalized(text)
    found = threat.run(n, None)  # type: ignore[arg-type]
    positions = n.indices((n.wordset & _WORD_TRIGGERS) | _MENACE_INDEX.firsts(n))
    assert len(positions) > 150
    assert seen["threat"] < 40
    assert repr(found) == repr(_plain_run(Normalized(text)))
    assert found  # "execute Smith", "should be shot"

    # The shapes' examinations too.
    monkeypatch.setattr(threat_shapes, "_occurrence", counted("shapes", threat_shapes._occurrence))
    text = sa.render(["time to kill them all. ", "or die ", "kick them out of the country. ", "leave "], 5000)
    n = Normalized(text)
    found = threat.run(n, None)  # type: ignore[arg-type]
    assert len(n.indices(threat_shapes.triggers(n))) > 150
    assert seen["shapes"] < 40
    assert repr(found) == repr(_plain_run(Normalized(text)))


def test_case_of_the_next_word_is_part_of_the_key():
    # The same folded neighbourhood with the name written three ways: only
    # "Smith" (capitalised, not shouted) is a target.
    rnd = random.Random(9)
    for _ in range(40):
        names = rnd.choices(["Smith", "SMITH", "smith", "Ѕmith", "ЅMITH"], k=rnd.randint(1, 5))
        chunks = [f"{verb} {name}. " for name in names for verb in ("execute", "time to nuke")]
        rnd.shuffle(chunks)
        text = sa.render(chunks, rnd.choice((300, 3000)))
        assert repr(threat.run(Normalized(text), None)) == repr(_plain_run(Normalized(text)))  # type: ignore[arg-type]


def test_triggers_keep_the_shapes_that_can_match():
    rnd = random.Random(11)
    for text in _bodies(11, 200):
        n = Normalized(text)
        new = threat_shapes.triggers(n)
        old = _plain_triggers(n)
        assert new <= old
        # What was dropped makes nothing.
        spans = WordSpanFindings(n, "threat")
        _plain_shapes_run(n, spans, n.indices(old - new) if old - new else [])
        assert spans.findings == []
    assert rnd


def test_reach_tables_cover_every_trigger_word():
    assert set(threat._REACH) >= _WORD_TRIGGERS | threat._MENACE_FIRST
    assert set(threat_shapes.REACH) == set(TRIGGERS)
    # The longest menace phrase (six words) reads five words after its first.
    assert threat._REACH["put"][1] >= 5
    assert all(before >= 10 for w, (before, _) in threat._REACH.items() if w in PASSIVE)
    assert threat_shapes.REACH["or"] == (11, 3)


# Pairs that differ only in the farthest word an examination reads (at
# the edge of ``_REACH``/``REACH``): with a key one word short, the second
# of a pair would replay the first one's findings.
_FAR_PAIRS = [
    # a passive participle ten words after "like" ("scum like this ...")
    (
        "like this also just really should be summarily publicly then hanged",
        "unlike this also just really should be summarily publicly then hanged",
    ),
    # intent five words before the verb
    ("i'll a b c d kill him", "the a b c d kill him"),
    # the six-word menace phrase
    ("put you in a body bag", "put you in a body bog"),
    # a wish four words after "hope"
    ("hope they all now die", "hope they all now dye"),
    # "or": the demand six words back, its mood five before the demand
    ("we'll a b c d leave x y z q v or die", "the a b c d leave x y z q v or die"),
    # removal: the earth twelve words after "wipe"
    (
        "wipe all these the them all off the the the the the earth",
        "wipe all these the them all off the the the the the eerth",
    ),
    # "run them over": the word after the particle
    ("just run all these the them all over", "just run all these the them all over to"),
    # a bullet: the mood seven words back
    ("i'll a b c d put a bullet in his head", "the a b c d put a bullet in his head"),
    # a wall: the mood ten words back
    ("we'll a b c d line them up against a wall", "the a b c d line them up against a wall"),
    # extermination: a report nine words back, the target six after
    (
        "threatened a b c need the total mass extermination of all these the rats",
        "the a b c need the total mass extermination of all these the rats",
    ),
    ("we need the extermination of all these the rats all", "we need the extermination of all these the rats now"),
    # "time to": a report seven words back
    ("said a b c d time to kill them", "the a b c d time to kill them"),
]


@pytest.mark.parametrize("pair", _FAR_PAIRS, ids=range(len(_FAR_PAIRS)))
def test_far_reads_are_in_the_key(pair):
    rnd = random.Random(len(pair[0]))
    for _ in range(12):
        chunks = [rnd.choice(pair) + rnd.choice((" . ", " ", ". ", "\n", " and ")) for _ in range(rnd.randint(2, 8))]
        for text in (sa.render(chunks, 3000), sa.render(chunks[::-1], 3000), sa.render(chunks, 700)):
            assert repr(threat.run(Normalized(text), None)) == repr(_plain_run(Normalized(text)))  # type: ignore[arg-type]
    # Each pair tells a finding from none.
    a, b = (repr(_plain_run(Normalized(sa.render([p + " . "], 3000)))) for p in pair)
    assert a != b
