"""The learned layer's evidence path of the eighth speed pass (issue #11) gives
exactly what the code it replaces gives (seeded, nothing timed).

``ref_evidence`` is ``LinearModel._evidence`` as it read before: word offsets
from the features (numpy arrays, ``Features.word_starts``/``word_ends``), the
per-word sums as the difference of each block's cumulative values and float
values.  The new path reads the offsets from the text (``Normalized._bounds``)
unless the model read a cut text, and sums the blocks before the difference.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from benchmarks import search_adversarial as sa
from moderation.checks.model import shipped_model
from moderation.checks.model.features import MAX_CHARS, Features, featurize
from moderation.checks.model.linear import (
    _LOW32,
    _WINDOW_STEPS,
    EVIDENCE_SHARE,
    MAX_EVIDENCE,
    RULE,
    WINDOW_WORDS,
    LinearModel,
)
from moderation.checks.normalize import Normalized
from moderation.checks.values import Finding, make_finding


def ref_evidence(
    model: LinearModel,
    text: Normalized,
    feats: Features,
    lanes: np.ndarray,
    flagged: list[int],
    scores: dict[str, float],
    window_starts: np.ndarray | None,
) -> list[Finding]:
    """``LinearModel._evidence`` as it read before the eighth pass."""
    words = feats.words
    los = [0 if window_starts is None else int(window_starts[j]) for j in flagged]
    cols = np.minimum(np.array(los)[:, None] + _WINDOW_STEPS, words)
    bounds = feats._boundaries(cols.ravel()).reshape(-1, len(flagged), WINDOW_WORDS + 1)
    firsts = bounds[:, :, 0].T.tolist()
    lasts = bounds[:, :, -1].T.tolist()
    pieces = []
    shifts = []
    at = 0
    for f, j in enumerate(flagged):
        row = lanes[j // 2]
        for first, last in zip(firsts[f], lasts[f]):
            pieces.append(row[first:last])
            shifts.append(at - first)
            at += last - first
    cumulative = np.empty(at + 1, dtype=np.uint64)
    cumulative[0] = 0
    np.cumsum(np.concatenate(pieces), out=cumulative[1:])
    at_word = cumulative[bounds + np.array(shifts).reshape(len(flagged), -1).T[:, :, None]]
    packed = (at_word[:, :, 1:] - at_word[:, :, :-1]).sum(axis=0)
    counts = (bounds[:, :, 1:] - bounds[:, :, :-1]).sum(axis=0)
    halves = np.array([32 * (j % 2) for j in flagged], dtype=np.uint64)[:, None]
    values = (((packed >> halves) & _LOW32).view(np.int64) - 128 * counts).astype(np.float64)
    orders = np.argsort(-values, axis=1, kind="stable").tolist()
    tops = values.max(axis=1).tolist()
    norm = text.norm
    word_starts, word_ends = feats.word_starts, feats.word_ends
    out = []
    for j, lo, window, order, top in zip(flagged, los, values.tolist(), orders, tops):
        if top <= 0:
            continue
        chosen: list[int] = []
        seen: set[str] = set()
        for i in order:
            if window[i] <= 0 or window[i] < EVIDENCE_SHARE * top or len(chosen) == MAX_EVIDENCE:
                break
            word = norm[int(word_starts[lo + i]) : int(word_ends[lo + i])]
            if word not in seen:
                seen.add(word)
                chosen.append(i)
        cat = model.categories[j]
        for k in sorted(chosen):
            s, e, evidence = text.evidence(int(word_starts[lo + k]), int(word_ends[lo + k]))
            out.append(make_finding(cat, RULE, s, e, evidence, scores[cat]))
    return out


def _all_flagged(model: LinearModel, threshold: float = 0.0) -> LinearModel:
    """The model with every category flagged (its evidence is then read for all of them)."""
    return LinearModel(
        categories=model.categories,
        bits=model.bits,
        weights=model.weights,
        scales=model.scales,
        bias=model.bias,
        calibration=model.calibration,
        thresholds=np.full(len(model.categories), threshold),
    )


def _compare(model: LinearModel, raw: str) -> int:
    text = Normalized(raw)
    if raw.startswith("#"):
        text.words  # noqa: B018 -- as after the rules: the text's offsets already made
    feats = featurize(text.wordtext, model.bits)
    lanes = model._lanes(feats.ids)
    logits, window_starts = model._window_logits(feats, lanes)
    probs = model.calibrate(logits).tolist()
    scores = {cat: round(p, 4) for cat, p in zip(model.categories, probs)}
    flagged = [j for j, (p, t) in enumerate(zip(probs, model._threshold_list)) if not p < t]
    if not flagged or feats.words == 0:
        return 0
    expected = ref_evidence(model, text, feats, lanes, flagged, scores, window_starts)
    got = model._evidence(text, feats, lanes, flagged, scores, window_starts)
    assert got == expected, raw[:200]
    assert [repr(f) for f in got] == [repr(f) for f in expected]
    assert model.assess(text).findings == expected
    return len(expected)


def _hostile(seed: int, count: int) -> list[str]:
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    gen = sa.Generator(rnd, words, groups)
    out = []
    for _ in range(count):
        genome = [gen.chunk() for _ in range(rnd.randint(1, 60))]
        out.append(sa.render(genome, rnd.choice((80, 400, 1000, 2500, 5000, 7000))))
    return out


def _plain(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    vocab = ["idiot", "you", "the", "kill", "buy", "now", "shit", "fuck", "moron", "free", "x", "a", "ok"]
    vocab += ["".join(rnd.choices("abcdefghijklmnopqrstuvwxyz'", k=rnd.randint(1, 12))) for _ in range(100)]
    out = ["", "a", "ab", "a b", " idiot ", "idiot idiot idiot idiot"]
    for _ in range(count):
        parts = []
        for _ in range(rnd.choice((1, 3, 40, 64, 65, 96, 97, 130, 400, 1200))):
            word = rnd.choice(vocab) if rnd.random() > 0.01 else "q" * rnd.randint(50, 4000)
            parts.append(word + rnd.choice((" ", " ", ", ", "  ", "... ", "\n", "\x00 ", " 'x' ")))
        out.append(("#" if rnd.random() < 0.5 else "") + "".join(parts))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_evidence_matches_the_plain_code(seed):
    shipped = shipped_model()
    models = [shipped, _all_flagged(shipped), _all_flagged(shipped, 0.3)]
    findings = 0
    for raw in _hostile(seed, 60) + _plain(seed, 60):
        for model in models:
            findings += _compare(model, raw)
    assert findings > 500


def test_evidence_of_a_cut_text_matches_the_plain_code():
    """Past ``MAX_CHARS`` the model reads a cut text: offsets come from the features."""
    model = _all_flagged(shipped_model())
    rnd = random.Random(5)
    findings = 0
    for cut_word in ("idiot", "fuckfuckfuck", "kill" * 30, "x"):
        for extra in range(0, 12, 3):
            head = " ".join(rnd.choice(("idiot", "you", "shit", "the", "a")) for _ in range(6000))
            head = head[: MAX_CHARS - extra - 3]
            raw = head + " " * rnd.randint(0, 2) + cut_word + " more words after the cut idiot"
            assert len(Normalized(raw).wordtext) > MAX_CHARS
            findings += _compare(model, raw)
            findings += _compare(model, "#" + raw)
    assert findings > 10
