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
  on the degrading list.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import islice

from ..normalize import Normalized, register_triggers
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
        nig nigs nicca niccas chinky jigga-boo porchmonkey
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
    christianity judaism hinduism
    """.split()
)
# "white people", "gay men": identity adjective + people noun = a group.
IDENTITY_ADJ = frozenset(
    """
    white black gay muslim jewish asian arab mexican african indian chinese
    trans transgender lesbian immigrant hispanic latino foreign christian
    catholic hindu disabled deaf autistic native
    """.split()
)
PEOPLE = frozenset("people men women guys folks dudes persons kids boys girls".split())
HATE = frozenset("hate hates despise despises loathe loathes detest detests fuck deport".split())
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
    """.split()
)
DEGRADING_ADJ = frozenset(
    """
    filthy dirty stupid dumb disgusting smelly stinking lazy evil subhuman
    savage barbaric primitive inferior worthless damn fucking fuckin bloody
    nasty greedy sneaky violent
    """.split()
)
_LINKS = frozenset(
    """
    are is r were all just nothing but a bunch of such so the like these
    those them basically literally simply truly really total complete
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
    for m in islice(slur_matcher().find(text), MAX_PER_RULE):
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
        if w in IDENTITY_ADJ and i + 1 < n and words[i + 1] in PEOPLE:
            group_end = i + 1
        elif w in GROUPS:
            group_end = i
        else:
            continue
        # "I hate muslims", "hate gay people".
        if i > 0 and (words[i - 1] in HATE or (i > 1 and words[i - 2] in HATE and words[i - 1] in ("all", "the", "these", "those"))):
            s, e = text.word_span(i - 1 if words[i - 1] in HATE else i - 2, group_end)
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
