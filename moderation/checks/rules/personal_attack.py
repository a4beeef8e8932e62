"""Personal attacks: insults aimed at a person.

An insulting word is only an attack when it is aimed at someone, so the rule
looks for a target next to it (word windows, linear):

* direct address -- "you idiot", "you stupid moron", "you're pathetic",
  "@name is a clown", "your idiotic comments" (lower score), "people like
  you ... pathetic";
* predicate about a person or group of people -- "the author is a moron",
  "he is an idiot", "Smith is clueless", "liberals are idiots".
  Adjectives ("stupid", "clueless") need a person subject; "this idea is
  stupid" or "that's dumb" criticise ideas, which the guidelines welcome;
* exclamations that imply a target -- "what an idiot", "such a loser";
* dismissive formulas -- "shut up", "screw you", "fuck you", "go to hell",
  "get a life", "nobody asked you".

Between an article and an insult noun any modifier may stand ("a born
loser", "a revenge-hungry simpleton"); words guessed to be modifiers from
their suffix only count after an article, so "is treating idiots" is not a
predicate.  Two-word insults ("dumb ass", "piece of shit") and compounds
("fuckface", "libtard") count as strong insult nouns.  Mild adjectives
("rude", "terrible") score lower.

Self-deprecation ("I'm an idiot", "we were fools") is not an attack.
"""

from __future__ import annotations

from ..normalize import Normalized, register_triggers
from ..values import CheckContext, Finding
from . import WordSpanFindings, match_phrase, phrase_index

_NOUNS = """
    idiot moron imbecile fool loser retard dumbass jackass asshole arsehole
    scumbag clown hypocrite liar coward degenerate cretin dimwit halfwit nitwit
    twit dolt buffoon jerk bigot dickhead prick cunt twat wanker tosser bastard
    bitch whore slut skank douche douchebag shithead fuckwit fucker
    motherfucker dipshit numbskull bonehead blockhead dunce pervert creep
    weirdo freak psycho lunatic maniac nutjob nutcase troll shill traitor
    parasite vermin pig swine rat snake sheep sheeple puppet scum trash garbage
    filth hack simpleton ignoramus nincompoop dork dweeb muppet plonker git
    wimp crybaby snowflake libtard fascist commie racist sexist nazi turd
    disgrace joke failure clown buffoon toddler child baby dummy dope
    airhead pinhead bozo chump sucker imbecil idoit idiots moronic tard
    cuck simp incel loon crook thug savage animal beast monster hypocrit
    dumbfuck dumbshit shitbag scumbucket asswipe butthead knobhead bellend
    pillock prat sod ass arse dick cock pussy wuss
    bully bullies hillbilly redneck inbred lowlife weasel slob hag sicko
    nutter wacko whacko crackpot moonbat wingnut fraud phony phoney liar
    lackey stooge bootlicker sellout hater idiota hoser hoe skank
    fag faggot homo tramp harlot perv pedo pedophile coward deadbeat
    leech bum bimbo dimwit dingbat nutjob freeloader grifter
    conman charlatan menace disgrace scoundrel villain sucker suckers
"""
NOUNS = frozenset(_NOUNS.split()) | frozenset(w + "s" for w in _NOUNS.split()) | frozenset(
    "sheeple scum trash garbage filth vermin swine dummies bitches asses wusses pussies".split()
)
# Nouns that are insults only when said TO someone, not about things.
_WEAK_NOUNS = frozenset("joke failure child baby toddler animal beast monster trash garbage sheep pig rat snake".split())

_ADJECTIVES = """
    stupid dumb idiotic moronic ignorant pathetic brainless clueless worthless
    useless disgusting ugly fat retarded braindead delusional incompetent
    insane crazy deranged demented senile illiterate uneducated dense dim
    dumber dumbest stupidest creepy filthy vile despicable evil sick twisted
    spineless gutless gullible childish hypocritical dishonest arrogant
    mental nuts lazy hateful bigoted pitiful laughable clueless unhinged
    mindless witless gormless thick ignorent stoopid stupidity
    dumbass shameless contemptible repulsive pea-brained
    unintelligent stupider stupidest dumbest idiotic imbecilic moronic
    whiny petulant brainwashed naive ignorance narrow-minded small-minded
    closed-minded dimwitted half-witted feeble-minded nasty rude terrible
    horrible awful vile loathsome obnoxious insufferable smug spineless
    cowardly gutless wimpy miserable pitiful laughable ridiculous
    clownish hysterical paranoid psychotic batshit loony nutty wacky
    worthless shitty crappy lousy sleazy slimy creepy dishonest deceitful
"""
ADJECTIVES = frozenset(_ADJECTIVES.split())
# Said of a person these are rude rather than abusive: lower score.
MILD_ADJECTIVES = frozenset(
    "terrible horrible awful rude nasty miserable ridiculous laughable paranoid hysterical naive crazy".split()
)

