"""Reader names: which characters a name may not contain, and when a name imitates the newsroom's staff.

Plain functions (no database, no settings): the caller passes the staff words
and staff identities. A name is never altered here; it is accepted or refused
as typed, and comparisons use folded copies only.

Refused (``name_problems``), each with a message naming the character:

* Unicode **bidi controls**: U+202A-U+202E (embeddings and overrides),
  U+2066-U+2069 (isolates), U+200E/U+200F (LRM/RLM), U+061C (ALM). They can
  make a name display differently from what it is (or reorder the text next to it).
* **Invisible and format characters**: every character of general category Cf
  (zero-width space U+200B, word joiner U+2060, invisible operators
  U+2061-U+2064, BOM U+FEFF, Mongolian vowel separator U+180E, soft hyphen
  U+00AD, tag characters ...), characters that render as blank although Unicode
  calls them letters or symbols (Hangul fillers U+115F/U+1160/U+3164/U+FFA0,
  braille blank U+2800, Khmer inherent vowels U+17B4/U+17B5, combining grapheme
  joiner U+034F), and variation selectors that do not follow a character they
  can vary (see below).
* **Control characters** (Cc), lone **surrogates** (Cs), **private-use** (Co)
  and **unassigned** code points (Cn, as of this Python's Unicode version):
  nothing a name needs, and some of them cannot even be stored (PostgreSQL
  refuses NUL and surrogates).
* A name with nothing visible in it: at least one letter, digit, symbol or
  punctuation mark is required (marks and blanks alone are not a name).
* A name that imitates a staff word **with letters from another alphabet**
  (``Мoderаtor`` with Cyrillic М and а): see ``mixed_script_imitation``.

**Joiners.** ZERO WIDTH NON-JOINER (U+200C) and ZERO WIDTH JOINER (U+200D) are
part of correct spelling in Persian, Sorani Kurdish and other Arabic-script
languages (``ZWNJ`` keeps a letter from joining the next one) and in Indic
scripts (after a virama, to choose a conjunct form). So a joiner is allowed
only *after* a letter or mark of a script that uses joiners
(``JOINING_SCRIPTS``: Arabic, Syriac, N'Ko, Devanagari, Bengali, ... ) and
before another one; a ZWNJ may also end a word after such a letter (legacy
Sorani spelling writes the vowel e as HEH + ZWNJ, word-finally too). Joiners
are refused anywhere else: at the start of a name or a word, doubled, between
Latin letters (``Mod\\u200cerator``), or in emoji sequences (names do not
need emoji ZWJ sequences, and refusing them is simpler than telling a
harmless sequence from padding).

**Variation selectors** (U+FE00-U+FE0F, U+E0100-U+E01EF) are allowed only
directly after a symbol or digit (emoji and keycap presentation: ``❤️``) or
after a CJK ideograph (ideographic variants in Japanese names); elsewhere
they are invisible padding and refused.

**Imitating staff.** ``imitation()`` compares the name's *skeleton* with staff
words (moderator, admin, editor, the site's name ...) and with the names of
staff users. The skeleton is the guideline checks' own look-alike folding
(``moderation.checks.wordmatch.canonical``: NFKD, accents dropped, casefold,
Cyrillic/Greek/IPA look-alikes mapped to the Latin letter they imitate, leet
digits ``0 1 3 4 5 7`` read as letters, separators removed), so the names
and the comment bodies are folded by one table. A staff word matches when

* a word of the name (or a camel-case part of it: ``TheModerator``, with
  digits at its edges dropped: ``Admin123``) has that skeleton, or
* the whole name has it (``A.d.m.i.n``, ``S t a f f``), or
* it is 7 letters or longer and occurs anywhere in the name's skeleton
  (``RudawModeratorTeam``, ``m.o.d.e.r.a.t.o.r``); shorter words match only
  as whole words so that ``Staffan``, ``Creditor`` and ``Badminton`` pass.

A staff user matches through their username (the whole name's skeleton is
the username's, or it contains it when it is 7 or more letters long: first
names used as usernames do not flag every reader of that name) or their
first and last name together (``Sarah Ahmed`` / ``Ahmed Sarah``).

The match is **disguised** when it needs the folding (look-alike letters,
accents, leet, separators between letters): the plain casefolded words do not
show it. A disguised match whose letters come from more than one alphabet
(``mixed_script_imitation``) is refused outright: no reader's real name is
spelled with a Cyrillic М in a Latin word. Everything else is only *flagged*
for the moderators (a reader may really sign as "The Editor" of a school
paper, or share a name with a staff member); the moderator decides.

Scripts are read from the Unicode character name (``unicodedata`` has no
script property): the first word of the name of the character's NFKC form,
so fullwidth and mathematical letters count as Latin, and ``LATIN LETTER
SMALL CAPITAL ...`` as Latin too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from moderation.checks.wordmatch import canonical

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
)
JOINERS = frozenset("\u200c\u200d")
# Characters that show nothing although their category says letter, symbol or mark.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u034f")
# Scripts whose spelling uses ZWNJ/ZWJ between letters (or after a virama).
JOINING_SCRIPTS = frozenset(
    {
        "ARABIC",
        "SYRIAC",
        "NKO",
        "MANDAIC",
        "DEVANAGARI",
        "BENGALI",
        "GURMUKHI",
        "GUJARATI",
        "ORIYA",
        "TAMIL",
        "TELUGU",
        "KANNADA",
        "MALAYALAM",
        "SINHALA",
        "MYANMAR",
        "KHMER",
        "MONGOLIAN",
        "TIBETAN",
        "LAO",
        "THAI",
    }
)
# Surrogates, private use, unassigned: nothing a name needs or every reader can see.
_UNSUPPORTED_CATEGORIES = frozenset({"Cs", "Co", "Cn"})
# Staff words this long (in skeleton letters) also match inside longer words.
SUBSTRING_MIN = 7
# Leet symbols that belong to a word ("@dmin", "$taff"); canonical() reads them.
_WORD_SYMBOLS = "@$"
# Everything but letters and digits (the folding's IGNORABLE placeholder included).
_NOT_ALNUM = re.compile(r"[\W_]+")


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".rstrip()


def _script(ch: str) -> str:
    """The script of a letter or mark, from its Unicode name ("" when it has none)."""
    base = unicodedata.normalize("NFKC", ch)[:1] or ch
    name = unicodedata.name(base, "")
    if name.startswith("CJK "):
        return "CJK"
    return name.split(" ", 1)[0]


def _is_letter_or_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _joins(ch: str) -> bool:
    return _is_letter_or_mark(ch) and _script(ch) in JOINING_SCRIPTS


def _joiner_allowed(name: str, i: int) -> bool:
    if i == 0 or not _joins(name[i - 1]):
        return False
    after = name[i + 1] if i + 1 < len(name) else ""
    if after and _joins(after):
        return True
    # A ZWNJ may also end a word (legacy Sorani spelling writes the vowel e as
    # HEH + ZWNJ, word-finally too): followed by the end, a space or punctuation.
    return name[i] == "\u200c" and (not after or unicodedata.category(after)[0] in "ZP")


def _is_variation_selector(ch: str) -> bool:
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _selector_allowed(name: str, i: int) -> bool:
    if i == 0:
        return False
    before = name[i - 1]
    category = unicodedata.category(before)
    return category[0] == "S" or category == "Nd" or before in "#*" or _script(before) == "CJK"


def refused_characters(name: str) -> dict[str, list[str]]:
    """Characters a name may not contain, by kind ("bidi", "invisible", "control", "unsupported")."""
    found: dict[str, list[str]] = {}
    for i, ch in enumerate(name):
        if ch.isascii() and ch.isprintable():
            continue
        category = unicodedata.category(ch)
        kind: str | None
        if ch in BIDI_CONTROLS:
            kind = "bidi"
        elif ch in JOINERS:
            kind = None if _joiner_allowed(name, i) else "invisible"
        elif _is_variation_selector(ch):
            kind = None if _selector_allowed(name, i) else "invisible"
        elif category == "Cf" or ch in BLANKS:
            kind = "invisible"
        elif category == "Cc":
            kind = "control"
        elif category in _UNSUPPORTED_CATEGORIES:
            kind = "unsupported"
        else:
            kind = None
        if kind is not None:
            described = _describe(ch)
            if described not in found.get(kind, ()):
                found.setdefault(kind, []).append(described)
    return found


def _has_visible(name: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LNSP" and ch not in BLANKS for ch in name)


def name_problems(name: str, *, staff_words: Iterable[str] = ()) -> list[str]:
    """Why `name` is refused, one message per problem ([] when it is acceptable)."""
    problems: list[str] = []
    refused = refused_characters(name)
    messages = {
        "bidi": "Remove the text-direction control characters from your name ({}).",
        "invisible": "Remove the invisible characters from your name ({}).",
        "control": "Remove the control characters from your name ({}).",
        "unsupported": "Your name contains characters that cannot be shown ({}).",
    }
    for kind, template in messages.items():
        if kind in refused:
            problems.append(template.format(", ".join(refused[kind][:3])))
    if not _has_visible(name):
        problems.append("Please enter a name with at least one visible letter or digit.")
    elif not refused:
        match = imitation(name, staff_words=staff_words)
        if match is not None and match.mixed_script:
            problems.append(
                "Please write your name in one alphabet: it mixes letters of "
                f"{' and '.join(s.title() for s in match.scripts)} that make it read as "
                f"“{match.imitates}”, which only the newsroom's staff may use."
            )
    return problems


@dataclass(frozen=True)
class Imitation:
    """A name that reads as a staff word or a staff member's name."""

    imitates: str  # the staff word or staff member's name as configured
    kind: str  # "word" (a staff word) or "staff" (a staff user)
    disguised: bool  # found only through look-alike folding (not in the plain casefolded name)
    scripts: tuple[str, ...] = ()  # the alphabets of the name's look-alike letters when more than one

    @property
    def mixed_script(self) -> bool:
        return self.disguised and len(self.scripts) > 1


