"""Innocent readings of words that are slurs or swearing in other contexts.

A handful of listed words have a common harmless sense that the words next
to them give away: "honky tonk" music, "doo wop", a "pussy cat", a garden
"hoe" (and Dutch "hoe", *how*), a car's "tranny fluid", "gobbledygook", a
"coon hound", a Christmas "cracker", the former name of a football team ("the Redskins game").
``innocent(text, key, start, end)`` says whether a word-list match at
``norm[start:end]`` is one of those readings; the profanity and slur rules
skip such matches.  A word cut off by a trailing ellipsis ("last nig…",
where a tweet or a teaser was truncated) is not read as the slur it happens
to spell either.

Only the neighbouring words are read (a bounded slice of the text), so the
check costs nothing unless one of these few words matched.
"""

from __future__ import annotations

import re

from .normalize import Normalized

# word -> (previous words, next words) that make it innocent.
_COLLOCATIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "pussy": (frozenset(), frozenset("cat cats willow willows footing".split())),
    "honky": (frozenset(), frozenset("tonk tonks".split())),
    "honkey": (frozenset(), frozenset("tonk tonks".split())),
    "wop": (frozenset("doo do".split()), frozenset()),
    "gook": (frozenset("de dy dee di gobble gobbledy gobbledey".split()), frozenset()),
    "coon": (frozenset(), frozenset("hound hounds dog dogs hunting hunter hunters tracks skin cat".split())),
    "coons": (frozenset(), frozenset("hound hounds dog dogs".split())),
    "hoe": (frozenset("garden rotary dutch stirrup draw push wheel".split()), frozenset("down downs".split())),
    "tranny": (frozenset("new auto automatic manual".split()), frozenset("fluid oil swap rebuild cooler".split())),
    "cracker": (
        frozenset(
            "fire christmas nut graham rice cream water animal safe saltine soda wheat code password egg cheese".split()
        ),
        frozenset("jack jacks barrel barrels crumbs crumb box boxes packet packets and with or recipe".split()),
    ),
    "redskins": (
        frozenset("go washington".split()),
        frozenset("game games fan fans season win won lose lost play played qb coach defense offense vs".split()),
    ),
}

# Frequent function words of Dutch, where "hoe" means "how": two of them in
# the same comment mark Dutch text.
_DUTCH = frozenset(
    """
    ik je jij het een niet wat van dat zich maar er mij moet ook nog
    zijn heeft naar deze als bij uit wel dan waar wij zij ze haar
    """.split()
)
_DUTCH_SENSE = frozenset("hoe hoes".split())
_WORD = re.compile(r"[a-z']+")
_WINDOW = 40


def _neighbours(norm: str, start: int, end: int) -> tuple[str, str]:
    before = _WORD.findall(norm[max(0, start - _WINDOW) : start])
    after = _WORD.findall(norm[end : end + _WINDOW])
    return (before[-1] if before else "", after[0] if after else "")


def _truncated(text: Normalized, start: int, end: int) -> bool:
    """The word runs into a closing "…" (the single character platforms
    add when they cut a text short): it was cut off."""
    norm = text.norm
    if len(norm) - end > 8:
        return False
    s, e = text.span(start, end)
    rest = text.original[e:]
    return rest.startswith("\u2026") and not rest.strip(" .\u2026\"'\u201d)")


def innocent(text: Normalized, key: str, start: int, end: int) -> bool:
    """``norm[start:end]``, a match of list entry ``key``, is a harmless reading."""
    if end - start <= 4 and _truncated(text, start, end):
        return True
    rule = _COLLOCATIONS.get(key) or _COLLOCATIONS.get(text.norm[start:end])
    if key in _DUTCH_SENSE and len(text.wordset & _DUTCH) >= 2:
        return True
    if rule is None:
        return False
    previous, following = _neighbours(text.norm, start, end)
    return previous in rule[0] or following in rule[1]
