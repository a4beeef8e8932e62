"""Abuse: identity-based attacks (sexism, racism, homophobia, xenophobia,
religious hatred).

Two mechanisms:

* slurs -- words and two-word phrases ("white trash") whose only common use is to demean people for their race,
  ethnicity, nationality, religion, sex, gender or sexual orientation.  They
  count anywhere, with the leet/obfuscation-aware ``WordMatcher``.  Gendered
  insults ("bitch", "whore") and reclaimed words ("queer") score lower;
* degrading generalisations -- an identity group joined to a dehumanising
  or degrading predicate: "immigrants are vermin", "all Muslims are
  terrorists", "filthy Jews", "women are stupid", "send them back",
  "go back to your country", "Jews are lower class pigs" (up to two
  modifiers before the degrading word), "fuck gays".  Neutral or critical statements about groups
  ("Iranians are suffering", "the militias are terrorists") do not match,
  because the subject must be an identity group and the predicate must be
  on the degrading list;
* exclusion, dehumanisation and invasion said of a group (``_predicate_shape``):
  "X should all be deported", "X don't belong here", "X are not human",
  "X breed like rats", "X are invading our country", and an identity word
  right before a dehumanising noun ("muslim vermin"; colours only as
  "non-white", so "brown rats" stays clean).

Harmless readings of slur words ("honky tonk", Dutch "hoe") are skipped via
``senses.innocent``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import islice
from typing import Final

from .. import groups
from ..normalize import Normalized, register_triggers
from ..senses import innocent
from ..values import CheckContext, Finding
from ..wordmatch import WordMatcher
from . import MAX_PER_RULE, WordSpanFindings, finding, match_phrase, phrase_index
from .personal_attack import ADJECTIVES as _INSULT_ADJ
from .personal_attack import MILD_ADJECTIVES as _MILD_ADJ
from .personal_attack import NOUNS as _INSULT_NOUNS
from .personal_attack import STRONG_NOUNS as _STRONG_INSULTS

_SLURS = {
    0.9: """
        nigger niggers nigga niggas niggaz nigguh niggah nigg3r nigg4h niglet
        n1gger n1gga coon coons jigaboo jiggaboo chink chinks gook gooks spic
        spics spick wetback wetbacks beaner beaners kike kikes kyke hymie
        raghead ragheads towelhead towelheads sandnigger paki pakis wog wogs
        redskin redskins injun zipperhead chinaman wigger wiggers halfbreed
        faggot faggots fagot fagots fag fags faggit dyke dykes tranny trannies
        shemale poof poofs poofter sodomite sodomites lesbo lesbos muzzie
        muzzies mongoloid spastic gyppo pikey dago dagos wop wops polack
        nig nigs nicca niccas chinky jigga-boo porchmonkey jigaboos
        jiggaboos nigglet nigglets niggress darkie darkies darky
        sheboon sheboons dindu dindus groid groids shitskin shitskins
        mudshark mudsharks muzrat muzrats muslime muslimes mudslime
        mudslimes mooslim mooslims goatfucker goatfuckers currymuncher
        currymunchers pajeet pajeets dothead dotheads chingchong
        heeb heebs kikey troon troons trannie fudgepacker fudgepackers
        peckerwood peckerwoods halfbreeds honkey honkeys boong boongs
        mongrels
    """,
    # Multi-word slurs (matched across word boundaries, obfuscation-aware).
    0.85: """
        white_trash trailer_trash spear_chucker spear_chuckers border_hopper
        border_hoppers porch_monkey porch_monkeys anchor_baby anchor_babies
        sand_nigger jungle_bunny jungle_bunnies race_traitor race_traitors
        rag_head towel_head half_breed half_breeds ching_chong curry_muncher curry_munchers street_shitter
        street_shitters poo_in_loo oven_dodger oven_dodgers mud_people
        pillow_biter pillow_biters rug_muncher rug_munchers fudge_packer
        fudge_packers jungle_monkey jungle_monkeys dune_coon dune_coons
        slant_eye slant_eyes slant_eyed
    """,
    0.6: """
        negro negroes jap japs honky honkies whitey kraut krauts retard
        retards spaz homo homos lezzie lezbo queers cunt cunts femoid
        femoids roastie roasties shemales
    """,
    0.5: """
        bitch bitches whore whores slut sluts hoe hoes thot thots skank skanks
        queer twat twats hussy bimbo bimbos
    """,
}

GROUPS = groups.GROUP_NOUNS
IDENTITY_ADJ = groups.IDENTITY_ADJ
PEOPLE = groups.PEOPLE
_COLOURS = groups.COLOURS
HATE = frozenset("hate hates despise despises loathe loathes detest detests fuck deport ban expel".split())
# Determiners and intensifiers between a hate verb and its group.
_HATE_LINKS = frozenset("all the these those every fucking fuckin damn most".split())
DEGRADING_NOUNS = frozenset(
    """
    superior sick mentally mental disease diseased degenerate
    degenerates abomination abominations unnatural perverts perverted
    animals animal vermin savages savage subhuman subhumans scum cockroaches
    roaches rats parasites parasite filth disease cancer plague trash garbage
    rapists terrorists criminals pedophiles pedos paedophiles barbarians
    monkeys apes pigs dogs swine inferior inferiors filthy dirty stupid dumb
    evil disgusting barbaric primitive worthless lazy thieves breeders
    invaders infestation leeches retarded retards whores sluts bitches hoes
    property objects worms lice maggots insects subhuman idiots morons
    demonic satanic joke shit trash retarded cows goats pig monkey ape
    dog rat leeches degenerate degeneracy mongrels hypocrites liars
    illness disorder perversion sickness deviants deviant abnormal
    losers cowards crybabies freaks thugs murderers inbred backward
    uncivilized uncivilised dangerous threat menace burden scary creepy
    """.split()
)
# Nouns that deny people their humanity: right after an identity word they
# degrade the whole group ("muslim vermin", "non-white parasites").
DEHUMANISING = frozenset(
    """
    animals vermin savages subhumans subhuman scum cockroaches roaches rats
    parasites filth trash garbage monkeys apes pigs swine leeches lice
    maggots insects worms mongrels breeders invaders cockroach rat parasite
    ape monkey pig beasts
    """.split()
)
# "X should all be deported", "X need to be removed": exclusion of a group.
_MODALS = frozenset("should must need needs ought have has gotta".split())
_EXCLUDED = frozenset(
    """
    deported banned expelled removed sterilized sterilised exterminated
    eradicated eliminated segregated purged locked caged gassed shot hanged
    killed executed castrated kicked thrown sent rounded wiped
    """.split()
)
# "X are ruining our country", "X breed like rats".
_INVASION = frozenset(
    """
    invading infesting ruining destroying polluting infest invade ruin destroy
    pollute breed breeding multiply multiplying
    """.split()
)
_BELONG = frozenset("belong belongs".split())
_HUMAN = frozenset("human humans people persons".split())
DEGRADING_ADJ = frozenset(
    """
    filthy dirty stupid dumb disgusting smelly stinking lazy evil subhuman
    savage barbaric primitive inferior worthless damn fucking fuckin bloody
    nasty greedy sneaky violent ugly fat hideous vile gross retarded
    """.split()
)
_LINKS = frozenset(
    """
    are is r were all just nothing but a bunch of such so the like these
    those them basically literally simply truly really total complete
    itself themselves mostly generally always typically honestly
    """.split()
)
# Words that end the predicate: negation, comparison, a new clause.
_STOP_PREDICATE = frozenset(
    """
    not no never than who that which because but and or if when victims of
    with in on to for by from about at as he she it they i you we he's
    she's it's they're i'm you're we're left
    """.split()
)
# Hedges: "some Hispanics commit crimes", "not all Muslims ...".
_HEDGES = frozenset("some sometimes few certain".split())
_EXPULSION = tuple(
    tuple(p.split())
    for p in (
        "go back to your country",
        "go back to your own country",
        "go back to where you came from",
        "go back where you came from",
        "go back to africa",
        "go back to mexico",
        "go back to the desert",
        "send them back",
        "send them all back",
        "deport them all",
        "don't belong here",
        "do not belong here",
        "should be deported",
        "should all be deported",
        "should be banned from",
        "not welcome here",
    )
)
_EXPULSION_INDEX = phrase_index(_EXPULSION)
_EXPULSION_FIRST = frozenset(_EXPULSION_INDEX)


# Degrading predicates also include the insult vocabulary: said of a whole
# protected group ("Muslims are idiots") an insult is identity abuse.
DEGRADING = (
    DEGRADING_NOUNS
    | (_STRONG_INSULTS & _INSULT_NOUNS)
    | frozenset(w for w in _INSULT_NOUNS if w.endswith("s") and len(w) > 4)
    | (_INSULT_ADJ - _MILD_ADJ)
) - frozenset("mental sick insane crazy nuts".split()) | frozenset("sick".split())
# Collective dehumanising nouns: "an infestation of migrants", "hordes of
# Muslims", "the Jewish plague".  ("Flood"/"influx" are news vocabulary.)
_COLLECTIVE = frozenset(
    "infestation infestations plague plagues swarm swarms horde hordes invasion cancer scourge vermin pack packs herd herds".split()
)
_INFESTED = frozenset("infested overrun overran swarming swarmed crawling".split())
# Verbs that name someone with a word: "he called them vermin" reports the
# insult, it does not make it.
_NAMING = frozenset(
    """
    call called calling calls label labelled labeled labelling labeling
    brand branded branding describe described describing describes
    compare compared comparing compares refer referred referring refers
    dub dubbed accused accuse convicted charged condemned quoted slur slurs
    termed
    """.split()
)
# Stereotyped habitual verbs: "immigrants steal", "Gypsies always cheat".
_STEREO_VERBS = frozenset(
    """
    steal steals stealing rape rapes raping loot looting mooch mooching
    leech leeching sponge sponging scrounge scrounging stink stinks cheat
    cheats cheating smell reek reeks
    """.split()
)
_ADVERBS = frozenset(
    "all always just only mostly usually constantly generally typically basically simply really literally".split()
)
_CRIMES = frozenset("crime crimes rape rapes terror terrorism murders murder violence".split())
_NEGATORS = frozenset("not never no don't dont doesn't doesnt isn't isnt aren't arent".split())
_TRUST = frozenset("can't cant cannot shouldn't shouldnt never".split())
_TRUST_NEGATED = _TRUST | {"don't", "dont"}
_TYPICAL_BEFORE = frozenset("so how just that's thats its it's such".split())
# "They are like cockroaches" after a group was named: strong metaphors only.
_PRONOUNS = frozenset("they they're theyre".split())
_STRONG_METAPHORS = frozenset(
    """
    vermin cockroaches roaches rats parasites leeches lice maggots insects
    subhuman subhumans animals savages apes monkeys cancer plague disease
    infestation invaders mongrels
    """.split()
)
# Gender-identity tropes.
_LGBT = frozenset(
    """
    trans transgender transgendered transsexual transsexuals transgenders
    transwomen transmen transwoman transman tranny trannies gay gays
    homosexual homosexuals homosexuality transgenderism lgbt lgbtq lesbian
    lesbians bisexual bisexuals queer queers
    """.split()
)
_GENDER_CONTEXT = frozenset(
    "woman women female females lady ladies gender genders pronoun pronouns bathroom bathrooms identifies identify".split()
)
_ILLNESS = frozenset("illness illnesses disorder disorders disease sickness perversion abomination".split())
_TROPE_PHRASES = tuple(
    tuple(p.split())
    for p in """
    man in a dress|men in dresses|man in a wig|men in wigs|dude in a dress|
    guy in a dress|guys in dresses|man in a skirt|men in skirts|
    men in drag pretending|mentally ill|mental illness|mental disorder|
    mental illnesses|a disease|a sickness|a perversion|an abomination|
    breed like|breeding like
    """.replace("\n", " ").split("|")
)
_TROPE_INDEX = phrase_index(p for p in _TROPE_PHRASES)
_TROPE_FIRST = frozenset(_TROPE_INDEX)
# "These people breed like rabbits": a pseudo-group for the breeding trope.
_DEMONSTRATIVE_PEOPLE = frozenset("these those".split())

_GROUP_WORDS = GROUPS | IDENTITY_ADJ | groups.SINGULAR_NOUNS | groups.TRANS_FEM | groups.TRANS_MASC
_WORD_TRIGGERS = register_triggers(_GROUP_WORDS | _EXPULSION_FIRST | _TROPE_FIRST | _PRONOUNS)
# Identity words that make "X vermin" group dehumanisation; nationality
# adjectives do not ("Russian invaders" are an army).
_CORE = groups.CORE_IDENTITY
_TRANS_NOUNS = groups.TRANS_FEM | groups.TRANS_MASC
_DEHUMANISING_NEXT = DEHUMANISING | _COLLECTIVE - frozenset(("pack", "packs", "herd", "herds"))


@lru_cache(maxsize=1)
def slur_matcher() -> WordMatcher[float]:
    entries: dict[str, float] = {}
    for score, block in _SLURS.items():
        for word in block.split():
            entries.setdefault(word.replace("_", " "), score)
    matcher = WordMatcher(entries)
    # In the shared look-up from the start: on a text where profanity made
    # that look-up, the few slurs present are read from it instead of a regex
    # scan of the text per slur (and it is not made again when this matcher joins).
    matcher.share()
    return matcher


def _reported(words: list[str], i: int) -> bool:
    """A naming verb just before word ``i``: "he was jailed for calling
    Muslims vermin" reports the slur."""
    return not _NAMING.isdisjoint(words[max(0, i - 4) : i])


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    slurs = (m for m in slur_matcher().find_tuples(text, cap=False) if not innocent(text, m[2], m[0], m[1]))
    for start, end, _key, score in islice(slurs, MAX_PER_RULE):
        out.append(finding(text, "abuse", "abuse.slur", start, end, score))
    wordset = text.wordset
    group_hits = wordset & _GROUP_WORDS
    expulsion_firsts = _EXPULSION_INDEX.firsts(text)
    trope_firsts = _TROPE_INDEX.firsts(text)
    pronouns = wordset & _PRONOUNS if group_hits and wordset & _STRONG_METAPHORS else frozenset()
    if not group_hits and not expulsion_firsts and not trope_firsts and not pronouns:
        return out
    words = text.words
    n = len(words)
    lgbt_context = bool(wordset & _LGBT)
    # Nothing below reads the collector: the findings are gathered first and
    # handed to it afterwards, in the same order.
    found: list[_Found] = []
    add = found.append
    occurrences = text.indices(group_hits | expulsion_firsts | trope_firsts | pronouns)
    memo: dict[tuple[str, ...], _Found | None] | None = {} if len(occurrences) > _MEMO_FROM else None
    special = expulsion_firsts | trope_firsts | pronouns
    for i in occurrences:
        w = words[i]
        if w in special:
            if w in expulsion_firsts:
                phrase = match_phrase(words, i, _EXPULSION_INDEX)
                if phrase:
                    add((i, i + len(phrase) - 1, 0.7, "abuse.xenophobia"))
            if w in trope_firsts:
                phrase = match_phrase(words, i, _TROPE_INDEX)
                if phrase:
                    _trope(words, i, phrase, lgbt_context, lgbt_context or bool(wordset & _GENDER_CONTEXT), add)
            if w in pronouns:
                # "too many migrants here, they are like cockroaches".
                j = i + 1
                while j < n and j - i <= 4 and words[j] in _LINKS:
                    j += 1
                if j < n and j > i + 1 and words[j] in _STRONG_METAPHORS and not _reported(words, i):
                    add((i, j, 0.65, "abuse.dehumanising"))
                continue
        if w not in group_hits:
            continue
        before = words[i - 4 : i] if i >= 4 else words[:i]
        # Most group words of a dense hostile text have neither a naming verb
        # nor a word a shape needs before them: one test for both.
        quiet_before = _NAMING_OR_SHAPES.isdisjoint(before)
        if not quiet_before and not _NAMING.isdisjoint(before):  # _reported(words, i)
            continue
        nxt = words[i + 1] if i + 1 < n else ""
        # A group word that none of the shapes of ``_examine_group`` can start
        # from or reach (most of those in a dense hostile text), ruled out
        # with a few set operations in C: see ``_BEFORE_SHAPES``.
        if (
            quiet_before
            and nxt not in _DEHUMANISING_NEXT
            and nxt not in _LINKS
            and w not in _TRANS_ANY
            and (
                _PREDICATE_WORDS.isdisjoint(words[i + 1 : i + 6])
                if nxt not in _PEOPLE
                # "black people are": the predicate starts a word later.
                else (i + 2 >= n or words[i + 2] not in _LINKS) and _PREDICATE_WORDS.isdisjoint(words[i + 1 : i + 7])
            )
        ):
            continue
        if (
            memo is None
            or i < _REACH_BEFORE
            or i + _REACH_AFTER >= n
            or words[i - _REACH_BEFORE] in _GENERIC_MODIFIERS
            or words[i - 1] == "typical"
        ):
            found_here = _examine_group(text, words, i, nxt)
            if found_here is not None:
                add(found_here)
            continue
        key = tuple(words[i - _REACH_BEFORE : i + _REACH_AFTER + 1])
        shifted = memo.get(key, _UNSEEN)
        if shifted is _UNSEEN:
            found_here = _examine_group(text, words, i, nxt)
            if found_here is None:
                memo[key] = None
            else:
                add(found_here)
                first, last, score, rule = found_here
                memo[key] = (first - i, last - i, score, rule)
        elif shifted is not None:
            first, last, score, rule = shifted
            add((i + first, i + last, score, rule))
    if not found:
        return out
    spans = WordSpanFindings(text, "abuse")
    collect = spans.add
    for first, last, score, rule in found:
        collect(first, last, score, rule)
    return out + spans.findings


