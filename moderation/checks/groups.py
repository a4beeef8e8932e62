"""Protected identity groups: the word lists the abuse and personal-attack
rules share.

A *group mention* is one of

* a group noun ("immigrants", "Muslims", "Jews", "transwomen", "autistics");
* an identity adjective before a people noun ("black people", "gay men",
  "trans women", "disabled people", "Mexican immigrants").

Protected here means what the guidelines protect: ethnicity, nationality,
religion, sex and gender, sexual orientation, gender identity, disability
and migration status.  Occupations, political camps and institutions
("police", "politicians", "liberals", "the Iranian government") are not
identity groups: insults aimed at them are personal attacks, criticism of
them is neither.

Gender nouns ("women", "men", "girls") name the whole group only when no
determiner picks out particular people: "women are stupid" generalises,
"these women are liars" or "the two men" talk about someone in particular.
"""

from __future__ import annotations

_NATIONS = """
    americans mexicans africans arabs chinese indians iranians kurds turks
    iraqis syrians israelis palestinians pakistanis europeans brits
    ukrainians russians germans poles italians irish somalis nigerians
    afghans koreans japanese filipinos jamaicans haitians bangladeshis
    indonesians aussies australians canadians french frenchmen english
    scots welsh dutch swedes danes norwegians finns greeks spaniards
    portuguese romanians bulgarians albanians serbs croats bosnians
    hungarians czechs slovaks lithuanians latvians estonians belarusians
    egyptians libyans moroccans algerians tunisians sudanese ethiopians
    eritreans kenyans ghanaians congolese lebanese jordanians saudis
    yemenis qataris emiratis kuwaitis persians vietnamese thais
    cambodians laotians burmese malaysians singaporeans tibetans mongolians
    uyghurs uighurs chechens georgians armenians azerbaijanis kazakhs
    uzbeks tajiks brazilians argentinians colombians venezuelans
    cubans peruvians chileans ecuadorians bolivians guatemalans hondurans
    salvadorans nicaraguans dominicans puerto ricans middle easterners
    easterners asians hispanics latinos latinas latinx blacks whites
    gypsies gypsys roma romani travellers travelers natives aboriginals
    aborigines pacific islanders islanders
"""
_RELIGIONS = """
    jews jew muslims muslim moslems moslem muzzies islamists christians
    catholics protestants evangelicals mormons hindus sikhs atheists
    buddhists jains zoroastrians pagans witches
    islam judaism christianity hinduism sikhism
"""
_GENDER_ORIENTATION = """
    women females girls feminists gays lesbians homosexuals bisexuals
    transgenders transsexuals transwomen transmen transgender transexuals
    trannies queers lgbt lgbtq lgbtq+ lgbtqia homosexuality transgenderism
    homosexual faggots fags dykes
"""
_MIGRATION_DISABILITY = """
    immigrants migrants refugees foreigners illegals asylum aliens
    immigrant migrant refugee autists autistics retards cripples
    disabled handicapped paraplegics quadriplegics
"""
# Slurs used as group nouns: "niggers are ...".
_SLUR_GROUPS = "negroes negros niggers niggas chinamen jigaboos muzzies mexicanos blackpeople"

GROUP_NOUNS = frozenset(
    (_NATIONS + _RELIGIONS + _GENDER_ORIENTATION + _MIGRATION_DISABILITY + _SLUR_GROUPS).split()
) - frozenset("puerto middle pacific asylum".split())

# Singular nouns for "never trust a Jew", "typical Muslim", "a Mexican".
SINGULAR_NOUNS = frozenset(
    """
    jew muslim moslem arab mexican african asian indian chinaman paki
    immigrant migrant refugee foreigner illegal gypsy hindu sikh
    christian catholic mormon woman female girl feminist gay lesbian
    homosexual bisexual transwoman transman tranny black negro
    """.split()
)

