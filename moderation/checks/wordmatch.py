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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat
from typing import Generic, Iterable, Mapping, TypeVar

from .normalize import IGNORABLE, Normalized, fold

P = TypeVar("P")

# Character classes merged by better-profanity's variant table (i~l, u~v)
# and unambiguous leet digits.  Length-preserving so offsets survive.
_CANON_CHARS = {
    "l": "i", "v": "u", "0": "o", "1": "i", "3": "e", "4": "a", "5": "s",
    "7": "t",
}
PLAIN_CANON = str.maketrans(_CANON_CHARS)


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


def _leet_words(norm: str) -> list[tuple[int, int]]:
    positions: list[int] = []
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
        end = _ALNUM_RUN.match(norm, pos).end()
        last_end = end
        token = norm[start:end]
        if end - start <= _MAX_TOKEN and not token.isdigit() and not token.isalpha():
            out.append((start, end))
    return out

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
            end = _TOKEN_TAIL.match(norm, pos).end()
            last_end = max(end, pos + 1)
            out.append((start, end))
    text.__dict__["_slow_tokens"] = out
    return out


def spelled_runs(text: Normalized) -> list[tuple[int, int]]:
    """Spans of single characters separated by up to three separators."""
    cached = text.__dict__.get("_spelled")
    if cached is not None:
        return cached
    out: list[tuple[int, int]] = []
    # A run needs three one-character words in a row: test that on the word
    # lengths (C-level) before scanning the text.
    lengths = list(map(len, text._raw_words))
    try:
        shape = bytes(lengths)
    except ValueError:  # a word longer than 255 characters
        shape = bytes(map(min, lengths, repeat(2)))
    if b"\x01\x01\x01" in shape:
        out = [(m.start(), m.end() - 1) for m in _SPELLED.finditer(" " + text.wordtext)]
    text.__dict__["_spelled"] = out
    return out


def canonical(entry: str) -> str:
    """Canonical key of a list entry: folded, separators and spaces removed."""
    text = _SEPARATORS.sub("", fold(entry))
    text = text.translate(_SYMBOL_CANON).translate(PLAIN_CANON)
    return text.replace("*", "")


@dataclass(frozen=True, slots=True)
class Match(Generic[P]):
    start: int  # offsets into Normalized.norm
    end: int
    key: str
    payload: P


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
        # Multi-word entries are also matched across word boundaries:
        # one regex per first word, run only when that word occurs.
        phrases: dict[str, list[tuple[list[str], P]]] = {}
        for entry, payload in (entries.items() if isinstance(entries, Mapping) else entries):
            parts = [canonical(p) for p in fold(entry).split()]
            parts = [p for p in parts if p]
            if len(parts) > 1:
                phrases.setdefault(parts[0], []).append((parts[1:], payload))
        self._phrases: dict[str, tuple[re.Pattern, dict[str, P]]] = {}
        for first, rests in phrases.items():
            alternatives = {r" {1,3}".join(map(re.escape, rest)): payload for rest, payload in rests}
            lookup = {"".join(rest): (first + "".join(rest), payload) for rest, payload in rests}
            pattern = re.compile(
                re.escape(first) + r"(?<!\S" + re.escape(first) + r") {1,3}("
                + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\S)"
            )
            self._phrases[first] = (pattern, lookup)
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
        self._memo: dict[str, str | None] = {}
        self._boundary_cache: dict[str, re.Pattern] = {}

    def __bool__(self) -> bool:
        return bool(self._keys or self._phrases)

    # -- public -----------------------------------------------------------
    def find(self, text: Normalized) -> list[Match[P]]:
        if not self._keys and not self._phrases:
            return []
        found: dict[tuple[int, int], Match[P]] = {}
        norm = text.norm
        canon = text.canon  # same length as norm
        canon_words = text.canon_words
        for key in self._keys & canon_words:
            for m in self._boundary(key).finditer(canon):
                if not norm[m.start():m.end()].isdigit():
                    found[m.span()] = Match(m.start(), m.end(), key, self._payload[key])
        if self._phrases:
            for first in self._phrases.keys() & canon_words:
                pattern, lookup = self._phrases[first]
                for m in pattern.finditer(canon):
                    rest = m.group(1).replace(" ", "")
                    key, payload = lookup.get(rest, (first + rest, None))
                    if payload is not None:
                        found[m.span()] = Match(m.start(), m.end(), key, payload)
        for start, end in slow_tokens(text):
            self._check_token(norm, start, end, found)
        for start, end in spelled_runs(text):
            self._check_spelled(norm[start:end], start, found)
        return sorted(found.values(), key=lambda x: (x.start, x.end))

    def may_obfuscate(self, text: Normalized) -> bool:
        """Whether ``find_obfuscated`` could find anything (cheap: the slow
        tokens and spelled runs are computed once per text and shared)."""
        return bool(slow_tokens(text) or spelled_runs(text) or _leet_words(text.norm))

    def find_obfuscated(self, text: Normalized, limit: int | None = None) -> list[Match[P]]:
        """Only the matches that plain word lookup misses: leet digits and
        symbols, masking, stretched letters and spelled-out runs.

        For rules that already look words up in ``Normalized.wordset`` and
        want the obfuscated spellings on top (without the per-key scans of
        ``find``).  ``limit`` bounds the number of tokens read.
        """
        found: dict[tuple[int, int], Match[P]] = {}
        norm = text.norm
        tokens = _leet_words(norm) + slow_tokens(text)
        spelled = spelled_runs(text)
        if limit is not None:
            tokens = tokens[:limit]
            spelled = spelled[:max(0, limit - len(tokens))]
        for start, end in tokens:
            self._check_token(norm, start, end, found)
        for start, end in spelled:
            self._check_spelled(norm[start:end], start, found)
        return sorted(found.values(), key=lambda x: (x.start, x.end))

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
        hit = self._memo.get(memo_key, False)
        if hit is False:
            hit = self._spelled_uncached(run)
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[memo_key] = hit
        if hit is not None:
            s, e, key = hit
            found.setdefault((offset + s, offset + e), Match(offset + s, offset + e, key, self._payload[key]))

    def _spelled_uncached(self, run: str):
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

    def _check_token(self, norm: str, start: int, end: int, found: dict) -> None:
        while start < end and norm[start] in _EDGE_JUNK:
            start += 1
        while end > start and norm[end - 1] in _EDGE_JUNK:
            end -= 1
        if end - start < 2 or (start, end) in found:
            return
        key = self._match_token(norm[start:end])
        if key is not None:
            found[(start, end)] = Match(start, end, key, self._payload[key])

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
            for k in range(repeats):
                nxt = set()
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
