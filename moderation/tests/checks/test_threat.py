import pytest

from moderation.checks import check

NEWS = (
    "Iran-backed militia groups targeted US troops with drones on Sunday, a monitor said. "
    "The group claimed responsibility for most of the attacks over the past two weeks. "
    "In response, the US carried out airstrikes against militia positions in eastern Syria. "
    "Officials warned that further escalation would be met with force, and the retaliatory "
    "strikes were described as separate from the war in Gaza."
)


@pytest.mark.parametrize(
    "text",
    [
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
    ],
)
def test_threats(text):
    assert "threat" in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
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
    ],
)
def test_news_and_figurative_language_is_not_a_threat(text):
    assert "threat" not in check(text).categories, text


def test_news_text_has_no_finding_at_all():
    assert check(NEWS).findings == ()


def test_span_covers_the_threat():
    text = "Listen. I will kill you."
    f = next(f for f in check(text).findings if f.category == "threat")
    assert text[f.start : f.end] == f.evidence
    assert "kill" in f.evidence


@pytest.mark.parametrize(
    "text",
    [
        "we should have the right to kill all immigrants",
        "it is time to exterminate these gypsies",
        "I hope she just vanishes, no I wish her to perish",
    ],
)
def test_incitement_against_groups_and_wishes(text):
    assert "threat" in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        "they plan to kill all christians in the region, the report says",
        "militants threatened to kill all foreigners in the city",
        "the drones were sent to kill all the soldiers at the base",
        "Refugees should all be deported, he argued",
    ],
)
def test_reported_plans_and_deportation_are_not_threats(text):
    assert "threat" not in check(text).categories, text


# Incitement with verbs the core grammar does not know (rules/threat_shapes.py),
# each with look-alikes: news, hyperbole about things, idioms, policy talk.
@pytest.mark.parametrize(
    "text",
    [
        "run them over",
        "someone should run them all over with a truck",
        "just mow them down",
        "wipe them off the face of the earth",
        "we should wipe them off the earth",
        "kick them all out of the country",
        "Send them all back",
        "ship them back to where they came from",
        "they should all be publicly hanged",
        "those people should be gassed",
        "every one of them should be taken out and shot",
        "Convert or die",
        "leave or else!",
        "Get out of our country or die",
        "get out or we will kill you",
        "time to nuke Iran",
        "it's time to kill them all",
        "someone should put a bullet in his head",
        "he needs a bullet",
        "they deserve to be lined up against a wall and shot",
        "we need the extermination of all of them",
        "I'm all for the eradication of these immigrants",
        "he needs killing",
        "scum like this should just be shot",
    ],
)
def test_incitement_shapes(text):
    assert "threat" in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        # reporting
        "drones targeted the base",
        "militants threatened to attack the city",
        "the army will strike back, the general said",
        "the truck ran them over, police said",
        "The militants threatened to wipe them off the map",
        "He put a bullet in his own head in 1994, the report says",
        "the genocide of the Armenians was denied for decades",
        "people had to leave or die in the famine",
        # hyperbole about things, idioms
        "this phone is killing me",
        "nuke the popcorn for two minutes",
        "time to nuke the leftovers",
        "I'll kill for a coffee",
        "break a leg tonight!",
        "kill them with kindness",
        "the proposal should be shot down",
        "this bill should be killed",
        "adapt or die, that's business",
        "do or die match tonight",
        "live free or die",
        "I'll finish this or die trying",
        "the economy needs a silver bullet",
        "this section needs a bullet list",
        "I need some bullets for the range",
        "put a bullet in the chamber first",
        "the wallpaper needs hanging",
        "I'll run them over to the station later",
        # policy debate and ordinary removals
        "the death penalty should be abolished",
        "deport criminals?",
        "kick them out of the party",
        "Kick them all out of office at the next election",
        "send them back to the store if they don't fit",
        "I had to send them back, the shoes were too small",
        "we should send all the broken parts back",
    ],
)
def test_incitement_look_alikes_are_not_threats(text):
    assert "threat" not in check(text).categories, text
