"""More incitement shapes for ``threat``: the verbs the core grammar does not know.

``threat.py`` reads "verb aimed at a person, in a threatening mood".  Calls
for violence against a group are often phrased with verbs that are harmless
on their own ("run", "send", "line", "put"), where the violence is in the
particle or the complement.  Each shape here is a verb class x a target
class x a complement class, and (except where the words say it all) a
MOOD: an imperative at the start of a clause, a first-person intent ("I'd",
"we'll"), or an incitement marker ("should", "must", "need to", "deserve",
"time to", "someone should").  Reported speech ("threatened to", "vowed
to", "said they would") and negation ("should not") switch every shape off.

* removal -- remove people from a place: "wipe them off the earth", "kick
  them all out of the country", "send them all back", "ship them back to
  where they came from".  The target must name people (a pronoun, a group,
  "all of them") and the place must be the earth/map (lethal) or a country;
  "kick him out of the party" and "send them back to the store" are not
  threats.  "Send them back" needs "all" or a group ("I had to send them
  back, the shoes were too small");
* run over / mow down / gun down -- a motion verb with its violent
  particle around a people target: "run them over", "mow them down";
  "run them over to the station" (a lift) is excluded;
* ultimatum -- a coercion verb ("leave", "convert", "get out", "submit")
  followed by "or die", "or else", "or be shot", "or we will kill ...";
  "adapt or die", "do or die", "live free or die" start with other verbs;
* bullet -- "put a bullet in his head", "someone should put a bullet in",
  "he needs a bullet", "deserves a bullet"; "a silver bullet", "bullet
  points", "bullet train" are not bullets;
* wall -- "lined up against a wall", "put them up against the wall";
* extermination nouns -- "we need the extermination of all X", "I support
  the eradication of them", "time for the genocide of X"; history ("the
  genocide of the Armenians was ...") has no incitement marker before it;
* lethal infinitive after "time to" -- "time to nuke Iran", "it's time to
  kill them all"; "time to nuke the leftovers" has no people target;
* gerund -- "he needs killing", "they deserve a good beating": only with a
  person subject ("the wallpaper needs hanging" is chores).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from itertools import repeat
from operator import getitem, itemgetter
from typing import Any, cast

from ..normalize import Normalized, register_triggers
from . import MAX_PER_RULE, WordSpanFindings
from .abuse import GROUPS, IDENTITY_ADJ

# ---------------------------------------------------------------- mood

_REPORTED = frozenset(
    """
    threatened threatens threaten threat threats vowed vows vow promised
    pledged warned claimed accused alleged said says planned plans plot
    plotted attempted attempt tried trying reportedly reported
    """.split()
)
_NEGATIONS = frozenset("not don't dont never nobody no didn't wouldn't shouldn't won't cannot can't".split())
_INTENT = frozenset("i'll ill i'm im ima imma we'll i'd we'd gonna wanna let's lets".split())
_INCITE = frozenset(
    """
    should must shud shld need needs gotta ought deserve deserves have has
    time someone somebody anyone
    """.split()
)
_FIRST = frozenset("i we".split())
_WILL = frozenset("will would shall".split())
# Words after which a verb is an imperative ("just run them over").
# Not "and": "... to do the beating and run people over" continues a
# narrative as often as an order.
_IMPERATIVE_BEFORE = frozenset("just lets let's so please go now".split())


_MOOD_BREAKS = frozenset('.!?;:\n"(')


def _mood(text: Normalized, i: int) -> float:
    """Threatening mood of the verb at word ``i`` (0 when none)."""
    words = text.words
    before = words[max(0, i - 5) : i]
    # (set tests in C: ``not S.isdisjoint(xs)`` is ``any(x in S for x in xs)``)
    if not _REPORTED.isdisjoint(before):
        return 0.0
    if not _NEGATIONS.isdisjoint(before[-3:]):
        return 0.0
    if not _INTENT.isdisjoint(before):
        return 0.9
    if not _FIRST.isdisjoint(before) and not _WILL.isdisjoint(before):
        return 0.9
    if not _INCITE.isdisjoint(before):
        return 0.8
    if i == 0 or words[i - 1] in _IMPERATIVE_BEFORE:
        return 0.7
    # (``text.gap(i)``, sliced here: three method calls fewer)
    starts, ends = text._bounds
    if not _MOOD_BREAKS.isdisjoint(text.norm[ends[i - 1] : starts[i]]):
        return 0.7
    return 0.0


# ---------------------------------------------------------------- targets

_PRONOUN_TARGETS = frozenset("them em 'em him her you u y'all yall".split())
_QUANTIFIERS = frozenset("all every each those these the of last one single whole entire".split())
_PEOPLE = frozenset(
    """
    people folks scum bastards animals savages vermin rats subhumans
    invaders parasites cockroaches traitors
    """.split()
)


def _target(words: list[str], k: int, n: int, limit: int = 4) -> int:
    """End index (exclusive) of a people target starting at ``k``, or -1.

    "them", "them all", "all of them", "those people", "every last one of
    them", "these muslims", "the illegal immigrants".
    """
    found = -1
    end = min(n, k + limit)
    j = k
    while j < end:
        w = words[j]
        if w in _PRONOUN_TARGETS or w in GROUPS or w in _PEOPLE:
            found = j + 1
            j += 1
            continue
        if w in _QUANTIFIERS or w in IDENTITY_ADJ:
            j += 1
            continue
        break
    if found < 0:
        return -1
    # A trailing "all" ("them all") belongs to the target.
    if found < n and words[found] == "all":
        found += 1
    return found


_GROUP_WORDS = GROUPS | _PEOPLE | {"all"}


def _has_group(words: list[str], start: int, end: int) -> bool:
    return not _GROUP_WORDS.isdisjoint(words[start:end])


def _seq(words: list[str], k: int, seq: tuple[str, ...]) -> bool:
    return tuple(words[k : k + len(seq)]) == seq


# ---------------------------------------------------------------- removal

_WIPE = frozenset("wipe blow remove purge erase nuke bomb".split())
_EJECT = frozenset(
    "kick throw send ship deport drive chase boot remove purge cleanse banish expel toss force run get".split()
)
_BACK_VERBS = frozenset("send ship deport kick boot fly".split())
_EARTH = frozenset("earth planet map existence".split())
_COUNTRY = frozenset(
    """
    country countries nation land continent europe america usa us uk
    britain england canada australia here
    """.split()
)
_DETS = frozenset("the this our my their his her your of".split())
_HOMELAND = frozenset("country countries homeland homelands land lands africa".split())


def _removal(text: Normalized, i: int, n: int) -> tuple[int, float] | None:
    """(last word, score) of "wipe them off the earth" / "kick them out of the country"."""
    words = text.words
    w = words[i]
    end = _target(words, i + 1, n)
    if end < 0:
        return None
    k = end
    # "off (the face of) the earth", "from the face of the earth".
    if k < n and words[k] in ("off", "from") and w in _WIPE | {"wipe"}:
        j = k + 1
        while j < min(n, k + 6) and (words[j] in _DETS or words[j] == "face"):
            j += 1
        if j < n and words[j] in _EARTH:
            return j, 0.75
        return None
    # "out of (the) country".
    if k + 1 < n and words[k] == "out" and words[k + 1] == "of" and w in _EJECT:
        j = k + 2
        while j < min(n, k + 5) and words[j] in _DETS:
            j += 1
        if j < n and words[j] in _COUNTRY:
            return j, 0.6
        if j < n and words[j] == "existence" and w in _WIPE:
            return j, 0.75
        return None
    # "send them all back", "ship them back to where they came from".
    if k < n and words[k] == "back" and w in _BACK_VERBS:
        rest = words[k + 1 : k + 6]
        if rest[:1] == ["to"] and (
            _seq(rest, 1, ("where", "they"))
            or _seq(rest, 1, ("where", "they're"))
            or (
                len(rest) > 2
                and rest[1] in _DETS
                and (rest[2] in _HOMELAND or (rest[2] == "own" and len(rest) > 3 and rest[3] in _HOMELAND))
            )
            or (len(rest) > 1 and rest[1] in _HOMELAND)
        ):
            return min(n - 1, k + 3), 0.6
        if _has_group(words, i + 1, end):
            # Not "send them back to the store".
            if rest[:1] == ["to"] and not (len(rest) > 1 and (rest[1] in _HOMELAND or rest[1] in ("where", "their"))):
                return None
            return k, 0.6
    return None


# ---------------------------------------------------------------- run over

_PARTICLE = {"run": "over", "mow": "down", "gun": "down"}


def _run_over(text: Normalized, i: int, n: int) -> int:
    """Last word of "run them over" / "run over them" / "mow them down", or -1."""
    words = text.words
    particle = _PARTICLE[words[i]]
    end = _target(words, i + 1, n)
    if end > 0 and end < n and words[end] == particle:
        last = end
    elif i + 1 < n and words[i + 1] == particle:
        end = _target(words, i + 2, n)
        if end < 0:
            return -1
        last = end - 1
    else:
        return -1
    # "run them over to the station", "run over there": a lift, a trip.
    if last + 1 < n and words[last + 1] in ("to", "there", "here", "for", "at"):
        return -1
    return last


# ---------------------------------------------------------------- ultimatum

_COERCE = frozenset(
    """
    leave convert submit obey comply surrender repent kneel bow go get
    move pay shut flee apologize apologise resign return assimilate out
    """.split()
)
_ULTIMATUM_HARM = frozenset(
    "shot killed hanged hung beheaded executed stabbed burned burnt lynched gassed hurt".split()
)
_HARM_VERBS = frozenset("kill shoot hang behead execute stab burn lynch gas hurt murder".split())


def _ultimatum(text: Normalized, i: int, n: int) -> tuple[int, int, float] | None:
    """(first, last, score) for "... or die" at the "or" at word ``i``."""
    words = text.words
    before = words[max(0, i - 6) : i]
    if not any(w in _COERCE for w in before):
        return None
    first = i - len(before) + next(k for k, w in enumerate(before) if w in _COERCE)
    # The demand itself must be an imperative or an incitement: "leave or
    # die", "they must convert or die"; not "people had to leave or die".
    if not _mood(text, first):
        return None
    nxt = words[i + 1] if i + 1 < n else ""
    if nxt in ("die", "perish"):
        if i + 2 < n and words[i + 2] in ("trying", "tryin"):
            return None
        return first, i + 1, 0.75
    if nxt == "else":
        # Only the bare menace: "leave or else!", not "or else they lose".
        if i + 2 >= n or any(c in text.gap(i + 2) for c in ".!?;\n"):
            return first, i + 1, 0.55
        return None
    rest = words[i + 1 : i + 4]
    if rest[:1] in (["be"], ["get"]) and len(rest) > 1 and rest[1] in _ULTIMATUM_HARM:
        return first, i + 2, 0.75
    if rest[:1] and rest[0] in ("we'll", "i'll", "we", "i") and any(w in _HARM_VERBS for w in rest[1:]):
        return first, i + 3, 0.8
    return None


# ---------------------------------------------------------------- bullet, wall, nouns, gerunds

_PUT = frozenset("put pump stick fire lodge".split())
_NEED = frozenset("need needs deserve deserves deserved".split())
_BULLET_DETS = frozenset("a one some few two the".split())
_NOT_BULLETS = frozenset("point points train trains proof list lists journal hole holes".split())
_INTO = frozenset("in into through between to".split())
# "in his head", "between the eyes", "into every one of them"; not "in the chamber".
_BODY = frozenset(
    "his her their your ur them him head heads brain brains skull skulls face eyes back chest heart every each".split()
)


def _bullet(text: Normalized, i: int, n: int) -> tuple[int, int, float] | None:
    words = text.words
    if i + 1 < n and words[i + 1] in _NOT_BULLETS:
        return None
    j = i - 1
    if j >= 0 and words[j] in _BULLET_DETS:
        j -= 1
    if j < 0:
        return None
    verb = words[j]
    if verb in _NEED and words[i] == "bullet" and words[j + 1 : i] in (["a"], ["one"]):
        # "he needs a bullet", not "I need some bullets for the gun".
        if set(words[max(0, j - 3) : j]) & (_NEGATIONS | _REPORTED):
            return None
        return j, i, 0.75
    if verb in _PUT:
        if (
            i + 1 < n
            and words[i + 1] in _INTO
            and "own" not in words[i + 2 : i + 4]
            and any(w in _BODY or w in GROUPS for w in words[i + 2 : i + 5])
        ):
            mood = _mood(text, j)
            if mood:
                return j, min(n - 1, i + 2), max(0.75, mood)
    return None


_LINE = frozenset("line lined put stand stood".split())


def _wall(text: Normalized, i: int) -> tuple[int, int, float] | None:
    """At "against": "lined up against a wall", "put them up against the wall"."""
    words = text.words
    n = len(words)
    if not (i + 2 < n and words[i + 1] in ("a", "the") and words[i + 2] == "wall"):
        return None
    if i < 2 or words[i - 1] != "up":
        return None
    # The verb just before "up", possibly behind a target ("line them up").
    for j in range(i - 2, max(-1, i - 6), -1):
        if words[j] not in _LINE:
            continue
        if words[j] == "lined" or (j > 0 and words[j - 1] in ("be", "get", "been")):
            # Passive: "(should/deserve to) be lined up against a wall".
            before = set(words[max(0, j - 5) : j])
            if before & _INCITE and not before & (_NEGATIONS | _REPORTED):
                return j, i + 2, 0.75
        elif _target(words, j + 1, n) > 0 and _mood(text, j):
            return j, i + 2, 0.75
        return None
    return None


_EXTERMINATION = frozenset(
    """
    extermination genocide annihilation eradication slaughter massacre
    lynching lynchings execution executions hanging hangings elimination
    extinction cleansing holocaust
    """.split()
)
_NOUN_MARKERS = frozenset("need needs should want support supports demand demands time bring favor favour for".split())
# "for" is a marker only in "time for", "all for", "I'm for", "pray/hope for".
# Not "call for": "your cohorts who call for ..." reports others.
_FOR_BEFORE = frozenset("time all i'm im am pray praying hope hoping".split())
_NOUN_FILLER = frozenset(
    "the a an total complete mass full immediate public systematic final all on ethnic another new".split()
)


def _extermination(text: Normalized, i: int, n: int) -> tuple[int, int, float] | None:
    words = text.words
    if not (i + 1 < n and words[i + 1] == "of"):
        return None
    end = _target(words, i + 2, n)
    if end < 0:
        return None
    j = i - 1
    while j >= 0 and j >= i - 4 and words[j] in _NOUN_FILLER:
        j -= 1
    if j < 0 or words[j] not in _NOUN_MARKERS:
        return None
    if set(words[max(0, j - 4) : j]) & (_NEGATIONS | _REPORTED):
        return None
    if words[j] == "for" and (j == 0 or words[j - 1] not in _FOR_BEFORE):
        return None
    return j, end - 1, 0.7


_LETHAL = frozenset(
    "kill murder execute hang lynch behead slaughter exterminate nuke bomb gas shoot eradicate annihilate".split()
)
_NOT_NAMES = frozenset("i the a it this that".split())


def _time_to(text: Normalized, i: int, n: int, case: Case) -> int:
    """Last word of "time to nuke Iran" / "time to kill them all", or -1."""
    words = text.words
    if i < 2 or words[i - 1] != "to" or words[i - 2] != "time":
        return -1
    if _REPORTED & set(words[max(0, i - 7) : i]):
        return -1
    end = _target(words, i + 1, n)
    if end > 0:
        return end - 1
    if i + 1 < n and words[i + 1] not in _NOT_NAMES and words[i] != "shoot" and case(text, i + 1):
        return i + 1
    return -1


_GERUNDS = frozenset("killing lynching beating shooting hanging".split())
_PERSON_SUBJECTS = frozenset(
    "he she they you u him her them who guy man woman bastard scum people these those everyone everybody".split()
)


def _gerund(text: Normalized, i: int) -> tuple[int, int, float] | None:
    """At need(s)/deserve(s): "he needs killing", "they deserve a good beating"."""
    words = text.words
    n = len(words)
    k = i + 1
    if k < n and words[k] == "a":
        k += 1
    if k < n and words[k] == "good":
        k += 1
    if k >= n or words[k] not in _GERUNDS:
        return None
    if k + 1 < n and words[k + 1] in (
        "of",
        "up",
        "out",
        "off",
        "the",
        "a",
        "time",
        "range",
        "spree",
        "it",
        "practice",
        "lessons",
        "basket",
        "baskets",
    ):
        return None  # "needs a killing of the weeds", "killing time"
    subject = words[max(0, i - 3) : i]
    if not any(w in _PERSON_SUBJECTS or w in GROUPS for w in subject):
        return None
    if set(subject) & (_NEGATIONS | _REPORTED):
        return None
    return max(0, i - 1), k, 0.7


# Each shape: its trigger words, the words it needs elsewhere in the text
# (one of each of two small sets: a "wipe" without "earth", "country" or "back" can make
# nothing) and how far ``_occurrence`` reads around its word (words before,
# words after).  "or" looks back for the demand and then before the demand
# for its mood; "wipe them all off the face of the earth" is twelve words
# long.
_SHAPES: tuple[tuple[frozenset[str], tuple[frozenset[str], frozenset[str]], int, int], ...] = (
    (_EJECT | _WIPE | _BACK_VERBS, (_EARTH | _COUNTRY | {"back"}, _EARTH | _COUNTRY | {"back"}), 5, 12),
    (frozenset(_PARTICLE), (frozenset(_PARTICLE.values()), frozenset(_PARTICLE.values())), 5, 7),
    (frozenset({"or"}), (_COERCE, _ULTIMATUM_HARM | _HARM_VERBS | {"die", "perish", "else"}), 11, 3),
    (frozenset({"bullet", "bullets"}), (_NEED | _PUT, _NEED | _PUT), 7, 4),
    (frozenset({"against"}), (frozenset({"wall"}), frozenset({"wall"})), 10, 3),
    (_EXTERMINATION, (frozenset({"of"}), _NOUN_MARKERS), 9, 6),
    (_LETHAL, (frozenset({"time"}), frozenset({"to"})), 7, 5),
    (_NEED, (_GERUNDS, _GERUNDS), 3, 4),
)
TRIGGERS = frozenset().union(*(words for words, _, _, _ in _SHAPES))
# Cheap pre-filter: each shape needs one of these (rarer) words.
_RARE = (
    _EARTH
    | _COUNTRY
    | {"back", "over", "down", "die", "perish", "else", "bullet", "bullets", "wall"}
    | _EXTERMINATION
    | {"time"}
    | _GERUNDS
    | _ULTIMATUM_HARM
)
register_triggers(TRIGGERS)
REACH = {
    w: (max(b for words, _, b, _ in _SHAPES if w in words), max(a for words, _, _, a in _SHAPES if w in words))
    for w in TRIGGERS
}


def triggers(text: Normalized) -> frozenset[str]:
    """This module's trigger words in ``text`` (none when no shape can match)."""
    wordset = text.wordset
    if wordset.isdisjoint(_RARE):
        return frozenset()
    hits = wordset & TRIGGERS
    # Only the words of the shapes whose other words occur too (a hostile
    # text repeats "kill" hundreds of times, with no "time to" anywhere).
    # (``isdisjoint`` walks the smaller set: small sets keep this cheap.)
    possible: set[str] = set()
    disjoint = wordset.isdisjoint
    for words, (need, also), _, _ in _SHAPES:
        if not (hits.isdisjoint(words) or disjoint(need) or disjoint(also)):
            possible |= words
    return hits & possible


