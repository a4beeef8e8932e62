import pytest

from moderation.checks import check


@pytest.mark.parametrize("text", [
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
])
def test_abuse(text):
    assert "abuse" in check(text).categories, text


@pytest.mark.parametrize("text", [
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
])
def test_not_abuse(text):
    assert "abuse" not in check(text).categories, text


@pytest.mark.parametrize("text, rule", [
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
])
def test_degrading_generalisation_shapes(text, rule):
    assert rule in {f.rule for f in check(text).findings}, text


@pytest.mark.parametrize("text", [
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
])
def test_look_alike_statements_about_groups_are_not_abuse(text):
    assert "abuse" not in check(text).categories, text