def _camel_parts(word: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for i in range(1, len(word)):
        prev, ch = word[i - 1], word[i]
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if ch.isupper() and (prev.islower() or (prev.isupper() and nxt.islower())):
            parts.append(word[start:i])
            start = i
    parts.append(word[start:])
    return parts


class _WordTable(dict):
    """``str.translate`` table: word characters kept, every other character a space."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        keep = ch.isalnum() or ch in _WORD_SYMBOLS or ch in JOINERS or unicodedata.category(ch)[0] == "M"
        value = self[code] = ch if keep else " "
        return value


_WORD_TABLE = _WordTable()


def _words(name: str) -> list[str]:
    """The words of a name: runs of letters, digits, marks, joiners and the leet symbols @ and $."""
    return name.translate(_WORD_TABLE).split()


def skeleton(text: str) -> str:
    """Look-alike folded letters and digits of `text` (separators and invisible characters removed)."""
    return _NOT_ALNUM.sub("", canonical(text.replace("@", "a")))


def _plain(text: str) -> str:
    """Casefolded letters and digits only: what the reader sees, without look-alike folding."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFC", text).casefold())


def _word_tokens(word: str, fold) -> frozenset[str]:
    """`word` folded, and each camel-case part of it, with and without digits at its edges."""
    tokens: set[str] = set()
    for part in {word, *_camel_parts(word)}:
        token = fold(part)
        if token:
            tokens.add(token)
        if part[:1].isdigit() or part[-1:].isdigit():
            token = fold(part.strip("0123456789"))
            if token:
                tokens.add(token)
    return frozenset(tokens)