def _occurrence(text: Normalized, i: int, case: Case, extra: None = None) -> list[Call]:
    """The ``spans.add`` calls (in order) that trigger word ``i`` makes.

    Reads no further than ``REACH`` (words before, words after) of its
    word (gaps included) and, of the original text, only whether word
    ``i + 1`` is capitalised (asked of ``case``): ``replay`` keys its memo
    on exactly these.
    """
    words = text.words
    n = len(words)
    w = words[i]
    if w in _EJECT or w in _WIPE or w in _BACK_VERBS:
        removal = _removal(text, i, n)
        if removal:
            mood = _mood(text, i)
            if mood:
                return [(i, removal[0], removal[1], "threat.incitement")]
    if w in _PARTICLE:
        last = _run_over(text, i, n)
        if last >= 0 and _mood(text, i):
            return [(i, last, 0.7, "threat.incitement")]
    found: tuple[int, int, float] | None
    if w == "or":
        found = _ultimatum(text, i, n)
    elif w in ("bullet", "bullets"):
        found = _bullet(text, i, n)
    elif w == "against":
        found = _wall(text, i)
    elif w in _EXTERMINATION:
        found = _extermination(text, i, n)
    else:
        if w in _LETHAL:
            last = _time_to(text, i, n, case)
            if last >= 0:
                return [(i - 2, last, 0.75, "threat.incitement")]
        found = _gerund(text, i) if w in _NEED else None
    return [(found[0], found[1], found[2], "threat.incitement")] if found else []