# (first word, last word, score, rule) of a finding, as ``WordSpanFindings.add`` takes them.
_Found = tuple[int, int, float, str]
_UNSEEN: Final[_Found] = (0, 0, 0.0, "")

# A word before a group word (within four) that some shape of
# ``_examine_group`` needs: "typical", "of" ("typical of", "an infestation
# of"), "a"/"an"/"any" ("never trust a"), "by"/"with" ("overrun by"), a hate
# verb, a degrading adjective.  Past these, a shape needs a dehumanising
# noun right after the group word, a trans word as the group word (a gender
# denial may start with "will", not in ``_PREDICATE_WORDS``), a link word
# right after the group (a linked predicate starts there), or a word of
# ``_PREDICATE_WORDS`` in ``_predicate_shape``'s first five.
_BEFORE_SHAPES = frozenset(("typical", "of", "a", "an", "any", "by", "with")) | HATE | DEGRADING_ADJ
_NAMING_OR_SHAPES = _NAMING | _BEFORE_SHAPES
_TRANS_ANY = groups.TRANS | groups.TRANS_FEM | groups.TRANS_MASC
_PEOPLE = groups.PEOPLE
_GENERIC_MODIFIERS = groups.GENERIC_MODIFIERS

# From this many trigger words on, ``run`` memoises ``_examine_group`` per
# text: a hostile text repeats a few phrases hundreds of times.  Its outcome
# is a function of the words it reads, at offsets from the group word, of
# how those offsets compare with the ends of the text, and of the text's
# punctuation only after "typical".  It reads at most ``_REACH_BEFORE`` words
# before the group word (the collective shape's ``_reported``: a naming verb
# four words before "an infestation of the") and ``_REACH_AFTER`` after (a
# copula's links and modifiers, then the word after the degrading one),
# except for ``groups.generic``'s run of modifiers, which stops inside that
# reach unless the word there is a modifier.  So two occurrences with that
# whole reach inside the text, the same words over it, no modifier at its
# first word and no "typical" before them have the same outcome, shifted.
_MEMO_FROM = 32
_REACH_BEFORE = 8
_REACH_AFTER = 10


