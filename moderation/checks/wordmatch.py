"""Obfuscation-aware whole-word matching against a word list.

A ``WordMatcher`` is compiled once from ``{entry: payload}`` and finds list
entries in a ``Normalized`` text.  Matching is always on WHOLE tokens, never
substrings, which is why "Scunthorpe", "assassin", "cockpit" or "Essex" do
not fire.

Obfuscations handled (all bounded, linear in the text length):

* leetspeak: ``0 1 3 4 5 7 $ ! | +`` map to letters, ``@`` may be ``a`` or
  ``o``; ``i``/``l`` and ``u``/``v`` are treated as one letter each (they
  substitute for each other in better-profanity's own variant table);
* masking: ``*``, ``#`` and ``%`` stand for any one letter (``f**k``,
  ``sh*t``), accepted only when at least two real characters remain and at
  most half of the token is masked, so ``****`` or ``a**`` alone do not match;
* stretched letters: a run of three or more identical characters may stand
  for any number of them (``fuuuuck``, ``shiiiit``).  Doubled letters are
  left alone so that "good" never becomes "god";
* separators inside a word: single characters separated by up to three
  spaces/dots/dashes/underscores (``f u c k``, ``f.u.c.k``, ``s-h-i-t``);
* a token made only of digits never matches (``455`` is a number, not
  "ass"), while symbol-only spellings such as ``@$$`` do.

The common case -- plain words -- is a C-level set intersection on a
translated copy of the text; only tokens that contain leet symbols or
stretched runs go through the (bounded) trie automaton, and its verdicts are
memoised per token (bounded dict) because hostile input repeats itself.

Bounded work on hostile text (issue #11): ``find`` and ``find_obfuscated``
read at most the first ``MAX_TOKENS`` leet words, the first ``MAX_TOKENS``
slow tokens and the first ``MAX_SPELLED`` spelled-out runs of a text.  No real
comment comes near these caps (the most over all 56,792 texts of the dev and
training sets: 8, 41 and 4); a text that reaches one is flagged by the
profanity rule ("profanity.obfuscation_flood") unless it already has a
profanity finding, and by personal_attack ("personal_attack.insult_flood")
unless it has an insult finding, so a cap cannot let an offence through
unflagged.  The moderator's term list and the slur list of the abuse rule
(the heaviest category) are read uncapped.  ``CAPS = False`` switches the caps
off (the uncapped reference of the tests).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from itertools import compress, count, repeat
from operator import add, is_, itemgetter, le, sub
from typing import Any, Generic, Literal, NamedTuple, TypeVar, cast

from .normalize import IGNORABLE, Normalized, _codes, fold, np, run_bounds, translate1, word_bounds

P = TypeVar("P")

# Character classes merged by better-profanity's variant table (i~l, u~v)
# and unambiguous leet digits.  Length-preserving so offsets survive.
_CANON_CHARS = {
    "l": "i",
    "v": "u",
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
}
PLAIN_CANON = str.maketrans(_CANON_CHARS)
# What a digit can become in ``Normalized.canon``: a leet letter, or itself.
_DIGIT_IMAGES = frozenset("0123456789" + "".join(v for k, v in _CANON_CHARS.items() if k.isdigit()))


class _CanonTable(dict):
    """``str.translate`` table for ``Normalized.canon``: canonical letters,
    every non-alphanumeric character (apostrophes too) a space."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = _CANON_CHARS.get(ch) or (ch if ch.isalnum() else " ")
        self[code] = value
        return value


CANON_TABLE = _CanonTable()
_SYMBOL_CANON = str.maketrans({"$": "s", "!": "i", "|": "i", "+": "t"})
_WILDCARDS = frozenset("*#%")
_AMBIGUOUS = {"@": ("a", "o")}
_SLOW_CHARS = "@$!|+*#%" + IGNORABLE

# Anything that the plain path cannot see: leet symbols, ignorables inside a
# word, or a stretched run.  Each alternative is constant-width.
_NEEDS_SLOW = re.compile(r"[@$!|+*#%\x00]|([^\W_])\1\1")
_TOKEN_CHARS = "_@$!|+*#%" + IGNORABLE
# Rest of a leet token from a given position (single class: linear).
_TOKEN_TAIL = re.compile(r"[\w@$!|+*#%\x00]*")
# Spelled-out words on " " + wordtext (separators are spaces there; the
# literal leading space lets the regex engine jump from space to space).
_SPELLED = re.compile(r" [^\s'](?:[ ']{1,3}[^\s']){2,30}(?![^\s'])")
_SEPARATORS = re.compile(r"[ ._\-,~/\\:;'\"]+")
_PIECE = re.compile(r"[^ ._\-,~/\\:;'\"]")
_EDGE_JUNK = "'\"!|+#%"
_LETTER = re.compile(r"[^\W\d_]")
# Words mixing letters and leet digits ("1d10t", "l0ser"): found from the
# digits (``str.find``, C speed; most text has few), each token grown by
# hand without re-scanning a character (linear).
_LEET_DIGITS = "013457"
_ALNUM_RUN = re.compile(r"[^\W_]*")


def _leet_words(norm: str, text: Normalized | None = None) -> list[tuple[int, int]]:
    """Spans of words mixing letters and leet digits ("1d10t"); ``text``
    (the ``Normalized`` of ``norm``) lends its split of non-ASCII runs."""
    positions: list[int] = []
    if len(norm) > _RUNS_FROM:
        # Many digits is cheap to find and dear to walk: read the runs at once.
        classes = None if text is None else _match_classes(text)
        if classes is not None:
            if int(np.count_nonzero(classes == _LEET_CODE)) > _RUNS_FROM_TRIGGERS:
                starts, ends = _leet_run_arrays(classes)
                text.__dict__["_leet_arrays"] = (starts, ends)
                return list(zip(starts.tolist(), ends.tolist()))
        elif sum(map(norm.count, _LEET_DIGITS)) > _RUNS_FROM_TRIGGERS:
            return _leet_runs(norm, None if text is None else text.translate1(_LEET_CLASS))
    for d in _LEET_DIGITS:
        pos = norm.find(d)
        while pos != -1:
            positions.append(pos)
            pos = norm.find(d, pos + 1)
    if not positions:
        return []
    positions.sort()
    out: list[tuple[int, int]] = []
    last_end = 0
    for pos in positions:
        if pos < last_end:
            continue
        start = pos
        while start > last_end and norm[start - 1].isalnum():
            start -= 1
        end = cast("re.Match[str]", _ALNUM_RUN.match(norm, pos)).end()  # a `*` pattern always matches
        last_end = end
        token = norm[start:end]
        if end - start <= _MAX_TOKEN and not token.isdigit() and not token.isalpha():
            out.append((start, end))
    return out


