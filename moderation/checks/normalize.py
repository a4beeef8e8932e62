"""Text normalisation with an offset map back to the original comment.

Every rule works on ``Normalized.norm``, a folded copy of the comment:

* NFKD compatibility decomposition with combining marks dropped and
  ``casefold`` applied (fullwidth/mathematical/accented letters become plain
  Latin, ``ＦÜＣＫ`` -> ``fuck``);
* look-alike Cyrillic/Greek/Armenian/Cherokee/Lisu/other letters mapped to
  the Latin letter they imitate (``fսсk`` -> ``fuck``), from Unicode's
  confusables data (``data/lookalikes.py``);
* zero-width/format characters and stray combining marks (zalgo text) are
  replaced by ``IGNORABLE``, a placeholder that word regexes treat as part of
  a word and that is removed from token text, so ``f\u200bu\u200bck`` is
  still one word.

Folding is done with ``str.translate`` over a lazily filled per-code-point
table, so the common case runs at C speed.  Most characters fold to exactly
one character, in which case ``norm`` has the same length as the original and
the offset map is the identity (``offsets is None``); only when some character
expands (``ß`` -> ``ss``, ligatures) is an explicit map built.

Leetspeak, separators inside a word and stretched letters are ambiguous
(``1`` may be ``i`` or ``l``; ``2023`` is a year), so they are NOT folded
here: the word-list matcher (``wordmatch``) handles them per token, and
``Normalized.words`` offers a de-obfuscated word sequence for phrase rules.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from functools import cached_property
from itertools import accumulate, chain, compress, count, repeat
from operator import add
from typing import cast

from .data.lookalikes import LATIN_LOOKALIKES

try:  # numpy folds long non-ASCII texts faster; everything works without it
    import numpy as np
except ImportError:  # pragma: no cover
    np = None  # type: ignore[assignment]  # optional dependency; every use checks `np is not None`

IGNORABLE = "\x00"

# Letters that render like a Latin letter but are not decomposed by NFKD:
# generated from Unicode's confusables data (``data/lookalikes.py``, keyed by
# the character as written, so a capital that looks different from its lower
# case keeps its own look: Greek Eta is H, its lower case n), plus the
# look-alikes below that the data does not give.
_NOT_IN_DATA = {
    # Letters whose confusables prototype is not a Latin letter (a digit,
    # another script's letter) or that the data does not list, but that
    # stand in for Latin letters in faux-Latin text; lower case (applied
    # after casefold too).  ``data`` wins where it maps a letter (a test
    # checks this list does not overlap it).
    "б": "b",
    "д": "d",
    "к": "k",
    "л": "n",
    "м": "m",
    "п": "n",
    "ф": "f",
    "ц": "u",
    "ч": "y",
    "ш": "w",
    "щ": "w",
    "ъ": "b",
    "ь": "b",
    "ы": "bi",
    "э": "e",
    "ю": "io",
    "я": "r",
    "ҝ": "k",
    "β": "b",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "κ": "k",
    "λ": "l",
    "μ": "u",
    "ξ": "e",
    "π": "n",
    "ς": "s",
    "φ": "f",
    "χ": "x",
    "ψ": "w",
    "ω": "w",
    # Turned letters (upside-down text) and old letters.
    "ȷ": "j",
    "ǝ": "e",
    "ɐ": "a",
    "ɔ": "c",
    "ʇ": "t",
    "ʞ": "k",
    "ɹ": "r",
    "ʌ": "v",
    "ɥ": "h",
    "ɟ": "j",
    "þ": "th",
    "ð": "d",
    # Punctuation look-alikes that matter to the rules
    "\u2018": "'",
    "\u2019": "'",
    "\u201b": "'",
    "\u02bc": "'",
    "\u2032": "'",
    "\u0060": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00b7": ".",
    "\u2022": ".",
    "\u2024": ".",
    "\u3002": ".",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
}
_CONFUSABLES = {**_NOT_IN_DATA, **LATIN_LOOKALIKES}

# Ignorable even though NFKD would keep them: bidi controls, joiners, soft
# hyphen, variation selectors, tag characters (general categories Cf/Mn/Me).
_IGNORABLE_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def _fold_char(ch: str) -> str:
    if ch in _CONFUSABLES:
        return _CONFUSABLES[ch]
    if unicodedata.category(ch) in _IGNORABLE_CATEGORIES:
        return IGNORABLE
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed != ch:
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = decomposed.casefold()
    out = "".join(_CONFUSABLES.get(c, c) for c in folded)
    if not out:
        return IGNORABLE
    # NFKD turns some symbols into a space plus a mark (e.g. U+02DB); a
    # multi-character result that is only space keeps one space.
    return out


# Code points that fold to more than one character ("ß" -> "ss", "…" -> "..."),
# recorded as the fold table fills: only they need an explicit offset map.
_EXPANDERS: set[str] = set()


class _FoldTable(dict):
    """``str.translate`` table that folds each code point on first use.

    Bounded by the number of distinct code points ever seen (at most
    ~1.1M, in practice a few thousand).
    """

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        if len(value) != 1:
            _EXPANDERS.add(chr(code))
        self[code] = value
        return value


_expander_cache: tuple[int, re.Pattern | None] = (-1, None)


def _expander_pattern() -> re.Pattern:
    """A regex for runs of expanding characters (rebuilt when a new one is seen).

    ``_EXPANDERS`` only grows, so its size identifies its contents; a
    character folded by this thread is already in it when this is called.
    """
    global _expander_cache
    size, pattern = _expander_cache
    if size != len(_EXPANDERS) or pattern is None:
        chars = frozenset(_EXPANDERS)
        if chars:
            pattern = re.compile("[" + "".join(sorted(map(re.escape, chars))) + "]+")
        else:
            pattern = re.compile(r"(?!)")
        _expander_cache = (len(chars), pattern)
    return pattern


_NON_ASCII_RUN = re.compile(r"([^\x00-\x7f]+)")


def translate1(text: str, table: Mapping[int, str], parts: list[str] | None = None) -> str:
    """``text.translate(table)`` for a table that maps every character to one character.

    ``str.translate`` only has a fast path for ASCII input: one non-ASCII
    character (a "£", a look-alike letter that does not fold) makes it look
    every character up in the table, ~50 times slower.  When non-ASCII
    characters are rare, the ASCII runs between them are translated apart
    (each on the fast path) and joined; the result is the same string.
    ``parts`` is ``ascii_parts(text)`` when the caller already has it.
    """
    if text.isascii():
        return text.translate(table)
    if parts is None:
        parts = ascii_parts(text)
        if parts is None:
            return text.translate(table)
    return "".join(map(str.translate, parts, repeat(table)))


def ascii_parts(text: str, codes: np.ndarray | None = None) -> list[str] | None:
    """``text`` split into ASCII runs and the non-ASCII runs between them,
    or None when non-ASCII characters are not rare (then splitting costs
    more than it saves).  ``codes`` is ``_codes(text)`` when the caller has it."""
    if np is not None and len(text) >= _PARTS_ARRAY_FROM:
        if codes is None:
            codes = _codes(text)
        if codes is not None:
            return _ascii_parts_array(text, codes)
    # Bytes beyond one per character: at least one per non-ASCII character.
    extra = len(text.encode("utf-8", "surrogatepass")) - len(text)
    if extra * 16 > len(text):
        return None
    return _NON_ASCII_RUN.split(text)


# Texts at least this long are split at their non-ASCII runs with numpy
# (the regex split tries every position: ~170 instructions per character).
_PARTS_ARRAY_FROM = 256


def _ascii_parts_array(text: str, codes: np.ndarray, wide: np.ndarray | None = None) -> list[str] | None:
    """``ascii_parts`` from the code points of ``text``: the same pieces as
    ``_NON_ASCII_RUN.split(text)`` (ASCII runs, "" at either end when the
    text starts or ends with a non-ASCII character, and the non-ASCII runs
    between them), None when more than one character in 16 is non-ASCII.
    ``wide`` is ``np.flatnonzero(codes > 127)`` when the caller has it."""
    if wide is None:
        wide = np.flatnonzero(codes > 127)
    if wide.shape[0] * 16 > len(text):
        return None
    if not wide.shape[0]:
        return [text]
    # Runs of consecutive non-ASCII positions: a new run where a position
    # does not follow the previous one.
    cut = np.flatnonzero(wide[1:] != wide[:-1] + 1) + 1
    bounds = np.empty(2 * cut.shape[0] + 4, dtype=np.intp)
    bounds[0] = 0
    bounds[1] = wide[0]
    bounds[2:-2:2] = wide[cut - 1] + 1
    bounds[3:-2:2] = wide[cut]
    bounds[-2] = wide[-1] + 1
    bounds[-1] = len(text)
    b = bounds.tolist()
    return list(map(text.__getitem__, map(slice, b[:-1], b[1:])))


_TABLE = _FoldTable()
for _code in range(128):
    _TABLE[_code] = chr(_code).lower()
del _code


def word_bounds(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the words of ``text``, a string whose only
    separator is " " (``wordtext``, ``canon``): the words are ``text.split()``.

    With numpy, from one comparison of the code points with a space;
    otherwise ``split(" ")`` yields the words with "" for every extra space,
    and piece ``k`` starts at ``cum[k] + k`` (lengths before it plus one
    space per piece).  Both are C-level passes, not a Python step per word.
    """
    if np is not None and len(text) >= _BOUNDS_ARRAY_FROM:
        codes = _codes(text)
        if codes is not None:  # (None: lone surrogates, the plain path below)
            start_array, end_array = run_bounds(codes == 32)
            return start_array.tolist(), end_array.tolist()
    pieces = text.split(" ")
    cum = list(accumulate(map(len, pieces), initial=0))
    piece = list(compress(count(), pieces))
    starts = list(map(add, map(cum.__getitem__, piece), piece))
    ends = list(map(add, map(cum.__getitem__, map(add, piece, repeat(1))), piece))
    return starts, ends