IDENTITY_ADJ = frozenset(
    """
    white black gay muslim jewish asian arab mexican african indian chinese
    trans transgender lesbian immigrant hispanic latino latina foreign
    christian catholic hindu disabled deaf blind autistic native colored
    coloured brown islamic homosexual bisexual transsexual queer straight
    migrant refugee illegal undocumented somali syrian afghan pakistani
    iranian iraqi nigerian haitian jamaican korean japanese filipino
    vietnamese russian ukrainian polish romanian turkish kurdish
    palestinian israeli arabic middle eastern disabled handicapped
    retarded autistic mentally
    """.split()
)
PEOPLE = frozenset(
    """
    people men women guys folks folk dudes persons kids boys girls race races
    community communities immigrants migrants refugees population families
    females males ladies americans children youths ill
    """.split()
)
# Identity words (no nationalities) that degrade a group when a
# dehumanising noun follows ("muslim vermin", "migrant infestation").
CORE_IDENTITY = frozenset(
    """
    white black gay muslim jewish asian arab mexican african indian chinese
    trans transgender lesbian immigrant immigrants hispanic latino foreign
    islamic homosexual migrant migrants refugee refugees illegal illegals
    jew jews muslims gays lesbians blacks whites arabs mexicans africans
    asians hispanics latinos gypsy gypsies foreigners disabled colored
    coloured brown somali somalis
    """.split()
)
# People nouns that name a group of a sex on their own.
GENDER_NOUNS = frozenset("women men females males girls boys ladies woman man female male girl".split())
# Determiners that pick out particular people ("these women", "the two men").
SPECIFIC = frozenset(
    """
    the these those this that my your his her our their two three four five
    some several both many few which whose
    """.split()
)
# Colour words are a group only with a people noun ("black people").
COLOURS = frozenset("white black brown colored coloured".split())
# "Trans women are men": gender identity words.
TRANS = frozenset("trans transgender transgendered transsexual".split())
FEMININE = frozenset("woman women female females girl girls lady ladies".split())
MASCULINE = frozenset("man men male males guy guys dude dudes boy boys".split())
SINGULAR_GENDER = frozenset("man woman".split())
TRANS_FEM = frozenset("transwoman transwomen".split())
TRANS_MASC = frozenset("transman transmen".split())

TRIGGERS = GROUP_NOUNS | IDENTITY_ADJ | SINGULAR_NOUNS | TRANS_FEM | TRANS_MASC


def group_end(words: list[str], i: int) -> int:
    """Index of the last word of a group mention starting at word ``i``, or -1.

    "immigrants" -> i, "black people" -> i + 1, "trans women" -> i + 1,
    "the mentally ill" -> i + 1.  A bare colour, a nationality adjective
    before a non-people noun ("Iranian government") or a singular noun do
    not count here.
    """
    w = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if w in TRANS and nxt in SINGULAR_GENDER:
        return i + 1  # "a trans woman is ..." generalises about trans women
    if w in IDENTITY_ADJ and nxt in PEOPLE:
        if w == "mentally" and nxt != "ill":
            return -1
        if nxt == "ill" and w != "mentally":
            return -1
        return i + 1
    if w in GROUP_NOUNS:
        if w in _ADJ_NOUNS and nxt and nxt not in _END_OK:
            # Adjectives or singulars used as nouns count only at the end of
            # the noun phrase ("the disabled are", not "disabled parking").
            return -1
        return i
    return -1


# Group words that are also adjectives ("the Chinese government", "Irish
# whiskey", "disabled parking") or singulars.
_ADJ_NOUNS = frozenset(
    """
    disabled handicapped illegals illegal transgender muslim homosexual
    immigrant migrant refugee jew chinese japanese vietnamese irish french
    english dutch welsh portuguese sudanese lebanese burmese congolese
    somali native natives roma romani asylum
    """.split()
)
_END_OK = frozenset(
    """
    are is were was r all should must need needs can can't cannot cant
    don't dont do have has will would never always just aren't isn't
    who that like and or of in to from they deserve belong breed
    """.split()
)


def is_gender_word(word: str) -> bool:
    return word in GENDER_NOUNS


# Words ``generic`` looks past, back from a gender noun, for a determiner:
# "all the stupid women".
GENERIC_MODIFIERS = frozenset(("all", "most", "stupid", "white", "black", "trans", "gay"))


def generic(words: list[str], i: int) -> bool:
    """The group mention at ``i`` names the whole group, not particular people.

    Only gender nouns need this: "women are" vs "these women are".
    """
    w = words[i]
    if w not in GENDER_NOUNS and words[i + 1 if i + 1 < len(words) else i] not in GENDER_NOUNS:
        return True
    k = i - 1
    while k >= 0 and words[k] in GENERIC_MODIFIERS:
        k -= 1
    return not (k >= 0 and (words[k] in SPECIFIC or words[k].isdigit()))


def names_group(words: list[str], k: int) -> bool:
    """Word ``k`` ends a mention of a whole protected group.

    Used by the personal-attack rule to leave "women are stupid" or "Muslims
    are idiots" to the abuse rule (the group, not a person, is the target).
    """
    if k < 0 or k >= len(words):
        return False
    w = words[k]
    if w in GROUP_NOUNS and w not in SINGULAR_NOUNS:
        start = k
    elif w in PEOPLE and k > 0 and words[k - 1] in IDENTITY_ADJ:
        start = k - 1
    else:
        return False
    return generic(words, start)
