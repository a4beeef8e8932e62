"""The learned layer's fast scoring paths give exactly what the plain code they
replace gives (seeded, nothing timed; issue #11).

The reference below is the scoring code as it read before: int8 contributions
per category (categories x occurrences), one ``reduceat`` per segment set
widened to int64, the per-block boundary loop, and one evidence computation
per flagged category.  Logits are compared bit for bit, findings exactly.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from moderation.checks.model import features as features_module
from moderation.checks.model import shipped_model
from moderation.checks.model.features import CHAR_NGRAMS, Features, featurize
from moderation.checks.model.linear import EVIDENCE_SHARE, MAX_EVIDENCE, RULE, WINDOW_WORDS, LinearModel
from moderation.checks.normalize import Normalized
from moderation.checks.values import Finding


def ref_featurize(wordtext: str, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """featurize as it read before: ids, word starts and ends, spaces, compact length."""
    fm = features_module
    text = wordtext[: fm.MAX_CHARS]
    codes = np.frombuffer((" " + text + " ").encode("utf-32-le"), dtype=np.uint32)
    space = codes == 32
    keep = np.ones(codes.shape[0], dtype=bool)
    keep[1:] = ~(space[1:] & space[:-1])
    offsets = np.flatnonzero(keep) - 1
    codes = codes[keep].astype(np.uint64)
    n = codes.shape[0]
    empty = np.zeros(0, dtype=np.int64)
    if n <= 2:
        return empty, empty, empty, empty, 0
    shift = np.uint64(64 - bits)
    with np.errstate(over="ignore"):
        inv = np.array([pow(int(fm._P_INV), i, 2**64) for i in range(n + 1)], dtype=np.uint64)
        pw = np.array([pow(int(fm._P), i, 2**64) for i in range(n + 1)], dtype=np.uint64)
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(codes * inv[:n], out=prefix[1:])
        space_idx = np.flatnonzero(codes == 32)
        w_start = space_idx[:-1] + 1
        w_end = space_idx[1:]
        words = len(w_start)
        parts = []
        for k in CHAR_NGRAMS:
            if n >= k:
                size = n - k + 1
                parts.append((prefix[k:] - prefix[:size]) * pw[k - 1 : n] + fm._SALT_CHAR * np.uint64(k))
        wh = (prefix[w_end] - prefix[w_start]) * pw[w_end - 1]
        parts.append(wh ^ fm._SALT_WORD)
        parts.append((wh[:-1] * fm._P + wh[1:]) ^ fm._SALT_PAIR)
        h = np.concatenate(parts) * fm._MIX >> shift
    assert h.shape[0] == sum(n - k + 1 for k in CHAR_NGRAMS if n >= k) + words + max(words - 1, 0)
    return h.view(np.int64), offsets[w_start], offsets[w_end - 1] + 1, space_idx, n


def ref_boundaries(feats: Features, word_bounds: np.ndarray) -> np.ndarray:
    n, words, spaces = feats._n, feats.words, feats._spaces
    rows = []
    at = 0
    for k in CHAR_NGRAMS:
        if n < k:
            break
        size = n - k + 1
        rows.append(at + np.minimum(spaces[word_bounds], size))
        at += size
    rows.append(at + word_bounds)
    at += words
    rows.append(at + np.minimum(word_bounds, max(words - 1, 0)))
    return np.array(rows)


def ref_segment_sums(feats: Features, values: np.ndarray, word_bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bounds = ref_boundaries(feats, word_bounds)
    lengths = bounds[:, 1:] - bounds[:, :-1]
    if feats.count == 0:
        return np.zeros((values.shape[0], lengths.shape[1]), dtype=np.int64), lengths.sum(axis=0)
    sums = np.add.reduceat(values, bounds.ravel(), axis=1, dtype=np.int64)
    sums = sums.reshape(values.shape[0], bounds.shape[0], bounds.shape[1])[:, :, :-1]
    sums = np.where(lengths == 0, 0, sums)
    return sums.sum(axis=1), lengths.sum(axis=0)


def ref_contributions(model: LinearModel, ids: np.ndarray) -> np.ndarray:
    out = np.zeros((len(model.categories), ids.shape[0] + 1), dtype=np.int8)
    out[:, :-1] = model.weights[ids].T
    return out


def ref_window_logits(model: LinearModel, feats: Features) -> tuple[np.ndarray, np.ndarray | None]:
    if feats.count == 0:
        return model.bias.copy(), None
    contrib = ref_contributions(model, feats.ids)
    words = feats.words
    if words <= WINDOW_WORDS:
        sums = contrib.sum(axis=1, dtype=np.int64) * model.scales
        return model.bias + sums / np.sqrt(feats.count), None
    step = WINDOW_WORDS // 2
    bounds = np.append(np.arange(0, words, step), words)
    chunk_sums, chunk_counts = ref_segment_sums(feats, contrib, bounds)
    if chunk_sums.shape[1] == 1:
        window_sums, window_n, starts = chunk_sums, chunk_counts, bounds[:1]
    else:
        window_sums = chunk_sums[:, :-1] + chunk_sums[:, 1:]
        window_n = chunk_counts[:-1] + chunk_counts[1:]
        starts = bounds[:-2]
    logits = model.bias[:, None] + window_sums * model.scales[:, None] / np.sqrt(np.maximum(window_n, 1))
    best = logits.argmax(axis=1)
    c = len(model.categories)
    return logits[np.arange(c), best], starts[best]


def ref_assess(model: LinearModel, text: Normalized) -> tuple[dict[str, float], list[Finding]]:
    feats = featurize(text.wordtext, model.bits)
    contrib = ref_contributions(model, feats.ids)
    logits, window_starts = ref_window_logits(model, feats)
    probs = model.calibrate(logits)
    scores = {cat: round(float(p), 4) for cat, p in zip(model.categories, probs)}
    findings: list[Finding] = []
    for j, cat in enumerate(model.categories):
        if probs[j] < model.thresholds[j]:
            continue
        lo = 0 if window_starts is None else int(window_starts[j])
        hi = min(lo + WINDOW_WORDS, feats.words)
        window = ref_segment_sums(feats, contrib[j : j + 1], np.arange(lo, hi + 1))[0][0].astype(np.float64)
        if window.size == 0 or window.max() <= 0:
            continue
        order = np.argsort(-window, kind="stable")
        top = window[order[0]]
        chosen: list[int] = []
        seen: set[str] = set()
        for i in order:
            i = int(i)
            if window[i] <= 0 or window[i] < EVIDENCE_SHARE * top or len(chosen) == MAX_EVIDENCE:
                break
            word = text.norm[int(feats.word_starts[lo + i]) : int(feats.word_ends[lo + i])]
            if word not in seen:
                seen.add(word)
                chosen.append(i)
        for k in sorted(chosen):
            s, e, evidence = text.evidence(int(feats.word_starts[lo + k]), int(feats.word_ends[lo + k]))
            findings.append(Finding(cat, RULE, s, e, evidence, scores[cat]))
    return scores, findings


def _random_model(rnd: random.Random, c: int, bits: int) -> LinearModel:
    rng = np.random.default_rng(rnd.randrange(2**32))
    weights = rng.integers(-128, 128, size=(2**bits, c)).astype(np.int8)
    if rnd.random() < 0.3:  # extremes everywhere: lanes must not overflow or borrow
        weights = rng.choice(np.array([-128, 127], dtype=np.int8), size=(2**bits, c))
    return LinearModel(
        categories=tuple(f"cat{k}" for k in range(c)),
        bits=bits,
        weights=weights,
        scales=rng.uniform(0.001, 0.05, c),
        bias=rng.normal(0, 1, c),
        calibration=np.column_stack((rng.uniform(0.5, 2, c), rng.normal(0, 1, c))),
        thresholds=rng.choice(np.array([0.0, 0.3, 0.6, np.inf]), size=c),
    )


def _texts(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    vocab = ["a", "an", "idiot", "you", "the", "x", "zz", "buy", "now", "kill", "of", "ok"]
    vocab += ["".join(rnd.choices("abcdefghijklmnopqrstuvwxyz", k=rnd.randint(1, 12))) for _ in range(200)]
    out = ["", "!?", "a", "ab", "abc", "a b", " x  y ", "w" * 3000]
    for _ in range(count):
        words = rnd.choice((1, 3, 40, 64, 65, 96, 97, 130, 400, 1200))
        parts = []
        for _ in range(words):
            word = rnd.choice(vocab) if rnd.random() > 0.01 else "q" * rnd.randint(50, 4000)
            parts.append(word + rnd.choice((" ", " ", " ", ", ", "  ", "... ", "\n")))
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("c, bits", [(5, 10), (1, 8), (2, 9), (7, 10), (8, 11)])
def test_scoring_matches_the_plain_code_on_random_models(c, bits):
    rnd = random.Random(1000 * c + bits)
    for model_seed in range(3):
        model = _random_model(rnd, c, bits)
        for raw in _texts(model_seed + 10 * c, 25):
            text = Normalized(raw)
            feats = featurize(text.wordtext, model.bits)
            logits, starts = model._window_logits(feats)
            ref_logits, ref_starts = ref_window_logits(model, feats)
            assert logits.tobytes() == ref_logits.tobytes()
            assert (starts is None and ref_starts is None) or np.array_equal(starts, ref_starts)
            assessment = model.assess(text)
            scores, findings = ref_assess(model, text)
            assert assessment.scores == scores
            assert assessment.findings == findings
            words = np.arange(feats.words + 1)
            assert np.array_equal(feats._boundaries(words), ref_boundaries(feats, words))


def test_features_match_the_plain_code():
    for bits in (8, 18):
        for raw in _texts(3, 60) + ["ab", " a ", "a  b", "x" * 25_000, "ab " * 9000]:
            wordtext = Normalized(raw).wordtext
            feats = featurize(wordtext, bits)
            ids, starts, ends, spaces, n = ref_featurize(wordtext, bits)
            assert np.array_equal(feats.ids, ids)
            assert np.array_equal(feats.word_starts, starts) and np.array_equal(feats.word_ends, ends)
            assert np.array_equal(feats._spaces, spaces) and feats._n == n


def test_scoring_matches_the_plain_code_with_the_shipped_model():
    model = shipped_model()
    for raw in _texts(7, 40):
        text = Normalized(raw + " you are an idiot, buy now and kill them " * (len(raw) % 3))
        feats = featurize(text.wordtext, model.bits)
        logits, starts = model._window_logits(feats)
        ref_logits, ref_starts = ref_window_logits(model, feats)
        assert logits.tobytes() == ref_logits.tobytes()
        assert (starts is None and ref_starts is None) or np.array_equal(starts, ref_starts)
        assessment = model.assess(text)
        assert (assessment.scores, assessment.findings) == ref_assess(model, text)


def test_contributions_read_the_weights():
    model = shipped_model()
    ids = featurize(Normalized("you are an idiot " * 30).wordtext, model.bits).ids
    assert np.array_equal(model.contributions(ids), ref_contributions(model, ids))
