import pytest

from moderation.checks import check

NEWS = (
    "Iran-backed militia groups targeted US troops with drones on Sunday, a monitor said. "
    "The group claimed responsibility for most of the attacks over the past two weeks. "
    "In response, the US carried out airstrikes against militia positions in eastern Syria. "
    "Officials warned that further escalation would be met with force, and the retaliatory "
    "strikes were described as separate from the war in Gaza."
)


@pytest.mark.parametrize("text", [
    "I will find you and hurt you",
    "someone should shoot him",
    "hope you die",
    "we know where you live",
    "I'm gonna kill you",
    "kill them all",
    "he should be hanged",
    "they deserve to die",
    "go kill yourself",
    "watch your back",
    "I'm going to beat you to death",
    "i will end you",
    "they should all be put to death",
    "Nuke the whole country",
    "I wish you death",
    "just let him die",
    "I want to see them burn",
    "get rid of all immigrants",
    "Execute Smith now",
])
def test_threats(text):
    assert "threat" in check(text).categories, text


@pytest.mark.parametrize("text", [
    NEWS,
    "the strikes killed civilians, which is terrible",
    "The militants threatened to kill him if the ransom was not paid.",
    "We will beat them in the next election",
    "This law will hurt small businesses",
    "I hope the team wins tonight",
    "He was shot dead in 2019, police said",
    "this movie kills me",
    "we should kill this bill",
    "I could kill for a coffee",
    "Kill the bill before it passes",
    "Shoot Nikon or Canon, both are fine",
    "I wish death on no one",
    "We should never let them die of hunger",
    "Destroy the competition with better products",
    "The regime put dissidents to death in 1988, the report says",
    "Let it burn, said the fire chief about the controlled blaze",
])
def test_news_and_figurative_language_is_not_a_threat(text):
    assert "threat" not in check(text).categories, text


def test_news_text_has_no_finding_at_all():
    assert check(NEWS).findings == ()


def test_span_covers_the_threat():
    text = "Listen. I will kill you."
    f = next(f for f in check(text).findings if f.category == "threat")
    assert text[f.start:f.end] == f.evidence
    assert "kill" in f.evidence


@pytest.mark.parametrize("text", [
    "we should have the right to kill all immigrants",
    "it is time to exterminate these gypsies",
    "I hope she just vanishes, no I wish her to perish",
])
def test_incitement_against_groups_and_wishes(text):
    assert "threat" in check(text).categories, text


@pytest.mark.parametrize("text", [
    "they plan to kill all christians in the region, the report says",
    "militants threatened to kill all foreigners in the city",
    "the drones were sent to kill all the soldiers at the base",
    "Refugees should all be deported, he argued",
])
def test_reported_plans_and_deportation_are_not_threats(text):
    assert "threat" not in check(text).categories, text
