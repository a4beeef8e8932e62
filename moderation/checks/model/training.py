"""Training for the learned layer (numpy + scipy; never on the request path).

``train(rows)`` fits one L2-regularised logistic head per category on hashed
n-grams with L-BFGS, quantises the weights to int8, then on a held-out
validation split fits a Platt calibration per category and picks each
category's threshold as the calibrated score that flags at most
``false_flag_rate`` of the validation split's clean comments.

``fine_tune(model, rows)`` learns from moderators' decisions: it starts from
a trained model and fits the decisions with the old weights as the prior
(``l2 * |W - W0|^2``), so a few hundred decisions move the model towards the
newsroom's own comments without forgetting what it knew.

Everything is seeded and order-independent (rows are split by a hash of
their text, not by position), so the same rows always give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..normalize import Normalized
from .features import featurize
from .linear import LinearModel, _sigmoid

CATEGORIES = ("profanity", "personal_attack", "threat", "abuse", "promotion")
DEFAULT_BITS = 18
DEFAULT_L2 = 2e-5
DEFAULT_FALSE_FLAG_RATE = 0.005
# A category's negatives drawn from rows labelled with another category count
# less than clean rows: single-label corpora do not say "not an insult".
OTHER_LABEL_NEGATIVE_WEIGHT = 0.3
# Corpora whose rows carry every category's label (0 really means "no").
MULTILABEL_SOURCES = frozenset({"civil_comments_toxic_spans"})
MAX_POSITIVE_WEIGHT = 8.0
# A calibrated probability this low never flags, whatever the clean comments allow:
# a rare category (threats) may flag at a modest probability, not at a negligible one.
MIN_THRESHOLD = 0.25  # card.MIN_THRESHOLD repeats it
# A head learned from one source knows that source's style, not the offence
# (the only promotion data is SMS spam: digits and prices, so it would flag
# talk-page signatures): it then only ranks, and flagging is left to the rules.
MIN_SOURCES_TO_FLAG = 2

# dev.csv labels -> guideline codes.
DEV_LABELS = {
    "clean": frozenset(),
    "profanity": frozenset({"profanity"}),
    "insult": frozenset({"personal_attack"}),
    "identity_abuse": frozenset({"abuse"}),
    "promotion": frozenset({"promotion"}),
    "threat": frozenset({"threat"}),
}


@dataclass(frozen=True)
class Row:
    """A labelled comment: its text, guideline codes (empty = clean) and where it came from."""

    text: str
    labels: frozenset[str]
    source: str
    multilabel: bool = False


def read_train_csv(path: Path) -> list[Row]:
    """``shared/train/train.csv``: one 0/1 column per code, plus ``corpus``."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            labels = frozenset(c for c in CATEGORIES if (rec.get(c) or "0").strip() == "1")
            corpus = rec.get("corpus") or "train"
            rows.append(Row(rec["text"] or "", labels, corpus, corpus in MULTILABEL_SOURCES))
    return rows


def read_labelled_csv(path: Path) -> list[Row]:
    """A CSV with ``text,label[,source]`` in the evaluation vocabulary (``dev.csv``)."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            label = (rec.get("label") or "").strip()
            if label in DEV_LABELS:
                rows.append(Row(rec["text"] or "", DEV_LABELS[label], (rec.get("source") or "").strip()))
    return rows


def shared_rows(shared: Path) -> list[Row]:
    """The shipped model's data: ``shared/train/train.csv`` and ``shared/eval/dev.csv``."""
    csv.field_size_limit(10_000_000)
    return read_train_csv(shared / "train" / "train.csv") + read_labelled_csv(shared / "eval" / "dev.csv")