def _examine_group(text: Normalized, words: list[str], i: int, nxt: str) -> _Found | None:
    """The finding the group word at ``i`` (followed by ``nxt``) makes, if any;
    ``run`` has ruled out a naming verb before it."""
    n = len(words)
    w = words[i]
    prev = words[i - 1] if i > 0 else ""
    # "muslim vermin", "migrant infestation", "non-white parasites":
    # identity word + a noun that dehumanises (a colour only when
    # written "non-white").
    if nxt in _DEHUMANISING_NEXT and w in _CORE and (w not in _COLOURS or prev == "non"):
        return (i - 1 if w in _COLOURS else i, i + 1, 0.75, "abuse.dehumanising")
    # "typical Muslim", "so typical of Mexicans".
    if prev == "typical" and (i < 2 or words[i - 2] in _TYPICAL_BEFORE or _clause_start(text, i - 1)):
        return (i - 1, i, 0.6, "abuse.generalisation")
    if prev == "of" and i >= 2 and words[i - 2] == "typical":
        return (i - 2, i, 0.6, "abuse.generalisation")
    # "never trust a Jew".
    if prev in ("a", "an", "any") and i >= 3 and words[i - 2] == "trust" and words[i - 3] in _TRUST_NEGATED:
        return (i - 3, i, 0.7, "abuse.generalisation")
    group_end = groups.group_end(words, i)
    if group_end < 0 and w in _TRANS_NOUNS:
        group_end = i
    if group_end < 0:
        return None
    # "an infestation of migrants", "hordes of Muslims", "overrun by
    # refugees".
    h = i - 1
    while h >= 0 and i - h <= 2 and words[h] in ("the", "these", "those", "all", "filthy", "dirty"):
        h -= 1
    if (
        h >= 1
        and words[h] in ("of", "by", "with")
        and (words[h - 1] in _COLLECTIVE or (words[h] != "of" and words[h - 1] in _INFESTED))
        and not _reported(words, h - 1)
    ):
        return (h - 1, group_end, 0.7, "abuse.dehumanising")
    if not groups.generic(words, i):
        return None
    # "I hate muslims", "hate gay people".
    h = i - 1
    while h >= 0 and i - h <= 3 and (words[h] in _HATE_LINKS or words[h] in _GROUP_WORDS or words[h] in ("and", "or")):
        h -= 1
    if h >= 0 and i - h <= 4 and words[h] in HATE:
        return (h, group_end, 0.75, "abuse.hatred")
    # "filthy jews", "stupid women".
    if prev in DEGRADING_ADJ and prev not in ("damn", "bloody"):
        return (i - 1, group_end, 0.7, "abuse.generalisation")
    if not _HEDGES.isdisjoint(words[max(0, i - 3) : i]) or (i >= 2 and words[i - 2] == "not" and prev == "all"):
        return None
    # "trans women are men", "a trans woman is not a woman".
    gender = _trans_gender(words, i, group_end)
    if gender:
        denial_end = _gender_denial(words, group_end + 1, n, gender)
        if denial_end is not None:
            return (i, denial_end, 0.7, "abuse.trope")
    shape = _predicate_shape(words, group_end + 1, n)
    if shape is not None:
        rule, last, score = shape
        return (i, last, score, rule)
    # "immigrants are vermin", "muslims are all terrorists".
    j = group_end + 1
    linked = False
    while j < n and j - i <= 5 and words[j] in _LINKS:
        linked = linked or words[j] in ("are", "is", "r", "were", "like")
        j += 1
    if linked:
        # Up to two modifiers may precede the degrading word: "are lower
        # class pigs", "are a fucking joke", "are mentally ill".
        k = j
        while k < n and k - j < 3 and words[k] not in DEGRADING and words[k] not in _STOP_PREDICATE:
            k += 1
        if k < n and words[k] in DEGRADING and not any(words[x] in _STOP_PREDICATE for x in range(j, k)):
            if not (words[k] in _ILLNESS_ADJ and k + 1 < n and words[k + 1] in _MEDICAL_NEXT):
                return (i, k, 0.75, "abuse.generalisation")
    return None


