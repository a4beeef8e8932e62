"""The paths of the twelfth speed pass in the threat rule (issue #11) give
exactly what the code they replace gives (seeded, nothing timed).

``threat_shapes.replay`` takes the trigger words instead of their positions:

* the frequent words are picked from those words, not from every rule's
  trigger index;
* a frequent word's memo keys (the folded text of each position's reach)
  are sliced in C for all its positions at once, one memo per word;
* the calls are gathered per position and made in position order at the end.

``threat._at_clause_start`` and ``threat_shapes._mood`` slice the gap
before a word from the word offsets instead of calling ``text.gap``.

The old ``replay`` is kept below as the reference; both are compared on the
calls they make (every call in order, not just the findings the collector
keeps) and on ``threat.run``'s findings.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

import benchmarks.search_adversarial as sa
from benchmarks.test_threat10_paths import _FAR_PAIRS, _bodies, _chunk, _search_bodies
from moderation.checks.normalize import Normalized
from moderation.checks.rules import threat, threat_shapes
from moderation.checks.rules.threat import _CLAUSE_CHARS, _CLAUSE_OPENERS
from moderation.checks.rules.threat_shapes import (
    _BY_CASE,
    _FIRST,
    _IMPERATIVE_BEFORE,
    _INCITE,
    _INTENT,
    _MOOD_BREAKS,
    _NEGATIONS,
    _REPORTED,
    _WILL,
    MEMO_FROM,
    MEMO_REPEATS,
    Call,
    Case,
    _CaseProbe,
    _relative,
    capitalised,
)

# ---------------------------------------------------------------- the code as it read


def _old_replay(
    text: Normalized,
    positions: list[int],
    reach: dict[str, tuple[int, int]],
    examine: Callable[[Normalized, int, Case, Any], list[Call]],
    extra: Any,
    add_call: Callable[[int, int, float, str], None],
) -> None:
    words = text.words
    frequent: dict[str, tuple[int, int]] = {}
    if len(positions) > MEMO_FROM:
        frequent = {w: reach[w] for w, at in text._trigger_index.items() if len(at) >= MEMO_REPEATS and w in reach}
    if not frequent:
        for i in positions:
            for call in examine(text, i, capitalised, extra):
                add_call(*call)
        return
    n = len(words)
    norm = text.norm
    starts, ends = text._bounds
    memo: dict[tuple[str, str], tuple[Call, ...]] = {}
    by_case: dict[tuple[str, str, bool], tuple[Call, ...]] = {}
    reach_of = frequent.get
    recall = memo.get
    depends = _BY_CASE
    for i in positions:
        w = words[i]
        around = reach_of(w)
        if around is not None:
            before, after = around
            if i >= before and i + after < n:
                key = (w, norm[starts[i - before] : ends[i + after]])
                calls = recall(key)
                if calls is None:
                    probe = _CaseProbe()
                    calls = _relative(examine(text, i, probe, extra), i)
                    if probe.asked:
                        by_case[(*key, capitalised(text, i + 1))] = calls
                        calls = depends
                    memo[key] = calls
                if calls is depends:
                    case_key = (*key, capitalised(text, i + 1))
                    calls = by_case.get(case_key)
                    if calls is None:
                        calls = by_case[case_key] = _relative(examine(text, i, capitalised, extra), i)
                for first, last, score, rule in calls:
                    add_call(i + first, i + last, score, rule)
                continue
        for call in examine(text, i, capitalised, extra):
            add_call(*call)


def _old_at_clause_start(text: Normalized, i: int) -> bool:
    if i == 0:
        return True
    return text.words[i - 1] in _CLAUSE_OPENERS or not _CLAUSE_CHARS.isdisjoint(text.gap(i))


def _old_mood(text: Normalized, i: int) -> float:
    words = text.words
    before = words[max(0, i - 5) : i]
    if not _REPORTED.isdisjoint(before):
        return 0.0
    if not _NEGATIONS.isdisjoint(before[-3:]):
        return 0.0
    if not _INTENT.isdisjoint(before):
        return 0.9
    if not _FIRST.isdisjoint(before) and not _WILL.isdisjoint(before):
        return 0.9
    if not _INCITE.isdisjoint(before):
        return 0.8
    if i == 0 or words[i - 1] in _IMPERATIVE_BEFORE:
        return 0.7
    if not _MOOD_BREAKS.isdisjoint(text.gap(i)):
        return 0.7
    return 0.0


def _old_replay_of_hits(text, hits, reach, examine, extra, add_call):
    """The old ``replay`` behind the new signature (positions from the words)."""
    _old_replay(text, text.indices(hits), reach, examine, extra, add_call)


# ---------------------------------------------------------------- helpers


def _calls(replay, text: str) -> list[tuple]:
    """Every call both examiners make through ``replay``, in order."""
    n = Normalized(text)
    out: list[tuple] = []
    record = lambda *call: out.append(call)  # noqa: E731
    menace_firsts = threat._MENACE_INDEX.firsts(n)
    hits = (n.wordset & threat._WORD_TRIGGERS) | menace_firsts
    if hits:
        replay(n, hits, threat._REACH, threat._occurrence, menace_firsts, record)
    out.append(("shapes",))
    shape_hits = threat_shapes.triggers(n)
    if shape_hits:
        replay(n, shape_hits, threat_shapes.REACH, threat_shapes._occurrence, None, record)
    return out


def _same(text: str, monkeypatch) -> None:
    assert _calls(threat_shapes.replay, text) == _calls(_old_replay_of_hits, text)
    new = repr(threat.run(Normalized(text), None))  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        m.setattr(threat, "replay", _old_replay_of_hits)
        m.setattr(threat_shapes, "replay", _old_replay_of_hits)
        old = repr(threat.run(Normalized(text), None))  # type: ignore[arg-type]
    assert new == old


_SENTENCES = [
    "I will find you and hurt you. ",
    "kill ll serbs. ",
    "the congolese are vermin- ",
    "execute Smith. ",
    "execute SMITH. ",
    "should be shot ",
    "they should all be publicly hanged. ",
    "the proposal should be shot down. ",
    "time to kill them all. ",
    "convert or die ",
    "kick them out of the country. ",
    "hope you die in a fire. ",
    "we know where you live. ",
    "fuck you ",
    "get rid of all immigrants ",
    "the strikes killed civilians and the army will hit back. ",
    "I love my kids, want to see them grow. ",
    "he needs a bullet. ",
    "run them over ",
    "nuke the whole country. ",
]


def _periodic(rnd: random.Random, size: int) -> str:
    chunks = rnd.sample(_SENTENCES, rnd.randint(1, 5)) + [_chunk(rnd) for _ in range(rnd.randint(0, 2))]
    return sa.render(chunks, size)


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("seed", [1, 2])
def test_replay_is_the_old_replay_on_generated_bodies(seed, monkeypatch):
    for text in _bodies(seed + 20, 80) + _search_bodies(seed + 20, 60):
        _same(text, monkeypatch)


@pytest.mark.parametrize("size", [60, 300, 1000, 5000])
def test_replay_is_the_old_replay_on_periodic_bodies(size, monkeypatch):
    # Repeated sentences: the memo path, with findings past the rule caps
    # and neighbourhoods that depend on the case of the next word.
    rnd = random.Random(size)
    texts = [_periodic(rnd, size) for _ in range(40)]
    if size >= 1000:
        assert sum(len(_calls(threat_shapes.replay, t)) > 20 for t in texts) > 10
    for text in texts:
        _same(text, monkeypatch)


@pytest.mark.parametrize("repeats", [0, 1, 2, 7, 8, 9, 25, 26, 60])
def test_thresholds_and_ends(repeats, monkeypatch):
    # Around ``MEMO_FROM``/``MEMO_REPEATS``, a frequent word with 0, 1 or
    # 2 positions inside its reach, and repeats at both ends of the text.
    rnd = random.Random(repeats)
    for _ in range(12):
        piece = rnd.choice(_SENTENCES)
        other = rnd.choice(_SENTENCES)
        filler = " ".join(rnd.choices(["a", "the", "and", ".", "kill", "you", "Smith"], k=rnd.randint(0, 30)))
        for text in (
            piece * repeats + other * 26,
            other * 26 + filler + " " + piece * repeats,
            piece * repeats + filler + other * 30,
            "kill " * repeats + filler,
            filler + " kill them all" * repeats,
        ):
            _same(text, monkeypatch)


def test_a_frequent_word_with_one_or_no_position_inside_its_reach(monkeypatch):
    # Nine "kill"s (a frequent word) with five in the first five words and
    # three in the last four: one or none has its whole reach in the text.
    filler = "hope you die . " * 30
    for middle in ("kill them all . ", "execute Smith . ", "kill . ", ""):
        for head, tail in (("kill " * 5, " kill" * 3), ("kill " * 6, " kill" * 3), ("kill " * 5, " kill" * 4)):
            _same(head + filler + middle + filler + tail, monkeypatch)
            _same(head + middle + filler + tail, monkeypatch)


@pytest.mark.parametrize("pair", _FAR_PAIRS, ids=range(len(_FAR_PAIRS)))
def test_far_reads_are_in_the_key(pair, monkeypatch):
    # Pairs that differ only in the farthest word an examination reads.
    rnd = random.Random(len(pair[1]))
    for _ in range(6):
        chunks = [rnd.choice(pair) + rnd.choice((" . ", " ", ". ", "\n", " and ")) for _ in range(rnd.randint(2, 8))]
        for text in (sa.render(chunks, 3000), sa.render(chunks[::-1], 1500)):
            _same(text, monkeypatch)


def test_case_of_the_next_word(monkeypatch):
    # The same folded neighbourhood with the name written several ways.
    rnd = random.Random(13)
    for _ in range(20):
        names = rnd.choices(["Smith", "SMITH", "smith", "Ѕmith"], k=rnd.randint(2, 5))
        chunks = [f"{verb} {name}. " for name in names for verb in ("execute", "time to nuke")]
        rnd.shuffle(chunks)
        _same(sa.render(chunks, rnd.choice((600, 3000))), monkeypatch)


def test_edge_cases(monkeypatch):
    for text in ("", "kill", "kill " * 40, "kill. " * 40 + "them all", "you " * 30, "Kill Smith. " * 30):
        _same(text, monkeypatch)


def test_gap_tests_are_the_old_ones():
    # Every word of bodies with punctuation, quotes, newlines and words made
    # only of ignorable characters between the words.
    rnd = random.Random(12)
    marks = [" ", ". ", "! ", '" ', ": ", "\n", " - ", "; ", " \u200b ", ", ", "( ", "?"]
    texts = _bodies(12, 30)
    for _ in range(60):
        chunks = [rnd.choice(_SENTENCES).strip() + rnd.choice(marks) for _ in range(rnd.randint(1, 12))]
        texts.append(rnd.choice(marks) + "".join(chunks))
    seen = set()
    for text in texts:
        n = Normalized(text)
        for i in range(len(n.words)):
            old = _old_at_clause_start(n, i)
            assert threat._at_clause_start(n, i) == old
            assert threat_shapes._mood(n, i) == _old_mood(n, i)
            seen.add(old)
    assert seen == {True, False}