def run_bounds(space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (arrays) of the maximal runs of False in a boolean array."""
    edges = np.empty(space.shape[0] + 1, dtype=bool)
    edges[0] = True
    edges[-1] = True
    edges[1:-1] = space[1:] != space[:-1]
    # Positions where "is a space" changes, with both ends: runs are every
    # other interval, starting with the first when the array does not
    # start with a space.
    change = np.flatnonzero(edges)
    if space.shape[0] and space[0]:
        change = change[1:]
    return change[0:-1:2], change[1::2]


def _codes(text: str) -> np.ndarray | None:
    """Code points of ``text`` as an array (None for lone surrogates): bytes
    when every code point is below 256 (a quarter of the memory to read)."""
    try:
        return np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        pass
    try:
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return None


# Texts at least this long get their word offsets from numpy.
_BOUNDS_ARRAY_FROM = 256
# Texts with non-ASCII characters at least this long are folded with numpy
# (``_fold_many``); shorter ones with ``str.translate``.
_FOLD_ARRAY_FROM = 512
# Code points below this have their own row in the array table; those at or
# above it borrow a surrogate row (``_astral_rows``).  A text with a fold
# longer than _FOLD_WIDTH takes ``str.translate``.
_FOLD_ARRAY_CODES = 0x10000
_FOLD_WIDTH = 4


class _FoldArrays:
    """``_TABLE`` as arrays for the code points seen so far: ``lens[c]`` the
    length of the fold of ``c`` (0: not looked up yet, 255: longer than
    ``_FOLD_WIDTH``), ``chars[c]`` its code points (zero padded)."""

    def __init__(self) -> None:
        self.lens = np.zeros(_FOLD_ARRAY_CODES, dtype=np.uint8)
        self.chars = np.zeros((_FOLD_ARRAY_CODES, _FOLD_WIDTH), dtype=np.uint32)
        self.first = np.zeros(_FOLD_ARRAY_CODES, dtype=np.uint32)

    def learn(self, codes: Iterable[int]) -> None:
        for code in codes:
            self.store(code, code)

    def store(self, row: int, code: int) -> None:
        """Fill row ``row`` with the fold of ``code`` (the same code point,
        or an astral one for a surrogate row: ``_astral_rows``)."""
        value = _TABLE[code]  # fills _TABLE (and _EXPANDERS) exactly as translate does
        if len(value) > _FOLD_WIDTH:
            self.lens[row] = 255
            return
        points = [ord(c) for c in value]
        self.chars[row, : len(points)] = points
        self.first[row] = points[0]
        self.lens[row] = len(points)  # last: a reader never sees a half-filled entry


# Code points above U+FFFF (emoji, common in real comments; mathematical
# letters) have no row of their own in ``_FoldArrays``.  Each distinct one
# seen borrows a surrogate row (U+D800..U+DFFF: a text folded with arrays
# holds none, lone surrogates fail its UTF-32 encoding) that holds its fold,
# so a text with a few emoji still folds with array operations instead of a
# dict look-up per character in ``str.translate``.  Filled under a lock; a
# row is published (in ``_ASTRAL_ROWS``) only once it is written.
_ASTRAL_ROWS: dict[int, int] = {}
_ASTRAL_FIRST_ROW = 0xD800
_ASTRAL_ROW_COUNT = 0x800
_ASTRAL_LOCK = threading.Lock()


def _astral_rows(codes: np.ndarray, arrays: _FoldArrays) -> np.ndarray | None:
    """``codes`` with every code point above U+FFFF replaced by its
    surrogate row (None once every row is taken: the plain path)."""
    where = np.flatnonzero(codes >= _FOLD_ARRAY_CODES)
    astral = codes[where].tolist()
    rows = list(map(_ASTRAL_ROWS.get, astral))
    if None in rows:
        with _ASTRAL_LOCK:
            for code in sorted(set(astral) - _ASTRAL_ROWS.keys()):
                if len(_ASTRAL_ROWS) >= _ASTRAL_ROW_COUNT:
                    return None
                row = _ASTRAL_FIRST_ROW + len(_ASTRAL_ROWS)
                arrays.store(row, code)
                _ASTRAL_ROWS[code] = row
        rows = list(map(_ASTRAL_ROWS.__getitem__, astral))
    out = codes.copy()
    out[where] = rows
    return out


_fold_arrays: _FoldArrays | None = None


def _fold_many(text: str) -> tuple[str, np.ndarray | None] | None:
    """``(text.translate(_TABLE), offsets)`` as ``Normalized`` builds them
    (offsets as an array, None for the identity),
    computed with array operations (``str.translate`` looks every character
    of a text with non-ASCII characters up in a dict, ~70 ns each); None
    when the text needs the plain path (numpy missing, surrogates, more
    distinct astral code points than the table has rows for, very long folds)."""
    global _fold_arrays
    if np is None:
        return None
    try:
        data = text.encode("utf-32-le")
    except UnicodeEncodeError:  # lone surrogates
        return None
    codes = np.frombuffer(data, dtype=np.uint32)
    non_ascii = np.flatnonzero(codes > 127)
    if not _many_wide_runs(non_ascii, len(text)):
        parts = _ascii_parts_array(text, codes, non_ascii)
        if parts is not None:
            sparse = _fold_sparse(text, parts)
            if sparse is not None:
                return sparse
    arrays = _fold_arrays
    if arrays is None:
        arrays = _fold_arrays = _FoldArrays()
    if int(codes.max()) >= _FOLD_ARRAY_CODES:
        astral = _astral_rows(codes, arrays)
        if astral is None:
            return None
        codes = astral
    # (``take``: a plain gather, about half the cost of fancy indexing.)
    lens = arrays.lens.take(codes)
    if not lens.all():
        arrays.learn(np.unique(codes[lens == 0]).tolist())
        lens = arrays.lens.take(codes)
    top = int(lens.max())
    if top == 1:
        return _decode_first(arrays.first.take(codes)), None
    if top > _FOLD_WIDTH:
        return None
    wide = np.flatnonzero(lens > 1).tolist()
    if len(wide) <= _FEW_EXPANDERS:
        # Few expansions: one character per character, the few spliced in.
        base = _decode_first(arrays.first.take(codes))
        pieces: list[str] = []
        prev = 0
        for i in wide:
            pieces.append(base[prev:i])
            pieces.append(_TABLE[ord(text[i])])
            prev = i + 1
        pieces.append(base[prev:])
        return "".join(pieces), _expanded_offsets(len(text), [(i, int(lens[i])) for i in wide])
    # Character i of the text becomes lens[i] characters: repeat its index
    # (that is the offset map) and take the k-th code point of its fold.
    lens = lens.astype(np.intp)
    ends = np.cumsum(lens)
    total = int(ends[-1])
    # ``np.repeat`` with per-element counts costs ~30 instructions per
    # element.  Every fold is at least one character long, so the folds
    # start at strictly increasing offsets (0 and ``ends[:-1]``): a 1 at
    # each of those and a running sum give every output character the
    # index of its source character, and its column is its distance from
    # the start of that fold.
    mark = np.zeros(total, dtype=np.intp)
    mark[ends[:-1]] = 1
    src = np.cumsum(mark)
    k = np.arange(total) - (ends - lens).take(src)
    # ``chars[codes[src], k]`` as one gather from the flat table (row * width
    # + column): a 2-D fancy index costs about twice as much per character.
    flat = codes.astype(np.intp).take(src)
    flat *= _FOLD_WIDTH
    flat += k
    out = arrays.chars.reshape(-1).take(flat)
    return out.tobytes().decode("utf-32-le"), src


def _many_wide_runs(wide: np.ndarray, length: int) -> bool:
    """Whether a text of ``length`` characters whose non-ASCII ones are at
    ``wide`` has so many runs of them (look-alike letters scattered through
    hostile text) that ``_fold_sparse`` would cost more than the array path:
    splitting and folding each run costs ~8,000 instructions, the array
    path ~60 per character."""
    if wide.shape[0] < _WIDE_RUNS_FOR_ARRAYS or wide.shape[0] * 16 > length:
        return False  # (too many: ``_ascii_parts_array`` gives up at once)
    runs = 1 + int(np.count_nonzero(wide[1:] != wide[:-1] + 1))
    return runs >= _WIDE_RUNS_FOR_ARRAYS and runs * 128 >= length


# At least this many runs of non-ASCII characters (and one per 128
# characters) make ``_fold_many`` skip ``_fold_sparse``.
_WIDE_RUNS_FOR_ARRAYS = 40


def _decode_first(folded: np.ndarray) -> str:
    """The string of the code points ``folded``."""
    if int(folded.max()) < 256:  # (the usual result: Latin letters) a quarter of the bytes to decode
        return folded.astype(np.uint8).tobytes().decode("latin-1")
    return folded.tobytes().decode("utf-32-le")


# A text with at most this many expanding characters ("…" in a real comment)
# is folded one character per character and the few expansions spliced in:
# ``np.repeat`` with per-element counts and the 2-D gather of the general
# path cost ~60 instructions per character, whatever the number of expanders.
_FEW_EXPANDERS = 32


def _expanded_offsets(length: int, expanders: list[tuple[int, int]]) -> np.ndarray:
    """The offset map of a text of ``length`` characters whose characters
    ``i`` (ascending, few) fold to ``n`` characters each, for ``(i, n)`` in
    ``expanders``, and every other character to one: ``np.repeat`` of the
    indices by the fold lengths, from a few slice operations."""
    offsets = np.arange(length + sum(n for _, n in expanders) - len(expanders))
    shift = 0  # characters added by the expansions so far
    for i, n in expanders:
        # norm[i + shift : i + shift + n] all come from character i;
        # everything after it moves by the n - 1 added characters.
        offsets[i + shift : i + shift + n] = i
        shift += n - 1
        offsets[i + shift + 1 :] -= n - 1
    return offsets


def _fold_sparse(text: str, parts: list[str]) -> tuple[str, np.ndarray | None] | None:
    """``_fold_many``'s result for a text with few non-ASCII characters (a
    real comment with an emoji, a curly quote, an ellipsis) from its
    ``ascii_parts``: the ASCII runs fold to their lower case (what the table
    maps an ASCII character to) on ``str.lower``'s fast path, only the
    non-ASCII runs are looked up in the table; None when more than
    ``_FEW_EXPANDERS`` characters expand."""
    folded = parts[:]
    folded[0::2] = map(str.lower, parts[0::2])
    folded[1::2] = map(str.translate, parts[1::2], repeat(_TABLE))
    norm = "".join(folded)
    if len(norm) == len(text):
        return norm, None
    expanders: list[tuple[int, int]] = []
    pos = 0
    for k, part in enumerate(parts):
        if k % 2 and len(folded[k]) != len(part):
            for i, ch in enumerate(part, pos):
                n = len(_TABLE[ord(ch)])
                if n != 1:
                    expanders.append((i, n))
            if len(expanders) > _FEW_EXPANDERS:
                return None
        pos += len(part)
    return norm, _expanded_offsets(len(text), expanders)


def fold(text: str) -> str:
    """Folded text without the offset map (used for article text, terms)."""
    if text.isascii():
        return text.lower()
    return text.translate(_TABLE)


# A "word" for the rules: a run of letters/digits, apostrophes allowed
# inside, ignorables allowed anywhere.  Words are found by translating every
# other character to a space and calling ``str.split`` (both C loops), which
# is several times faster than a Unicode regex scan.


class _WordTable(dict):
    """``str.translate`` table: letters/digits/apostrophe/ignorable kept,
    everything else becomes a space (same length, so offsets survive)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = ch if (ch.isalnum() or ch == "'" or ch == IGNORABLE) else " "
        self[code] = value
        return value