# "are sick and tired", "are mentally ill": not a degrading predicate when
# followed by these words.
_ILLNESS_ADJ = frozenset("sick ill dangerous".split())
_MEDICAL_NEXT = frozenset("of and with from in after".split())


def _clause_start(text: Normalized, i: int) -> bool:
    return i == 0 or any(c in ".!?;\n" for c in text.gap(i))


def _trans_gender(words: list[str], i: int, end: int) -> str | None:
    """'F' for "trans women"/"transwomen", 'M' for "trans men"; else None."""
    w = words[i]
    if w in groups.TRANS_FEM:
        return "F"
    if w in groups.TRANS_MASC:
        return "M"
    if w in groups.TRANS and end == i + 1:
        if words[end] in groups.FEMININE:
            return "F"
        if words[end] in groups.MASCULINE:
            return "M"
    return None


def _gender_denial(words: list[str], start: int, n: int, gender: str) -> int | None:
    """After "trans women": "are (just/still/really) men" or "are not (real)
    women".  Returns the index of the gender word, or None."""
    window = words[start : min(n, start + 7)]
    if not window or window[0] not in ("are", "is", "r", "aren't", "isn't", "arent", "isnt", "will"):
        return None
    same = groups.FEMININE if gender == "F" else groups.MASCULINE
    other = groups.MASCULINE if gender == "F" else groups.FEMININE
    negated = window[0] in ("aren't", "isn't", "arent", "isnt")
    for k, x in enumerate(window[1:], 1):
        if x in ("not", "never", "no"):
            negated = True
            continue
        if x in other and not negated:
            return start + k
        if x in same and negated:
            return start + k
        if x in ("than", "who", "that", "and", "but", "because", "like", "as") or x in _STOP_PREDICATE - {
            "not",
            "no",
            "never",
        }:
            return None
    return None


