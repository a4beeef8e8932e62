"""Profanity and vulgarity from better-profanity's own word list.

The list is read from the installed package (``better_profanity/
profanity_wordlist.txt``) so it tracks the pinned release, and split with the
hand classification in ``profanity_words``: sexual/anatomical slang ->
``vulgarity``, swearing and slur-words -> ``profanity``.

Compared with ``better_profanity.profanity.contains_profanity`` the verdict
is the same for list words and their leetspeak variants, with these
deliberate differences:

* entries in ``profanity_words.EXCLUDED`` (news vocabulary such as "kill",
  "murder", "nazi"; medical terms; plain English such as "organ", "pawn",
  "god", "suck"; insults such as "stupid"/"moron" that the personal-attack
  rule judges in context) do not count as profanity;
* more obfuscation is recognised: look-alike Unicode letters, accents,
  zero-width characters, masking (``f**k``), stretched letters
  (``fuuuck``), words spelled out with separators, and words inside quotes or
  followed by ``'s``;
* adjacent words are not glued together, so "hero in", "sea man" or
  "as s" do not match (better-profanity joins up to six following words);
* a token made only of digits never matches (``455`` is not "ass");
* a few common slang spellings missing from the list are added
  (``profanity_words.EXTRA_PROFANITY``: "hoe", "thot", "nicca", ...);
* "Dick"/"Fanny" written as part of a capitalised name ("Dick Cheney") is
  not flagged, nor are the innocent readings in ``senses`` ("honky tonk",
  "pussy cat", "doo wop", Dutch "hoe", a word cut off by a closing "…").
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from itertools import compress
from operator import itemgetter

from ..normalize import Normalized
from ..senses import innocent
from ..values import CheckContext, Finding
from ..wordmatch import PLAIN_CANON, MatchTuple, WordMatcher, cap_hit
from . import MAX_PER_RULE, finding
from .profanity_words import EXCLUDED, EXTRA_PROFANITY, MILD, VULGARITY

_NAME_LIKE = frozenset({"dick", "fanny"})
# Every category ``classify`` and ``matcher`` give.
_CATEGORIES = ("profanity", "vulgarity")
_MILD_CANON = frozenset(w.translate(PLAIN_CANON) for w in MILD)


def package_wordlist() -> tuple[str, ...]:
    """better-profanity's word list as shipped in the installed package."""
    raw = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text("utf-8")
    return tuple(line.strip().lower() for line in raw.splitlines() if line.strip())


def classify(word: str) -> tuple[str, float] | None:
    """(category, score) for a list word, or None if deliberately excluded."""
    if word in EXCLUDED:
        return None
    if word in VULGARITY:
        return "vulgarity", 0.8
    if word in MILD or word.translate(PLAIN_CANON) in _MILD_CANON:
        # Spelling variants share the canonical key of the mild word
        # ("h3ll" and "hell"), so they must share its score too.
        return "profanity", 0.4
    return "profanity", 0.8


@lru_cache(maxsize=1)
def matcher() -> WordMatcher:
    entries = {}
    for word in package_wordlist():
        verdict = classify(word)
        if verdict is not None:
            entries[word] = (*verdict, "profanity.wordlist")
    for word in EXTRA_PROFANITY:
        entries.setdefault(word, ("profanity", 0.7, "profanity.slang"))
    return WordMatcher(entries)


def _is_name(text: Normalized, start: int, end: int) -> bool:
    """Capitalised word next to another capitalised word: a personal name."""
    original = text.original
    s, e = text.span(start, end)
    if not original[s:e].istitle():
        return False
    before = original[max(0, s - 30) : s].split()
    after = original[e : e + 30].split()
    neighbours = [before[-1] if before else "", after[0] if after else ""]
    return any(w[:1].isupper() and w[1:2].islower() for w in neighbours)


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    out = []
    shown: dict[str, int] = {}
    pending = matcher().find_tuples(text)
    while pending:
        for i, (start, end, key, (category, score, rule)) in enumerate(pending):
            n = shown.get(category, 0)
            if n >= MAX_PER_RULE:
                continue  # a few examples per category are enough for a moderator
            if key in _NAME_LIKE and _is_name(text, start, end):
                continue
            if innocent(text, key, start, end):
                continue
            shown[category] = n + 1
            out.append(finding(text, category, rule, start, end, score))
            if n + 1 == MAX_PER_RULE:
                # Hostile text repeats one word a thousand times: the later
                # matches of a full category are dropped in C, not one by one.
                pending = _open_matches(pending[i + 1 :], shown)
                break
        else:
            break
    if "profanity" not in shown:
        unread = cap_hit(text)
        if unread is not None:
            # More obfuscated-looking tokens than any real comment has, and
            # the matchers stopped reading them (``wordmatch.MAX_TOKENS``):
            # flag the comment rather than let a cap hide what follows.
            out.append(finding(text, "profanity", "profanity.obfuscation_flood", *unread, _FLOOD_SCORE))
    return out


def _open_matches(matches: list[MatchTuple], shown: dict[str, int]) -> list[MatchTuple]:
    """The ``matches`` of the categories with fewer than ``MAX_PER_RULE`` findings shown."""
    open_categories = frozenset(c for c in _CATEGORIES if shown.get(c, 0) < MAX_PER_RULE)
    if not open_categories:
        return []
    return list(compress(matches, map(open_categories.__contains__, map(_CATEGORY, map(_PAYLOAD, matches)))))


_PAYLOAD = itemgetter(3)
_CATEGORY = itemgetter(0)


# Score of "profanity.obfuscation_flood" (a comment written in hundreds of
# leet/masked/stretched tokens): this rule's top profanity score, so the flag
# never ranks the comment below what the unread tokens could have.
_FLOOD_SCORE = 0.8