INTENSIFIERS = frozenset(
    """
    a an the such so total complete absolute utter real fucking fuckin
    freaking frigging bloody damn damned little big old stupid dumb pathetic
    ignorant lying worthless disgusting sick fat ugly just really very truly
    such typical another one biggest greatest most huge massive certified
    clueless brainless self-righteous arrogant useless piece of
    """.split()
)
SECOND = frozenset("you u ya ye yall y'all youre you're ur yourself".split())
THIRD = frozenset("he she they he's she's they're hes shes theyre him her them".split())
COPULAS = frozenset(
    """
    is are was were be being been am 's 're r sound sounds sounded look looks
    seem seems act acts acting talk talks like become became remain
    """.split()
)
# Subjects that make a predicate about a thing, not a person.
THING_SUBJECTS = frozenset(
    """
    it this that which what there here its it's that's thats this's what's
    whats idea plan policy article story law bill decision move argument
    comment post claim point question thing things system
    """.split()
)
SELF = frozenset("i i'm im me we we're were us myself ourselves".split())
PERSON_NOUNS = frozenset(
    """
    author writer reporter journalist editor columnist guy man woman person
    people dude girl boy president minister leader mayor governor senator
    politician politicians officials commenter poster user
    liberals conservatives democrats republicans leftists rightwingers
    lefties righties libs dems trumpers voters supporters fans followers men
    women guys folks kids everyone everybody anyone idiot moron he she they
    """.split()
)

DISMISSIVE = tuple(
    tuple(p.split())
    for p in (
        "shut up",
        "shut your mouth",
        "shut ur mouth",
        "shut the fuck up",
        "shut the hell up",
        "stfu",
        "screw you",
        "fuck you",
        "fuck u",
        "fuck off",
        "fuck yourself",
        "f you",
        "f off",
        "eff off",
        "piss off",
        "bugger off",
        "sod off",
        "go to hell",
        "go fuck yourself",
        "get a life",
        "get a brain",
        "grow a brain",
        "nobody asked you",
        "no one asked you",
        "kiss my ass",
        "suck my dick",
        "eat shit",
        "up yours",
        "bite me",
        "you suck",
        "u suck",
        "you're full of shit",
        "you are full of shit",
        "your mom",
        "yo mama",
        "yo momma",
        "ur mom",
        "gfy",
        "stfu",
        "gtfo",
        "get the fuck out",
    )
)
_DISMISSIVE_INDEX = phrase_index(DISMISSIVE)
_DISMISSIVE_FIRST = frozenset(_DISMISSIVE_INDEX)
_DISMISSIVE_SCORE = {("grow", "up"): 0.4, ("get", "lost"): 0.5, ("your", "mom"): 0.5, ("your", "mother"): 0.4, ("ur", "mom"): 0.5, ("shut", "up"): 0.5, ("get", "a", "life"): 0.5}

# Two- and three-word insults used like one noun ("you dumb ass", "what a
# piece of shit").  They count as strong insults.
INSULT_PHRASES = tuple(
    tuple(p.split())
    for p in """
    dumb ass|dumb asses|jack ass|ass hole|ass holes|dick head|dick heads|
    piece of shit|piece of crap|piece of garbage|piece of trash|piece of work|
    pos|waste of space|waste of oxygen|waste of skin|waste of air|
    waste of humanity|waste of a human|nut job|nut jobs|low life|low lifes|
    scum bag|scum bags|douche bag|douche bags|sack of shit|son of a bitch|
    sons of bitches|mother fucker|mother fuckers|low iq|no brain|no brains|
    brain dead|pea brain|bird brain|bottom feeder|bottom feeders
    """.replace("\n", " ").split("|")
)
_INSULT_PHRASE_INDEX = phrase_index(INSULT_PHRASES)
_INSULT_PHRASE_FIRST = frozenset(_INSULT_PHRASE_INDEX)