# Hostile text holds hundreds of trigger characters (zero-width joiners,
# "$", "@", leet digits), and walking back from each one is a Python step per
# character.  In a text longer than _RUNS_FROM with more than
# _RUNS_FROM_TRIGGERS of them, tokens are read as marked runs of a class
# string instead: the same spans, found by C-level scans.
_RUNS_FROM = 256
_RUNS_FROM_TRIGGERS = 16


class _ClassTable(dict):
    """``str.translate`` table to a class string: one character per character
    of ``norm`` ("a" a token character, " " a separator, a marker for the
    characters that make a token interesting), filled on first use."""

    def __init__(self, classify: Callable[[str], str]) -> None:
        super().__init__()
        self._classify = classify

    def __missing__(self, code: int) -> str:
        value = self._classify(chr(code))
        self[code] = value
        return value


def _leet_class(ch: str) -> str:
    if ch in _LEET_DIGITS:
        return "0"
    if ch.isdigit():
        return "9"
    return "a" if ch.isalnum() else " "


def _token_class(ch: str) -> str:
    if ch in _SLOW_CHARS:
        return "!"
    return "a" if ch.isalnum() or ch == "_" else " "


_LEET_CLASS = _ClassTable(_leet_class)
_TOKEN_CLASS = _ClassTable(_token_class)


def _match_class(ch: str) -> str:
    """Both class strings in one: "0" a leet digit, "9" another digit, "!" a
    slow character, "_" an underscore, "a" another alphanumeric, " " the
    rest.  The token classes merge "0", "9", "_" and "a" (``_token_class``);
    the leet classes read "!" and "_" as separators (``_leet_class``)."""
    if ch in _LEET_DIGITS:
        return "0"
    if ch.isdigit():
        return "9"
    if ch in _SLOW_CHARS:
        return "!"
    if ch == "_":
        return "_"
    return "a" if ch.isalnum() else " "


_MATCH_CLASS = _ClassTable(_match_class)
_LEET_CODE, _SLOW_CODE, _UNDERSCORE_CODE, _LETTER_CODE, _SPACE_CODE = map(ord, "0!_a ")


def _match_classes(text: Normalized) -> np.ndarray | None:
    """The combined class string of ``text`` as bytes in an array, once per
    text; None without numpy or when ``norm`` is mostly non-ASCII (then
    translating it is a dict look-up per character, paid only when needed)."""
    cached = text.__dict__.get("_match_classes", False)
    if cached is False:
        cached = None
        if np is not None and text.translates_fast():
            cached = np.frombuffer(text.translate1(_MATCH_CLASS).encode("ascii"), dtype=np.uint8)
        text.__dict__["_match_classes"] = cached
    return cached


def _holding(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, code: int) -> np.ndarray:
    """Which runs ``[starts[k], ends[k])`` of ``codes`` hold ``code``: from a
    running count of it."""
    marked = np.empty(codes.shape[0] + 1, dtype=np.int32)
    marked[0] = 0
    np.cumsum(codes == code, dtype=np.int32, out=marked[1:])
    return cast("np.ndarray", marked[ends] > marked[starts])