_WORD_TABLE = _WordTable()
# A run of apostrophes after or before a space (``(?<= )'+|'+(?= )``, the
# same matches), written to start with its literal so that the regex engine
# jumps from apostrophe to apostrophe instead of trying every position.
_EDGE_QUOTES = re.compile(r"'(?:'*(?= )|(?<= ')'*)")
# Three or more of the same letter: "stuuupid" -> "stupid" for word rules.
_STRETCH = re.compile(r"([^\W\d_])\1{2,}")


def _first_char(m: re.Match) -> str:
    return m.group()[0]


_ZERO_RUN = re.compile(b"\x00\x00+")
_STRETCH_START = re.compile(r"([^\W\d_])\1{2,}")


_NON_ASCII_REPEAT = re.compile(r"([^\x00-\x7f])\1{2,}")


def stretch_starts(norm: str, codes: np.ndarray | None = None) -> list[int]:
    """Start offsets of runs of three or more identical letters.

    For ASCII text the runs are found with big-integer arithmetic: XOR of the
    text with itself shifted by one byte is zero exactly where a character
    repeats its predecessor, so two zero bytes in a row mark a triple.  That
    is a handful of C-level passes instead of a regex step per character.
    Mostly-ASCII text (a "£" or a look-alike letter among Latin ones) gets
    the same treatment with every non-ASCII character read as "?" (not a
    letter), plus a scan for repeated non-ASCII characters only.  With the
    code points (``codes``, ``_codes(norm)``) of a long text, the runs come
    from array operations instead.
    """
    if codes is not None and len(norm) >= _STRETCH_ARRAY_FROM:
        return _stretch_starts_array(norm, codes)
    if norm.isascii():
        return _ascii_stretch_starts(norm.encode("ascii"))
    extra = len(norm.encode("utf-8", "surrogatepass")) - len(norm)
    if extra * 16 > len(norm):
        return [m.start() for m in _STRETCH_START.finditer(norm)]
    out = _ascii_stretch_starts(norm.encode("ascii", "replace"))
    more = [m.start() for m in _NON_ASCII_REPEAT.finditer(norm) if _STRETCH_START.match(norm, m.start())]
    if more:
        out = sorted(out + more)
    return out


