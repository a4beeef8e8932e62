"""The ninth pass's paths in ``normalize`` and ``values`` give exactly what
the code they replace gave (seeded, nothing timed).

Each new path is compared with a reference written the way the code read
before (kept here as a private function): ``Normalized.span``/``evidence``
reading the offset array, ``Normalized.indices`` for trigger words, and
``make_finding``.
"""

from __future__ import annotations

import pickle
import random
from itertools import compress, count

import pytest

from benchmarks.test_adversarial_paths import _texts
from benchmarks.test_norm_paths import _long_texts
from moderation.checks import normalize as N
from moderation.checks import rules  # noqa: F401  (registers every rule's trigger words)
from moderation.checks.normalize import IGNORABLE, Normalized
from moderation.checks.values import Finding, make_finding


def _span_before(n: Normalized, start: int, end: int) -> tuple[int, int]:
    array = n._offset_array
    if array is not None:
        if end <= start:
            i = len(n.original) if start >= array.shape[0] else int(array[start])
            return i, i
        return int(array[start]), int(array[end - 1]) + 1
    return n.span(start, end)  # the list and identity paths are unchanged


def _evidence_before(n: Normalized, start: int, end: int) -> tuple[int, int, str]:
    norm = n.norm
    while start < end and norm[start] == IGNORABLE:
        start += 1
    while end > start and norm[end - 1] == IGNORABLE:
        end -= 1
    s, e = _span_before(n, start, end)
    return s, e, n.original[s:e]


@pytest.mark.parametrize("seed", [1, 2])
def test_span_and_evidence_read_the_offset_array_as_before(seed):
    rnd = random.Random(seed)
    arrays = 0
    for text in _long_texts(seed, 120) + _texts(seed, 120):
        n = Normalized(text)
        arrays += n._offset_array is not None
        size = len(n.norm)
        for _ in range(40):
            start = rnd.randint(0, size + 2)
            end = rnd.randint(max(0, start - 3), size) if rnd.random() < 0.8 else start
            if end > size:
                end = size
            got = n.span(start, end)
            assert got == _span_before(n, start, end)
            assert all(type(x) is int for x in got)
            if start <= end <= size:
                ev = n.evidence(start, end)
                assert ev == _evidence_before(n, start, end)
                assert type(ev[0]) is int and type(ev[1]) is int
    assert arrays > 50  # the array path was exercised


def _indices_before(n: Normalized, vocabulary: frozenset[str] | set[str]) -> list[int]:
    hits = n.wordset & vocabulary
    return list(compress(count(), map(hits.__contains__, n.words)))


_FILLER = ["the", "a", "of", "and", "is", "so", "really", "...", "!!", "\u00e9t\u00e9", "\U0001f602", "\u200d", "zzz"]


def _trigger_texts(seed: int, count_: int) -> list[str]:
    """Texts dense with registered trigger words (hostile-like: repeated,
    stretched, with ignorables and punctuation) and ordinary-looking ones."""
    rnd = random.Random(seed)
    union = sorted(N._TRIGGER_UNION)
    out = []
    for _ in range(count_):
        vocab = rnd.sample(union, rnd.choice((1, 3, 20, 150)))
        share = rnd.choice((0.05, 0.3, 0.9))
        pieces = []
        for _ in range(rnd.choice((3, 50, 400, 1000))):
            word = rnd.choice(vocab) if rnd.random() < share else rnd.choice(_FILLER)
            r = rnd.random()
            if r < 0.05 and word:
                word = word[0] * 4 + word[1:]  # stretched
            elif r < 0.08:
                word = word.upper()
            elif r < 0.1:
                word = "\u200b".join(word)  # ignorables inside
            pieces.append(word)
            pieces.append(rnd.choice((" ", " ", ", ", ". ", "\n", "  ")))
        out.append("".join(pieces))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_indices_give_the_scan_answer(seed):
    rnd = random.Random(seed)
    union = sorted(N._TRIGGER_UNION)
    grouped = 0
    for text in _trigger_texts(seed, 150) + _texts(seed, 60):
        n = Normalized(text)
        present = sorted(n.wordset & N._TRIGGER_UNION)
        for _ in range(6):
            k = rnd.choice((1, 2, 5, 40, 400))
            vocab = set(rnd.sample(union, min(k, len(union))))
            if present and rnd.random() < 0.7:
                vocab.update(rnd.sample(present, rnd.randint(1, len(present))))
            if rnd.random() < 0.2:
                vocab.add(rnd.choice(_FILLER))  # not a trigger: the plain scan
            vocab_ = frozenset(vocab) if rnd.random() < 0.5 else vocab
            grouped += bool(n.wordset & vocab_) and (n.wordset & vocab_) <= N._TRIGGER_UNION
            assert n.indices(vocab_) == _indices_before(n, vocab_)
    assert grouped > 300  # the per-word lists were exercised


