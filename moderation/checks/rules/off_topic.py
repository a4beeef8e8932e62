"""Off-topic: a comment long enough to judge that shares no content word
with the article.

Both sides are reduced to content words (stop words and short words
removed, light suffix stripping, first five letters kept so "militias" and
"militia", "Iranian" and "Iranians" meet).  The rule is deliberately
conservative: it needs at least ``MIN_CONTENT_WORDS`` distinct content words
and zero overlap, and it scores low (0.25) because relevance is a judgement
call for moderators.  Without article text nothing is judged.

The processed article is cached (LRU keyed on title and body), since every
comment on an article carries the same article text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from ..normalize import Normalized, fold
from ..values import CheckContext, Finding

MIN_CONTENT_WORDS = 12
SCORE = 0.25

STOP_WORDS = frozenset(
    """
    a about above after again against all almost also although always am
    among an and another any anyone anything are aren't around as at away
    back be because been before being below between both but by can can't
    cannot could couldn't did didn't do does doesn't doing don't done down
    during each either else enough even ever every everyone everything few
    for from further get gets getting give given go goes going gone good got
    great had hadn't has hasn't have haven't having he he'd he'll he's her
    here hers herself him himself his how however i i'd i'll i'm i've if in
    instead into is isn't it it's its itself just keep know known last least
    less let let's like likely little lot lots made make makes many may maybe
    me might mine more most much must my myself need needs never new next no
    nobody none nor not nothing now of off often oh ok okay old on once one
    only or other others otherwise our ours ourselves out over own part
    people per perhaps please put quite rather really right said same say
    says see seem seems seen several shall she she'd she'll she's should
    shouldn't since so some someone something sometimes soon still such sure
    take taken than thank thanks that that's the their theirs them
    themselves then there there's these they they'd they'll they're they've
    thing things think this those though through thus time times to today
    together too took toward towards under until up upon us use used using
    very via want wants was wasn't way ways we we'd we'll we're we've well
    went were weren't what what's whatever when where whether which while who
    who's whole whom whose why will with within without won't would wouldn't
    yeah year years yes yet you you'd you'll you're you've your yours
    yourself yourselves article comment comments read reading write wrote
    lol yes sir first two three four five world day days week weeks
    really actually probably simply totally every also anyway
    """.split()
)

_WORD = re.compile(r"[^\W\d_]{3,}(?:'[^\W\d_]+)?")


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + repl
            break
    return word[:5]


def content_stems(folded: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(folded) if w not in STOP_WORDS)


@lru_cache(maxsize=256)
def article_stems(title: str, body: str) -> frozenset[str]:
    return content_stems(fold(title + "\n" + body))


class _WordStems(dict):
    """word -> its content stems (a frozenset), or None for a word the rule
    skips (short, a stop word, starting with a digit); filled on first use,
    bounded.

    ``content_stems`` of the comment's words joined by spaces is the union of
    each word's own (no match crosses a space), so each distinct word is
    stemmed once per process instead of once per occurrence per comment.
    """

    def __missing__(self, word: str) -> frozenset[str] | None:
        if len(self) >= _MEMO_SIZE:
            self.clear()
        if len(word) >= 3 and word not in STOP_WORDS and not word[0].isdigit():
            value: frozenset[str] | None = frozenset(_stem(w) for w in _WORD.findall(word) if w not in STOP_WORDS)
        else:
            value = None
        self[word] = value
        return value


_MEMO_SIZE = 50_000
_WORD_STEMS = _WordStems()


class _ArticleWords:
    """Comment words already tested against one article's stems: those that share a
    stem with it (``hits``), the content words that share none (``clear``) and every
    word tested (``seen``: those and the words the rule skips)."""

    __slots__ = ("hits", "clear", "seen")

    def __init__(self) -> None:
        self.hits: set[str] = set()
        self.clear: set[str] = set()
        self.seen: set[str] = set()


# The words tested per article (keyed by its stems, ``article_stems``' cached
# value), so that a comment's words are read with C-level set operations: only
# words not seen before are stemmed and tested one by one.  Bounded: a few
# articles, ``_ARTICLE_WORDS`` words each.
_BY_ARTICLE: dict[frozenset[str], _ArticleWords] = {}
_ARTICLES_KEPT = 16
_ARTICLE_WORDS = 10_000


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    if not (context.article_title or context.article_body):
        return []
    article = article_stems(context.article_title, context.article_body)
    known = _BY_ARTICLE.get(article)
    if known is None or len(known.seen) >= _ARTICLE_WORDS:
        if known is None and len(_BY_ARTICLE) >= _ARTICLES_KEPT:
            _BY_ARTICLE.clear()
        known = _BY_ARTICLE[article] = _ArticleWords()
    # As the rule has always read the comment: its distinct words, each
    # skipped or reduced to content stems.  One stem shared with the article
    # is enough to say nothing (every test here answers "no finding", so
    # their order does not matter).
    words = text.wordset
    hits, clear, seen = known.hits, known.clear, known.seen
    if not hits.isdisjoint(words):
        return []
    if not words <= seen:
        # A word joins ``seen`` only after ``hits`` or ``clear``: another
        # thread that finds it seen must also find its verdict.
        for word in words - seen:
            word_stems = _WORD_STEMS[word]
            if word_stems is not None:
                if not article.isdisjoint(word_stems):
                    hits.add(word)
                    seen.add(word)
                    return []
                clear.add(word)
            seen.add(word)
    # Every word is now skipped or clear: the content words (an empty set of
    # stems counts) are the clear ones; at least MIN_CONTENT_WORDS of them,
    # counted only until there are enough.
    if next(islice(filter(clear.__contains__, words), MIN_CONTENT_WORDS - 1, None), None) is None:
        return []
    # ``len(comment stems) < MIN_CONTENT_WORDS``, read only until there are enough.
    comment: set[str] = set()
    for word_stems in filter(None, map(_WORD_STEMS.__getitem__, words)):
        comment.update(word_stems)
        if len(comment) >= MIN_CONTENT_WORDS:
            break
    else:
        return []
    original = text.original
    start = len(original) - len(original.lstrip())
    end = len(original.rstrip())
    return [Finding("off_topic", "off_topic.no_shared_words", start, end, original[start:end], SCORE)]