# Texts at least this long get their stretched runs from numpy.
_STRETCH_ARRAY_FROM = 256


def _stretch_starts_array(norm: str, codes: np.ndarray) -> list[int]:
    """``stretch_starts`` from the code points of ``norm``: the starts of the
    maximal runs of one code point at least three long whose character is a
    letter (ASCII from the code, the rare others by ``_STRETCH_START``)."""
    starts, ends = run_bounds(codes[1:] != codes[:-1])  # runs of equal neighbours
    runs = starts[ends - starts >= 2]  # two equal pairs in a row: a triple
    if not runs.shape[0]:
        return []
    first = codes[runs]
    lower = first | 32
    keep = (first < 128) & (lower >= 97) & (lower <= 122)
    for i in np.flatnonzero(first >= 128).tolist():
        keep[i] = _STRETCH_START.match(norm, int(runs[i])) is not None
    return runs[keep].tolist()


def _ascii_stretch_starts(data: bytes) -> list[int]:
    n = len(data)
    if n < 3:
        return []
    x = int.from_bytes(data, "big")
    diff = (x ^ (x >> 8)).to_bytes(n, "big")
    out: list[int] = []
    # One match per run however long it is (literal first byte: fast scan).
    for m in _ZERO_RUN.finditer(diff, 1):
        start = m.start() - 1
        if data[start : start + 1].isalpha():
            out.append(start)
    return out


