"""Threats: intent or wish of violence against a person or group.

News comments talk about violence all the time ("the strikes killed
civilians", "militias targeted US troops"), so a violent word alone is never
a finding.  A threat needs one of these shapes (all matched on word tokens
inside a short window, so the rule is linear):

* intent -- a first-person subject with a future/volitional marker before a
  violent verb aimed at a person: "I will find you and hurt you",
  "I'm gonna kill him";
* incitement -- "someone should shoot him", "they must all be hanged",
  "kill them all", "let's burn them", "X deserve(s) to die", "should be
  put to death", "let him die"; an imperative violent verb at the start of
  a clause aimed at a group or a named person ("nuke the whole country",
  "execute Smith", "kill all Xs"); a lethal infinitive aimed at a group
  ("the right to kill all Xs"), unless narrated ("they plan to ...");
* wish -- "hope you die", "wish he was dead", "wish you death", "die in a
  fire", "kys", "rot in hell", "I want to see them die";
* menace -- fixed phrases such as "we know where you live",
  "watch your back", "your days are numbered".

Reported speech is skipped ("threatened to kill", "vowed to destroy"), and
the verb must be a base form (past tense is narrative), except in passive
wishes ("should be shot").  Ambiguous verbs ("beat", "hit", "destroy",
"crush") only count with a violent complement ("beat you to death",
"beat the shit out of").  Passive incitement tolerates adverbs ("should all
be publicly hanged") but not thing subjects ("the proposal should be shot
down", "this bill should be killed").

Incitement built from ordinary verbs with a violent particle or complement
("run them over", "wipe them off the earth", "convert or die", "put a
bullet in") lives in ``threat_shapes``.
"""

from __future__ import annotations

from ..normalize import Normalized, register_triggers
from ..values import CheckContext, Finding
from . import WordSpanFindings, match_phrase, phrase_index, threat_shapes
from .abuse import GROUPS, IDENTITY_ADJ
from .threat_shapes import Call, CappedAdd, Case, replay

_PEOPLE_NOUNS = frozenset(
    "country nation race religion people men women kids children family families everyone population tribe".split()
)
# Verbs with no everyday non-violent sense ("shoot" a film, "burn" a CD).
_LETHAL = frozenset("kill murder execute hang lynch behead slaughter exterminate assassinate nuke bomb gas".split())
# Capitalised words after a verb that are not people.
_COMMON_CAPS = frozenset("i the a it this that".split())

STRONG_VERBS = frozenset(
    """
    kill murder shoot stab hang lynch behead decapitate slaughter butcher
    execute exterminate strangle choke torture rape burn nuke gas bomb
    massacre drown poison maim castrate assassinate slit gut hurt harm
    bury eradicate annihilate shank punch kick slap smack stomp whack murk
    """.split()
)
# Too common in sport/politics to count without a violent complement.
WEAK_VERBS = frozenset("beat hit destroy crush smash break end finish wipe take get fuck".split())
PASSIVE = frozenset(
    """
    killed murdered shot stabbed hanged hung lynched beheaded decapitated
    slaughtered butchered executed exterminated strangled tortured raped
    burned burnt nuked gassed bombed drowned poisoned castrated assassinated
    eradicated annihilated beaten abused exterminated euthanized
    euthanised lynched whipped flogged stoned crucified incinerated
    impaled dismembered electrocuted guillotined firebombed skinned flayed
    sterilized sterilised
    """.split()
)
# Between "be" and the participle: "should all be publicly hanged".
_PASSIVE_FILLER = frozenset(
    "all just simply also really both summarily immediately publicly then and out taken dragged rounded up".split()
)
# Subjects that are things, not people: "the proposal should be shot down",
# "this bill should be killed" are hyperbole about things.
_THINGS = frozenset(
    """
    it this that bill bills law laws idea ideas proposal proposals plan plans
    project program programme deal measure motion legislation policy policies
    tax taxes pipeline amendment story thread article show series game movie
    question dream rumor rumour meme joke topic project engine app phone
    theory argument practice tradition myth
    """.split()
)
# "kill them with kindness": not violence.
_KINDLY = frozenset("kindness love compliments laughter".split())
# Imperative objects that name people: "nuke the whole country", "execute Smith".
_TARGET_WORDS = frozenset(
    """
    them em him her all every those these that this the whole entire
    country nation race religion people everyone everybody anyone
    """.split()
)
_LET_OBJECTS = frozenset("him her them em 'em you u yourself".split())
_SEE = frozenset("see watch".split())
DEATH = frozenset("die dies dead death died".split())

