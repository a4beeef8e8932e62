"""Text normalisation with an offset map back to the original comment.

Every rule works on ``Normalized.norm``, a folded copy of the comment:

* NFKD compatibility decomposition with combining marks dropped and
  ``casefold`` applied (fullwidth/mathematical/accented letters become plain
  Latin, ``ＦÜＣＫ`` -> ``fuck``);
* look-alike Cyrillic/Greek/other letters mapped to the Latin letter they
  imitate (``fսсk`` -> ``fuck``);
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
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from bisect import bisect_left, bisect_right
from itertools import accumulate, compress, count, repeat
from operator import add

IGNORABLE = "\x00"

# Letters that render like a Latin letter but are not decomposed by NFKD.
# Only the lower-case forms are needed: they are applied after casefold.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "б": "b", "в": "b", "г": "r", "д": "d", "е": "e", "ё": "e",
    "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "к": "k", "л": "n", "м": "m",
    "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y",
    "ф": "f", "х": "x", "ц": "u", "ч": "y", "ш": "w", "щ": "w", "ъ": "b",
    "ь": "b", "ы": "bi", "э": "e", "ю": "io", "я": "r", "ԁ": "d", "ԛ": "q",
    "ԝ": "w", "ӏ": "l", "һ": "h", "ү": "y", "ҝ": "k", "ғ": "f", "ո": "n",
    "ս": "u", "օ": "o", "ց": "g", "զ": "q",
    # Greek
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "ζ": "z", "η": "n",
    "θ": "o", "ι": "i", "κ": "k", "λ": "l", "μ": "u", "ν": "v", "ξ": "e",
    "ο": "o", "π": "n", "ρ": "p", "σ": "o", "ς": "s", "τ": "t", "υ": "u",
    "φ": "f", "χ": "x", "ψ": "w", "ω": "w",
    # Latin letters without a decomposition, small capitals, IPA
    "ı": "i", "ȷ": "j", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t",
    "ƒ": "f", "ɡ": "g", "ɑ": "a", "ɩ": "i", "ʋ": "u", "ɪ": "i", "ʏ": "y",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g",
    "ʜ": "h", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o",
    "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w",
    "ᴢ": "z", "ꞯ": "q", "ǝ": "e", "ɐ": "a", "ɔ": "c", "ɯ": "m", "ʇ": "t",
    "ʞ": "k", "ɹ": "r", "ʌ": "v", "ʍ": "w", "ɥ": "h", "ɟ": "j", "ß": "ss",
    "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
    # Punctuation look-alikes that matter to the rules
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
    "\u0060": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2212": "-", "\u00b7": ".", "\u2022": ".", "\u2024": ".", "\u3002": ".",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ",
}

# Capitals that look different from their lower-case form (Greek Eta looks
# like H, its lower case like n): mapped before casefolding.
_UPPER_CONFUSABLES = {
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k",
    "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o",
    "Р": "p", "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i",
    "Ј": "j",
}

# Ignorable even though NFKD would keep them: bidi controls, joiners, soft
# hyphen, variation selectors, tag characters (general categories Cf/Mn/Me).
_IGNORABLE_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def _fold_char(ch: str) -> str:
    if ch in _UPPER_CONFUSABLES:
        return _UPPER_CONFUSABLES[ch]
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


class _FoldTable(dict):
    """``str.translate`` table that folds each code point on first use.

    Bounded by the number of distinct code points ever seen (at most
    ~1.1M, in practice a few thousand).
    """

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        self[code] = value
        return value


_TABLE = _FoldTable()
for _code in range(128):
    _TABLE[_code] = chr(_code).lower()
del _code


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
_EDGE_QUOTES = re.compile(r"(?<= )'+|'+(?= )")
# Three or more of the same letter: "stuuupid" -> "stupid" for word rules.
_STRETCH = re.compile(r"([^\W\d_])\1{2,}")


def _first_char(m: re.Match) -> str:
    return m.group()[0]


_ZERO_RUN = re.compile(b"\x00\x00+")
_STRETCH_START = re.compile(r"([^\W\d_])\1{2,}")


def stretch_starts(norm: str) -> list[int]:
    """Start offsets of runs of three or more identical letters.

    For ASCII text the runs are found with big-integer arithmetic: XOR of the
    text with itself shifted by one byte is zero exactly where a character
    repeats its predecessor, so two zero bytes in a row mark a triple.  That
    is a handful of C-level passes instead of a regex step per character.
    """
    if not norm.isascii():
        return [m.start() for m in _STRETCH_START.finditer(norm)]
    data = norm.encode("ascii")
    n = len(data)
    if n < 3:
        return []
    x = int.from_bytes(data, "big")
    diff = (x ^ (x >> 8)).to_bytes(n, "big")
    out: list[int] = []
    # One match per run however long it is (literal first byte: fast scan).
    for m in _ZERO_RUN.finditer(diff, 1):
        start = m.start() - 1
        if data[start:start + 1].isalpha():
            out.append(start)
    return out


_BREAK_CHARS = ".!?;\n"
_EAGER_BREAKS = 512


class _LazyBreaks:
    """``i in breaks`` answered from ``gap(i)`` on demand, memoised."""

    __slots__ = ("_text", "_memo")

    def __init__(self, text: "Normalized") -> None:
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
            norm = original.translate(_TABLE)
        self.norm = norm
        if len(norm) == len(original):
            # Every character folded to exactly one character.
            self.offsets = None
        else:
            offsets: list[int] = []
            extend = offsets.extend
            for i, ch in enumerate(original):
                extend((i,) * len(_TABLE[ord(ch)]))
            self.offsets = offsets

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``norm`` to the original text."""
        if end <= start:
            return (start, start) if self.offsets is None else (self._o(start), self._o(start))
        offsets = self.offsets
        if offsets is None:
            return start, end
        return offsets[start], offsets[end - 1] + 1

    def _o(self, i: int) -> int:
        if i >= len(self.offsets):
            return len(self.original)
        return self.offsets[i]

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
    def wordtext(self) -> str:
        """``norm`` with every non-word character replaced by a space.

        Apostrophes survive inside words ("you're") but not at their edges
        ("'idiot'"); the replacement keeps the length unchanged.
        """
        text = self.norm.translate(_WORD_TABLE)
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
        return stretch_starts(self.norm)

    @property
    def stretched(self) -> bool:
        return bool(self.stretch_starts)

    @cached_property
    def words(self) -> list[str]:
        """Folded words (no leetspeak decoding; stretched runs collapsed).

        Index-aligned with ``word_span``; a word made only of ignorable
        characters becomes "" rather than disappearing.
        """
        if self.stretched:
            # Collapsing letters never changes word boundaries, so the
            # result stays aligned with ``_bounds``.
            # A function replacement avoids re's per-match template expansion.
            words = _STRETCH.sub(_first_char, self.wordtext).split()
        else:
            words = self._raw_words
        if IGNORABLE in self.norm:
            words = [w.replace(IGNORABLE, "") for w in words]
        return words

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
            # finds the positions of all of them, and each rule filters
            # that (short) list instead of scanning all words again.
            words = self.words
            return [i for i in self._trigger_positions if words[i] in hits]
        # compress/map keep the scan in C.
        return list(compress(count(), map(hits.__contains__, self.words)))

    @cached_property
    def _trigger_positions(self) -> list[int]:
        hits = self.wordset & _TRIGGER_UNION
        return list(compress(count(), map(hits.__contains__, self.words)))

    @cached_property
    def _bounds(self) -> tuple[list[int], list[int]]:
        """Offsets of words, computed only when a rule reports a finding.

        ``wordtext`` separates words by spaces only, so ``split(" ")`` yields
        the words with "" for every extra space.  Piece ``k`` starts at
        ``cum[k] + k`` (lengths before it plus one space per piece), and word
        ``i`` is piece ``piece[i]``: C-level iterators instead of one regex
        match object per word.
        """
        pieces = self.wordtext.split(" ")
        cum = list(accumulate(map(len, pieces), initial=0))
        piece = list(compress(count(), pieces))
        return cum, piece

    def _start(self, i: int) -> int:
        cum, piece = self._bounds
        k = piece[i]
        return cum[k] + k

    def _end(self, i: int) -> int:
        cum, piece = self._bounds
        k = piece[i]
        return cum[k + 1] + k

    @cached_property
    def word_starts(self) -> list[int]:
        """Start offset in ``norm`` of every word (index-aligned with ``words``)."""
        cum, piece = self._bounds
        return list(map(add, map(cum.__getitem__, piece), piece))

    @cached_property
    def clause_breaks(self) -> "frozenset[int] | _LazyBreaks":
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
        positions: list[int] = []
        for c in _BREAK_CHARS:
            pos = norm.find(c)
            while pos != -1:
                positions.append(pos)
                pos = norm.find(c, pos + 1)
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

        return self.norm.translate(CANON_TABLE)

    @cached_property
    def canon_words(self) -> frozenset[str]:
        return frozenset(self.canon.split())