def _trope(
    words: list[str],
    i: int,
    phrase: tuple[str, ...],
    lgbt: bool,
    gender_context: bool,
    add: Callable[[_Found], None],
) -> None:
    """Gender-identity and breeding tropes found by phrase."""
    last = i + len(phrase) - 1
    head = phrase[0]
    if head in ("breed", "breeding"):
        # "these people breed like rabbits" (a group before it is handled
        # by the predicate shape; here only the demonstrative).
        if i >= 2 and words[i - 1] == "people" and words[i - 2] in _DEMONSTRATIVE_PEOPLE and last + 1 < len(words):
            add((i - 2, last + 1, 0.7, "abuse.dehumanising"))
        return
    if _reported(words, i):
        return
    if phrase[-1] in ("dress", "dresses", "wig", "wigs", "skirt", "skirts", "pretending"):
        # "a man in a dress" said in a comment about trans people or
        # about who counts as a woman.
        if gender_context:
            add((i, last, 0.6, "abuse.trope"))
        return
    if not lgbt:
        return
    # "(being trans) is a mental illness", "it's a disease".
    k = i - 1
    while (
        k >= 0
        and i - k <= 3
        and words[k]
        in (
            "a",
            "an",
            "just",
            "simply",
            "clearly",
            "obviously",
            "really",
            "serious",
            "severe",
            "form",
            "of",
            "kind",
            "type",
            "sort",
            "all",
            "basically",
        )
    ):
        k -= 1
    if k < 0:
        return
    head_word = words[k]
    if head_word in _NEGATORS or any(x in _NEGATORS for x in words[max(0, k - 2) : k]):
        return
    if head_word in ("is", "are", "it's", "its", "that's", "thats", "they're", "theyre", "r") or head_word.endswith(
        "'s"
    ):
        copula = head_word in ("is", "are", "r")
        subject = words[k - 1] if k > 0 and copula else head_word
        if (
            subject in ("it", "that", "this", "it's", "its", "that's", "thats", "they", "they're", "theyre")
            or subject in _LGBT
            or subject.endswith("ism")
        ):
            add((k - 1 if copula else k, last, 0.65, "abuse.trope"))