def is_validation(row: Row, seed: int, share: float) -> bool:
    digest = hashlib.sha256(f"{seed}:{row.text}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def canonical_order(rows: Iterable[Row]) -> list[Row]:
    """Rows sorted by content, so the order they were read in cannot change a float sum."""
    return sorted(rows, key=lambda r: (r.text, sorted(r.labels), r.source, r.multilabel))


def design_matrix(texts: Sequence[str], bits: int) -> Any:  # a scipy.sparse csr_matrix (scipy is untyped)
    """Sparse rows of hashed features, each occurrence worth 1/sqrt(occurrences)."""
    from scipy import sparse

    indptr = [0]
    index_parts, data_parts = [], []
    for text in texts:
        ids = featurize(Normalized(text).wordtext, bits).ids
        n = ids.shape[0]
        index_parts.append(ids.astype(np.int32))
        data_parts.append(np.full(n, 1.0 / np.sqrt(n) if n else 0.0))
        indptr.append(indptr[-1] + n)
    indices = np.concatenate(index_parts) if index_parts else np.zeros(0, dtype=np.int32)
    data = np.concatenate(data_parts) if data_parts else np.zeros(0)
    x = sparse.csr_matrix((data, indices, np.array(indptr, dtype=np.int64)), shape=(len(texts), 2**bits))
    x.sum_duplicates()
    return x


def targets(rows: Sequence[Row], categories: Sequence[str] = CATEGORIES) -> tuple[np.ndarray, np.ndarray]:
    """Labels and per-cell weights (positives up-weighted towards balance, capped)."""
    y = np.zeros((len(rows), len(categories)))
    w = np.ones((len(rows), len(categories)))
    for i, row in enumerate(rows):
        for j, cat in enumerate(categories):
            if cat in row.labels:
                y[i, j] = 1.0
            elif row.labels and not row.multilabel:
                w[i, j] = OTHER_LABEL_NEGATIVE_WEIGHT
    for j in range(len(categories)):
        pos = y[:, j] == 1
        if pos.any():
            neg_weight = w[~pos, j].sum()
            w[pos, j] = float(np.clip(np.sqrt(neg_weight / pos.sum()), 1.0, MAX_POSITIVE_WEIGHT))
    return y, w


def fit(
    x: Any,
    y: np.ndarray,
    w: np.ndarray,
    *,
    l2: float,
    prior: np.ndarray | None = None,
    prior_bias: np.ndarray | None = None,
    maxiter: int = 200,
    min_total: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logistic regression, every category at once, by L-BFGS.

    Minimises sum(w * logloss) / max(sum(w), min_total) + l2/2 * |W - prior|^2
    (+ the same pull of the bias towards ``prior_bias`` when one is given).
    ``min_total`` makes a small sample count as what it is: with 300
    decisions and ``min_total`` 2,000, the data weigh 300/2,000 of a full
    sample against the prior.  A category with no positive rows keeps its
    prior (or zero) weights and a bias that matches its (zero) base rate.
    """
    from scipy.optimize import minimize

    n, d = x.shape
    c = y.shape[1]
    w0 = np.zeros((d, c)) if prior is None else prior.astype(np.float64)
    b0 = np.zeros(c) if prior_bias is None else prior_bias.astype(np.float64)
    active = y.sum(axis=0) > 0
    xt = x.T.tocsr()
    total = np.maximum(w.sum(axis=0), min_total)
    total[total == 0] = 1.0
    bias_l2 = l2 if prior_bias is not None else 0.0

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights = theta[: d * c].reshape(d, c)
        bias = theta[d * c :]
        z = x @ weights + bias
        p = _sigmoid(z)
        # log(1 + e^-|z|) form: stable for large |z|.
        loss_cells = np.logaddexp(0.0, z) - y * z
        loss = float((w * loss_cells).sum(axis=0) @ (1.0 / total))
        g = w * (p - y) / total
        g[:, ~active] = 0.0
        diff = weights - w0
        loss += 0.5 * l2 * float(np.sum(diff * diff)) + 0.5 * bias_l2 * float(np.sum((bias - b0) ** 2))
        grad_w = xt @ g + l2 * diff
        grad_w[:, ~active] = 0.0
        grad_b = g.sum(axis=0) + bias_l2 * (bias - b0)
        return loss, np.concatenate([grad_w.ravel(), grad_b])

    theta0 = np.concatenate([w0.ravel(), b0])
    result = minimize(
        objective, theta0, jac=True, method="L-BFGS-B", options={"maxiter": maxiter, "maxcor": 10, "gtol": 1e-7}
    )
    weights = result.x[: d * c].reshape(d, c)
    bias = result.x[d * c :]
    for j in np.flatnonzero(~active):
        weights[:, j] = w0[:, j]
        bias[j] = b0[j] if prior_bias is not None else -8.0
    return weights, bias


def quantize(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 weights and a scale per category (max |w| maps to 127)."""
    peak = np.abs(weights).max(axis=0)
    scales = np.where(peak > 0, peak / 127.0, 1.0)
    q = np.clip(np.rint(weights / scales), -127, 127).astype(np.int8)
    return q, scales


def platt(z: np.ndarray, y: np.ndarray, w: np.ndarray, iterations: int = 50) -> tuple[float, float]:
    """Fit p = sigmoid(a*z + b) by Newton's method (weighted, lightly ridged)."""
    if y.sum() == 0 or y.sum() == len(y):
        return 1.0, 0.0
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = _sigmoid(a * z + b)
        r = w * (p - y)
        s = w * p * (1 - p) + 1e-9
        g = np.array([r @ z + 1e-4 * (a - 1), r.sum()])
        h = np.array([[s @ (z * z) + 1e-4, s @ z], [s @ z, s.sum() + 1e-9]])
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def _logits(model: LinearModel, texts: Sequence[str]) -> np.ndarray:
    return np.array([model.raw_scores(Normalized(t).wordtext) for t in texts]).reshape(len(texts), -1)


def calibrate(
    model: LinearModel, rows: Sequence[Row], *, false_flag_rate: float, never_flag: frozenset[str] = frozenset()
) -> LinearModel:
    """A copy of ``model`` with Platt calibration and thresholds fitted on ``rows``
    (categories in ``never_flag`` are calibrated but only rank)."""
    categories = model.categories
    z = _logits(model, [r.text for r in rows])
    y, w = targets(rows, categories)
    # Calibrated probabilities should mean "share of such comments that break
    # the guideline": unweighted positives, all negatives at their own weight.
    w = np.where(y == 1, 1.0, w)
    calibration = np.array([platt(z[:, j], y[:, j], w[:, j]) for j in range(len(categories))])
    shadow = LinearModel(
        categories=categories,
        bits=model.bits,
        weights=model.weights,
        scales=model.scales,
        bias=model.bias,
        calibration=calibration,
        thresholds=np.ones(len(categories)),
    )
    probs = shadow.calibrate(z)
    clean = np.array([not r.labels for r in rows], dtype=bool)
    thresholds = np.full(len(categories), np.inf)  # a probability never reaches it: the category never flags
    for j in range(len(categories)):
        if y[:, j].sum() == 0 or not clean.any() or categories[j] in never_flag:
            continue  # never learned this category (or told not to flag it): it never flags
        scores = np.sort(probs[clean, j])
        # The smallest threshold that flags at most false_flag_rate of clean rows.
        allowed = int(np.floor(false_flag_rate * len(scores)))
        cut = scores[len(scores) - allowed - 1] if allowed < len(scores) else 0.0
        thresholds[j] = float(min(1.0, max(MIN_THRESHOLD, np.nextafter(cut, np.inf))))
    final = LinearModel(
        categories=categories,
        bits=model.bits,
        weights=model.weights,
        scales=model.scales,
        bias=model.bias,
        calibration=calibration,
        thresholds=thresholds,
    )
    probs = final.calibrate(z)
    validation = {}
    for j, cat in enumerate(categories):
        pos = y[:, j] == 1
        validation[cat] = {
            "positives": int(pos.sum()),
            "threshold": round(float(thresholds[j]), 4) if np.isfinite(thresholds[j]) else None,
            "recall": round(float((probs[pos, j] >= thresholds[j]).mean()), 4) if pos.any() else None,
            "clean_flagged": round(float((probs[clean, j] >= thresholds[j]).mean()), 4) if clean.any() else None,
        }
    flagged_clean = (probs[clean] >= thresholds).any(axis=1) if clean.any() else np.zeros(0, dtype=bool)
    meta = dict(model.meta)
    meta["validation"] = {
        "rows": len(rows),
        "clean_rows": int(clean.sum()),
        "clean_flagged_any": round(float(flagged_clean.mean()), 4) if clean.any() else None,
        "per_category": validation,
    }
    return LinearModel(
        categories=categories,
        bits=model.bits,
        weights=model.weights,
        scales=model.scales,
        bias=model.bias,
        calibration=calibration,
        thresholds=thresholds,
        meta=meta,
    )


def train(
    rows: Iterable[Row],
    *,
    bits: int = DEFAULT_BITS,
    l2: float = DEFAULT_L2,
    seed: int = 13,
    validation_share: float = 0.15,
    false_flag_rate: float = DEFAULT_FALSE_FLAG_RATE,
    maxiter: int = 200,
    min_sources_to_flag: int = MIN_SOURCES_TO_FLAG,
    meta: dict | None = None,
) -> LinearModel:
    rows = canonical_order(rows)
    fit_rows = [r for r in rows if not is_validation(r, seed, validation_share)]
    val_rows = [r for r in rows if is_validation(r, seed, validation_share)]
    x = design_matrix([r.text for r in fit_rows], bits)
    y, w = targets(fit_rows)
    weights, bias = fit(x, y, w, l2=l2, maxiter=maxiter)
    q, scales = quantize(weights)
    info = dict(meta or {})
    info.update(
        {
            "bits": bits,
            "l2": l2,
            "seed": seed,
            "rows": len(fit_rows),
            "validation_rows": len(val_rows),
            "false_flag_rate": false_flag_rate,
            "positives": {c: int(y[:, j].sum()) for j, c in enumerate(CATEGORIES)},
        }
    )
    sources = {c: sorted({r.source for r in fit_rows if c in r.labels}) for c in CATEGORIES}
    info["sources"] = sources
    info["rank_only"] = [c for c in CATEGORIES if 0 < len(sources[c]) < min_sources_to_flag]
    model = LinearModel(
        categories=CATEGORIES,
        bits=bits,
        weights=q,
        scales=scales,
        bias=bias,
        calibration=np.tile([1.0, 0.0], (len(CATEGORIES), 1)),
        thresholds=np.ones(len(CATEGORIES)),
        meta=info,
    )
    return calibrate(
        model, val_rows or fit_rows, false_flag_rate=false_flag_rate, never_flag=frozenset(info["rank_only"])
    )


# Fine-tuning: the prior counts like this many decisions, so a first few
# hundred decisions nudge the model rather than replace it.
PRIOR_DECISIONS = 2000
# A category is recalibrated on held-out decisions only with enough of them to
# place a threshold: below this many clean or positive rows the old calibration stays.
MIN_CALIBRATION_CLEAN = 200
MIN_CALIBRATION_POSITIVES = 30


def _keep_base_rates(y: np.ndarray, w: np.ndarray, model: LinearModel) -> np.ndarray:
    """Reweight negatives so each category's positive share is the one the model was trained at.

    Moderators' decisions are not a sample of comments: a queue sorted by
    priority sends mostly violations to be rejected, so learning their raw
    proportions would teach the model that most comments break a guideline,
    and every threshold would start flagging clean comments.
    """
    rows = float(model.meta.get("rows") or 0)
    positives = model.meta.get("positives") or {}
    if not rows:
        return w
    w = w.copy()
    for j, cat in enumerate(model.categories):
        share = float(positives.get(cat, 0)) / rows
        pos = y[:, j] == 1
        p, n = w[pos, j].sum(), w[~pos, j].sum()
        if 0 < share < 1 and p > 0 and n > 0:
            w[~pos, j] *= p * (1 - share) / (share * n)
    return w


def fine_tune(
    model: LinearModel,
    rows: Iterable[Row],
    *,
    l2: float = 1e-3,
    maxiter: int = 100,
    calibration_share: float = 0.2,
    seed: int = 13,
    false_flag_rate: float | None = None,
    prior_decisions: int = PRIOR_DECISIONS,
    meta: dict | None = None,
) -> LinearModel:
    """``model`` moved towards ``rows`` (e.g. moderators' decisions), recalibrated on a held-out share of them."""
    rows = canonical_order(rows)
    categories = model.categories
    held = [r for r in rows if is_validation(r, seed, calibration_share)]
    learn = [r for r in rows if not is_validation(r, seed, calibration_share)]
    prior = model.weights.astype(np.float64) * model.scales
    if learn:
        x = design_matrix([r.text for r in learn], model.bits)
        y, w = targets(learn, categories)
        w = _keep_base_rates(y, w, model)
        weights, bias = fit(
            x, y, w, l2=l2, prior=prior, prior_bias=model.bias, maxiter=maxiter, min_total=float(prior_decisions)
        )
    else:
        weights, bias = prior, model.bias
    q, scales = quantize(weights)
    info = dict(model.meta)
    info.pop("version", None)
    info.update(meta or {})
    info.update({"fine_tuned_from": model.version, "fine_tune_rows": len(learn), "calibration_rows": len(held)})
    tuned = LinearModel(
        categories=categories,
        bits=model.bits,
        weights=q,
        scales=scales,
        bias=bias,
        calibration=model.calibration,
        thresholds=model.thresholds,
        meta=info,
    )
    clean = sum(1 for r in held if not r.labels)
    y, _ = targets(held, categories)
    keep = (y.sum(axis=0) < MIN_CALIBRATION_POSITIVES) | (clean < MIN_CALIBRATION_CLEAN)
    if keep.all():
        return tuned  # too few held-out decisions to place thresholds on: keep the old calibration
    rate = (
        false_flag_rate
        if false_flag_rate is not None
        else float(model.meta.get("false_flag_rate", DEFAULT_FALSE_FLAG_RATE))
    )
    recalibrated = calibrate(tuned, held, false_flag_rate=rate)
    calibration = np.where(keep[:, None], model.calibration, recalibrated.calibration)
    thresholds = np.where(keep, model.thresholds, recalibrated.thresholds)
    return LinearModel(
        categories=categories,
        bits=model.bits,
        weights=q,
        scales=scales,
        bias=bias,
        calibration=calibration,
        thresholds=thresholds,
        meta=info,
    )


# The shipped weights must rebuild byte for byte on any of our machines, but numpy's SIMD loops and
# OpenBLAS choose their kernels by the CPU at run time (AVX-512 on one machine, AVX2 on another), and
# a sum taken in another order rounds differently: the same data and seed gave other bytes on an
# AVX-512 machine than on the AVX2 machine that trained them.  ``train_pinned`` trains in a child
# process whose kernels are pinned to the AVX2 level (x86-64-v3, which every machine of ours has)
# and one BLAS thread.  The variables must be set before numpy loads, hence the child process.
PINNED_KERNELS = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_CORETYPE": "Haswell",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


def train_pinned(shared: Path, *, seed: int = 13, bits: int | None = None) -> bytes:
    """``train(shared_rows(shared), ...)`` in a child process with ``PINNED_KERNELS``; the model's bytes."""
    import os
    import subprocess
    import sys
    import tempfile

    root = Path(__file__).resolve().parents[3]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "weights.npz"
        argv = [sys.executable, "-m", __name__, str(shared), str(seed), str(bits or 0), str(out)]
        env = {**os.environ, **PINNED_KERNELS, "PYTHONPATH": str(root)}
        done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"training failed:\n{done.stderr.strip()}")
        return out.read_bytes()


def _main(argv: list[str]) -> None:
    shared, seed, bits, out = Path(argv[0]), int(argv[1]), int(argv[2]), Path(argv[3])
    out.write_bytes(train(shared_rows(shared), seed=seed, bits=bits or DEFAULT_BITS).to_bytes())


if __name__ == "__main__":
    import sys

    _main(sys.argv[1:])