def run(text: Normalized, spans: WordSpanFindings) -> None:
    """Add this module's findings to ``spans`` (the threat rule's collector)."""
    hits = triggers(text)
    if hits:
        replay(text, hits, REACH, _occurrence, None, spans.add)


# ---------------------------------------------------------------- memo

# One ``spans.add`` call: first word, last word, score, rule.
Call = tuple[int, int, float, str]
# Whether word ``k`` is capitalised as written (``capitalised`` or a probe).
Case = Callable[[Normalized, int], bool]
# Texts with more trigger words than this memoise the words that occur at
# least ``MEMO_REPEATS`` times (a word seen less often rarely repeats a
# neighbourhood, and a key costs a share of an examination).
MEMO_FROM = 24
MEMO_REPEATS = 8


def capitalised(text: Normalized, k: int) -> bool:
    """Word ``k`` as written starts with a capital and is not all capitals
    ("Smith", not "SMITH" or "smith")."""
    s, e = text.span(*text.word_span(k, k))
    word = text.original[s:e]
    return word[:1].isupper() and not word.isupper()


class _CaseProbe:
    """``capitalised`` that remembers whether it was asked."""

    __slots__ = ("asked",)

    def __init__(self) -> None:
        self.asked = False

    def __call__(self, text: Normalized, k: int) -> bool:
        self.asked = True
        return capitalised(text, k)


