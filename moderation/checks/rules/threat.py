"""Threats: intent or wish of violence against a person or group.

News comments talk about violence all the time ("the strikes killed
civilians", "militias targeted US troops"), so a violent word alone is never
a finding.  A threat needs one of these shapes (all matched on word tokens
inside a short window, so the rule is linear):

* intent -- a first-person subject with a future/volitional marker before a
  violent verb aimed at a person: "I will find you and hurt you",
  "I'm gonna kill him";
* incitement -- "someone should shoot him", "they must all be hanged",
  "kill them all", "let's burn them", "X deserve(s) to die";
* wish -- "hope you die", "wish he was dead", "die in a fire", "kys",
  "rot in hell";
* menace -- fixed phrases such as "we know where you live",
  "watch your back", "your days are numbered".

Reported speech is skipped ("threatened to kill", "vowed to destroy"), and
the verb must be a base form (past tense is narrative), except in passive
wishes ("should be shot").  Ambiguous verbs ("beat", "hit", "destroy",
"crush") only count with a violent complement ("beat you to death",
"beat the shit out of").
"""

from __future__ import annotations

from ..normalize import Normalized
from ..values import CheckContext, Finding
from . import WordSpanFindings, match_phrase, phrase_index
from .abuse import GROUPS

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
    eradicated annihilated beaten
    """.split()
)
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
    stabbed tortured beaten
    """.split()
)
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
    )
)
_MENACE_INDEX = phrase_index(MENACE)
_MENACE_FIRST = frozenset(_MENACE_INDEX)
_MENACE_SCORE = {("go", "die"): 0.7, ("rot", "in", "hell"): 0.5, ("burn", "in", "hell"): 0.5}

_TRIGGERS = STRONG_VERBS | WEAK_VERBS | PASSIVE | DEATH | WISH | _MENACE_FIRST


def _window(words: list[str], i: int, before: int, after: int) -> tuple[list[str], list[str]]:
    return words[max(0, i - before):i], words[i + 1:i + 1 + after]


def _has_person_object(after: list[str]) -> bool:
    for w in after[:3]:
        if w in PERSON_OBJECTS or w in GROUPS:
            return True
    return False


def _intent(before: list[str]) -> float:
    """Score of the modal context before a verb (0 when none)."""
    if any(w in REPORTED for w in before):
        return 0.0
    joined = set(before)
    if joined & FIRST_INTENT:
        return 0.9
    if joined & FIRST_SUBJECTS and joined & INTENT_MARKERS:
        return 0.9
    if joined & INCITE_MARKERS:
        return 0.8
    return 0.0


def _at_clause_start(text: Normalized, i: int) -> bool:
    if i == 0:
        return True
    gap = text.gap(i)
    return any(c in gap for c in ".!?;:\n\"") or text.words[i - 1] in ("just", "lets", "let's", "and", "so", "please", "go")


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    words = text.words
    if not (text.wordset & _TRIGGERS):
        return []
    spans = WordSpanFindings(text, "threat")
    add = spans.add
    n = len(words)

    for i in text.indices(_TRIGGERS):
        w = words[i]
        # Fixed menacing phrases.
        if w in _MENACE_FIRST:
            phrase = match_phrase(words, i, _MENACE_INDEX)
            if phrase:
                add(i, i + len(phrase) - 1, _MENACE_SCORE.get(phrase, 0.85), "threat.menace")
        before, after = _window(words, i, 5, 4)
        if w in STRONG_VERBS or w in WEAK_VERBS:
            if w in WEAK_VERBS and not (set(after[:5]) & COMPLEMENTS):
                # "I'm going to end you": only with first-person intent
                # aimed at the reader.
                if not (after[:1] and after[0] in SECOND_PERSON and _intent(before) >= 0.9):
                    continue
            if not _has_person_object(after):
                continue
            if before and before[-1] in ("to",) and len(before) > 1 and before[-2] in REPORTED:
                continue
            score = _intent(before)
            if score == 0.0 and _at_clause_start(text, i) and after[:1] != ["it"]:
                # Imperative: "kill them all", "shoot him".
                if after and after[0] in ("them", "em", "him", "her", "all", "every", "these", "those"):
                    score = 0.7
            if score:
                second = bool(set(after[:3]) & SECOND_PERSON)
                add(i, min(n - 1, i + 2), min(1.0, score + (0.05 if second else 0.0)), "threat.intent")
            continue
        if w in PASSIVE and before and before[-1] in ("shoulda", "should've", "coulda") and not set(before) & REPORTED:
            add(i - 1, i, 0.65, "threat.incitement")
            continue
        if w == "death" and before[-1:] == ["to"] and after and (after[0] in PERSON_OBJECTS or after[0] in GROUPS or after[0] in ("all", "the")):
            add(i - 1, i + 1, 0.75, "threat.incitement")
            continue
        if w in PASSIVE:
            # "should be shot", "deserve to be hanged", "need to be killed".
            if len(before) >= 2 and before[-1] in ("be", "get", "b") and set(before[-4:]) & INCITE_MARKERS:
                if not set(before) & REPORTED:
                    add(i - 2, i, 0.75, "threat.incitement")
            continue
        if w in DEATH and w in ("die", "dies", "dead"):
            # "you should die", "deserve to die", "must die", "needs to die".
            if set(before[-3:]) & INCITE_MARKERS and not set(before) & REPORTED:
                if "should" in before[-3:] and before[-1] == "not":
                    continue
                add(max(0, i - 2), i, 0.75, "threat.incitement")
            continue
        if w in WISH:
            harm = [j for j, x in enumerate(after[:5]) if x in WISH_HARM]
            if harm and not (after[:1] and after[0] in ("not", "nobody", "no")):
                # "hope you die", "wish he was dead", "hope they all get shot".
                target = set(after[:harm[0]])
                if target & (PERSON_OBJECTS | {"he", "she", "they", "he's", "she's", "they're", "you're"}) or harm[0] <= 1:
                    add(i, i + 1 + harm[0], 0.8, "threat.wish")
    return spans.findings
