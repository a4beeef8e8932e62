"""Moderator-managed term lists (``CheckContext.terms``).

Terms are matched as whole words or phrases with the same obfuscation
handling as the built-in lists.  ``banned`` hits are reported as rule
``terms.banned`` with score 1.0 (the Django side auto-rejects on it);
``suspect`` hits as ``terms.suspect`` with score 0.5.  A term in both lists
counts as banned.

Lists change rarely and arrive as a frozen, hashable ``TermList``, so each
distinct list is compiled once (LRU keyed on the value).
"""

from __future__ import annotations

from functools import lru_cache

from ..normalize import Normalized
from ..values import CheckContext, Finding, TermList
from ..wordmatch import WordMatcher
from . import finding

BANNED_SCORE = 1.0
SUSPECT_SCORE = 0.5


@lru_cache(maxsize=32)
def compile_terms(terms: TermList) -> WordMatcher:
    entries: dict[str, tuple[str, str, float]] = {}
    for kind, mapping, score in (("banned", terms.banned, BANNED_SCORE), ("suspect", terms.suspect, SUSPECT_SCORE)):
        for category, words in mapping.items():
            for word in words:
                word = str(word).strip()
                if word and word not in entries:
                    entries[word] = (str(category), "terms." + kind, score)
    return WordMatcher(entries)


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    terms = context.terms
    if not terms.banned and not terms.suspect:
        return []
    out = []
    for m in compile_terms(terms).find(text, cap=False):
        category, rule, score = m.payload
        out.append(finding(text, category, rule, m.start, m.end, score))
    return out