def _finding_texts(seed: int) -> list[tuple[str, str, int, int, str, float]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(500):
        out.append(
            (
                rnd.choice(("abuse", "threat", "profanity", "")),
                rnd.choice(("abuse.x", "threat.shape", "model.linear")),
                rnd.randint(0, 5000),
                rnd.randint(0, 5000),
                rnd.choice(("", "idiot", "\U0001f602 x", "a" * 300)),
                rnd.choice((0.0, 1.0, rnd.random(), 0.1 + 0.2)),
            )
        )
    return out


def test_make_finding_is_the_constructed_finding():
    for args in _finding_texts(4):
        made, built = make_finding(*args), Finding(*args)
        assert type(made) is Finding
        assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
        assert pickle.dumps(made) == pickle.dumps(built) and pickle.loads(pickle.dumps(made)) == built
        assert made.to_dict() == built.to_dict()
        with pytest.raises(AttributeError):
            made.__dict__  # noqa: B018  (slotted, like the constructed one)
        with pytest.raises(AttributeError):  # FrozenInstanceError
            made.start = 1  # type: ignore[misc]


def _fold_general_before(text: str) -> tuple[str, list[int]] | None:
    """``_fold_many``'s general path (many expansions) as it read before:
    a 2-D fancy index into the fold table."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    arrays = N._fold_arrays
    assert arrays is not None
    if int(codes.max()) >= N._FOLD_ARRAY_CODES:
        codes = N._astral_rows(codes, arrays)
    lens = arrays.lens.take(codes).astype(np.intp)
    src = np.repeat(np.arange(codes.shape[0]), lens)
    ends = np.cumsum(lens)
    k = np.arange(int(ends[-1])) - np.repeat(ends - lens, lens)
    out = arrays.chars[codes[src], k]
    return out.tobytes().decode("utf-32-le"), src.tolist()


@pytest.mark.parametrize("seed", [1, 2])
def test_fold_general_path_gathers_as_before(seed):
    rnd = random.Random(seed)
    expanding = ["\u2026", "\u00df", "\ufb01", "\u01c4", "\u0130", "\U0001d41f", "\U0001f602", "\u00e9", "a", "b", " "]
    general = 0
    for _ in range(80):
        n = rnd.choice((512, 1000, 5000))
        text = "".join(rnd.choice(expanding) if rnd.random() < 0.5 else rnd.choice("abc XYZ.!1") for _ in range(n))
        folded = N._fold_many(text)
        if folded is None or folded[1] is None:
            continue
        expanders = sum(len(N._TABLE[ord(c)]) != 1 for c in text)
        if expanders <= N._FEW_EXPANDERS:
            continue
        general += 1
        before = _fold_general_before(text)
        assert before is not None
        assert folded[0] == before[0] and folded[1].tolist() == before[1]
        assert folded[0] == text.translate(N._TABLE)
    assert general > 40