# Memo values: no calls, and "the calls depend on the case of the next word".
_NO_CALLS: tuple[Call, ...] = ()
_BY_CASE: tuple[Call, ...] = ((0, 0, 0.0, ""),)


def _relative(calls: list[Call], i: int) -> tuple[Call, ...]:
    return tuple((first - i, last - i, score, rule) for first, last, score, rule in calls) if calls else _NO_CALLS


class CappedAdd:
    """``spans.add`` that also knows which trigger words can no longer add
    anything: ``replay`` skips their positions.

    The collector drops every call of a rule once ``MAX_PER_RULE`` of its
    findings are in, and a dropped call changes nothing (neither a count
    nor a taken word): a word whose examination can only make calls of
    capped rules is settled, at its position and every later one.  A
    hostile body repeats "hope you die" in dozens of neighbourhoods, each
    one examined only for its call to be dropped.  ``rules`` maps each
    trigger word to every rule its examination can call (a superset is
    safe), of which only ``words`` (the text's trigger words) are settled.
    """

    __slots__ = ("_add", "_counts", "_rules", "_words", "_capped", "settled")

    def __init__(self, spans: WordSpanFindings, rules: Mapping[str, frozenset[str]], words: Iterable[str]) -> None:
        self._add = spans.add
        self._counts = spans._per_rule
        self._rules = rules
        self._words = words
        self._capped: set[str] = set()
        self.settled: set[str] = set()

    def __call__(self, first: int, last: int, score: float, rule: str) -> None:
        self._add(first, last, score, rule)
        if rule not in self._capped and self._counts.get(rule, 0) >= MAX_PER_RULE:
            capped = self._capped
            capped.add(rule)
            rules = self._rules
            self.settled.update(w for w in self._words if rules[w] <= capped)