PERSON_OBJECTS = frozenset(
    """
    you u ya ye yall y'all yourself yourselves him her them em 'em his
    everyone everybody all every each these those your ur whoever anyone
    """.split()
)
SECOND_PERSON = frozenset("you u ya ye yall y'all yourself yourselves your ur".split())
FIRST_INTENT = frozenset(
    """
    i'll ill i'm im ima imma we'll i'd we'd gonna wanna
    """.split()
)
FIRST_SUBJECTS = frozenset("i we me us am".split())
INTENT_MARKERS = frozenset("will shall gonna wanna going want intend plan would gotta".split())
INCITE_MARKERS = frozenset(
    """
    should must shud shld need needs gotta ought let's lets deserve deserves
    deserved have has
    """.split()
)
REPORTED = frozenset(
    """
    threatened threatens threaten threat threats vowed vows vow promised
    pledged warned claimed accused alleged said says planned plans plot
    plotted attempted attempt tried trying
    """.split()
)
WISH = frozenset("hope hoping hopefully wish wishing pray praying".split())
WISH_HARM = frozenset(
    """
    die dies dead killed shot hanged hang burn burns rot rots suffer suffers
    raped murdered drown drowns choke chokes cancer aids executed lynched
    stabbed tortured beaten death vanish disappear perish starve extinct
    """.split()
)
_LET_HARM = frozenset("die rot burn starve drown suffer".split())
_NEGATIONS = frozenset("not don't dont never nobody no didn't wouldn't".split())
COMPLEMENTS = frozenset("death dead up senseless shit hell crap fuck out bloody pulp".split())

# Menacing fixed phrases (already folded).  Matched as word sequences.
MENACE = tuple(
    tuple(p.split())
    for p in (
        "know where you live",
        "know where u live",
        "know where your family lives",
        "know where your kids",
        "watch your back",
        "watch ur back",
        "your days are numbered",
        "ur days are numbered",
        "you're a dead man",
        "you are a dead man",
        "you're dead",
        "you are dead",
        "ur dead",
        "dead meat",
        "sleep with one eye open",
        "won't see it coming",
        "wont see it coming",
        "coming for you",
        "coming after you",
        "i will find you",
        "i'll find you",
        "we will find you",
        "we'll find you",
        "gonna find you",
        "bullet in your head",
        "bullet in his head",
        "bullet in her head",
        "bullet in their heads",
        "bullet between your eyes",
        "put you in the ground",
        "put you in a body bag",
        "kill yourself",
        "kill urself",
        "kill ur self",
        "kill your self",
        "kys",
        "die in a fire",
        "go die",
        "drop dead",
        "rot in hell",
        "burn in hell",
        "burn in hell",
        "should be shot on sight",
        "line them up",
        "line em up",
        "string them up",
        "string him up",
        "string her up",
        "wipe them out",
        "wipe them all out",
        "wiped off the map",
        "wiped off the face",
        "off the face of the earth",
        "gas chamber",
        "gas chambers",
        "final solution",
        "hang them all",
        "kill them all",
        "kill em all",
        "shoot them all",
        "nuke them all",
        "put to death",
        "put them to death",
        "put him to death",
        "put her to death",
        "wish you death",
        "wish him death",
        "wish her death",
        "wish them death",
        "send them to hell",
        "send all",
        "get rid of them",
        "get rid of all",
        "get rid of every",
        "hunt you down",
        "hunt them down",
        "hunt him down",
        "hunt her down",
    )
)
_MENACE_INDEX = phrase_index(MENACE)
_MENACE_FIRST = frozenset(_MENACE_INDEX)
_MENACE_SCORE = {
    ("go", "die"): 0.7,
    ("rot", "in", "hell"): 0.5,
    ("burn", "in", "hell"): 0.5,
    ("send", "all"): 0.0,
    ("get", "rid", "of", "all"): 0.0,
    ("get", "rid", "of", "every"): 0.0,
    ("get", "rid", "of", "them"): 0.55,
}
# Phrases that only count when a group or person follows ("send all gays to hell").
_NEEDS_GROUP = frozenset({("send", "all"), ("get", "rid", "of", "all"), ("get", "rid", "of", "every")})