# Compound insults: a profane or "dumb" stem plus a body/person part
# ("fuckface", "shitstain", "asshat") or a political stem plus "-tard"
# ("libtard").  Enumerated once so matching stays a set intersection.
_STEMS = "fuck shit dick ass arse cunt douche twat cock dumb butt scum knob piss turd".split()
_ENDS = """face faces head heads hat hats wad wads bag bags stain stains
    nugget nuggets wit wits brain brains tard tards weasel weasels clown
    clowns hole holes muncher munchers sucker suckers licker lickers goblin
    goblins rag rags bucket buckets wipe wipes""".split()
_POLITICAL = "lib libs libe demo dem rethug repub con trump obama hillary libi lefti lefty righty commie".split()
COMPOUNDS = frozenset(a + b for a in _STEMS for b in _ENDS) | frozenset(
    a + b for a in _POLITICAL for b in ("tard", "tards", "turd", "turds", "idiot", "idiots")
) | frozenset("fucktard fucktards retard retards".split())

# Insult nouns with no innocent reading: count even without a visible
# target (a reply "Idiot." targets the person replied to).
STRONG_NOUNS = frozenset(
    """
    idiot idiots moron morons imbecile imbeciles cretin cretins dumbass
    dumbasses jackass jackasses asshole assholes arsehole scumbag scumbags
    dipshit dickhead dickheads shithead shitheads fuckwit douchebag
    douchebags retard retards nitwit halfwit dimwit numbskull nincompoop
    ignoramus dumbfuck shitbag asswipe libtard libtards motherfucker
    motherfuckers fucktard lowlife fucker fuckers bitch cunt twat prick
    wanker tosser
    """.split()
) | COMPOUNDS
PROFANE = frozenset(
    """
    fuck fucking fuckin fucked fucker fuckers shit shitty bitch bitches ass
    asshole dick cunt twat bastard motherfucker motherfucking whore slut
    pussy prick crap damn piss hoe hoes
    """.split()
)
_ADDRESS = frozenset("you u ya ye yall y'all youre you're yourself".split())

NOUNS = NOUNS | COMPOUNDS
_WORD_TRIGGERS = NOUNS | ADJECTIVES | PROFANE
register_triggers(_WORD_TRIGGERS | _DISMISSIVE_FIRST | _INSULT_PHRASE_FIRST)
# Words that may stand between an article and an insult noun without
# changing who is meant: "a born moron", "a revenge-hungry simpleton".
_ADJ_SUFFIXES = ("y", "ic", "ous", "ful", "less", "ish", "ed", "ing", "al", "ive", "ble", "est", "er", "ant", "ent")
_CLAUSE_BREAK = frozenset(".!?;\n")


def _is_name(text: Normalized, j: int) -> bool:
    """Word ``j`` is capitalised (a name) or an @mention."""
    s, e = text.span(*text.word_span(j, j))
    original = text.original
    if s > 0 and original[s - 1] == "@":
        return True
    word = original[s:e]
    if not word[:1].isupper() or word.isupper() and len(word) > 3:
        return False
    # A capital after a sentence end is just the start of a sentence.
    gap = text.gap(j)
    return j > 0 and not any(c in gap for c in ".!?\n")


def _subject_kind(text: Normalized, j: int) -> str | None:
    """Classify the subject word at index ``j``: second/third/person/thing/self."""
    if j < 0:
        return None
    w = text.words[j]
    if w in SECOND:
        return "second"
    if w in SELF:
        return "self"
    if w in THING_SUBJECTS:
        return "thing"
    if w in THIRD:
        return "third"
    if w in PERSON_NOUNS or w in NOUNS:
        return "person"
    if _is_name(text, j):
        return "person"
    return "other"