_NOTHING: frozenset[str] = frozenset()


def replay(
    text: Normalized,
    hits: frozenset[str],
    reach: dict[str, tuple[int, int]],
    examine: Callable[[Normalized, int, Case, Any], list[Call]],
    extra: Any,
    add_call: Callable[[int, int, float, str], None],
) -> None:
    """``add_call(*call)`` for every call of ``examine(text, i, capitalised,
    extra)``, ``i`` in ``text.indices(hits)`` (ascending), in that order,
    except at the positions of the words in ``add_call.settled`` when it
    has one (a ``CappedAdd``: calls that would change nothing).

    ``examine`` must read nothing but the words from ``reach[w][0]`` words
    before word ``i`` (``w``) to ``reach[w][1]`` words after it, the gaps
    between them, ``extra`` and (through its third argument) whether word
    ``i + 1`` is capitalised.  A long hostile text repeats the same trigger
    words in the same words hundreds of times (a pasted or generated block,
    a cyclic body): each distinct neighbourhood of a frequent word is
    examined once and its calls, made relative to the word, are replayed at
    every repetition.  The collector still sees every call in order, so its
    overlap test and per-rule caps apply as before.  ``hits`` are registered
    trigger words (``register_triggers``): their positions are read from the
    text's trigger index.
    """
    positions = text.indices(hits)
    # (a set that the calls grow: read again at every position)
    settled: Container[str] = getattr(add_call, "settled", _NOTHING)
    words = text.words
    # The memo key of each position of a frequent word inside its reach.
    keys: dict[int, str] = {}
    if len(positions) > MEMO_FROM:
        # (every rule's trigger words are indexed by position once per text;
        # ``hits`` are among them)
        index = text._trigger_index
        frequent = [w for w in hits if len(index[w]) >= MEMO_REPEATS]
        n = len(words)
        norm = text.norm
        starts, ends = text._bounds
        starts_by: dict[int, list[int]] = {}
        ends_by: dict[int, list[int]] = {}
        for w in frequent:
            before, after = reach[w]
            at = index[w]
            # Positions whose reach passes an end of the text (where the
            # clamps decide, not the words) are examined one by one.
            inner = at[bisect_left(at, before) : bisect_left(at, n - after)]
            if len(inner) < 2:
                continue
            # The key: the folded text from the first word read to the last
            # holds its words and gaps (a word's folded characters decide it
            # whatever surrounds it); the word fixes the reach (one memo per
            # word).  Sliced in C for every position at once: with ``starts``
            # shifted right by ``before`` and ``ends`` left by ``after``, one
            # getter reads both ends of every reach (``itemgetter`` of two or
            # more indices gives a tuple).
            at_inner = itemgetter(*inner)
            shifted = starts_by.get(before)
            if shifted is None:
                shifted = starts_by[before] = [0] * before + starts
            firsts = at_inner(shifted)
            shifted = ends_by.get(after)
            if shifted is None:
                shifted = ends_by[after] = ends[after:]
            lasts = at_inner(shifted)
            keys.update(zip(inner, cast("Iterator[str]", map(getitem, repeat(norm), map(slice, firsts, lasts)))))
    if not keys:
        for i in positions:
            if words[i] not in settled:
                for call in examine(text, i, capitalised, extra):
                    add_call(*call)
        return
    # The calls are made as their positions come (not gathered and sorted):
    # the words settled by the calls so far are known at every position.
    depends = _BY_CASE
    # Per word: folded key -> its calls relative to the word (or
    # ``depends``), and (key, case of the next word) -> its calls.
    memos: dict[str, dict[Any, tuple[Call, ...]]] = {}
    for i in positions:
        w = words[i]
        if w in settled:
            continue
        key = keys.get(i)
        if key is None:
            for call in examine(text, i, capitalised, extra):
                add_call(*call)
            continue
        memo = memos.get(w)
        if memo is None:
            memo = memos[w] = {}
        calls = memo.get(key)
        if calls is None:
            probe = _CaseProbe()
            calls = _relative(examine(text, i, probe, extra), i)
            if probe.asked:
                memo[(key, capitalised(text, i + 1))] = calls
                calls = depends
            memo[key] = calls
        if calls is depends:
            case_key = (key, capitalised(text, i + 1))
            calls = memo.get(case_key)
            if calls is None:
                calls = memo[case_key] = _relative(examine(text, i, capitalised, extra), i)
        for first, last, score, rule in calls:
            add_call(i + first, i + last, score, rule)
