"""Moderator-managed term lists (``CheckContext.terms``).

Terms are matched as whole words or phrases with the same obfuscation
handling as the built-in lists.  ``banned`` hits are reported as rule
``terms.banned`` with score 1.0 (the Django side auto-rejects on it);
``suspect`` hits as ``terms.suspect`` with score 0.5.  A term in both lists
counts as banned.  Like every rule, it reports at most ``MAX_PER_RULE``
hits of each category and kind: a moderator needs examples, and the verdict
and priority depend on the best hit, not on how often a term is repeated.

Lists change rarely and arrive as a frozen, hashable ``TermList``, so each
distinct list is compiled once (LRU keyed on the value).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress
from operator import itemgetter, not_

from ..normalize import Normalized
from ..values import CheckContext, Finding, TermList
from ..wordmatch import WordMatcher
from . import MAX_PER_RULE, finding

_PAYLOAD = itemgetter(3)  # of a match tuple
_KIND = itemgetter(0, 1)  # (category, rule) of a payload

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
    shown: dict[tuple[str, str], int] = {}
    pending = compile_terms(terms).find_tuples(text, cap=False)
    while pending:
        for i, (start, end, _key, (category, rule, score)) in enumerate(pending):
            n = shown.get((category, rule), 0)
            if n >= MAX_PER_RULE:
                continue
            shown[(category, rule)] = n + 1
            out.append(finding(text, category, rule, start, end, score))
            if n + 1 == MAX_PER_RULE:
                # A term repeated a thousand times: the later matches of a
                # full (category, kind) are dropped in C, not one by one.
                full = frozenset(kind for kind, seen in shown.items() if seen >= MAX_PER_RULE)
                rest = pending[i + 1 :]
                pending = list(compress(rest, map(not_, map(full.__contains__, map(_KIND, map(_PAYLOAD, rest))))))
                break
        else:
            break
    return out
