import pytest

from moderation.checks import check


@pytest.mark.parametrize(
    "text",
    [
        "immigrants are vermin",
        "all muslims are terrorists",
        "filthy jews",
        "women are stupid",
        "go back to your country",
        "I hate gays",
        "white people are inferior",
        "shut up fag",
        "n1gg3r",
        "what a f.a.g.g.o.t",
        "go home white trash",
        "Jews are lower class pigs",
        "Christians are all demonic",
        "fuck gays",
        "immigrants are a fucking plague",
    ],
)
def test_abuse(text):
    assert "abuse" in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        "Iranians are suffering under sanctions",
        "the militias are terrorists",
        "Muslims and Christians prayed together",
        "women are underrepresented in parliament",
        "refugees are arriving at the border",
        "the Kurdish region held elections",
        "Faggin designed the microprocessor",
        "a bundle of sticks",
        "refugees are often ill treated at the border",
        "Muslims are victims of people who call them rats",
        "Women are not inferior to men",
        "that would cripple our economy",
    ],
)
def test_not_abuse(text):
    assert "abuse" not in check(text).categories, text


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Refugees should all be deported tomorrow", "abuse.exclusion"),
        ("gay people need to be removed from schools", "abuse.exclusion"),
        ("Muslims don't belong in this town", "abuse.exclusion"),
        ("women should not be allowed to drive", "abuse.exclusion"),
        ("Mexicans have no place here", "abuse.exclusion"),
        ("women belong in the kitchen", "abuse.exclusion"),
        ("Arabs are not human", "abuse.dehumanising"),
        ("gypsies aren't real people", "abuse.dehumanising"),
        ("those immigrants breed like cockroaches", "abuse.dehumanising"),
        ("jewish parasites run the banks", "abuse.dehumanising"),
        ("the non-white vermin", "abuse.dehumanising"),
        ("migrants are invading our country", "abuse.xenophobia"),
        ("I really hate gay and lesbian people", "abuse.hatred"),
        ("ban all muslims", "abuse.hatred"),
        ("Homosexuality is a disease", "abuse.generalisation"),
        ("the Chinese are basically a plague", "abuse.generalisation"),
        ("women are not equal to men", "abuse.dehumanising"),
    ],
)
def test_degrading_generalisation_shapes(text, rule):
    assert rule in {f.rule for f in check(text).findings}, text


@pytest.mark.parametrize(
    "text",
    [
        "women are underrepresented in parliament",
        "Kurds are voting tomorrow",
        "immigrants are contributing to the local economy",
        "I hate Mondays",
        "I hate the traffic and white bread",
        "brown rats live in the sewers",
        "black pigs are a rare breed",
        "the army is invading the country",
        "assault rifles should be banned",
        "Muslims should be allowed to pray in peace",
        "refugees belong to the most vulnerable groups",
        "Jews are welcome at the interfaith dinner",
        "the rats should be removed from the kitchen",
    ],
)
def test_look_alike_statements_about_groups_are_not_abuse(text):
    assert "abuse" not in check(text).categories, text


# Shapes: group generalisations without a slur, dehumanising metaphors,
# coded slurs and gender-identity tropes (target class x predicate class).
@pytest.mark.parametrize(
    "text, rule",
    [
        ("all Mexicans are lazy", "abuse.generalisation"),
        ("Somalis are all thieves and rapists", "abuse.generalisation"),
        ("Typical Muslim, always whining", "abuse.generalisation"),
        ("so typical of Gypsies", "abuse.generalisation"),
        ("Arabs can't be trusted", "abuse.generalisation"),
        ("never trust a Jew", "abuse.generalisation"),
        ("immigrants steal everything they touch", "abuse.generalisation"),
        ("refugees commit most of the crimes here", "abuse.generalisation"),
        ("Muslims are idiots", "abuse.generalisation"),
        ("these people breed like rabbits", "abuse.dehumanising"),
        ("the migrant infestation is getting worse", "abuse.dehumanising"),
        ("an infestation of migrants", "abuse.dehumanising"),
        ("our town is overrun by foreigners", "abuse.dehumanising"),
        ("so many migrants here, they are like cockroaches", "abuse.dehumanising"),
        ("trans women are men", "abuse.trope"),
        ("a trans woman is not a woman", "abuse.trope"),
        ("Trans? It's a mental illness", "abuse.trope"),
        ("being gay is a mental illness", "abuse.trope"),
        ("she is just a man in a dress, not a woman", "abuse.trope"),
        ("go back to the jungle you sheboon", "abuse.slur"),
    ],
)
def test_generalisation_shapes(text, rule):
    assert rule in {f.rule for f in check(text).findings}, text


@pytest.mark.parametrize(
    "text",
    [
        # neutral statements about groups
        "Muslims celebrate Eid",
        "many immigrants work in healthcare",
        "trans people face discrimination",
        "trans women are women",
        "being gay is not a mental illness",
        "Depression is a mental illness",
        "the virus is a disease",
        "some Hispanic families commit to staying",
        "not all Muslims commit crimes",
        # reporting on hate
        "he was convicted for calling them vermin",
        "he was convicted for calling immigrants vermin",
        # pests and armies, literally
        "there are rats in the subway",
        "the Russian invaders were pushed back",
        # criticism of governments and ideas
        "the Iranian government is corrupt",
        "the Chinese government cannot be trusted on trade",
        # look-alike words
        "I folded the laundry",
        "a Christmas cracker and some cheese",
        "honkey tonk music all night",
        "disabled parking is full again",
        "these women are liars",
    ],
)
def test_look_alike_generalisations_are_not_abuse(text):
    assert "abuse" not in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        "women are stupid",
        "Muslims are idiots",
        "all Mexicans are lazy",
        "Stupid women.",
    ],
)
def test_a_protected_group_target_is_abuse_not_a_personal_attack(text):
    categories = check(text).categories
    assert "abuse" in categories and "personal_attack" not in categories, text
