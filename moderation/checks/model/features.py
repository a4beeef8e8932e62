"""Hashed word and character n-gram features, vectorised with numpy.

The learned layer reads the comment the rules read (``Normalized.wordtext``:
folded, lower-case, every non-word character a space) with runs of spaces
collapsed.  From it come

* character n-grams of 2 to 5 characters (spaces included, so word starts and
  ends are features and misspellings still share most of their n-grams), and
* whole words and pairs of adjacent words,

each hashed into ``2**bits`` buckets.  All hashes are polynomial hashes of
substrings computed from one prefix array with wrapping ``uint64``
arithmetic, so a 5,000-character comment costs a handful of array passes and
no Python loop per n-gram.  Training and inference call the same function,
and the hash does not depend on ``PYTHONHASHSEED``: a model trained today
scores the same tomorrow.

Every feature occurrence also carries the position (in ``norm``) of the word
it starts in, which is how a model finding names its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

CHAR_NGRAMS = (2, 3, 4, 5)
# Odd multiplier: invertible modulo 2**64, so prefix sums can be "divided out".
_P = np.uint64(0x100000001B3)
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)
# Distinct salts keep a 3-gram and a word with the same letters apart.
_SALT_CHAR = np.uint64(0x51ED270B27A1F3C5)
_SALT_WORD = np.uint64(0x2545F4914F6CDD1D)
_SALT_PAIR = np.uint64(0x7A3C1B9D5E8F6042)
# A character n-gram's id is ((hash + salt) * MIX) >> shift; modulo 2**64 that is
# hash' + salt * MIX with MIX folded into the powers the hash is made of (_mixed_powers).
_SALT_CHAR_MIXED = {k: np.uint64((int(_SALT_CHAR) * k * int(_MIX)) % 2**64) for k in CHAR_NGRAMS}
# Longer input is cut here: the model reads the first MAX_CHARS characters
# (the rules still read everything); it bounds the cost on hostile input.
MAX_CHARS = 20_000

_powers_cache: dict[str, np.ndarray] = {}


def _powers(n: int, name: str, base: np.uint64) -> np.ndarray:
    cached = _powers_cache.get(name)
    if cached is None or len(cached) < n:
        size = max(n, 4096, 0 if cached is None else 2 * len(cached))
        out = np.empty(size, dtype=np.uint64)
        out[0] = 1
        with np.errstate(over="ignore"):
            # Sequential by nature; done once per process for the longest text seen.
            acc = np.uint64(1)
            for i in range(1, size):
                acc = acc * base
                out[i] = acc
        _powers_cache[name] = out
        cached = out
    return cached[:n]


def _mixed_powers(n: int) -> np.ndarray:
    """``_powers(n, "pow", _P)`` times ``_MIX`` (modulo 2**64)."""
    cached = _powers_cache.get("pow-mix")
    if cached is None or len(cached) < n:
        _powers(n, "pow", _P)  # the power table, at least n long
        with np.errstate(over="ignore"):
            cached = _powers_cache["pow"] * _MIX
        _powers_cache["pow-mix"] = cached
    return cached[:n]


@dataclass(frozen=True)
class Features:
    """Hashed feature ids of one text, in blocks whose order ``per_word()`` relies on.

    ``ids`` holds, in this order: the character n-grams of each length in
    ``CHAR_NGRAMS`` by start position, then one id per word, then one per
    pair of adjacent words.  An n-gram belongs to the word it starts in (one
    starting on a space to the word after it), a pair to its first word; so
    inside every block the owning word never decreases, and per-word sums
    are differences of one cumulative sum -- no sort, no scatter.
    """

    ids: np.ndarray  # int64 bucket per occurrence
    _spaces: np.ndarray  # compact positions of the spaces around words
    _n: int  # compact length
    _keep: np.ndarray  # bool per character of " " + wordtext + " ": kept in the compact text

    @property
    def count(self) -> int:
        return int(self.ids.shape[0])

    @property
    def words(self) -> int:
        return max(int(self._spaces.shape[0]) - 1, 0)

    # Word offsets are read only to name evidence: made when first asked for.
    @cached_property
    def _kept(self) -> np.ndarray:
        """Index in `` wordtext `` of each compact character."""
        return self._keep.nonzero()[0]

    @cached_property
    def word_starts(self) -> np.ndarray:
        """int64 start offset (in norm) per word."""
        return self._kept[self._spaces[:-1] + 1] - 1

    @cached_property
    def word_ends(self) -> np.ndarray:
        """int64 end offset (in norm) per word (one past its last character)."""
        return self._kept[self._spaces[1:] - 1]

    @cached_property
    def _char_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """Size of each character n-gram block, and where it starts in ``ids`` (column vectors)."""
        n = self._n
        sizes = [n - k + 1 for k in CHAR_NGRAMS if n >= k]
        starts = [sum(sizes[:b]) for b in range(len(sizes))]
        # One array for both columns: a numpy call costs more than this arithmetic.
        both = np.array([sizes, starts], dtype=np.int64).reshape(2, -1, 1)
        return both[0], both[1]

    def _boundaries(self, word_bounds: np.ndarray) -> np.ndarray:
        """Occurrence index, per block, at which each of ``word_bounds`` (word indices) begins (blocks x bounds)."""
        words = self.words
        sizes, starts = self._char_blocks
        blocks = sizes.shape[0]
        out = np.empty((blocks + 2, word_bounds.shape[0]), dtype=np.int64)
        if blocks:
            chars = out[:blocks]
            # Word w owns the n-grams starting at spaces[w] .. spaces[w+1]-1.
            np.minimum(self._spaces[word_bounds], sizes, out=chars)
            np.add(chars, starts, out=chars)
        at = self.count - words - max(words - 1, 0)  # where the word block starts
        np.add(word_bounds, at, out=out[blocks])
        np.minimum(word_bounds, max(words - 1, 0), out=out[blocks + 1])
        np.add(out[blocks + 1], at + words, out=out[blocks + 1])
        return out

    def segment_sums(self, values: np.ndarray, word_bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per category, the sum of ``values`` over words ``word_bounds[i] .. word_bounds[i+1]-1``,
        and the occurrence count of each such segment.

        ``values`` is categories x (occurrences + 1), the last column zero (so
        that every segment end is a valid index).  Inside each block a segment
        is one contiguous run, so one ``reduceat`` over every block's
        boundaries gives them all; the run from a block's last boundary to
        the next block's first is not a segment and is dropped.
        """
        if values.shape[1] != self.count + 1:
            raise ValueError("values needs one column per occurrence plus a trailing zero column")
        bounds = self._boundaries(word_bounds)
        lengths = bounds[:, 1:] - bounds[:, :-1]
        if self.count == 0:
            return np.zeros((values.shape[0], lengths.shape[1]), dtype=np.int64), lengths.sum(axis=0)
        sums = np.add.reduceat(values, bounds.ravel(), axis=1, dtype=np.int64)
        sums = sums.reshape(values.shape[0], bounds.shape[0], bounds.shape[1])[:, :, :-1]
        sums = np.where(lengths == 0, 0, sums)  # reduceat gives the next value for an empty segment
        return sums.sum(axis=1), lengths.sum(axis=0)

    def packed_sums(self, values: np.ndarray, word_bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``segment_sums`` for unsigned 64-bit ``values`` summed in their own type (modulo 2**64: the
        packed lanes of ``LinearModel._lanes``), with no widening copy of ``values``."""
        if values.shape[1] != self.count + 1:
            raise ValueError("values needs one column per occurrence plus a trailing zero column")
        bounds = self._boundaries(word_bounds)
        lengths = bounds[:, 1:] - bounds[:, :-1]
        sums = np.add.reduceat(values, bounds.ravel(), axis=1)
        sums = sums.reshape(values.shape[0], bounds.shape[0], bounds.shape[1])[:, :, :-1]
        sums[:, lengths == 0] = 0  # reduceat gives the next value for an empty segment
        # The ufunc's own reduce: ``ndarray.sum`` goes through a Python wrapper first.
        return np.add.reduce(sums, axis=1), np.add.reduce(lengths, axis=0)

    def word_of(self) -> np.ndarray:
        """Index of the word each occurrence in ``ids`` belongs to (slow; for tests and tools)."""
        out = np.empty(self.count, dtype=np.int64)
        bounds = self._boundaries(np.arange(self.words + 1))
        for block in bounds:
            for w in range(self.words):
                out[block[w] : block[w + 1]] = w
        return out


def _compact(wordtext: str) -> tuple[np.ndarray, np.ndarray]:
    """Code points (uint32) of `` wordtext `` with space runs collapsed, and which characters of
    `` wordtext `` are kept (their indices, read only for evidence, are made from it when asked for)."""
    text = wordtext[:MAX_CHARS]
    codes = np.frombuffer((" " + text + " ").encode("utf-32-le"), dtype=np.uint32)
    other = codes != 32
    keep = np.empty(codes.shape[0], dtype=bool)
    keep[0] = True
    # Every character but a space right after a space.
    np.bitwise_or(other[1:], other[:-1], out=keep[1:])
    return codes[keep], keep


_EMPTY = np.zeros(0, dtype=np.int64)


def featurize(wordtext: str, bits: int) -> Features:
    """Feature occurrences of a text given as ``Normalized.wordtext`` (or any lower-case text)."""
    codes, keep = _compact(wordtext)
    n = codes.shape[0]
    if n <= 2:
        return Features(_EMPTY, _EMPTY, 0, _EMPTY)
    shift = np.uint64(64 - bits)
    # Array arithmetic on uint64 wraps without a warning: no ``errstate`` needed (it costs a
    # context switch per call).
    # prefix[i] = sum_{j<i} codes[j] * P_INV**j; the polynomial hash of
    # codes[s:e] is then (prefix[e] - prefix[s]) * P**(e-1), for any s < e.
    inv = _powers(n + 1, "inv", _P_INV)
    pw = _powers(n + 1, "pow", _P)
    pw_mix = _mixed_powers(n + 1)
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.add.accumulate(codes * inv[:n], out=prefix[1:])

    space_idx = (codes == 32).nonzero()[0]
    # Words lie between consecutive spaces (the text is padded with one each side).
    w_start = space_idx[:-1] + 1
    w_end = space_idx[1:]

    words = len(w_start)
    sizes = [n - k + 1 for k in CHAR_NGRAMS if n >= k]
    chars = sum(sizes)
    total = chars + words + max(words - 1, 0)
    # One output array written in place: fresh temporaries of this size
    # cost more in page faults than the arithmetic itself.
    h = np.empty(total, dtype=np.uint64)
    at = 0
    for k, size in zip(CHAR_NGRAMS, sizes):
        # All n-grams of length k at once: s = 0..n-k, e = s + k (slices, no gathers).
        out = h[at : at + size]
        np.subtract(prefix[k:], prefix[:size], out=out)
        np.multiply(out, pw_mix[k - 1 : n], out=out)
        np.add(out, _SALT_CHAR_MIXED[k], out=out)
        at += size
    if words:
        wh = (prefix[w_end] - prefix[w_start]) * pw[w_end - 1]
        np.bitwise_xor(wh, _SALT_WORD, out=h[at : at + words])
        at += words
        if words > 1:
            np.bitwise_xor(wh[:-1] * _P + wh[1:], _SALT_PAIR, out=h[at:])
    words_and_pairs = h[chars:]  # the character n-grams have _MIX in already
    np.multiply(words_and_pairs, _MIX, out=words_and_pairs)
    np.right_shift(h, shift, out=h)
    ids = h.view(np.int64)
    return Features(ids, space_idx, n, keep)
