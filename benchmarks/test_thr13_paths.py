"""The paths of the thirteenth speed pass in the threat rule (issue #11) give
exactly what the code they replace gives (seeded, nothing timed).

* ``threat_shapes.replay`` makes its calls position by position (the memo
  keys are still sliced in C per frequent word), so that the collector's
  state at each position is known, and skips the positions of the words an
  ``add_call`` of type ``CappedAdd`` has settled: words whose every rule
  (``threat._RULES``) is at ``MAX_PER_RULE``.  A dropped call changes
  nothing, so the findings, and every call the threat shapes make after
  it, are the same.

The old ``replay`` is kept below as the reference, with ``threat.run`` as it
read around it; the tenth pass's plain ``threat.run`` (no memo, every call
made) is a second reference.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Callable, Iterator
from itertools import repeat
from operator import getitem, itemgetter
from pathlib import Path
from typing import Any, cast

import pytest

import benchmarks.search_adversarial as sa
from benchmarks.test_threat10_paths import _bodies, _chunk, _plain_run, _search_bodies
from moderation.checks.normalize import Normalized
from moderation.checks.rules import MAX_PER_RULE, WordSpanFindings, threat, threat_shapes
from moderation.checks.rules.threat_shapes import (
    _BY_CASE,
    MEMO_FROM,
    MEMO_REPEATS,
    Call,
    CappedAdd,
    Case,
    _CaseProbe,
    _relative,
    capitalised,
)

WORST = (Path(__file__).parent / "adversarial_worst.txt").read_text(encoding="utf-8")

# ---------------------------------------------------------------- the code as it read

_first = itemgetter(0)


def _old_replay(
    text: Normalized,
    hits: frozenset[str],
    reach: dict[str, tuple[int, int]],
    examine: Callable[[Normalized, int, Case, Any], list[Call]],
    extra: Any,
    add_call: Callable[[int, int, float, str], None],
) -> None:
    positions = text.indices(hits)
    frequent: list[str] = []
    if len(positions) > MEMO_FROM:
        index = text._trigger_index
        frequent = [w for w in hits if len(index[w]) >= MEMO_REPEATS]
    if not frequent:
        for i in positions:
            for call in examine(text, i, capitalised, extra):
                add_call(*call)
        return
    n = len(text.words)
    norm = text.norm
    starts, ends = text._bounds
    made: list[tuple[int, tuple[Call, ...]]] = []
    rest = [i for w in hits if w not in frequent for i in index[w]]
    depends = _BY_CASE
    starts_by: dict[int, list[int]] = {}
    ends_by: dict[int, list[int]] = {}
    for w in frequent:
        before, after = reach[w]
        at = index[w]
        lo = bisect_left(at, before)
        hi = bisect_left(at, n - after)
        rest += at[:lo]
        rest += at[hi:]
        inner = at[lo:hi]
        if len(inner) < 2:
            rest += inner
            continue
        at_inner = itemgetter(*inner)
        shifted = starts_by.get(before)
        if shifted is None:
            shifted = starts_by[before] = [0] * before + starts
        firsts = at_inner(shifted)
        shifted = ends_by.get(after)
        if shifted is None:
            shifted = ends_by[after] = ends[after:]
        lasts = at_inner(shifted)
        keys = cast("Iterator[str]", map(getitem, repeat(norm), map(slice, firsts, lasts)))
        memo: dict[str, tuple[Call, ...]] = {}
        by_case: dict[tuple[str, bool], tuple[Call, ...]] = {}
        recall = memo.get
        for i, key in zip(inner, keys):
            calls = recall(key)
            if calls is None:
                probe = _CaseProbe()
                calls = _relative(examine(text, i, probe, extra), i)
                if probe.asked:
                    by_case[(key, capitalised(text, i + 1))] = calls
                    calls = depends
                memo[key] = calls
            if calls:
                if calls is depends:
                    case_key = (key, capitalised(text, i + 1))
                    calls = by_case.get(case_key)
                    if calls is None:
                        calls = by_case[case_key] = _relative(examine(text, i, capitalised, extra), i)
                    if not calls:
                        continue
                made.append((i, calls))
    for i in rest:
        calls = _relative(examine(text, i, capitalised, extra), i)
        if calls:
            made.append((i, calls))
    made.sort(key=_first)
    for i, calls in made:
        for first, last, score, rule in calls:
            add_call(i + first, i + last, score, rule)


def _old_run(text: Normalized) -> list:
    """``threat.run`` (with ``threat_shapes.run``) as it read."""
    menace_firsts = threat._MENACE_INDEX.firsts(text)
    hits = (text.wordset & threat._WORD_TRIGGERS) | menace_firsts
    spans = WordSpanFindings(text, "threat")
    if hits:
        _old_replay(text, hits, threat._REACH, threat._occurrence, menace_firsts, spans.add)
    shape_hits = threat_shapes.triggers(text)
    if shape_hits:
        _old_replay(text, shape_hits, threat_shapes.REACH, threat_shapes._occurrence, None, spans.add)
    return spans.findings


# ---------------------------------------------------------------- bodies

_INSULTS = "bimbo moron idiot imbeciles nincompoops pissnugget douchesucker scumbag loser cuntlicker retard".split()
_AROUND = [
    "",
    "!",
    ".",
    "you",
    "should",
    "must",
    "i hope",
    "not",
    "threatened to",
    "in a fire",
    "hope",
    "wish",
    "kill them all",
    "send all muslims to hell",
    "go die",
    "dead meat",
    "let him die",
    "they should be shot",
    "gays",
    "Smith",
]


def _leet(rnd: random.Random, word: str) -> str:
    table = {"o": "0", "i": "1", "e": "3", "a": "@", "s": "$"}
    return "".join(table.get(c, c) if rnd.random() < 0.3 else c for c in word)


def _hostile(rnd: random.Random, size: int) -> str:
    """ "i hope you die <insult>" (and other wishes) in varied neighbourhoods,
    as the search's dearest body has them."""
    chunks = []
    for _ in range(rnd.randint(3, 60)):
        wish = rnd.choice(("i hope you die", "hope you die", "i wish you were dead", "hope they all die", "die"))
        insult = _leet(rnd, rnd.choice(_INSULTS))
        sep = rnd.choice((" ", ". ", "! ", "\n", ", "))
        chunks.append(f"{rnd.choice(_AROUND)} {wish} {insult}{sep}{rnd.choice(_AROUND)}{sep}")
    return sa.render(chunks, size) if rnd.random() < 0.7 else "".join(chunks)