def _predicate_shape(words: list[str], start: int, n: int) -> tuple[str, int, float] | None:
    """Exclusion, dehumanisation or invasion said of the group just before
    ``start``.

    Returns (rule, last word index, score) for "should all be deported",
    "don't belong here", "are not human", "are ruining our country",
    "breed like rats", "belong in the kitchen"; None otherwise.
    """
    window = words[start : min(n, start + 7)]
    if not window or _PREDICATE_WORDS.isdisjoint(window[:5]):
        # None of the words a shape below starts from or needs within its
        # first five: most groups named in a comment are followed by none.
        return None
    return _window_shape(window, start)


def _window_shape(window: list[str], start: int) -> tuple[str, int, float] | None:
    """``_predicate_shape`` of the (non-empty) words from ``start`` on."""
    # "can't be trusted", "should never be trusted", "are not to be trusted".
    if "trusted" in window[:5]:
        k = window.index("trusted")
        if window[k - 1 : k] == ["be"] and any(x in _TRUST or x == "not" for x in window[: k - 1]):
            return "abuse.generalisation", start + k, 0.7
    # "immigrants steal", "they all cheat", "commit most of the crimes".
    k = 0
    while k < len(window) - 1 and k < 2 and window[k] in _ADVERBS:
        k += 1
    if window[k] in _STEREO_VERBS:
        return "abuse.generalisation", start + k, 0.65
    if window[k] in ("commit", "commits", "committing") and any(x in _CRIMES for x in window[k + 1 : k + 5]):
        last = next(m for m in range(k + 1, min(len(window), k + 5)) if window[m] in _CRIMES)
        return "abuse.generalisation", start + last, 0.65
    # "should (all) be deported", "need to be removed", "must be kicked out".
    if window[0] in _MODALS:
        for k, x in enumerate(window[1:6], 1):
            if x in _EXCLUDED and window[k - 1] in ("be", "get", "b", "been"):
                if "not" in window[:k] or "never" in window[:k]:
                    return None
                return "abuse.exclusion", start + k, 0.7
            if x == "allowed" and window[k - 1] == "be" and "not" in window[:k]:
                # "should not be allowed to vote".
                return "abuse.exclusion", start + k, 0.65
    # "don't belong here", "do not belong in Europe", "have no place in".
    for k, x in enumerate(window[:4]):
        if x in _BELONG:
            before = window[:k]
            if any(b in ("don't", "dont", "not", "doesn't", "never") for b in before):
                return "abuse.exclusion", start + k, 0.7
            # "women belong in the kitchen".
            if "kitchen" in window[k + 1 : k + 4]:
                return "abuse.exclusion", start + min(k + 3, len(window) - 1), 0.7
            return None
    if window[:3] in (["have", "no", "place"], ["are", "not", "welcome"]) or window[:2] == ["aren't", "welcome"]:
        return "abuse.exclusion", start + 2, 0.7
    # "are not human", "aren't real people", "are not equal to men".
    k = -1
    if window[0] in ("are", "is", "r") and window[1:2] in (["not"], ["no"]):
        k = 2
    elif window[0] in ("aren't", "isn't", "arent", "isnt"):
        k = 1
    if k > 0:
        for m in range(k, min(len(window), k + 3)):
            if window[m] in _HUMAN or window[m] == "equal":
                return "abuse.dehumanising", start + m, 0.75
    # "are invading Europe", "are ruining our country", "breed like rats".
    for k, x in enumerate(window[:3]):
        if x in _INVASION:
            rest = window[k + 1 : k + 4]
            if x.startswith(("breed", "multipl")):
                if rest[:1] == ["like"] and len(rest) > 1:
                    return "abuse.dehumanising", start + k + 2, 0.7
                return None
            if any(r in _HOMELAND for r in rest):
                return "abuse.xenophobia", start + k + 1 + next(i for i, r in enumerate(rest) if r in _HOMELAND), 0.7
            return None
    return None


# Every word that one of the shapes of ``_window_shape`` needs among the
# first five words after the group: "trusted", a stereotype verb or "commit"
# (behind at most two adverbs), a modal, "belong", a copula, an invasion verb.
_PREDICATE_WORDS = (
    frozenset(("trusted", "commit", "commits", "committing"))
    | _STEREO_VERBS
    | _MODALS
    | _BELONG
    | frozenset("have are is r aren't isn't arent isnt".split())
    | _INVASION
)

_HOMELAND = frozenset(
    "country countries nation europe america britain england culture society civilization civilisation continent race neighborhood neighbourhood towns cities".split()
)