_BREAK_CHARS = ".!?;\n"
_BREAK_CODES = tuple(map(ord, _BREAK_CHARS))
_EAGER_BREAKS = 512


class _LazyBreaks:
    """``i in breaks`` answered from ``gap(i)`` on demand, memoised."""

    __slots__ = ("_text", "_memo")

    def __init__(self, text: Normalized) -> None:
        self._text = text
        self._memo: dict[int, bool] = {}

    def __contains__(self, i: int) -> bool:
        hit = self._memo.get(i)
        if hit is None:
            gap = self._text.gap(i) if 0 < i < len(self._text.words) else ""
            hit = self._memo[i] = any(c in gap for c in _BREAK_CHARS)
        return hit


_TRIGGER_UNION: set[str] = set()


def register_triggers(vocabulary: frozenset[str]) -> frozenset[str]:
    """Declare a rule's trigger words so ``Normalized.indices`` can share one scan.

    Called at import time by the rule modules; returns ``vocabulary``.
    """
    _TRIGGER_UNION.update(vocabulary)
    return vocabulary


class Normalized:
    """Folded text plus the map back to the original."""

    def __init__(self, original: str):
        self.original = original
        if original.isascii():
            norm = original.lower()
        else:
            folded = _fold_many(original) if len(original) >= _FOLD_ARRAY_FROM else None
            if folded is not None:
                self.norm, array = folded
                if array is None:
                    self.offsets = None
                else:
                    # Kept as an array; ``offsets`` (a list) is built only if asked for.
                    self._offset_array = array
                return
            norm = original.translate(_TABLE)
        self.norm = norm
        if len(norm) == len(original):
            # Every character folded to exactly one character.
            self.offsets = None
        else:
            # Identity ranges between the (few) characters that expanded;
            # each of those repeats its index once per character it became.
            offsets: list[int] = []
            extend = offsets.extend
            table = _TABLE
            prev = 0
            for m in _expander_pattern().finditer(original):
                start, end = m.span()
                extend(range(prev, start))
                for i in range(start, end):
                    extend(repeat(i, len(table[ord(original[i])])))
                prev = end
            extend(range(prev, len(original)))
            self.offsets = offsets

    def translate1(self, table: Mapping[int, str]) -> str:
        """``norm.translate(table)`` for a one-character-per-character table
        (``translate1``), splitting ``norm`` at non-ASCII runs once per text."""
        norm = self.norm
        if norm.isascii():
            return norm.translate(table)
        return translate1(norm, table, self._parts())

    def _parts(self) -> list[str] | None:
        """``ascii_parts(norm)``, once per text."""
        parts = self.__dict__.get("_ascii_parts", False)
        if parts is False:
            parts = self.__dict__["_ascii_parts"] = ascii_parts(self.norm, self.norm_codes)
        return cast("list[str] | None", parts)

    def translates_fast(self) -> bool:
        """Whether ``translate1`` runs on ``str.translate``'s ASCII fast path
        (``norm`` is ASCII or has few non-ASCII characters)."""
        return self.norm.isascii() or self._parts() is not None

    # The offset map as a numpy array when ``_fold_many`` built it (then
    # ``offsets`` is filled from it on first use).
    _offset_array: np.ndarray | None = None

    @cached_property
    def offsets(self) -> list[int] | None:
        """Index in ``original`` of every character of ``norm``, or None for the identity."""
        return None if self._offset_array is None else self._offset_array.tolist()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``norm`` to the original text."""
        array = self._offset_array
        if array is not None:
            # ``item`` reads a Python int straight from the array, about half
            # the instructions of ``int(array[i])`` (which makes a numpy
            # scalar first); a list copy of the whole map costs more than the
            # few dozen spans a text makes.
            item = array.item
            if end <= start:
                i = len(self.original) if start >= array.shape[0] else item(start)
                return i, i
            return item(start), item(end - 1) + 1
        if end <= start:
            return (start, start) if self.offsets is None else (self._o(start), self._o(start))
        offsets = self.offsets
        if offsets is None:
            return start, end
        return offsets[start], offsets[end - 1] + 1

    def _o(self, i: int) -> int:
        offsets = cast("list[int]", self.offsets)  # only called when ``offsets`` is not None
        if i >= len(offsets):
            return len(self.original)
        return offsets[i]

    def evidence(self, start: int, end: int) -> tuple[int, int, str]:
        """Original span and evidence for a span of ``norm``, trimmed of ignorables."""
        norm = self.norm
        while start < end and norm[start] == IGNORABLE:
            start += 1
        while end > start and norm[end - 1] == IGNORABLE:
            end -= 1
        s, e = self.span(start, end)
        return s, e, self.original[s:e]

    @cached_property
    def norm_codes(self) -> np.ndarray | None:
        """``_codes(norm)`` once per text (None without numpy or for lone surrogates)."""
        return None if np is None else _codes(self.norm)

    @cached_property
    def wordtext(self) -> str:
        """``norm`` with every non-word character replaced by a space.

        Apostrophes survive inside words ("you're") but not at their edges
        ("'idiot'"); the replacement keeps the length unchanged.
        """
        text = self.translate1(_WORD_TABLE)
        if "'" in text:
            padded = (" " + text + " ").replace(" '", "  ").replace("' ", "  ")
            if " '" in padded or "' " in padded:
                padded = _EDGE_QUOTES.sub(lambda m: " " * len(m.group()), padded)
            text = padded[1:-1]
        return text

    @cached_property
    def _raw_words(self) -> list[str]:
        return self.wordtext.split()

    @cached_property
    def stretch_starts(self) -> list[int]:
        return stretch_starts(self.norm, self.norm_codes)

    @property
    def stretched(self) -> bool:
        return bool(self.stretch_starts)

    @cached_property
    def words(self) -> list[str]:
        """Folded words (no leetspeak decoding; stretched runs collapsed).

        Index-aligned with ``word_span``; a word made only of ignorable
        characters becomes "" rather than disappearing.
        """
        # Collapsing letters never changes word boundaries, so the result
        # stays aligned with ``_bounds``.  The runs to collapse are exactly
        # the stretch starts (letters are the same in ``norm`` and
        # ``wordtext``), so only they are visited.
        collapsed = self._collapse_stretched() if self.stretched else None
        if IGNORABLE not in self.norm:
            return self._raw_words if collapsed is None else collapsed.split()
        # Ignorables never separate words, so removing them from the whole
        # text removes them from every word, and only a word made of nothing
        # else disappears: when the count is unchanged, none did.
        source = self.wordtext if collapsed is None else collapsed
        words = source.replace(IGNORABLE, "").split()
        if len(words) != self._word_count():
            placed = self._place_empty_words(words)
            if placed is not None:
                return placed
            # Words hold no space: joined by single spaces, stripped of
            # ignorables and split on each space, every word comes back in
            # place ("" for one made only of ignorables).
            words = self._raw_words if collapsed is None else collapsed.split()
            words = " ".join(words).replace(IGNORABLE, "").split(" ") if words else []
        return words

    def _word_count(self) -> int:
        """``len(_raw_words)``, from the word offsets' arrays when a long text
        has them (splitting the text only to count its words costs ~200
        instructions per word)."""
        bounds = self.word_bound_arrays
        return len(self._raw_words) if bounds is None else int(bounds[0].shape[0])

    def _place_empty_words(self, kept: list[str]) -> list[str] | None:
        """``kept`` (the words that are not only ignorables) with "" put back
        where a word made only of ignorables was, from the word offsets' arrays
        (None when they are missing or do not agree with ``kept``)."""
        bounds = self.word_bound_arrays
        codes = self.norm_codes
        if bounds is None or codes is None:
            return None
        starts, ends = bounds
        ignorables = np.empty(codes.shape[0] + 1, dtype=np.int32)
        ignorables[0] = 0
        np.cumsum(codes == 0, dtype=np.int32, out=ignorables[1:])  # IGNORABLE is "\x00"
        empty = ignorables[ends] - ignorables[starts] == ends - starts
        where = np.flatnonzero(empty)
        if starts.shape[0] - where.shape[0] != len(kept):
            return None
        if where.shape[0] <= self._FEW_EMPTY_WORDS:
            # A few: inserted into ``kept`` (the caller's own list; in
            # ascending order each lands at its final index), cheaper than a
            # round trip through an object array.
            for i in where.tolist():
                kept.insert(i, "")
            return kept
        out = np.empty(starts.shape[0], dtype=object)
        out[empty] = ""
        out[~empty] = kept
        return cast("list[str]", out.tolist())

    # Up to this many words made only of ignorables are put back with ``list.insert``.
    _FEW_EMPTY_WORDS = 64

    def _collapse_stretched(self) -> str:
        """``_STRETCH.sub(_first_char, self.wordtext)`` from the stretch starts alone."""
        text = self.wordtext
        pieces: list[str] = []
        prev = 0
        match = _STRETCH.match
        for start in self.stretch_starts:
            m = match(text, start)
            if m is None or start < prev:  # cannot happen; keep the plain answer if it does
                return _STRETCH.sub(_first_char, text)
            pieces.append(text[prev : start + 1])
            prev = m.end()
        pieces.append(text[prev:])
        return "".join(pieces)

    @cached_property
    def wordset(self) -> frozenset[str]:
        return frozenset(self.words)

    def indices(self, vocabulary: frozenset[str] | set[str]) -> list[int]:
        """Sorted indices of words that are in ``vocabulary``."""
        hits = self.wordset & vocabulary
        if not hits:
            return []
        if hits <= _TRIGGER_UNION:
            # Every rule asks for its own trigger words; one C-level pass
            # finds the positions of all of them, grouped by word, and each
            # rule merges the (short) lists of its hits instead of scanning
            # all words, or all trigger positions, again.  A word's positions
            # are ascending and no two words share one, so the sorted merge
            # is exactly the scan's answer.
            lists = map(self._trigger_index.__getitem__, hits)
            if len(hits) == 1:
                return list(next(lists))
            return sorted(chain.from_iterable(lists))
        # compress/map keep the scan in C.
        return list(compress(range(len(self.words)), map(hits.__contains__, self.words)))

    @cached_property
    def _trigger_index(self) -> dict[str, list[int]]:
        """Ascending positions of every registered trigger word that the text holds."""
        words = self.words
        hits = self.wordset & _TRIGGER_UNION
        index: dict[str, list[int]] = {w: [] for w in hits}
        # The scan stays in C; the Python loop visits trigger positions only.
        for i in compress(range(len(words)), map(hits.__contains__, words)):
            index[words[i]].append(i)
        return index

    @cached_property
    def _bounds(self) -> tuple[list[int], list[int]]:
        """Start and end offsets (in ``norm``) of every word, index-aligned
        with ``words``: ``wordtext`` separates words by spaces only."""
        arrays = self.word_bound_arrays
        if arrays is not None:
            return arrays[0].tolist(), arrays[1].tolist()
        return word_bounds(self.wordtext)

    @cached_property
    def word_bound_arrays(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``_bounds`` as numpy arrays, as ``word_bounds`` computes them for a
        long text (None without numpy, for a short text or lone surrogates)."""
        text = self.wordtext
        if np is None or len(text) < _BOUNDS_ARRAY_FROM:
            return None
        codes = _codes(text)
        return None if codes is None else run_bounds(codes == 32)

    def _start(self, i: int) -> int:
        return self._bounds[0][i]

    def _end(self, i: int) -> int:
        return self._bounds[1][i]

    @cached_property
    def word_starts(self) -> list[int]:
        """Start offset in ``norm`` of every word (index-aligned with ``words``)."""
        return list(self._bounds[0])

    @cached_property
    def clause_breaks(self) -> frozenset[int] | _LazyBreaks:
        """Indices ``i`` of words whose preceding gap holds a sentence or
        clause break (``. ! ? ;`` or a newline); supports ``i in breaks``.

        Rules test ``i in text.clause_breaks`` instead of scanning
        ``gap(i)`` again and again.  With a normal number of breaks they
        are found with ``str.find`` (C speed) and one bisection each; text
        made of thousands of dots is answered lazily per word instead.
        """
        norm = self.norm
        total = sum(map(norm.count, _BREAK_CHARS))
        if not total:
            return frozenset()
        if total > _EAGER_BREAKS:
            return _LazyBreaks(self)
        if np is not None and total > 32:
            # Many breaks: find them and their words with array operations.
            codes = self.norm_codes
            if codes is not None:
                mask = codes == _BREAK_CODES[0]
                for c in _BREAK_CODES[1:]:
                    mask |= codes == c
                # (The word offsets' array when a long text has it: converting
                # the list back costs ~100 instructions per word.)
                bounds = self.word_bound_arrays
                start_array = np.array(self.word_starts, dtype=np.int64) if bounds is None else bounds[0]
                at = np.searchsorted(start_array, np.flatnonzero(mask), side="right")
                return frozenset(at.tolist())
        positions: list[int] = []
        for ch in _BREAK_CHARS:
            pos = norm.find(ch)
            while pos != -1:
                positions.append(pos)
                pos = norm.find(ch, pos + 1)
        starts = self.word_starts
        return frozenset(map(bisect_right, repeat(starts), positions))

    def word_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices ``(first, last)`` of the words inside ``norm[start:end]``
        (``first > last`` when the span holds no word)."""
        starts = self.word_starts
        return bisect_left(starts, start), bisect_left(starts, end) - 1

    def word_span(self, first: int, last: int) -> tuple[int, int]:
        """Span in ``norm`` covering words ``first..last`` inclusive."""
        return self._start(first), self._end(last)

    def gap(self, i: int) -> str:
        """Folded text between word ``i-1`` and word ``i`` (punctuation)."""
        start = self._end(i - 1) if i > 0 else 0
        end = self._start(i) if i < len(self._bounds[1]) else len(self.norm)
        return self.norm[start:end]

    @cached_property
    def canon(self) -> str:
        """Words of ``norm`` for word-list matching: leet digits, i/l and u/v
        merged, every other character a space (same length as ``norm``)."""
        from .wordmatch import CANON_TABLE

        return self.translate1(CANON_TABLE)

    @cached_property
    def canon_split(self) -> list[str]:
        """``canon.split()``, once per text (``canon_words`` and the word
        matchers' position index both read it)."""
        return self.canon.split()

    @cached_property
    def canon_words(self) -> frozenset[str]:
        return frozenset(self.canon_split)
