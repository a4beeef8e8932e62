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

from functools import lru_cache
from itertools import islice

from ..normalize import Normalized, register_triggers
from ..senses import innocent
from ..values import CheckContext, Finding
from ..wordmatch import WordMatcher
from . import MAX_PER_RULE, finding, match_phrase, phrase_index

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
    """,
    # Multi-word slurs (matched across word boundaries, obfuscation-aware).
    0.85: """
        white_trash trailer_trash spear_chucker spear_chuckers border_hopper
        border_hoppers porch_monkey porch_monkeys anchor_baby anchor_babies
        sand_nigger jungle_bunny jungle_bunnies race_traitor race_traitors
        rag_head towel_head
    """,
    0.6: """
        negro negroes jap japs honky honkies whitey kraut krauts retard
        retards spaz homo homos lezzie lezbo queers cunt cunts
    """,
    0.5: """
        bitch bitches whore whores slut sluts hoe hoes thot thots skank skanks
        queer twat twats hussy bimbo bimbos
    """,
}

GROUPS = frozenset(
    """
    blacks whites asians hispanics latinos latinas mexicans africans arabs
    jews jew chinese indians gypsies roma immigrants migrants
    refugees foreigners illegals muslims moslems islamists
    christians catholics hindus sikhs atheists buddhists women females
    girls feminists gays lesbians homosexuals transgenders
    trannies trans queers americans russians iranians kurds turks
    iraqis syrians israelis palestinians pakistanis europeans brits
    ukrainians islam blackpeople negroes niggers niggas faggots fags dykes
    lgbt lgbtq lgbtq+ homosexual homosexuals autists natives aussies
    germans poles italians irish somalis nigerians afghans koreans
    japanese filipinos jamaicans haitians mexican muslim jewish gypsy
    christianity judaism hinduism homosexuality transgenderism
    bisexuals transsexuals transgender immigrant migrant refugee
    pakistanis bangladeshis indonesians chinamen gypsys travellers
    muzzies moslem hispanic arab negros mexicanos jigaboos
    """.split()
)
# "white people", "gay men": identity adjective + people noun = a group.
IDENTITY_ADJ = frozenset(
    """
    white black gay muslim jewish asian arab mexican african indian chinese
    trans transgender lesbian immigrant hispanic latino foreign christian
    catholic hindu disabled deaf autistic native colored coloured brown
    islamic muslim gay homosexual bisexual
    """.split()
)
PEOPLE = frozenset(
    """
    people men women guys folks folk dudes persons kids boys girls race races
    community immigrants migrants refugees population families females males
    """.split()
)
# Colour words name a group only with a people noun ("black people"), never
# before an animal noun ("brown rats"), unless written "non-white".
_COLOURS = frozenset("white black brown colored coloured".split())
HATE = frozenset(
    "hate hates despise despises loathe loathes detest detests fuck deport ban expel".split()
)
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
_STOP_PREDICATE = frozenset("not no never than who that which because but and or if when victims of".split())
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


_WORD_TRIGGERS = register_triggers(GROUPS | IDENTITY_ADJ | _EXPULSION_FIRST)
_GROUP_WORDS = GROUPS | IDENTITY_ADJ


@lru_cache(maxsize=1)
def slur_matcher() -> WordMatcher:
    entries = {}
    for score, block in _SLURS.items():
        for word in block.split():
            entries.setdefault(word.replace("_", " "), score)
    return WordMatcher(entries)


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    slurs = (m for m in slur_matcher().find(text) if not innocent(text, m.key, m.start, m.end))
    for m in islice(slurs, MAX_PER_RULE):
        out.append(finding(text, "abuse", "abuse.slur", m.start, m.end, m.payload))
    wordset = text.wordset
    has_group = bool(wordset & _GROUP_WORDS)
    expulsion_firsts = _EXPULSION_INDEX.firsts(text)
    if not has_group and not expulsion_firsts:
        return out
    words = text.words
    n = len(words)
    for i in text.indices((wordset & _GROUP_WORDS) | expulsion_firsts):
        w = words[i]
        if w in expulsion_firsts:
            phrase = match_phrase(words, i, _EXPULSION_INDEX)
            if phrase:
                s, e = text.word_span(i, i + len(phrase) - 1)
                out.append(finding(text, "abuse", "abuse.xenophobia", s, e, 0.7))
        # "muslim vermin", "non-white parasites": identity word + a noun
        # that dehumanises (a colour only when written "non-white").
        if (
            w in IDENTITY_ADJ and i + 1 < n and words[i + 1] in DEHUMANISING
            and (w not in _COLOURS or (i > 0 and words[i - 1] == "non"))
        ):
            s, e = text.word_span(i - 1 if w in _COLOURS else i, i + 1)
            out.append(finding(text, "abuse", "abuse.dehumanising", s, e, 0.75))
            continue
        if w in IDENTITY_ADJ and i + 1 < n and words[i + 1] in PEOPLE:
            group_end = i + 1
        elif w in GROUPS:
            group_end = i
        else:
            continue
        # "I hate muslims", "hate gay people".
        h = i - 1
        while h >= 0 and i - h <= 3 and (words[h] in _HATE_LINKS or words[h] in _GROUP_WORDS or words[h] in ("and", "or")):
            h -= 1
        if h >= 0 and i - h <= 4 and words[h] in HATE:
            s, e = text.word_span(h, group_end)
            out.append(finding(text, "abuse", "abuse.hatred", s, e, 0.75))
            continue
        # "filthy jews", "stupid women".
        if i > 0 and words[i - 1] in DEGRADING_ADJ and words[i - 1] not in ("damn", "bloody"):
            s, e = text.word_span(i - 1, i)
            out.append(finding(text, "abuse", "abuse.generalisation", s, e, 0.7))
            continue
        # "immigrants are vermin", "muslims are all terrorists".
        j = group_end + 1
        linked = False
        while j < n and j - i <= 5 and words[j] in _LINKS:
            linked = linked or words[j] in ("are", "is", "r", "were", "like")
            j += 1
        shape = _predicate_shape(words, group_end + 1, n)
        if shape is not None:
            rule, last, score = shape
            s, e = text.word_span(i, last)
            out.append(finding(text, "abuse", rule, s, e, score))
            continue
        if linked:
            # Up to two modifiers may precede the degrading word: "are lower
            # class pigs", "are a fucking joke", "are mentally ill".
            k = j
            while k < n and k - j < 3 and words[k] not in DEGRADING_NOUNS and words[k] not in _STOP_PREDICATE:
                k += 1
            if k < n and words[k] in DEGRADING_NOUNS and not any(words[x] in _STOP_PREDICATE for x in range(j, k)):
                s, e = text.word_span(i, k)
                out.append(finding(text, "abuse", "abuse.generalisation", s, e, 0.75))
    return out


def _predicate_shape(words: list[str], start: int, n: int) -> tuple[str, int, float] | None:
    """Exclusion, dehumanisation or invasion said of the group just before
    ``start``.

    Returns (rule, last word index, score) for "should all be deported",
    "don't belong here", "are not human", "are ruining our country",
    "breed like rats", "belong in the kitchen"; None otherwise.
    """
    window = words[start:min(n, start + 7)]
    if not window:
        return None
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
            if "kitchen" in window[k + 1:k + 4]:
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
            rest = window[k + 1:k + 4]
            if x.startswith(("breed", "multipl")):
                if rest[:1] == ["like"] and len(rest) > 1:
                    return "abuse.dehumanising", start + k + 2, 0.7
                return None
            if any(r in _HOMELAND for r in rest):
                return "abuse.xenophobia", start + k + 1 + next(i for i, r in enumerate(rest) if r in _HOMELAND), 0.7
            return None
    return None


_HOMELAND = frozenset(
    "country countries nation europe america britain england culture society civilization civilisation continent race neighborhood neighbourhood towns cities".split()
)
