import pytest

from moderation.checks import check


@pytest.mark.parametrize(
    "text",
    [
        "you are an idiot",
        "the author is a moron",
        "you idiot",
        "you're so pathetic",
        "what an idiot",
        "are you stupid?",
        "shut up",
        "fuck you",
        "He is a complete fool",
        "Idiot.",
        "you stupid moron",
        "Liberals are idiots",
        "You are a revenge-hungry simpleton",
        "you're nothing but a lowlife",
        "what a piece of shit you are",
        "Shut up, libtard",
        "The senator is a disgraceful fraud",
        "people like you are pathetic",
        "go away you dumb ass",
        "Your idiotic comments add nothing",
        "He is such a fuckface",
        "you are a born loser",
    ],
)
def test_attacks(text):
    assert "personal_attack" in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        "this idea is stupid",
        "that's a dumb policy",
        "I'm an idiot, I forgot my keys",
        "you are right about the budget",
        "the author makes a fair point",
        "It is ignorant to ignore the data",
        "kids grow up fast",
        "He is not a fool",
        "The doctor is treating patients in the clinic",
        "I'm such a fool for chocolate",
        "The trash collection is late again",
        "trash talk is part of the sport",
        "I'm an idiot sometimes, I admit it",
        "We were naive to trust the polls",
        "Your argument has some merit",
    ],
)
def test_not_attacks(text):
    assert "personal_attack" not in check(text).categories, text


def test_obfuscated_attack_maps_to_original_span():
    text = "You are an ＩＤＩＯＴ"
    f = next(f for f in check(text).findings if f.category == "personal_attack")
    assert f.evidence == text[f.start : f.end]
    assert f.evidence.endswith("ＩＤＩＯＴ")


@pytest.mark.parametrize(
    "text",
    [
        "Stupid woman. She never reads the article",
        "That pathetic senator lied again",
        "what an ignorant man",
    ],
)
def test_insulting_epithets(text):
    assert "personal_attack" in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        "I am a sucker for a good crime novel",
        "nothing is wrong with it if you like trash food",
        "he is terrible at chess but kind",
        "the trash talk before the match was fun",
        "a redneck convoy drove through town",
        "Stupid rules make life hard",
        "The government is evil, says the protest banner",
    ],
)
def test_idioms_and_attributive_uses_are_not_attacks(text):
    assert "personal_attack" not in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        # obfuscated spellings
        "you i d i o t",
        "what a loozer",
        "you are stpd",
        "you idt",
        "you moooron",
        "you 1d10t",
        "you are an idiott",
        # compounds
        "what a dumbass",
        "you fucktard",
        "you are a fuck-face",
        "you pea-brained fool",
        "shut it, shit-for-brains",
        "you snowtard",
        # groups that are not protected identities
        "cops are idiots",
        "politicians are liars",
        "journalists are scum",
        "voters are stupid",
        "you people are morons",
        "liberals are idiots",
        "he is that stupid",
    ],
)
def test_obfuscated_compound_and_group_insults(text):
    assert "personal_attack" in check(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        # things and ideas, not people (deliberate: criticism is welcome)
        "that argument is stupid",
        "this policy is idiotic",
        "a hare-brained scheme",
        # Scunthorpe: substrings and names
        "the assassin was caught",
        "a first class seat",
        "Dick Cheney spoke to you yesterday",
        "we need mustard and custard",
        # reported insults and self-deprecation
        "he called me an idiot",
        "he called her an idiot in the debate",
        "I'm such an idiot",
        # look-alike spellings that are English words
        "the rules are looser now",
        "the two leaders butt heads often",
    ],
)
def test_look_alike_insults_are_not_attacks(text):
    assert "personal_attack" not in check(text).categories, text


def test_calling_the_reader_names_is_an_attack():
    assert "personal_attack" in check("I call you an idiot").categories


def test_spelled_out_insult_span_covers_the_letters():
    text = "you i d i o t"
    f = next(f for f in check(text).findings if f.category == "personal_attack")
    assert f.evidence == text