# Words after which an insult word has another meaning: "a sucker for
# sweets", "a joke about", "a fool for love".
_NOT_AN_INSULT = {
    "sucker": frozenset("for".split()),
    "suckers": frozenset("for".split()),
    "fool": frozenset("for".split()),
    "joke": frozenset("about of".split()),
}
# Insult nouns that also modify another noun ("trash talk", "a redneck
# convoy", "pig farm"): followed by one of these they describe a thing.
_ATTRIBUTIVE = frozenset("trash garbage redneck hillbilly pig pigs rat snake clown animal beast monster baby child joke troll".split())
_MODIFIED = frozenset(
    """
    talk talking food truck trucks can cans bag bags bin bins day pickup
    convoy party parties farm farms farmer farmers race races shelter
    poison population show shows car cars music movie movies factory
    account accounts farms feed seat seats sitter steps step shower
    care clothes food formula boom bump fever king queen version
    """.split()
)
# "you like trash", "they like idiots": "like" right after a subject is the verb.
_LIKE_SUBJECTS = frozenset("you u i we they he she people".split())
# Person nouns an insulting adjective turns into an epithet ("stupid woman").
_EPITHET_PEOPLE = frozenset(
    """
    man woman men women guy guys person people dude girl boy lady bloke
    liberal liberals conservative conservatives democrat democrats
    republican republicans leftist leftists lefty lefties politician
    politicians senator senators president author writer journalist reporter
    creature fool fools
    """.split()
)
_ARTICLES = frozenset("a an such one total complete absolute utter real true typical another the".split())
_SECOND_SUBJECT = frozenset("you u ya ye yall y'all youre you're ur".split())
_POSSESSIVE = frozenset("your ur yer".split())


def _is_modifier(word: str) -> bool:
    """Could stand between an article and a noun ("a born moron")."""
    return (
        word in INTENSIFIERS or word in ADJECTIVES or "-" in word
        or (len(word) > 3 and word.endswith(_ADJ_SUFFIXES))
    )