_WORD_TRIGGERS = STRONG_VERBS | WEAK_VERBS | PASSIVE | DEATH | WISH | {"let", "want", "wanna", "love"}
register_triggers(_WORD_TRIGGERS | _MENACE_FIRST)
# Ambiguous verbs ("end", "hit", "take") that start no menace phrase and
# belong to no other class: their one shape in ``run`` is a verb aimed at a
# person, which needs a person or group within the three words after it.
_WEAK_ONLY = (
    WEAK_VERBS
    - STRONG_VERBS
    - _LETHAL
    - PASSIVE
    - DEATH
    - WISH
    - _MENACE_FIRST
    - {"destroy", "wipe", "exterminate", "kick", "let", "want", "wanna", "love", "death"}
)
# Menace first words ("you", "go", "watch") that belong to no class the
# shapes after the menace phrases read: past their phrase nothing can match
# ("you" alone is a third of the trigger words of a hostile body).
_MENACE_ONLY = _MENACE_FIRST - (
    _LETHAL
    | STRONG_VERBS
    | WEAK_VERBS
    | PASSIVE
    | DEATH
    | WISH
    | {"destroy", "wipe", "exterminate", "kick", "let", "want", "wanna", "love", "death"}
)


_PERSON_OR_GROUP = PERSON_OBJECTS | GROUPS


def _imperative_target(text: Normalized, i: int, after: list[str], case: Case) -> bool:
    """The words after an imperative verb name people: a group, a capitalised
    name, or a determiner leading to a group/people noun within three words."""
    first = after[0]
    if first in GROUPS or first in IDENTITY_ADJ:
        return True
    if first in _TARGET_WORDS:
        return any(x in GROUPS or x in IDENTITY_ADJ or x in _PEOPLE_NOUNS for x in after[1:4])
    if first.isalpha() and i + 1 < len(text.words):
        # A capitalised name (not a shouted word): "execute Smith".
        return text.words[i] in _LETHAL and first not in _COMMON_CAPS and case(text, i + 1)
    return False


_OUT_OFF = frozenset(("out", "off"))
# Objects of an imperative "kill them all", "shoot him".
_IMPERATIVE_OBJECTS = frozenset("them em him her all every these those".split())
# Words that make "to kill all X" a report about someone else's plan.
_NARRATED = REPORTED | frozenset("they he she plan plans planning wanted".split())


def _group_target(after: list[str]) -> bool:
    """``after`` starts with an identity group, optionally behind "all/every/these"."""
    k = 0
    while k < 2 and k < len(after) and after[k] in ("all", "every", "these", "those", "the"):
        k += 1
    return k < len(after) and (after[k] in GROUPS or (after[k] in IDENTITY_ADJ and k + 1 < len(after)))


def _intent(before: list[str]) -> float:
    """Score of the modal context before a verb (0 when none)."""
    # (set tests in C: ``not S.isdisjoint(xs)`` is ``bool(set(xs) & S)``;
    # most verbs have none of these words before them: one test.)
    if _MODAL_WORDS.isdisjoint(before) or not REPORTED.isdisjoint(before):
        return 0.0
    if not FIRST_INTENT.isdisjoint(before):
        return 0.9
    if not FIRST_SUBJECTS.isdisjoint(before) and not INTENT_MARKERS.isdisjoint(before):
        return 0.9
    if not INCITE_MARKERS.isdisjoint(before):
        return 0.8
    return 0.0


_MODAL_WORDS = FIRST_INTENT | FIRST_SUBJECTS | INCITE_MARKERS


_CLAUSE_CHARS = frozenset('.!?;:\n"')


_CLAUSE_OPENERS = frozenset("just lets let's and so please go".split())


def _at_clause_start(text: Normalized, i: int) -> bool:
    if i == 0:
        return True
    # (the word before first: no gap to slice out; ``text.gap(i)`` sliced
    # here, three method calls fewer)
    if text.words[i - 1] in _CLAUSE_OPENERS:
        return True
    starts, ends = text._bounds
    return not _CLAUSE_CHARS.isdisjoint(text.norm[ends[i - 1] : starts[i]])


def _kindly(after: list[str]) -> bool:
    """ "kill them with kindness" """
    # (Most verbs have no "with" after them: one C-level test rules them out.)
    return "with" in after[:4] and any(a == "with" and b in _KINDLY for a, b in zip(after[:4], after[1:5]))