def _hostile_bodies(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    return [_hostile(rnd, rnd.choice((200, 1000, 3000, 5000))) for _ in range(count)]


def _capped(rnd: random.Random) -> str:
    """Each rule's findings around its cap, the rules in a random order."""
    pieces = {
        "threat.wish": "i hope you die {}. ",
        "threat.menace": "we know where you live {}. ",
        "threat.intent": "i will kill you {}. ",
        "threat.incitement": "they should all be hanged {}. ",
        "shapes": "kick them out of the country {}. ",
    }
    chunks = []
    for piece in pieces.values():
        count = rnd.choice((MAX_PER_RULE - 1, MAX_PER_RULE, MAX_PER_RULE + 1, 3 * MAX_PER_RULE))
        chunks += [piece.format(rnd.choice(_INSULTS) + str(k)) for k in range(count)]
    rnd.shuffle(chunks)
    return "".join(chunks)


def _texts(seed: int) -> list[str]:
    rnd = random.Random(seed)
    return (
        _hostile_bodies(seed, 60)
        + [_capped(rnd) for _ in range(30)]
        + _bodies(seed + 30, 40)
        + _search_bodies(seed + 30, 30)
    )


def _same(text: str) -> None:
    new = repr(threat.run(Normalized(text), None))  # type: ignore[arg-type]
    assert new == repr(_old_run(Normalized(text)))
    assert new == repr(_plain_run(Normalized(text)))


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_run_is_the_old_run(seed):
    texts = _texts(seed)
    for text in texts:
        _same(text)
    capped = [t for t in texts if len(threat.run(Normalized(t), None)) >= MAX_PER_RULE]  # type: ignore[arg-type]
    assert len(capped) > 20  # the bodies do reach the caps


def test_the_dearest_body():
    _same(WORST)
    for size in (100, 1000, 2500):
        _same(WORST[:size])
        _same(WORST[-size:])


def test_short_texts_and_edges():
    rnd = random.Random(7)
    texts = ["", "die", "dead", "dies", "hope you die", "i hope you die " * 6, "you should die", "dead meat"]
    texts += ["let him die. " * k + "i hope you die. " * m for k in (0, 4, 5, 6) for m in (0, 5, 6, 30)]
    texts += ["".join(_chunk(rnd) for _ in range(rnd.randint(1, 4))) for _ in range(200)]
    for text in texts:
        _same(text)


@pytest.mark.parametrize("seed", [4, 5])
def test_replay_without_a_capped_add_makes_every_call(seed):
    # A plain ``add_call`` settles nothing: every call, in order, as before.
    for text in _texts(seed):
        n = Normalized(text)
        menace_firsts = threat._MENACE_INDEX.firsts(n)
        args: list[tuple] = [((n.wordset & threat._WORD_TRIGGERS) | menace_firsts, threat._REACH, threat._occurrence)]
        args[0] += (menace_firsts,)
        args.append((threat_shapes.triggers(n), threat_shapes.REACH, threat_shapes._occurrence, None))
        for hits, reach, examine, extra in args:
            new: list[tuple] = []
            old: list[tuple] = []
            threat_shapes.replay(n, hits, reach, examine, extra, lambda *call: new.append(call))  # noqa: B023
            _old_replay(n, hits, reach, examine, extra, lambda *call: old.append(call))  # noqa: B023
            assert new == old


@pytest.mark.parametrize("seed", [6, 7])
def test_every_call_is_of_a_rule_of_its_word(seed):
    # ``_RULES`` must name every rule a word's examination can call: the
    # skip is exact only then.
    seen: set[tuple[str, str]] = set()
    for text in _texts(seed):
        n = Normalized(text)
        menace_firsts = threat._MENACE_INDEX.firsts(n)
        hits = (n.wordset & threat._WORD_TRIGGERS) | menace_firsts
        for i in n.indices(hits) if hits else []:
            w = n.words[i]
            for call in threat._occurrence(n, i, capitalised, menace_firsts):
                assert call[3] in threat._RULES[w], (w, call)
                seen.add((w, call[3]))
    assert {rule for _, rule in seen} == {"threat.wish", "threat.menace", "threat.intent", "threat.incitement"}


def test_settled_words_are_skipped_on_the_dearest_body(monkeypatch):
    seen = []

    def counted(text, i, case, extra):
        seen.append(text.words[i])
        return examine(text, i, case, extra)

    examine = threat._occurrence
    monkeypatch.setattr(threat, "_occurrence", counted)
    n = Normalized(WORST)
    found = threat.run(n, None)  # type: ignore[arg-type]
    assert sum(f.rule == "threat.wish" for f in found) == MAX_PER_RULE
    # "hope" (wishes only) is examined until the fifth wish is in, not 38 times.
    assert len(n._trigger_index["hope"]) > 30
    assert seen.count("hope") <= MAX_PER_RULE + 2
    assert repr(found) == repr(_old_run(Normalized(WORST)))


def test_capped_add_settles_a_word_once_all_its_rules_are_capped():
    n = Normalized("a b c d e f g h i j k l m n o p")
    spans = WordSpanFindings(n, "threat")
    rules = {"hope": frozenset({"w"}), "die": frozenset({"w", "i"}), "send": frozenset({"i"})}
    add = CappedAdd(spans, rules, ("hope", "die"))
    for k in range(MAX_PER_RULE):
        assert not add.settled
        add(k, k, 0.5, "w")
    assert add.settled == {"hope"}
    add(MAX_PER_RULE, MAX_PER_RULE, 0.5, "w")  # dropped
    for k in range(MAX_PER_RULE):
        add(8 + k, 8 + k, 0.5, "i")
    assert add.settled == {"hope", "die"}  # "send" is not among the words
    assert len(spans.findings) == 2 * MAX_PER_RULE