def _clause(text: Normalized, first: int, last: int, before: int, after: int) -> tuple[int, int]:
    """Word range ``[lo, hi)`` around ``first..last``, clipped at sentence breaks."""
    lo = first
    while lo > 0 and first - lo < before and not any(c in _CLAUSE_BREAK for c in text.gap(lo)):
        lo -= 1
    hi = last + 1
    n = len(text.words)
    while hi < n and hi - last <= after and not any(c in _CLAUSE_BREAK for c in text.gap(hi)):
        hi += 1
    return lo, hi


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    dismissive_firsts = _DISMISSIVE_INDEX.firsts(text)
    insult_firsts = _INSULT_PHRASE_INDEX.firsts(text)
    hits = (text.wordset & _WORD_TRIGGERS) | dismissive_firsts | insult_firsts
    if not hits:
        return []
    words = text.words
    n = len(words)
    spans = WordSpanFindings(text, "personal_attack")
    add = spans.add

    for i in text.indices(hits):
        w = words[i]
        nxt = words[i + 1] if i + 1 < n and not any(c in _CLAUSE_BREAK for c in text.gap(i + 1)) else ""
        if w in dismissive_firsts:
            phrase = match_phrase(words, i, _DISMISSIVE_INDEX)
            if phrase:
                add(i, i + len(phrase) - 1, _DISMISSIVE_SCORE.get(phrase, 0.7), "personal_attack.dismissive")
        last = i
        strong = w in STRONG_NOUNS
        is_noun = w in NOUNS
        if w in insult_firsts:
            phrase = match_phrase(words, i, _INSULT_PHRASE_INDEX)
            if phrase:
                last, strong, is_noun = i + len(phrase) - 1, True, True
        if w in PROFANE and last == i:
            # Profanity addressed to someone: "you fucking ...", "your ass".
            lo, hi = _clause(text, i, i, 4, 4)
            near = words[lo:hi]
            if any(x in _ADDRESS or x in _POSSESSIVE for x in near) and not any(x in SELF for x in words[max(lo, i - 2):i]):
                add(i, i, 0.55, "personal_attack.profane_address")
        if not is_noun and w not in ADJECTIVES:
            continue
        if last == i and (nxt in _NOT_AN_INSULT.get(w, ()) or (w in _ATTRIBUTIVE and nxt in _MODIFIED)):
            # "a sucker for chocolate", "trash talk", "a redneck convoy".
            continue
        mild = w in MILD_ADJECTIVES
        if mild and nxt in ("at", "with"):
            # "you're terrible at chess": a judgement of a skill.
            continue
        # Walk back over modifiers to the word that governs the insult.
        j = i - 1
        walked: list[str] = []
        while j >= 0 and i - j <= 4:
            x = words[j]
            if is_noun:
                ok = _is_modifier(x)
            else:
                ok = x in INTENSIFIERS or (x.endswith("ly") and len(x) > 4)
            if not ok or any(c in _CLAUSE_BREAK for c in text.gap(j + 1)):
                break
            walked.append(x)
            j -= 1
        if walked and is_noun and not (set(walked) & _ARTICLES) and any(x not in INTENSIFIERS for x in walked):
            # "is treating idiots": modifiers guessed from suffixes need an
            # article to be trusted as part of the noun phrase.
            j, walked = i - 1, []
        head = words[j] if j >= 0 else ""
        negated = "not" in walked or head == "not" or head.endswith("n't")
        # "you idiot", "you stupid moron", "you're a clown", "you're pathetic".
        if head in SECOND and head != "yourself" and not negated:
            if is_noun or head in _SECOND_SUBJECT - {"you", "u", "ya", "ye"} or (
                i + 1 < n and j == i - 1 and words[i + 1] not in COPULAS
            ):
                add(j, last, 0.5 if mild else 0.8, "personal_attack.direct")
                continue
        # "your idiotic views", "your stupidity": aimed at the reader's words.
        if head in _POSSESSIVE and not negated:
            add(j, last, 0.45, "personal_attack.direct")
            continue
        # "what an idiot", "such a loser".
        if (head in ("what", "such") or "such" in walked) and is_noun and w not in _WEAK_NOUNS:
            if not (head in SELF or (j > 0 and words[j - 1] in SELF)):
                add(max(j, 0), last, 0.6, "personal_attack.exclamation")
            continue
        # Predicate: SUBJECT COPULA [modifiers] INSULT.
        if head in COPULAS or head.endswith(("'s", "'re")):
            if head.endswith(("'s", "'re")) and head not in COPULAS:
                subject = _subject_kind_word(head.split("'")[0])
                k = j
            else:
                k = j - 1
                # "sound like", "look like": step back once more.  Without
                # a copula before it "like" is the verb ("if you like trash").
                if head == "like":
                    if k >= 0 and words[k] in COPULAS:
                        k -= 1
                    elif k >= 0 and words[k] in _LIKE_SUBJECTS:
                        continue
                while k >= 0 and words[k] in ("so", "really", "just", "all", "both", "always", "truly", "clearly", "obviously", "not"):
                    k -= 1
                subject = _subject_kind(text, k)
            if subject in (None, "self", "thing"):
                continue
            if negated or "not" in words[max(0, j - 2):i]:
                continue
            if subject == "other" and not is_noun:
                continue
            if is_noun and w in _WEAK_NOUNS and subject not in ("second",):
                continue
            score = {"second": 0.8, "third": 0.6, "person": 0.6, "other": 0.5}[subject]
            if mild:
                score -= 0.2
            first = max(0, k) if k >= 0 else j
            add(first, last, score, "personal_attack.predicate")
            continue
        # "Stupid woman.", "that pathetic senator": an insulting adjective
        # on a person noun, said as an exclamation or with a demonstrative.
        if not is_noun and not mild and nxt in _EPITHET_PEOPLE and (
            head in ("this", "that", "these", "those", "what") or _clause_start(text, i)
        ) and not any(x in SELF for x in words[max(0, i - 2):i]):
            add(max(j, 0) if head in ("this", "that", "these", "those", "what") else i, i + 1, 0.55, "personal_attack.epithet")
            continue
        # "are you stupid?", "bludgers like you", "you must be blind and stupid".
        lo, hi = _clause(text, i, last, 6, 4)
        window = words[lo:hi]
        if (
            not mild
            and any(x in _ADDRESS for x in window)
            and not any(x in SELF for x in window)
            and "not" not in window
            and w not in _WEAK_NOUNS
        ):
            add(i, last, 0.55, "personal_attack.near_address")
            continue
        if strong and not any(x in SELF for x in words[max(0, i - 3):i]):
            add(i, last, 0.5, "personal_attack.insult_word")
    return spans.findings


def _clause_start(text: Normalized, i: int) -> bool:
    return i == 0 or any(c in _CLAUSE_BREAK for c in text.gap(i))


def _subject_kind_word(w: str) -> str | None:
    if w in ("you", "u", "ya", "ye", "yall", "y'all"):
        return "second"
    if w in ("he", "she", "they", "who"):
        return "third"
    if w in ("i", "we"):
        return "self"
    if w in ("it", "that", "this", "what", "there", "here", "which"):
        return "thing"
    return "person" if w in PERSON_NOUNS else "other"