def _thing_subject(words: list[str], j: int) -> bool:
    """The subject before the modal in front of word ``j`` is a thing."""
    for k in range(j - 1, max(-1, j - 6), -1):
        w = words[k]
        if w in INCITE_MARKERS or w in ("to", "all", "just", "really", "also", "be"):
            continue
        # "scum like this should be shot": "this" stands for people.
        return w in _THINGS and not (w in ("this", "that") and k > 0 and words[k - 1] == "like")
    return False


def _occurrence(text: Normalized, i: int, case: Case, menace_firsts: frozenset[str]) -> list[Call]:
    """The ``spans.add`` calls (in order) that trigger word ``i`` makes.

    Reads no further than ``_REACH`` (words before, words after) of its
    word (gaps included) and, of the original text, only whether word
    ``i + 1`` is capitalised (asked of ``case``): ``threat_shapes.replay``
    keys its memo on exactly these.
    """
    words = text.words
    n = len(words)
    w = words[i]
    if w in _WEAK_ONLY and _PERSON_OR_GROUP.isdisjoint(words[i + 1 : i + 4]):
        return []  # "the end of it", "hit the road": nothing below can match
    found: list[Call] = []
    add = found.append
    # Fixed menacing phrases.
    if w in menace_firsts:
        phrase = match_phrase(words, i, _MENACE_INDEX)
        if phrase:
            last = i + len(phrase) - 1
            if phrase in _NEEDS_GROUP:
                # "send all gays to hell", "get rid of all immigrants".
                if last + 1 < n and (words[last + 1] in GROUPS or words[last + 1] in IDENTITY_ADJ):
                    add((i, last + 1, 0.7, "threat.incitement"))
            else:
                add((i, last, _MENACE_SCORE.get(phrase, 0.85), "threat.menace"))
        if w in _MENACE_ONLY:
            return found
    before = words[i - 5 : i] if i >= 5 else words[:i]
    after = words[i + 1 : i + 5]
    if (
        w in _LETHAL
        and before
        and before[-1] == "to"
        and after
        and _NARRATED.isdisjoint(before)
        and _NEGATIONS.isdisjoint(before[-3:])
        and _group_target(after)
    ):
        # "the right to kill all gays", "we need to exterminate these X".
        add((i - 1, min(n - 1, i + len(after[:3])), 0.7, "threat.incitement"))
        return found
    # (``after`` holds at most four words: ``after[:4]`` is ``after``.)
    kicked_out = w == "kick" and not _OUT_OFF.isdisjoint(after)
    if kicked_out:
        # "kick them out (of the country)": removal, judged by threat_shapes.
        aimed = False
    elif (
        (w in STRONG_VERBS or w in WEAK_VERBS)
        and not _PERSON_OR_GROUP.isdisjoint(after[:3])  # a person object
        and ("with" not in after or not _kindly(after))
    ):
        aimed = True
        if w in WEAK_VERBS and COMPLEMENTS.isdisjoint(after):
            # "I'm going to end you": only with first-person intent
            # aimed at the reader.
            aimed = bool(after and after[0] in SECOND_PERSON and _intent(before) >= 0.9)
    else:
        aimed = False
    if aimed:
        if before and before[-1] == "to" and len(before) > 1 and before[-2] in REPORTED:
            return found
        score = _intent(before)
        # Imperative: "kill them all", "shoot him" (the object before the
        # clause test: it rules out most words at once).
        if score == 0.0 and after and after[0] in _IMPERATIVE_OBJECTS and _at_clause_start(text, i):
            score = 0.7
        if score:
            second = not SECOND_PERSON.isdisjoint(after[:3])
            add((i, min(n - 1, i + 2), min(1.0, score + (0.05 if second else 0.0)), "threat.intent"))
        return found
    if kicked_out:
        return found
    if (w in STRONG_VERBS or w in ("destroy", "wipe", "exterminate")) and after and _at_clause_start(text, i):
        # Imperative aimed at a group or a named person: "nuke the
        # entire country", "destroy islam", "execute Smith".
        if _imperative_target(text, i, after, case):
            add((i, min(n - 1, i + len(after[:3])), 0.65, "threat.incitement"))
        return found
    if w in PASSIVE and before and before[-1] in ("shoulda", "should've", "coulda") and REPORTED.isdisjoint(before):
        add((i - 1, i, 0.65, "threat.incitement"))
        return found
    if (
        w == "death"
        and before
        and before[-1] == "to"
        and after
        and (after[0] in PERSON_OBJECTS or after[0] in GROUPS or after[0] in ("all", "the"))
    ):
        add((i - 1, i + 1, 0.75, "threat.incitement"))
        return found
    if w in PASSIVE:
        # "should be shot", "deserve to be hanged", "need to be killed",
        # "should all be publicly hanged".
        j = i - 1
        while j > i - 4 and j >= 0 and (words[j] in _PASSIVE_FILLER or words[j].endswith("ly")):
            j -= 1
        if j >= 1 and words[j] in ("be", "get", "b") and set(words[max(0, j - 3) : j]) & INCITE_MARKERS:
            if not set(words[max(0, j - 5) : j]) & REPORTED and not _thing_subject(words, j) and after[:1] != ["down"]:
                add((j - 1, i, 0.75, "threat.incitement"))
        return found
    if w in DEATH and w in ("die", "dies", "dead"):
        # "you should die", "deserve to die", "must die", "needs to die".
        if not INCITE_MARKERS.isdisjoint(before[-3:]) and REPORTED.isdisjoint(before):
            if "should" in before[-3:] and before[-1] == "not":
                return found
            add((max(0, i - 2), i, 0.75, "threat.incitement"))
        return found
    if w == "let" and len(after) >= 2 and after[0] in _LET_OBJECTS and after[1] in _LET_HARM:
        # "let him die", "let them rot".
        if _NEGATIONS.isdisjoint(before[-2:]):
            add((i, i + 2, 0.65, "threat.incitement"))
        return found
    if w in ("want", "wanna", "love"):
        # "I want to see them die", "would love to watch them burn".
        see = [j for j, x in enumerate(after[:3]) if x in _SEE]
        if see and _NEGATIONS.isdisjoint(before[-3:]):
            rest = after[see[0] + 1 : see[0] + 5]
            harm = [j for j, x in enumerate(rest) if x in WISH_HARM]
            if harm:
                add((i, i + see[0] + 2 + harm[0], 0.7, "threat.wish"))
        return found
    if w in WISH:
        harm = [j for j, x in enumerate(after[:5]) if x in WISH_HARM]
        if harm and not (set(after[:5]) & {"not", "nobody", "no", "anyone", "anybody"}):
            # "hope you die", "wish he was dead", "hope they all get shot".
            target = set(after[: harm[0]])
            if target & (PERSON_OBJECTS | {"he", "she", "they", "he's", "she's", "they're", "you're"}) or harm[0] <= 1:
                add((i, i + 1 + harm[0], 0.8, "threat.wish"))
    return found