def _leet_run_arrays(classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_leet_runs`` from the combined classes: maximal runs of "0", "9" and
    "a" holding an "a" and a "0", at most ``_MAX_TOKEN`` long."""
    space = classes == _SPACE_CODE
    space |= classes == _SLOW_CODE
    space |= classes == _UNDERSCORE_CODE
    starts, ends = run_bounds(space)
    keep = _holding(classes, starts, ends, _LEET_CODE)  # few runs hold one: filter by it first
    keep &= ends - starts <= _MAX_TOKEN
    starts, ends = starts[keep], ends[keep]
    keep = _holding(classes, starts, ends, _LETTER_CODE)
    return starts[keep], ends[keep]


def _slow_run_arrays(classes: np.ndarray, stretch: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """``_slow_runs`` from the combined classes: maximal runs of non-spaces
    holding a "!" or the start of a stretched run (a letter, so in a run)."""
    starts, ends = run_bounds(classes == _SPACE_CODE)
    keep = _holding(classes, starts, ends, _SLOW_CODE)
    if stretch:
        keep[np.searchsorted(starts, np.array(stretch, dtype=np.intp), side="right") - 1] = True
    return starts[keep], ends[keep]


# Marked runs of a class string, found from the character before each run
# (a literal space: the regex engine jumps between spaces) with possessive
# quantifiers, so each run is read once and unmarked runs fail at once.
# Leet: a run of "a"/"9"/"0" that holds a "0" and an "a", at most 64 long.
_LEET_RUN = re.compile(r" (?=[09]*+a)(?=[a09]{1,64}+(?![a09]))[a9]*+0[a09]*+")
# Slow: a run of "a"/"!" that holds a "!".
_SLOW_RUN = re.compile(r" a*+![a!]*+")


def _leet_runs(norm: str, classes: str | None = None) -> list[tuple[int, int]]:
    """``_leet_words`` from a class string: the maximal alphanumeric runs that
    hold a leet digit, at most ``_MAX_TOKEN`` long and not all digits."""
    classes = translate1(norm, _LEET_CLASS) if classes is None else classes
    if np is not None:
        # The same runs from array operations: maximal runs of non-spaces
        # holding an "a" and a "0", at most _MAX_TOKEN long.
        runs = _class_runs(classes, b"a0", _MAX_TOKEN)
        return list(zip(*runs))
    return [(m.start(), m.end() - 1) for m in _LEET_RUN.finditer(" " + classes)]


def _class_runs(classes: str, need: bytes, max_len: int | None = None) -> tuple[list[int], list[int]]:
    """Starts and ends of the maximal runs of non-space characters of an
    (ASCII) class string that hold every character of ``need`` and are at
    most ``max_len`` long."""
    codes = np.frombuffer(classes.encode("ascii"), dtype=np.uint8)
    starts, ends = run_bounds(codes == 32)
    keep = None
    if max_len is not None:
        keep = ends - starts <= max_len
    for c in need:
        marked = np.zeros(codes.shape[0] + 1, dtype=np.int64)
        np.cumsum(codes == c, out=marked[1:])
        has = marked[ends] > marked[starts]
        keep = has if keep is None else keep & has
    if keep is not None:
        starts, ends = starts[keep], ends[keep]
    return starts.tolist(), ends.tolist()


_TRIPLE = re.compile(r"(.)\1\1")
_MEMO_SIZE = 8192

# Upper bound on automaton work per token: list entries are short, so a
# token longer than this (after collapsing stretched runs) cannot match.
_MAX_TOKEN = 64


def slow_tokens(text: Normalized) -> list[tuple[int, int]]:
    """Spans of tokens that need the automaton (shared by all matchers)."""
    cached = text.__dict__.get("_slow_tokens")
    if cached is not None:
        return cached
    norm = text.norm
    out: list[tuple[int, int]] = []
    triggers = list(text.stretch_starts)
    if len(norm) > _RUNS_FROM:
        classes = _match_classes(text)
        if classes is not None:
            if len(triggers) + int(np.count_nonzero(classes == _SLOW_CODE)) > _RUNS_FROM_TRIGGERS:
                starts, ends = _slow_run_arrays(classes, triggers)
                text.__dict__["_slow_arrays"] = (starts, ends)
                out = text.__dict__["_slow_tokens"] = list(zip(starts.tolist(), ends.tolist()))
                return out
        elif len(triggers) + sum(map(norm.count, _SLOW_CHARS)) > _RUNS_FROM_TRIGGERS:
            out = _slow_runs(norm, triggers, text.translate1(_TOKEN_CLASS))
            text.__dict__["_slow_tokens"] = out
            return out
    for c in _SLOW_CHARS:
        pos = norm.find(c)
        while pos != -1:
            triggers.append(pos)
            pos = norm.find(c, pos + 1)
    if triggers:
        triggers.sort()
        # Scanning never goes left of the previous token: linear overall.
        last_end = 0
        for pos in triggers:
            if pos < last_end:
                continue
            start = pos
            while start > last_end and (norm[start - 1].isalnum() or norm[start - 1] in _TOKEN_CHARS):
                start -= 1
            end = cast("re.Match[str]", _TOKEN_TAIL.match(norm, pos)).end()  # a `*` pattern always matches
            last_end = max(end, pos + 1)
            out.append((start, end))
    text.__dict__["_slow_tokens"] = out
    return out


def _slow_runs(norm: str, stretch: list[int], classes: str | None = None) -> list[tuple[int, int]]:
    """``slow_tokens`` from a class string: every maximal run of token
    characters that holds a leet symbol, a mask, an ignorable or the start
    of a stretched run (a letter, so inside such a run)."""
    classes = translate1(norm, _TOKEN_CLASS) if classes is None else classes
    padded = " " + classes
    if np is not None:
        # The same runs from array operations: maximal runs of non-spaces holding a "!".
        runs = list(zip(*_class_runs(classes, b"!")))
    else:
        runs = [(m.start(), m.end() - 1) for m in _SLOW_RUN.finditer(padded)]
    if not stretch:
        return runs
    # Runs that hold a stretched letter but no slow character (padded
    # offsets are one more than norm's).
    starts = [r[0] for r in runs]
    ends = [r[1] for r in runs]
    missing = [p for p in stretch if not _inside(starts, ends, p)]
    if missing:
        lo = map(padded.rfind, repeat(" "), repeat(0), map(add, missing, repeat(1)))
        hi = map(padded.find, repeat(" "), map(add, missing, repeat(1)))
        extra = [(a, len(norm) if b == -1 else b - 1) for a, b in dict.fromkeys(zip(lo, hi))]
        runs = sorted(runs + extra)
    return runs


def _inside(starts: list[int], ends: list[int], p: int) -> bool:
    k = bisect_right(starts, p) - 1
    return k >= 0 and p < ends[k]


def spelled_runs(text: Normalized) -> list[tuple[int, int]]:
    """Spans of single characters separated by up to three separators."""
    cached = text.__dict__.get("_spelled")
    if cached is not None:
        return cached
    out: list[tuple[int, int]] = []
    # A run needs three one-character words in a row: test that on the word
    # lengths (C-level) before scanning the text; for a long text, on the
    # word offsets' arrays (no int per word).
    bounds = text.word_bound_arrays
    if bounds is not None:
        one = bounds[1] - bounds[0] == 1
        if (one[:-2] & one[1:-1] & one[2:]).any():
            out = _spelled_from_words(text.wordtext)
        text.__dict__["_spelled"] = out
        return out
    lengths = list(map(len, text._raw_words))
    try:
        shape = bytes(lengths)
    except ValueError:  # a word longer than 255 characters
        shape = bytes(map(min, lengths, repeat(2)))
    if b"\x01\x01\x01" in shape:
        out = [(m.start(), m.end() - 1) for m in _SPELLED.finditer(" " + text.wordtext)]
    text.__dict__["_spelled"] = out
    return out


def _spelled_from_words(wordtext: str) -> list[tuple[int, int]]:
    """``_SPELLED.finditer(" " + wordtext)`` as spans (see ``spelled_runs``),
    from a few array operations: the regex costs ~600 instructions per
    word it tries and per character of a run.

    The pattern's pieces are the lone characters other than " " and "'"
    (separators on both sides).  Two pieces at most four apart are joined by
    one to three separators (a solid run of two or more characters needs two
    more places between them), so they link; a chain of linked pieces ends
    at a wider gap.  ``finditer`` matches a chain from its first piece
    preceded by a space (the pattern's literal " ", not "'"), taking up to
    31 pieces (``{2,30}``) when at least three remain, then goes on after
    the last piece it took.
    """
    codes = cast("np.ndarray", _codes(" " + wordtext.replace("'", " ") + " "))  # (no lone surrogates: it had words)
    sep = codes == 32
    # wordtext[i] is codes[i + 1]
    lone = sep[:-2] & sep[2:]
    lone &= ~sep[1:-1]
    pieces = np.flatnonzero(lone)
    links = (pieces[1:] - pieces[:-1] <= 4).view(np.uint8).tobytes()
    out: list[tuple[int, int]] = []
    chains = _CHAIN.finditer(links)
    chain = next(chains, None)
    if chain is None:
        return out
    at = pieces.tolist()
    while chain is not None:
        k, end = chain.span()  # pieces k..end are linked
        while end - k >= 2:
            if at[k] and wordtext[at[k] - 1] != " ":
                k += 1
                continue
            stop = min(end, k + 30)
            out.append((at[k], at[stop] + 1))
            k = stop + 1
        chain = next(chains, None)
    return out


# Two or more links in a row: a chain of at least three pieces.
_CHAIN = re.compile(b"\x01{2,}")


def canonical(entry: str) -> str:
    """Canonical key of a list entry: folded, separators and spaces removed."""
    text = _SEPARATORS.sub("", fold(entry))
    text = text.translate(_SYMBOL_CANON).translate(PLAIN_CANON)
    return text.replace("*", "")


# Bounded work on hostile text (issue #11, third pass).  The matchers read at
# most the first MAX_TOKENS leet words, the first MAX_TOKENS slow tokens and
# the first MAX_SPELLED spelled-out runs of a text (in text order).  Over all
# 56,792 texts of dev.csv and ../shared/train the most were 8 leet words, 41
# slow tokens and 4 spelled runs (ten texts had more than 24 slow tokens), so
# no real comment reaches a cap (64 and 16 since the tenth pass: 128 and 32
# let a hostile body buy about 1 M instructions more of token work); a
# hostile body written with hundreds of obfuscated tokens stops being read
# after the cap.  This cannot hide an offence: a text that reaches a cap is
# flagged anyway (profanity reports "profanity.obfuscation_flood" and
# personal_attack "personal_attack.insult_flood" on the first unread token
# when they have found nothing of their own, at their top score), and the
# moderator's term list and the abuse rule's slurs are always read in full
# (``find(text, cap=False)``).
# ``CAPS = False`` restores the uncapped reference (tests compare the two).
CAPS = True
MAX_TOKENS = 64
MAX_SPELLED = 16

_MISS = object()
# Above this many list words (and phrase first words) present in a text,
# ``find`` reads their positions from one pass over the words.
_INDEX_FROM = 12

# Every matcher's list words and phrase first words (up to _SHARED_MAX of
# them): a text's canonical words are looked up in this union once
# (``_shared_hits``), and each matcher's pass reads those few hits instead of
# every word again (profanity and the slur list both take it on dense text).
# It only grows, so its size tells which matchers a text's look-up covers.
_SHARED_VOCAB: set[str] = set()
_SHARED_MAX = 200_000


def _shared_hits(text: Normalized) -> tuple[int, list[int], list[str]]:
    """``(size, positions, words)``: the indices in ``canon.split()`` of the
    words that are in ``_SHARED_VOCAB`` (of that size) and the words there,
    once per text (again if matchers were added since)."""
    cached = cast("tuple[int, list[int], list[str]] | None", text.__dict__.get("_shared_hits"))
    size = len(_SHARED_VOCAB)
    if cached is None or cached[0] < size:
        pieces = text.canon_split
        positions = list(compress(count(), map(_SHARED_VOCAB.__contains__, pieces)))
        cached = text.__dict__["_shared_hits"] = (size, positions, list(map(pieces.__getitem__, positions)))
    return cached


def leet_words(text: Normalized) -> list[tuple[int, int]]:
    """``_leet_words(text.norm)``, computed once per text."""
    cached = text.__dict__.get("_leet_words")
    if cached is None:
        cached = text.__dict__["_leet_words"] = _leet_words(text.norm, text)
    return cached


def _trimmed(norm: str, spans: list[tuple[int, int]]) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and text of ``spans`` trimmed of edge junk (quotes, "!",
    "|", "+", "#", "%") as ``_check_token`` trims them, keeping those at
    least two characters long: C-level passes over all tokens at once."""
    if not spans:
        return [], [], []
    tokens = list(map(norm.__getitem__, map(slice, map(itemgetter(0), spans), map(itemgetter(1), spans))))
    left = list(map(str.lstrip, tokens, repeat(_EDGE_JUNK)))
    core = list(map(str.rstrip, left, repeat(_EDGE_JUNK)))
    starts = list(map(sub, map(itemgetter(1), spans), map(len, left)))
    lengths = list(map(len, core))
    keep = list(map(le, repeat(2), lengths))
    starts = list(compress(starts, keep))
    ends = list(map(add, starts, compress(lengths, keep)))
    return starts, ends, list(compress(core, keep))


# With at least this many tokens, ``_trimmed_tokens`` trims them with array
# operations: ``_trimmed`` costs ~4,500 instructions per token (~10 C-level
# passes, slicing the most), the array path ~0.5-0.6 M whatever the count
# (its passes read the whole text), so it only pays from ~130 tokens.
_TRIM_ARRAY_FROM = 128
_JUNK_CODES = tuple(map(ord, _EDGE_JUNK))
# Byte translation table: 1 for an edge-junk character, 0 for any other.
_JUNK_BYTES = bytes(int(b in _JUNK_CODES) for b in range(256))

_Trimmed = tuple[list[int], list[int], list[str]]


def _trimmed_array(
    text: Normalized, spans: list[tuple[int, int]], arrays: tuple[np.ndarray, np.ndarray] | None
) -> tuple[_Trimmed, _Trimmed] | None:
    """``_trimmed(text.norm, spans)`` and ``_trimmed(text.norm, spans[:MAX_TOKENS])``
    (a head of the first) from array operations, or None (no numpy, lone
    surrogates, or tokens that do not come apart as expected).

    ``arrays`` are the starts and ends of ``spans`` when their finder kept
    them.  Each token's core runs from its first to its last character that
    is not edge junk (a token edge inside a run of junk moves to that run's
    far side); the cores are then cut out of ``norm`` in one go: every character outside
    them becomes a space and ``str.split`` returns them in order (cores are
    disjoint runs of token characters, never white space; a count and length
    check confirms it, else the plain code runs).
    """
    codes = text.norm_codes
    if codes is None:
        return None
    if arrays is None:
        starts = np.fromiter(map(itemgetter(0), spans), dtype=np.intp, count=len(spans))
        ends = np.fromiter(map(itemgetter(1), spans), dtype=np.intp, count=len(spans))
    else:
        starts, ends = arrays
    n = codes.shape[0]
    if codes.dtype == np.uint8:  # one byte per character: a C-level byte translation
        junk = np.frombuffer(codes.tobytes().translate(_JUNK_BYTES), dtype=bool)
    else:
        junk = codes == _JUNK_CODES[0]
        for c in _JUNK_CODES[1:]:
            junk |= codes == c
    # Runs of junk (few): a start inside one moves to its end, an end inside
    # one moves back to its start.
    junk_starts, junk_ends = run_bounds(~junk)
    first = starts
    last = ends - 1
    if junk_starts.shape[0]:
        k = np.searchsorted(junk_starts, first, side="right") - 1
        first = np.where((k >= 0) & (first < junk_ends[k]), junk_ends[k], first)
        k = np.searchsorted(junk_starts, last, side="right") - 1
        last = np.where((k >= 0) & (last < junk_ends[k]), junk_starts[k] - 1, last)
    keep = last - first >= 1  # a core of at least two characters (never when no solid character inside)
    core_starts = first[keep]
    core_ends = last[keep] + 1
    # Characters inside a core kept, every other one a space: (c - 32) * inside + 32
    # (modular arithmetic of unsigned integers, exact).
    mark = np.zeros(n + 1, dtype=np.uint8)
    mark[core_starts] = 1
    mark[core_ends] -= 1
    inside = np.cumsum(mark[:-1], dtype=np.uint8)
    masked = (codes - _SPACE_CODE) * inside.astype(codes.dtype, copy=False) + _SPACE_CODE
    cores = masked.tobytes().decode("latin-1" if codes.dtype == np.uint8 else "utf-32-le").split()
    if len(cores) != core_starts.shape[0] or len("".join(cores)) != int((core_ends - core_starts).sum()):
        return None
    starts_list = core_starts.tolist()
    ends_list = core_ends.tolist()
    full = (starts_list, ends_list, cores)
    head = int(np.count_nonzero(keep[:MAX_TOKENS]))
    return full, (starts_list[:head], ends_list[:head], cores[:head])


def _capped(spans: list, limit: int) -> list:
    return spans[:limit] if CAPS and len(spans) > limit else spans


def capped_tokens(text: Normalized) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """Leet words, slow tokens and spelled runs as the matchers read them:
    the first ``MAX_TOKENS`` / ``MAX_TOKENS`` / ``MAX_SPELLED`` of each."""
    return (
        _capped(leet_words(text), MAX_TOKENS),
        _capped(slow_tokens(text), MAX_TOKENS),
        _capped(spelled_runs(text), MAX_SPELLED),
    )


def cap_hit(text: Normalized) -> tuple[int, int] | None:
    """Span of the first obfuscated-looking token the matchers did not read
    because a cap was reached (the earliest of the three lists), else None."""
    if not CAPS:
        return None
    left = [
        spans[limit]
        for spans, limit in (
            (leet_words(text), MAX_TOKENS),
            (slow_tokens(text), MAX_TOKENS),
            (spelled_runs(text), MAX_SPELLED),
        )
        if len(spans) > limit
    ]
    return min(left) if left else None


def _trimmed_tokens(
    text: Normalized, name: str, find: Callable[[Normalized], list[tuple[int, int]]], cap: bool
) -> tuple[list[int], list[int], list[str]]:
    """The trimmed tokens `find(text)` returns, once per text: the first MAX_TOKENS (shared by
    every matcher) and, for a matcher that reads everything (cap=False), the rest added on."""
    key = f"_trimmed_{name}" if cap or not CAPS else f"_trimmed_{name}_all"
    cached = text.__dict__.get(key)
    if cached is None:
        spans = find(text)
        if len(spans) >= _TRIM_ARRAY_FROM:
            trimmed = _trimmed_array(text, spans, text.__dict__.get(f"_{name}_arrays"))
            if trimmed is not None:
                # Every token at once; the capped list is its head (trimming is per token).
                full, head = trimmed
                if CAPS:
                    text.__dict__[f"_trimmed_{name}_all"] = full
                    text.__dict__[f"_trimmed_{name}"] = head if len(spans) > MAX_TOKENS else full
                else:
                    text.__dict__[f"_trimmed_{name}"] = full
                return cast("tuple[list[int], list[int], list[str]]", text.__dict__[key])
        if key == f"_trimmed_{name}":
            cached = _trimmed(text.norm, _capped(spans, MAX_TOKENS))
        else:  # the capped part (shared) plus the rest: trimming is per token
            head = _trimmed_tokens(text, name, find, True)
            tail = _trimmed(text.norm, spans[MAX_TOKENS:])
            cached = (head[0] + tail[0], head[1] + tail[1], head[2] + tail[2])
        text.__dict__[key] = cached
    return cached


def _trimmed_leet_words(text: Normalized, cap: bool = True) -> tuple[list[int], list[int], list[str]]:
    """``_trimmed_tokens(text, "leet", leet_words, cap)`` without the trimming:
    a leet word is a maximal run of alphanumerics holding a letter (or another
    non-digit) and a leet digit, so it has no edge junk to trim and is at least
    two characters long; its spans and slices of ``norm`` are the trimmed
    tokens as they are, once per text."""
    key = "_trimmed_leet" if cap or not CAPS else "_trimmed_leet_all"
    cached = text.__dict__.get(key)
    if cached is None:
        spans = leet_words(text)
        if key == "_trimmed_leet":
            spans = _capped(spans, MAX_TOKENS)
        if spans:
            starts, ends = map(list, zip(*spans))
            tokens = list(map(text.norm.__getitem__, map(slice, starts, ends)))
            cached = (starts, ends, tokens)
        else:
            cached = ([], [], [])
        text.__dict__[key] = cached
    return cast("tuple[list[int], list[int], list[str]]", cached)


def _trimmed_slow_tokens(text: Normalized, cap: bool = True) -> tuple[list[int], list[int], list[str]]:
    return _trimmed_tokens(text, "slow", slow_tokens, cap)


def _canon_pieces(text: Normalized) -> tuple[list[str], list[int]]:
    """``canon.split()`` and the offset of each word, once per text."""
    cached = text.__dict__.get("_canon_pieces")
    if cached is None:
        canon = text.canon
        cached = text.__dict__["_canon_pieces"] = (text.canon_split, word_bounds(canon)[0])
    return cached


def _canon_starts(text: Normalized, indices: list[int]) -> list[int]:
    """Offsets of the words ``indices`` of ``canon.split()``: from an array of
    every word's offset (once per text), only the few asked for become ints."""
    starts = text.__dict__.get("_canon_start_array")
    if starts is None:
        if np is None or "_canon_pieces" in text.__dict__:
            return list(map(_canon_pieces(text)[1].__getitem__, indices))
        arrays = _canon_arrays(text)
        if arrays is None:
            return list(map(_canon_pieces(text)[1].__getitem__, indices))
        starts = arrays[1]
    return cast("list[int]", starts[indices].tolist())


def _canon_arrays(text: Normalized) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The code points of ``canon`` and the starts and ends of its words as
    arrays, once per text (None for lone surrogates: never in canon, which
    keeps only alphanumerics)."""
    cached = text.__dict__.get("_canon_arrays")
    if cached is None:
        codes = _codes(text.canon)
        if codes is None:
            return None
        starts, ends = run_bounds(codes == 32)
        text.__dict__["_canon_start_array"] = starts
        cached = text.__dict__["_canon_arrays"] = (codes, starts, ends)
    return cast("tuple[np.ndarray, np.ndarray, np.ndarray]", cached)


def _word_starts(text: Normalized, key: str) -> list[int] | None:
    """Offsets of the words of ``canon`` equal to ``key`` (ascending), from
    the word arrays: the words of its length, kept a column at a time where
    they hold its letter (None without numpy or for a non-ASCII key)."""
    if np is None or not key.isascii():
        return None
    arrays = _canon_arrays(text)
    if arrays is None:
        return None
    codes, starts, ends = arrays
    at = starts[ends - starts == len(key)]
    for j, ch in enumerate(key):
        at = at[codes.take(at + j) == ord(ch)]
    return cast("list[int]", at.tolist())


def _matches_at(pattern: re.Pattern[str], text: str, positions: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when every match can only start at ``positions``
    (ascending): matches are tried there alone, skipping those inside a match."""
    last_end = 0
    match = pattern.match
    for pos in positions:
        if pos < last_end:
            continue
        m = match(text, pos)
        if m is not None:
            last_end = m.end()
            yield m


def _by_span(found: dict[tuple[int, int], MatchTuple[P]]) -> list[MatchTuple[P]]:
    """The matches of ``found`` (keyed by their own span) in span order.

    Spans are unique, so comparing the matches themselves (tuples that start
    with the span) never goes past the span: the order of a key function
    returning the span, without building a key per match."""
    return sorted(found.values())


def _merged(base: list[MatchTuple[P]], found: dict[tuple[int, int], MatchTuple[P]]) -> list[MatchTuple[P]]:
    """``_by_span`` of ``base`` (list-word matches in span order, no two at
    one start) and ``found``, a match of ``base`` keeping its span.

    Phrase spans hold a space, so they never meet a list word's; tokens and
    spelled runs that do are the ones ``find_tuples`` gave up to it."""
    if not found:
        return base
    if not base:
        return _by_span(found)
    extra = list(found.values())
    if len(extra) * _BISECT_BELOW < len(base):
        # A few against many: each looked for by bisection.
        kept = []
        n = len(base)
        for m in extra:
            k = bisect_left(base, m[0], key=_START)
            if k == n or base[k][0] != m[0] or base[k][1] != m[1]:
                kept.append(m)
    else:
        base_ends = dict(zip(map(_START, base), map(_END, base)))
        kept = [m for m in extra if base_ends.get(m[0]) != m[1]]
    merged = base + kept
    merged.sort()  # (spans are unique: the order never reads past them)
    return merged


# A list word found (as a substring of ``canon``) more often than this is
# placed from the word index by ``find_tuples``: ~1,500 instructions per
# regex match against a fixed ~0.2 M for the index.
_DENSE_KEY = 128
_DENSE_KEYS_MAX = 4

# ``_merged`` bisects ``base`` for each other match when there are fewer
# than one per this many list-word matches.
_BISECT_BELOW = 16
_START = itemgetter(0)
_END = itemgetter(1)


class Match(NamedTuple, Generic[P]):
    """One list entry found in a text (immutable; a named tuple because
    hostile text makes hundreds of them and a frozen dataclass costs three
    times as much to build)."""

    start: int  # offsets into Normalized.norm
    end: int
    key: str
    payload: P


# A match as ``find_tuples`` gives it: the fields of ``Match`` in a plain tuple.
MatchTuple = tuple[int, int, str, P]

# ``Match`` built from a tuple without the named tuple's Python-level
# ``__new__`` (half the cost).
_new_match = partial(tuple.__new__, Match)
_SPAN = re.Match.span


class WordMatcher(Generic[P]):
    """Compiled whole-token matcher; see module docstring."""

    def __init__(self, entries: Mapping[str, P] | Iterable[tuple[str, P]]):
        items = entries.items() if isinstance(entries, Mapping) else entries
        self._payload: dict[str, P] = {}
        for entry, payload in items:
            key = canonical(entry)
            if key and _LETTER.search(key) and key not in self._payload:
                self._payload[key] = payload
        self._keys = frozenset(self._payload)
        # Keys whose every character is the canonical form of a digit ("ass"
        # is "455" in canon): only at those can the text hold digits, which
        # never match.
        self._digit_like = frozenset(k for k in self._keys if set(k) <= _DIGIT_IMAGES)
        # Multi-word entries are also matched across word boundaries:
        # one regex per first word, run only when that word occurs.
        phrases: dict[str, list[tuple[list[str], P]]] = {}
        for entry, payload in entries.items() if isinstance(entries, Mapping) else entries:
            parts = [canonical(p) for p in fold(entry).split()]
            parts = [p for p in parts if p]
            if len(parts) > 1:
                phrases.setdefault(parts[0], []).append((parts[1:], payload))
        self._phrases: dict[str, tuple[re.Pattern[str], dict[str, tuple[str, P]]]] = {}
        for first, rests in phrases.items():
            alternatives = {r" {1,3}".join(map(re.escape, rest)): payload for rest, payload in rests}
            lookup = {"".join(rest): (first + "".join(rest), payload) for rest, payload in rests}
            pattern = re.compile(
                re.escape(first)
                + r"(?<!\S"
                + re.escape(first)
                + r") {1,3}("
                + "|".join(sorted(alternatives, key=len, reverse=True))
                + r")(?!\S)"
            )
            self._phrases[first] = (pattern, lookup)
        # The phrase first words as a frozenset: ``dict.keys() & frozenset``
        # iterates the frozenset (every canonical word of the text) and probes
        # the dict, while ``frozenset & frozenset`` iterates the smaller one.
        self._firsts = frozenset(self._phrases)
        # Size of ``_SHARED_VOCAB`` once it holds this matcher's words (a
        # text's shared look-up made at that size or later covers them); 0
        # until ``find`` first takes its index path, -1 when the union would
        # grow too large.  (Matchers that only ``find_obfuscated`` stay out.)
        self._shared_at = 0
        # Trie for the automaton: list of child dicts, terminal keys.
        self._children: list[dict[str, int]] = [{}]
        self._terminal: list[str | None] = [None]
        for key in self._keys:
            node = 0
            for ch in key:
                nxt = self._children[node].get(ch)
                if nxt is None:
                    nxt = len(self._children)
                    self._children[node][ch] = nxt
                    self._children.append({})
                    self._terminal.append(None)
                node = nxt
            self._terminal[node] = key
        self._max_len = max((len(k) for k in self._keys), default=0)
        self._first_chars = frozenset(k[0] for k in self._keys)
        # Verdict memo: adversarial input repeats the same near-misses, and a
        # token's verdict never changes.  Bounded; cleared when full.
        # Token -> entry key or None; "\x01" + spelled run -> (start, end, key) or None.
        self._memo: dict[str, Any] = {}
        self._boundary_cache: dict[str, re.Pattern] = {}

    def __bool__(self) -> bool:
        return bool(self._keys or self._phrases)

    # -- public -----------------------------------------------------------
    def find(self, text: Normalized, cap: bool = True) -> list[Match[P]]:
        """Every list entry in ``text``.  With ``cap`` (the default) at most the
        first ``MAX_TOKENS`` leet words and slow tokens and ``MAX_SPELLED``
        spelled runs are read (see "Bounded work" above); the moderator's
        term list passes ``cap=False``."""
        return list(map(_new_match, self.find_tuples(text, cap)))

    def find_tuples(self, text: Normalized, cap: bool = True) -> list[MatchTuple[P]]:
        """``find`` as plain ``(start, end, key, payload)`` tuples, for the rules.

        Hostile text repeats a list word a thousand times, and building a
        ``Match`` (``tuple.__new__`` on a subclass) costs several times a
        plain tuple: the rules read the tuples and turn only what they
        report into findings."""
        if not self._keys and not self._phrases:
            return []
        # List-word matches (one per canonical word: unique starts) apart
        # from the few others (phrases, tokens, spelled runs), which are
        # keyed by span: hostile text repeats a list word hundreds of times,
        # and a dict keyed by span tuples costs several times a list.
        base: list[MatchTuple[P]] = []
        found: dict[tuple[int, int], MatchTuple[P]] = {}
        norm = text.norm
        canon = text.canon  # same length as norm
        canon_words = text.canon_words
        keys = self._keys & canon_words
        firsts = self._firsts & canon_words
        payload = self._payload
        if len(keys) + len(firsts) > _INDEX_FROM or ((keys or firsts) and self._shares_hits(text)):
            # Many list words present (dense hostile text): one pass over the
            # words of ``canon`` finds them all instead of a scan per word;
            # list words become matches in that pass, phrase first words
            # keep their positions for the phrase patterns below.
            pieces = text.canon_split
            wanted = keys | firsts
            if not self._shared_at:
                self._share()
            if self._shared_at > 0:
                _, shared, shared_words = _shared_hits(text)
                hits = list(compress(shared, map(wanted.__contains__, shared_words)))
            else:
                hits = list(compress(count(), map(wanted.__contains__, pieces)))
            where: dict[str, list[int]] | None
            where = {w: [] for w in firsts}
            hit_words = list(map(pieces.__getitem__, hits))
            starts = _canon_starts(text, hits)
            if firsts:
                for key, start in zip(hit_words, starts):
                    if key in where:
                        where[key].append(start)
            if keys:
                # Hostile text repeats a list word hundreds of times: the
                # matches are built in C, not one by one.
                chosen = list(map(keys.__contains__, hit_words))
                hit_words = list(compress(hit_words, chosen))
                starts = list(compress(starts, chosen))
                ends = list(map(add, starts, map(len, hit_words)))
                if not self._digit_like.isdisjoint(keys):
                    # Only a key made of leet-digit letters can stand for digits ("455").
                    digit_like = self._digit_like
                    kept = [
                        key not in digit_like or not norm[start:end].isdigit()
                        for key, start, end in zip(hit_words, starts, ends)
                    ]
                    hit_words = list(compress(hit_words, kept))
                    starts = list(compress(starts, kept))
                    ends = list(compress(ends, kept))
                base = list(zip(starts, ends, hit_words, map(payload.__getitem__, hit_words)))
        else:
            where = None
            # (Counting costs a scan per key: only a text with few list words
            # present and few distinct words, as a word repeated hundreds of
            # times leaves, pays it.)
            counted = len(keys) <= _DENSE_KEYS_MAX and len(canon_words) * 4 < len(text.canon_split)
            for key in keys:
                dense = _word_starts(text, key) if counted and canon.count(key) > _DENSE_KEY else None
                if dense is not None:
                    # Hundreds of one word: placed by array operations, not a
                    # regex match object each (~2,500 instructions), and its
                    # matches built in one pass.
                    dense_ends = list(map(add, dense, repeat(len(key))))
                    if key in self._digit_like:
                        kept = [not norm[start:end].isdigit() for start, end in zip(dense, dense_ends)]
                        dense = list(compress(dense, kept))
                        dense_ends = list(compress(dense_ends, kept))
                    base.extend(zip(dense, dense_ends, repeat(key), repeat(payload[key])))
                    continue
                spans = list(map(_SPAN, self._boundary(key).finditer(canon)))
                if key in self._digit_like:
                    # (A key with a letter no digit stands for never matches digits.)
                    spans = [span for span in spans if not norm[span[0] : span[1]].isdigit()]
                # ``span + (key, payload)`` is the match: built in C.
                base.extend(map(add, spans, repeat((key, payload[key]))))
            if len(keys) > 1:
                base.sort()
        for first in firsts:
            pattern, lookup = self._phrases[first]
            if where is None:
                matches = pattern.finditer(canon)
            else:
                matches = _matches_at(pattern, canon, where[first])
            for m in matches:
                rest = m.group(1).replace(" ", "")
                key, value = lookup.get(rest, (first + rest, None))
                if value is not None:
                    found[m.span()] = (m.start(), m.end(), key, value)
        self._check_tokens(_trimmed_slow_tokens(text, cap), found)
        spelled = spelled_runs(text)
        for start, end in _capped(spelled, MAX_SPELLED) if cap else spelled:
            self._check_spelled(norm[start:end], start, found)
        return _merged(base, found)

    def share(self) -> None:
        """Add this matcher's words to the shared look-up now (see ``_shared_at``)
        rather than on its first dense text: a matcher that usually finds few
        of its words can then read them from another matcher's look-up."""
        if not self._shared_at:
            self._share()

    def _shares_hits(self, text: Normalized) -> bool:
        """Whether ``text`` already has a shared look-up (``_shared_hits``)
        that covers this matcher's words: then the index path reads its few
        hits, cheaper than one regex scan of ``canon`` per list word present."""
        cached = cast("tuple[int, list[int], list[str]] | None", text.__dict__.get("_shared_hits"))
        return cached is not None and 0 < self._shared_at <= cached[0]

    def _share(self) -> None:
        """Add this matcher's words to ``_SHARED_VOCAB`` (see ``_shared_at``)."""
        words = self._keys | self._firsts
        if len(_SHARED_VOCAB) + len(words) > _SHARED_MAX:
            self._shared_at = -1
            return
        _SHARED_VOCAB.update(words)
        self._shared_at = len(_SHARED_VOCAB)

    def may_obfuscate(self, text: Normalized) -> bool:
        """Whether ``find_obfuscated`` could find anything (cheap: the slow
        tokens and spelled runs are computed once per text and shared)."""
        return bool(slow_tokens(text) or spelled_runs(text) or leet_words(text))

    def find_obfuscated(self, text: Normalized, limit: int | None = None) -> list[Match[P]]:
        """Only the matches that plain word lookup misses: leet digits and
        symbols, masking, stretched letters and spelled-out runs.

        For rules that already look words up in ``Normalized.wordset`` and
        want the obfuscated spellings on top (without the per-key scans of
        ``find``).  ``limit`` bounds the number of tokens read.
        """
        found: dict[tuple[int, int], MatchTuple[P]] = {}
        norm = text.norm
        leet, slow, spelled = capped_tokens(text)
        tokens = leet + slow
        if limit is not None:
            tokens = tokens[:limit]
            spelled = spelled[: max(0, limit - len(tokens))]
        if len(tokens) >= len(leet):
            # The trimmed forms are shared with ``find``: every leet word,
            # then the slow tokens that made the cut (each trimmed token lies
            # inside its own, so those before the first left out).
            self._check_tokens(_trimmed_leet_words(text), found)
            starts, ends, cores = _trimmed_slow_tokens(text)
            if len(tokens) < len(leet) + len(slow):
                k = bisect_left(starts, slow[len(tokens) - len(leet)][0])
                starts, ends, cores = starts[:k], ends[:k], cores[:k]
            self._check_tokens((starts, ends, cores), found)
        else:
            self._check_tokens(_trimmed(norm, tokens), found)
        for start, end in spelled:
            self._check_spelled(norm[start:end], start, found)
        return list(map(_new_match, _by_span(found)))

    def match_word(self, word: str) -> P | None:
        """Payload for a single (folded) word, or None."""
        key = self._match_token(word)
        return None if key is None else self._payload[key]

    # -- internals --------------------------------------------------------
    def _boundary(self, key: str) -> re.Pattern:
        pat = self._boundary_cache.get(key)
        if pat is None:
            pat = re.compile(re.escape(key) + r"(?!\S)(?<!\S" + re.escape(key) + ")")
            self._boundary_cache[key] = pat
        return pat

    def _check_spelled(self, run: str, offset: int, found: dict) -> None:
        if len(run) > 4 * (self._max_len + 2):
            return  # far longer than any entry even with stretched letters
        memo_key = "\x01" + run
        # (No ``typing.cast`` here: it is a Python call, and hostile text
        # makes a hundred of these per matcher.)
        hit: tuple[int, int, str] | Literal[False] | None = self._memo.get(memo_key, False)
        if hit is False:
            hit = self._spelled_uncached(run)
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[memo_key] = hit
        if hit is not None:
            s, e, key = hit
            span = (offset + s, offset + e)
            if span not in found:  # ``setdefault`` without building a match that is thrown away
                found[span] = (*span, key, self._payload[key])

    def _spelled_uncached(self, run: str) -> tuple[int, int, str] | None:
        """A spelled-out run, e.g. "a f.a.g" or "f u c k": try the whole run,
        then the run minus one stray piece at either end (an article or a
        pronoun).  Returns (start, end, key) relative to the run, or None."""
        pieces = [(m.start(), m.end()) for m in _PIECE.finditer(run)]
        candidates = [(0, len(pieces))]
        if len(pieces) > 3:
            candidates += [(1, len(pieces)), (0, len(pieces) - 1)]
        for first, last in candidates:
            s, e = pieces[first][0], pieces[last - 1][1]
            key = self._match_token(_SEPARATORS.sub("", run[s:e]))
            if key is not None:
                return s, e, key
        return None

    def _check_tokens(self, trimmed: tuple[list[int], list[int], list[str]], found: dict) -> None:
        """``_check_token`` for every token of ``_trimmed(...)``: verdicts come
        from the memo in one C-level pass, only new tokens are matched."""
        starts, ends, tokens = trimmed
        if not tokens:
            return
        keys: list[Any] = list(map(self._memo.get, tokens, repeat(_MISS)))
        # (``in`` is one C-level scan; only a text with new tokens pays the map.)
        if _MISS in keys:
            for i in compress(count(), map(is_, keys, repeat(_MISS))):
                keys[i] = self._match_token(tokens[i])
        # A verdict is None or an entry key (never empty), so the matches
        # are the true items: ``compress`` selects them in C.
        hit_keys = list(compress(keys, keys))
        if not hit_keys:
            return
        hit_starts = list(compress(starts, keys))
        hit_ends = list(compress(ends, keys))
        new = dict(
            zip(
                zip(hit_starts, hit_ends),
                zip(hit_starts, hit_ends, hit_keys, map(self._payload.__getitem__, hit_keys)),
            )
        )
        if found:
            new.update(found)  # a span found earlier keeps its match
        found.update(new)

    def _check_token(self, norm: str, start: int, end: int, found: dict) -> None:
        while start < end and norm[start] in _EDGE_JUNK:
            start += 1
        while end > start and norm[end - 1] in _EDGE_JUNK:
            end -= 1
        if end - start < 2 or (start, end) in found:
            return
        key = self._match_token(norm[start:end])
        if key is not None:
            found[(start, end)] = (start, end, key, self._payload[key])

    def _match_token(self, token: str) -> str | None:
        memo = self._memo
        if token in memo:
            return memo[token]
        result = self._match_token_uncached(token)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[token] = result
        return result

    def _match_token_uncached(self, token: str) -> str | None:
        token = token.replace(IGNORABLE, "").replace("_", "")
        if not token or token.isdigit():
            return None
        token = token.translate(_SYMBOL_CANON).translate(PLAIN_CANON)
        if token in self._keys:
            return token
        first = token[0]
        if first not in self._first_chars and first not in _WILDCARDS and first not in _AMBIGUOUS:
            return None
        if not _NEEDS_SLOW.search(token):
            return None  # plain letters that are not an entry
        if len(token) > self._max_len and not _TRIPLE.search(token):
            return None
        masked = token.count("*") + token.count("#") + token.count("%")
        if masked and (masked * 2 > len(token) or len(token) - masked < 2):
            return None
        return self._automaton(token)

    def _automaton(self, token: str) -> str | None:
        children = self._children
        states = {0}
        i, n = 0, len(token)
        steps = 0
        while i < n:
            ch = token[i]
            run = 1
            while i + run < n and token[i + run] == ch:
                run += 1
            i += run
            if ch in _WILDCARDS:
                options = None
            else:
                options = _AMBIGUOUS.get(ch, (ch,))
            # A run of 3+ may stand for any count from 1 up to the run length.
            repeats = run if run < 3 else min(run, self._max_len)
            reached: set[int] = set()
            frontier = states
            for _ in range(repeats):
                nxt: set[int] = set()
                for s in frontier:
                    kids = children[s]
                    if options is None:
                        nxt.update(kids.values())
                    else:
                        for o in options:
                            c = kids.get(o)
                            if c is not None:
                                nxt.add(c)
                frontier = nxt
                if run >= 3:
                    reached |= nxt
                if not frontier:
                    break
            states = reached if run >= 3 else frontier
            steps += 1
            if not states or steps > _MAX_TOKEN:
                return None
        best = None
        for s in states:
            key = self._terminal[s]
            if key is not None and (best is None or key < best):
                best = key
        return best