def _word_matches(word: str, tokens: frozenset[str], whole: str) -> bool:
    return word in tokens or word == whole or (len(word) >= SUBSTRING_MIN and word in whole)


def _scripts(text: str) -> tuple[str, ...]:
    """Scripts of the letters of `text` that fold to Latin letters (the ones a skeleton is made of)."""
    scripts = set()
    for ch in text:
        if ch.isalpha():
            folded = skeleton(ch)
            if folded and folded.isascii():
                scripts.add(_script(ch))
    scripts.discard("")
    return tuple(sorted(scripts))


@lru_cache(maxsize=64)
def _word_index(staff_words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(staff word as configured, its skeleton), in the configured order; built once per word list."""
    index = []
    for word in staff_words:
        word = (word or "").strip()
        folded = skeleton(word)
        if folded:
            index.append((word, folded))
    return tuple(index)


@dataclass(frozen=True)
class _UserIndex:
    """Staff users' skeletons: those a name must equal, and the long ones it may contain."""

    exact: dict  # skeleton -> label
    contained: tuple[tuple[str, str], ...]  # (skeleton, label)
    plain: dict  # label -> plain (unfolded) forms, to tell a disguised match


@lru_cache(maxsize=64)
def _user_index(staff_users: tuple[tuple[str, str, str], ...]) -> _UserIndex:
    """Built once per set of staff identities (the caller's cached tuple)."""
    exact: dict[str, str] = {}
    contained: list[tuple[str, str]] = []
    plain: dict[str, tuple[str, ...]] = {}
    for username, first, last in staff_users:
        username, first, last = username or "", first or "", last or ""
        label = " ".join(p for p in (first, last) if p) or username
        pairs = ((first, last), (last, first)) if first.strip() and last.strip() else ()
        user_skeleton = skeleton(username)
        if len(user_skeleton) >= 4:
            exact.setdefault(user_skeleton, label)
            if len(user_skeleton) >= SUBSTRING_MIN:
                contained.append((user_skeleton, label))
        for a, b in pairs:
            full = skeleton(a + b)
            if full:
                exact.setdefault(full, label)
                if len(full) >= 6:
                    contained.append((full, label))
        forms = (_plain(username), *(_plain(a + b) for a, b in pairs))
        plain[label] = plain.get(label, ()) + tuple(f for f in forms if f)
    return _UserIndex(exact, tuple(contained), plain)


def imitation(
    name: str,
    *,
    staff_words: Iterable[str] = (),
    staff_users: Iterable[tuple[str, str, str]] = (),
) -> Imitation | None:
    """How `name` imitates a staff word or a staff user ((username, first name, last name)), or None."""
    words = _word_index(tuple(staff_words))
    # The screening passes its cached tuple of tuples: the index is built once for it.
    users = _user_index(staff_users if type(staff_users) is tuple else tuple(map(tuple, staff_users)))
    if not words and not users.exact:
        return None
    whole = skeleton(name)
    if not whole:
        return None
    name_words = _words(name)
    tokens = {word: _word_tokens(word, skeleton) for word in name_words}
    all_tokens = frozenset().union(*tokens.values())
    for word, folded in words:
        if not _word_matches(folded, all_tokens, whole):
            continue
        # Found through the folding; is it there in the name as the reader sees it?
        plain_tokens = frozenset().union(*(_word_tokens(w, _plain) for w in name_words))
        plain_whole = unicodedata.normalize("NFC", name).casefold().strip()  # separators kept
        if _word_matches(_plain(word), plain_tokens, plain_whole):
            return Imitation(word, "word", disguised=False)
        # The alphabets of the words that spell it (all of them when it spans words).
        spelling = (
            [w for w in name_words if folded in tokens[w]]
            or [w for w in name_words if any(folded in t for t in tokens[w])]
            or name_words
        )
        return Imitation(word, "word", disguised=True, scripts=_scripts("".join(spelling)))
    label = users.exact.get(whole)
    if label is None:
        label = next((label for folded, label in users.contained if folded in whole), None)
    if label is None:
        return None
    plain_name = _plain(name)
    disguised = not any(form in plain_name for form in users.plain[label])
    return Imitation(label, "staff", disguised, _scripts(name) if disguised else ())