def _menace_reach(w: str) -> int:
    """Words after ``w`` that its menace phrases read (the longest phrase,
    and the group after a phrase that needs one)."""
    return max((len(p) - 1 + (p in _NEEDS_GROUP) for p in MENACE if p[0] == w), default=0)


# How far ``_occurrence`` reads around a word: four words after it (five
# for the longest menace phrases) and five before it, ten for a passive
# participle (back through "should all be" to the subject before them).
_REACH = {w: (10 if w in PASSIVE else 5, max(4, _menace_reach(w))) for w in _WORD_TRIGGERS | _MENACE_FIRST}


# The rules each word's examination in ``_occurrence`` can call (what
# ``CappedAdd`` settles words by), branch by branch: a menace phrase, or
# one that needs a group ("send all", "get rid of all": incitement); a
# lethal infinitive, an imperative, a passive, "to death", "should die",
# "let him die" (incitement); a verb aimed at a person (intent); "want to
# see them die", "hope you die" (wish).
_INCITING = (
    {phrase[0] for phrase in _NEEDS_GROUP}
    | _LETHAL
    | STRONG_VERBS
    | PASSIVE
    | DEATH
    | {"destroy", "wipe", "exterminate", "let"}
)
_RULES = {
    w: frozenset(
        rule
        for rule, words in (
            ("threat.menace", _MENACE_FIRST),
            ("threat.incitement", _INCITING),
            ("threat.intent", STRONG_VERBS | WEAK_VERBS),
            ("threat.wish", WISH | {"want", "wanna", "love"}),
        )
        if w in words
    )
    for w in _WORD_TRIGGERS | _MENACE_FIRST
}


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    menace_firsts = _MENACE_INDEX.firsts(text)
    hits = (text.wordset & _WORD_TRIGGERS) | menace_firsts
    spans = WordSpanFindings(text, "threat")
    if hits:
        replay(text, hits, _REACH, _occurrence, menace_firsts, CappedAdd(spans, _RULES, hits))
    threat_shapes.run(text, spans)
    return spans.findings
