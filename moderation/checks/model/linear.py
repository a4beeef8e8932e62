"""The learned layer: one logistic head per guideline over hashed n-grams.

A ``LinearModel`` holds int8 weights (``2**bits`` buckets x categories) with a
scale per category, a bias, a Platt calibration (``p = sigmoid(a * z + b)``)
and a threshold per category on the calibrated probability.  Scoring needs
numpy and nothing else.

Long comments are read in windows of ``WINDOW_WORDS`` words (overlapping by
half): a comment is as bad as its worst passage, and an insult in the tenth
paragraph must not be averaged away by nine clean ones.  Short comments are
one window, exactly as in training.

A flagged category is explained like a rule finding: the words of its worst
window whose features contributed most become the evidence spans.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

import numpy as np

from ..normalize import Normalized
from ..values import Finding, make_finding
from .features import MAX_CHARS, Features, featurize

RULE = "model"
WINDOW_WORDS = 64
MAX_EVIDENCE = 3
# A word is evidence when it carries at least this share of the best word's weight.
EVIDENCE_SHARE = 0.35
FORMAT = 1


@dataclass(frozen=True)
class ModelAssessment:
    """Calibrated probability per category, and the findings for those over threshold."""

    scores: dict[str, float]
    findings: list[Finding] = field(default_factory=list)


_PAIR_MASK = np.uint64(0x000000FF000000FF)
_LOW32 = np.uint64(0xFFFFFFFF)
_WINDOW_STEPS = np.arange(WINDOW_WORDS + 1)
_ZERO_LANE = np.zeros(1, dtype=np.uint64)


def _lane_byte(k: int, c: int) -> int:
    """Byte of the scoring table's word that holds category ``k`` of ``c``: the pair ``2r, 2r + 1``
    in bytes ``r`` and ``r + 4`` (one shift and one mask part them), an odd last category in byte 7."""
    if k == c - 1 and c % 2:
        return 7
    return k // 2 + 4 * (k % 2)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # np.clip is minimum(maximum(z, lo), hi) behind three layers of Python wrappers.
    return 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(z, -40.0), 40.0)))


class LinearModel:
    """A trained, quantised model; immutable once built."""

    def __init__(
        self,
        *,
        categories: tuple[str, ...],
        bits: int,
        weights: np.ndarray,
        scales: np.ndarray,
        bias: np.ndarray,
        calibration: np.ndarray,
        thresholds: np.ndarray,
        meta: dict | None = None,
    ) -> None:
        c = len(categories)
        if weights.shape != (2**bits, c) or weights.dtype != np.int8:
            raise ValueError("weights must be int8 of shape (2**bits, categories)")
        for name, arr, shape in (
            ("scales", scales, (c,)),
            ("bias", bias, (c,)),
            ("calibration", calibration, (c, 2)),
            ("thresholds", thresholds, (c,)),
        ):
            if arr.shape != shape:
                raise ValueError(f"{name} must have shape {shape}")
        self.categories = tuple(categories)
        self.bits = int(bits)
        self.weights = weights
        self.scales = scales.astype(np.float64)
        self.bias = bias.astype(np.float64)
        self.calibration = calibration.astype(np.float64)
        self.thresholds = thresholds.astype(np.float64)
        self.meta = dict(meta or {})
        self._bytes: bytes | None = None
        if c > 8:
            raise ValueError("at most 8 categories")
        # Scoring table: one uint64 per bucket holding every category's weight
        # + 128 (0..255) in one byte (``_LANE_BYTE``), so one 8-byte gather per
        # occurrence reads all categories.  ``_lanes`` spreads the gathered
        # words into 32-bit fields, two categories to a word, where sums of any
        # run of occurrences cannot overflow (255 x 100,000 < 2**32).
        table = np.zeros(weights.shape[0], dtype=np.uint64)
        for k in range(c):
            biased = (weights[:, k].astype(np.int64) + 128).astype(np.uint64)
            table |= biased << np.uint64(8 * _lane_byte(k, c))
        self._table = table
        # The same numbers as Python floats and contiguous columns, for the per-comment steps on a
        # handful of values, where a numpy call costs more than the arithmetic.
        self._threshold_list: list[float] = self.thresholds.tolist()
        self._cal_a = np.ascontiguousarray(self.calibration[:, 0])
        self._cal_b = np.ascontiguousarray(self.calibration[:, 1])
        # Column views and the category index, made once instead of per window search.
        self._bias_col = self.bias[:, None]
        self._scales_col = self.scales[:, None]
        self._category_index = np.arange(c)

    def contributions(self, ids: np.ndarray) -> np.ndarray:
        """int8 weight of every occurrence per category: categories x (occurrences + 1), the last column zero
        (the layout ``Features.segment_sums`` reads; for tests and tools, scoring reads ``_lanes``)."""
        c = len(self.categories)
        out = np.zeros((c, ids.shape[0] + 1), dtype=np.int8)
        gathered = self._table[ids]
        for k in range(c):
            lane = (gathered >> np.uint64(8 * _lane_byte(k, c))) & np.uint64(0xFF)
            out[k, :-1] = lane.astype(np.int64) - 128
        return out

    def _lanes(self, ids: np.ndarray) -> np.ndarray:
        """Biased weights of every occurrence, two categories to a uint64 (category ``2r`` in the low
        32 bits of row ``r``, ``2r + 1`` in the high ones): rows x (occurrences + 1), the last column
        zero.  Sums of these are exact for any run of occurrences (``_unpack`` reads them)."""
        c = len(self.categories)
        n = ids.shape[0]
        out = np.empty(((c + 1) // 2, n + 1), dtype=np.uint64)
        out[:, n] = 0
        # ids are < 2**bits by construction: "wrap" is the cheapest bounds handling of take().
        gathered = self._table.take(ids, mode="wrap")  # the method: np.take is a Python wrapper
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

    def _unpack(self, packed: np.ndarray, counts: np.ndarray | int) -> np.ndarray:
        """Per-category int64 sums (categories x segments) from sums of ``_lanes`` rows over
        segments of ``counts`` occurrences each."""
        # Row r's low field is category 2r, its high field 2r + 1: written straight into the
        # interleaved rows (``np.stack`` cost more than the arithmetic on these few values).
        fields = np.empty((2 * packed.shape[0], *packed.shape[1:]), dtype=np.uint64)
        np.bitwise_and(packed, _LOW32, out=fields[0::2])
        np.right_shift(packed, np.uint64(32), out=fields[1::2])
        # Each field is below 2**32: the int64 view reads the same numbers.
        return fields[: len(self.categories)].view(np.int64) - 128 * counts

    # -- scoring ----------------------------------------------------------
    def raw_scores(self, wordtext: str) -> np.ndarray:
        """Uncalibrated logits of the worst window per category (used by training and calibration)."""
        feats = featurize(wordtext, self.bits)
        return self._window_logits(feats)[0]

    def _window_logits(self, feats: Features, lanes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """Logit of the worst window per category, and each category's worst window's first word."""
        if feats.count == 0:
            return self.bias.copy(), None
        if lanes is None:
            lanes = self._lanes(feats.ids)
        words = feats.words
        if words <= WINDOW_WORDS:
            sums = self._unpack(np.add.reduce(lanes, axis=1), feats.count) * self.scales
            return self.bias + sums / np.sqrt(feats.count), None
        # Half-window chunks; a window is two adjacent chunks.
        step = WINDOW_WORDS // 2
        # 0, step, 2 step ... below words, then words.
        bounds = np.arange(0, words + step, step)
        bounds[-1] = words
        packed, chunk_counts = feats.packed_sums(lanes, bounds)
        chunk_sums = self._unpack(packed, chunk_counts)
        if chunk_sums.shape[1] == 1:
            window_sums, window_n, starts = chunk_sums, chunk_counts, bounds[:1]
        else:
            window_sums = chunk_sums[:, :-1] + chunk_sums[:, 1:]
            window_n = chunk_counts[:-1] + chunk_counts[1:]
            starts = bounds[:-2]
        logits = self._bias_col + window_sums * self._scales_col / np.sqrt(np.maximum(window_n, 1))
        best = logits.argmax(axis=1)
        return logits[self._category_index, best], starts[best]

    def calibrate(self, logits: np.ndarray) -> np.ndarray:
        return _sigmoid(self._cal_a * logits + self._cal_b)

    def assess(self, text: Normalized) -> ModelAssessment:
        feats = featurize(text.wordtext, self.bits)
        lanes = self._lanes(feats.ids)
        logits, window_starts = self._window_logits(feats, lanes)
        # As Python floats: the same values and comparisons, without a numpy scalar per step.
        probs = self.calibrate(logits).tolist()
        scores = {cat: round(p, 4) for cat, p in zip(self.categories, probs)}
        flagged = [j for j, (p, t) in enumerate(zip(probs, self._threshold_list)) if not p < t]
        findings: list[Finding] = []
        if flagged:
            findings = self._evidence(text, feats, lanes, flagged, scores, window_starts)
        return ModelAssessment(scores, findings)

    def _evidence(
        self,
        text: Normalized,
        feats: Features,
        lanes: np.ndarray,
        flagged: list[int],
        scores: dict[str, float],
        window_starts: np.ndarray | None,
    ) -> list[Finding]:
        """Findings of the flagged categories (in category order): the words of each one's worst window
        that carry most of its weight."""
        words = feats.words
        los = [0 if window_starts is None else int(window_starts[j]) for j in flagged]
        # Word bounds of every flagged window (past the last word: empty words at the end).
        cols = np.minimum(np.array(los)[:, None] + _WINDOW_STEPS, words)
        bounds = feats._boundaries(cols.ravel()).reshape(-1, len(flagged), WINDOW_WORDS + 1)
        # Each window's occurrences, block by block, from its category's lanes row, copied
        # one after another; a cumulative sum of that short copy then gives every word's sum
        # in every block (an empty word sums to 0), instead of one pass over all occurrences
        # per category.
        # Each window's first and last bound per block (blocks x flagged x 2), in one list.
        ends = bounds[:, :, ::WINDOW_WORDS].tolist()
        # A leading zero makes the cumulative sum start at 0 (index k: the sum of the first k
        # copied values) without a separate array.
        pieces = [_ZERO_LANE]
        shifts = []
        at = 0
        for block in ends:
            for j, (first, last) in zip(flagged, block):
                pieces.append(lanes[j // 2, first:last])
                shifts.append(at - first)
                at += last - first
        cumulative = np.add.accumulate(np.concatenate(pieces))
        at_word = cumulative[bounds + np.array(shifts).reshape(-1, len(flagged), 1)]
        # A word's sum over the blocks is the difference of the blocks' summed cumulative
        # values at its bounds (modulo 2**64, like the packed sums themselves).
        at_word = np.add.reduce(at_word, axis=0)
        packed = at_word[:, 1:] - at_word[:, :-1]
        at_bound = np.add.reduce(bounds, axis=0)
        counts = at_bound[:, 1:] - at_bound[:, :-1]
        # Category j is the low (even j) or high (odd j) 32-bit field of its row.
        halves = np.array([32 * (j % 2) for j in flagged], dtype=np.uint64)[:, None]
        values = (((packed >> halves) & _LOW32).view(np.int64) - 128 * counts).astype(np.float64)
        # Largest first, ties in word order; the columns past the last word are empty words (0),
        # after every positive word, so never evidence and never the top.
        orders = np.argsort(-values, axis=1, kind="stable").tolist()
        tops = np.maximum.reduce(values, axis=1).tolist()
        norm = text.norm
        # Word offsets in norm as lists: the text's own, index-aligned (made for the rules
        # already), unless the model read a cut text (``MAX_CHARS``), whose last word may end
        # at the cut.
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
                if word not in seen:  # three different words say more than one word three times
                    seen.add(word)
                    chosen.append(i)
            cat = self.categories[j]
            for k in sorted(chosen):
                s, e, evidence = text.evidence(word_starts[lo + k], word_ends[lo + k])
                out.append(make_finding(cat, RULE, s, e, evidence, scores[cat]))
        return out

    # -- identity and storage ---------------------------------------------
    @property
    def version(self) -> str:
        return self.meta.get("version") or "m-" + hashlib.sha256(self.weight_bytes()).hexdigest()[:12]

    def weight_bytes(self) -> bytes:
        """Everything that decides a score, as bytes (what ``version`` hashes)."""
        parts = [json.dumps([self.categories, self.bits]).encode(), self.weights.tobytes()]
        for arr in (self.scales, self.bias, self.calibration, self.thresholds):
            parts.append(np.ascontiguousarray(arr, dtype="<f8").tobytes())
        return b"".join(parts)

    def to_bytes(self) -> bytes:
        """A deterministic ``.npz``: the same model always gives the same bytes."""
        if self._bytes is None:
            meta = dict(self.meta)
            meta.setdefault("version", self.version)
            arrays = {
                "format": np.array([FORMAT], dtype="<i4"),
                "categories": np.array(self.categories),
                "bits": np.array([self.bits], dtype="<i4"),
                "weights": self.weights,
                "scales": self.scales.astype("<f8"),
                "bias": self.bias.astype("<f8"),
                "calibration": self.calibration.astype("<f8"),
                "thresholds": self.thresholds.astype("<f8"),
                "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
            }
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name, arr in arrays.items():
                    # Fixed timestamps: np.savez stamps the current time, which
                    # would make every rebuild differ.
                    info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    member = io.BytesIO()
                    np.lib.format.write_array(member, np.ascontiguousarray(arr), allow_pickle=False)
                    zf.writestr(info, member.getvalue(), compresslevel=9)
            self._bytes = buf.getvalue()
        return self._bytes

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearModel:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                if int(npz["format"][0]) != FORMAT:
                    raise ValueError(f"unsupported model format {int(npz['format'][0])}")
                model = cls(
                    categories=tuple(str(c) for c in npz["categories"]),
                    bits=int(npz["bits"][0]),
                    weights=npz["weights"],
                    scales=npz["scales"],
                    bias=npz["bias"],
                    calibration=npz["calibration"],
                    thresholds=npz["thresholds"],
                    meta=json.loads(npz["meta"].tobytes().decode()),
                )
        except (KeyError, OSError, EOFError, zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"not a guideline-check model: {exc}") from exc
        model._bytes = bytes(data)
        return model

    def __repr__(self) -> str:
        return f"<LinearModel {self.version} {self.categories}>"
