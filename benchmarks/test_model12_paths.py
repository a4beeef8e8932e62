"""The learned layer's twelfth speed pass (issue #11) gives exactly what the
code it replaces gives (seeded, nothing timed): bit for bit, logits included.

The pass trims numpy calls: ``featurize`` without an ``errstate`` context and
with ``np.add.accumulate`` for ``np.cumsum``, ``Features._char_blocks`` made
from one small array, ``packed_sums`` and the window search reducing with the
ufuncs (no ``ndarray.sum`` wrapper) and reading column constants made at load,
``_lanes`` calling ``ndarray.take``, ``_sigmoid`` clipping with
``maximum``/``minimum``, and ``_evidence`` reading each window's ends with one
``tolist`` and starting its cumulative sum with a leading zero.  The code as it
read before is kept here as the reference.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from benchmarks import search_adversarial as sa
from benchmarks.test_model8_paths import _all_flagged, _hostile, _plain
from moderation.checks.model import features as F
from moderation.checks.model import shipped_model
from moderation.checks.model.features import CHAR_NGRAMS, MAX_CHARS, Features, featurize
from moderation.checks.model.linear import (
    _LOW32,
    _PAIR_MASK,
    _WINDOW_STEPS,
    EVIDENCE_SHARE,
    MAX_EVIDENCE,
    RULE,
    WINDOW_WORDS,
    LinearModel,
    _sigmoid,
)
from moderation.checks.normalize import Normalized
from moderation.checks.values import Finding, make_finding

# -- the reference: the code as it read before ----------------------------------------------


def ref_featurize(wordtext: str, bits: int) -> Features:
    codes, keep = F._compact(wordtext)
    n = codes.shape[0]
    if n <= 2:
        return Features(F._EMPTY, F._EMPTY, 0, F._EMPTY)
    shift = np.uint64(64 - bits)
    with np.errstate(over="ignore"):
        inv = F._powers(n + 1, "inv", F._P_INV)
        pw = F._powers(n + 1, "pow", F._P)
        pw_mix = F._mixed_powers(n + 1)
        prefix = np.empty(n + 1, dtype=np.uint64)
        prefix[0] = 0
        np.cumsum(codes * inv[:n], out=prefix[1:])
        space_idx = (codes == 32).nonzero()[0]
        w_start = space_idx[:-1] + 1
        w_end = space_idx[1:]
        words = len(w_start)
        sizes = [n - k + 1 for k in CHAR_NGRAMS if n >= k]
        chars = sum(sizes)
        total = chars + words + max(words - 1, 0)
        h = np.empty(total, dtype=np.uint64)
        at = 0
        for k, size in zip(CHAR_NGRAMS, sizes):
            out = h[at : at + size]
            np.subtract(prefix[k:], prefix[:size], out=out)
            np.multiply(out, pw_mix[k - 1 : n], out=out)
            np.add(out, F._SALT_CHAR_MIXED[k], out=out)
            at += size
        if words:
            wh = (prefix[w_end] - prefix[w_start]) * pw[w_end - 1]
            np.bitwise_xor(wh, F._SALT_WORD, out=h[at : at + words])
            at += words
            if words > 1:
                np.bitwise_xor(wh[:-1] * F._P + wh[1:], F._SALT_PAIR, out=h[at:])
        words_and_pairs = h[chars:]
        np.multiply(words_and_pairs, F._MIX, out=words_and_pairs)
        np.right_shift(h, shift, out=h)
        ids = h.view(np.int64)
    return Features(ids, space_idx, n, keep)


def ref_char_blocks(feats: Features) -> tuple[np.ndarray, np.ndarray]:
    n = feats._n
    sizes = np.array([n - k + 1 for k in CHAR_NGRAMS if n >= k], dtype=np.int64)
    return sizes[:, None], (np.cumsum(sizes) - sizes)[:, None]


def ref_packed_sums(feats: Features, values: np.ndarray, word_bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bounds = feats._boundaries(word_bounds)
    lengths = bounds[:, 1:] - bounds[:, :-1]
    sums = np.add.reduceat(values, bounds.ravel(), axis=1)
    sums = sums.reshape(values.shape[0], bounds.shape[0], bounds.shape[1])[:, :, :-1]
    sums[:, lengths == 0] = 0
    return sums.sum(axis=1), lengths.sum(axis=0)


def ref_lanes(model: LinearModel, ids: np.ndarray) -> np.ndarray:
    c = len(model.categories)
    n = ids.shape[0]
    out = np.empty(((c + 1) // 2, n + 1), dtype=np.uint64)
    out[:, n] = 0
    gathered = np.take(model._table, ids, mode="wrap")
    for r in range(c // 2):
        row = out[r, :n]
        if r:
            np.right_shift(gathered, np.uint64(8 * r), out=row)
            np.bitwise_and(row, _PAIR_MASK, out=row)
        else:
            np.bitwise_and(gathered, _PAIR_MASK, out=row)
    if c % 2:
        np.right_shift(gathered, np.uint64(56), out=out[c // 2, :n])
    return out


def ref_window_logits(model: LinearModel, feats: Features, lanes: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    if feats.count == 0:
        return model.bias.copy(), None
    words = feats.words
    if words <= WINDOW_WORDS:
        sums = model._unpack(lanes.sum(axis=1), feats.count) * model.scales
        return model.bias + sums / np.sqrt(feats.count), None
    step = WINDOW_WORDS // 2
    bounds = np.arange(0, words + step, step)
    bounds[-1] = words
    packed, chunk_counts = ref_packed_sums(feats, lanes, bounds)
    chunk_sums = model._unpack(packed, chunk_counts)
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


def ref_sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


def ref_evidence(
    model: LinearModel,
    text: Normalized,
    feats: Features,
    lanes: np.ndarray,
    flagged: list[int],
    scores: dict[str, float],
    window_starts: np.ndarray | None,
) -> list[Finding]:
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
    at_word = at_word.sum(axis=0)
    packed = at_word[:, 1:] - at_word[:, :-1]
    at_bound = bounds.sum(axis=0)
    counts = at_bound[:, 1:] - at_bound[:, :-1]
    halves = np.array([32 * (j % 2) for j in flagged], dtype=np.uint64)[:, None]
    values = (((packed >> halves) & _LOW32).view(np.int64) - 128 * counts).astype(np.float64)
    orders = np.argsort(-values, axis=1, kind="stable").tolist()
    tops = values.max(axis=1).tolist()
    norm = text.norm
    if len(text.wordtext) <= MAX_CHARS:
        word_starts, word_ends = text._bounds
    else:
        word_starts, word_ends = feats.word_starts.tolist(), feats.word_ends.tolist()
    out = []
    for j, lo, window, order, top in zip(flagged, los, values.tolist(), orders, tops):
        if top <= 0:
            continue
        chosen: list[int] = []
        seen: set[str] = set()
        for i in order:
            if window[i] <= 0 or window[i] < EVIDENCE_SHARE * top or len(chosen) == MAX_EVIDENCE:
                break
            word = norm[word_starts[lo + i] : word_ends[lo + i]]
            if word not in seen:
                seen.add(word)
                chosen.append(i)
        cat = model.categories[j]
        for k in sorted(chosen):
            s, e, evidence = text.evidence(word_starts[lo + k], word_ends[lo + k])
            out.append(make_finding(cat, RULE, s, e, evidence, scores[cat]))
    return out


# -- bodies -----------------------------------------------------------------------------------


def _real(seed: int, count: int) -> list[str]:
    """Sentences of the kind real comments are made of, joined to all the window sizes."""
    rnd = random.Random(seed)
    sentences = [
        "I think the council got this one wrong, and the article explains why.",
        "Thanks for writing this up -- the bit about the bus routes was news to me!",
        "You are an idiot if you believe a word of it.",
        "Honestly?? This is the worst take I've read all week... shut up.",
        "Buy cheap watches now at www.example.com, free shipping!!!",
        "If he comes near my house again I will hurt him.",
        "Le maire a raison; the rest of you are clowns.",
        "Smh. 10/10 would read again :)",
        "people like them should go back where they came from",
        "What a load of crap, honestly, what a load of absolute crap.",
    ]
    out = ["", " ", "  ", "a", "ok", "-- --", "\u200b\u200b", "I.", "x" * 70]
    for _ in range(count):
        parts = [rnd.choice(sentences) for _ in range(rnd.choice((1, 2, 5, 9, 10, 11, 40, 120, 400)))]
        out.append(rnd.choice((" ", "  ", "\n\n", "")).join(parts))
    return out


def _bodies(seed: int) -> list[str]:
    rnd = random.Random(seed)
    words, groups = sa.vocabulary()
    gen = sa.Generator(rnd, words, groups)
    out = [
        sa.render([gen.chunk() for _ in range(rnd.randint(1, 50))], rnd.choice((3, 60, 700, 5000, 9000)))
        for _ in range(40)
    ]
    return out + _hostile(seed, 30) + _plain(seed, 30) + _real(seed, 40)


def _models() -> list[LinearModel]:
    shipped = shipped_model()
    return [shipped, _all_flagged(shipped), _all_flagged(shipped, 0.3)]


def _same_array(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


# -- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_features_and_their_sums_match_the_code_before(seed):
    model = shipped_model()
    windows = 0
    for raw in _bodies(seed):
        wordtext = Normalized(raw).wordtext
        feats, ref = featurize(wordtext, model.bits), ref_featurize(wordtext, model.bits)
        for a, b in ((feats.ids, ref.ids), (feats._spaces, ref._spaces), (feats._keep, ref._keep)):
            assert _same_array(a, b), raw[:200]
        assert feats._n == ref._n
        for a, b in zip(feats._char_blocks, ref_char_blocks(ref)):
            assert _same_array(a, b), raw[:200]
        lanes = model._lanes(feats.ids)
        assert _same_array(lanes, ref_lanes(model, feats.ids))
        step = WINDOW_WORDS // 2
        for bounds in (np.arange(0, feats.words + step, step), np.arange(feats.words + 1), np.array([0, feats.words])):
            bounds = np.minimum(bounds, feats.words)
            for a, b in zip(feats.packed_sums(lanes, bounds), ref_packed_sums(ref, lanes, bounds)):
                assert _same_array(a, b), raw[:200]
        windows += feats.words > WINDOW_WORDS
    assert windows > 40


@pytest.mark.parametrize("seed", [3, 4])
def test_logits_probabilities_and_evidence_match_the_code_before(seed):
    findings = 0
    for raw in _bodies(seed):
        text = Normalized(raw)
        if seed % 2:
            text.words  # noqa: B018 -- as after the rules: the text's offsets already made
        for model in _models():
            feats = featurize(text.wordtext, model.bits)
            lanes = model._lanes(feats.ids)
            logits, starts = model._window_logits(feats, lanes)
            ref_logits, ref_starts = ref_window_logits(model, feats, lanes)
            assert _same_array(logits, ref_logits) and _same_array(starts, ref_starts), raw[:200]
            assert _same_array(model._window_logits(feats)[0], ref_logits)
            probs = model.calibrate(logits)
            assert _same_array(probs, ref_sigmoid(model._cal_a * ref_logits + model._cal_b))
            plist = probs.tolist()
            scores = {cat: round(p, 4) for cat, p in zip(model.categories, plist)}
            flagged = [j for j, (p, t) in enumerate(zip(plist, model._threshold_list)) if not p < t]
            if not flagged or feats.words == 0:
                continue
            expected = ref_evidence(model, text, feats, lanes, flagged, scores, starts)
            got = model._evidence(text, feats, lanes, flagged, scores, starts)
            assert [repr(f) for f in got] == [repr(f) for f in expected], raw[:200]
            findings += len(expected)
    assert findings > 500


def test_evidence_of_a_cut_text_matches_the_code_before():
    model = _all_flagged(shipped_model())
    rnd = random.Random(5)
    findings = 0
    for cut_word in ("idiot", "fuckfuckfuck", "x"):
        head = " ".join(rnd.choice(("idiot", "you", "shit", "the", "a")) for _ in range(6000))[: MAX_CHARS - 3]
        text = Normalized(head + "  " + cut_word + " more words after the cut idiot")
        feats = featurize(text.wordtext, model.bits)
        lanes = model._lanes(feats.ids)
        logits, starts = model._window_logits(feats, lanes)
        assert _same_array(logits, ref_window_logits(model, feats, lanes)[0])
        flagged = list(range(len(model.categories)))
        scores = dict.fromkeys(model.categories, 0.5)
        expected = ref_evidence(model, text, feats, lanes, flagged, scores, starts)
        assert model._evidence(text, feats, lanes, flagged, scores, starts) == expected
        findings += len(expected)
    assert findings > 5


def test_sigmoid_matches_np_clip_on_edge_values():
    edges = [0.0, -0.0, 39.999999, 40.0, 40.000001, -40.0, -40.5, 1e308, -1e308, np.inf, -np.inf, np.nan, 1e-320]
    rnd = np.random.default_rng(7)
    for z in (np.array(edges), rnd.normal(0, 30, 1000), rnd.normal(0, 30, (5, 40)), np.array([])):
        with np.errstate(all="ignore"):
            assert _same_array(_sigmoid(z), ref_sigmoid(z))
