import pytest

from moderation.checks import check


@pytest.mark.parametrize("text", [
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
])
def test_attacks(text):
    assert "personal_attack" in check(text).categories, text


@pytest.mark.parametrize("text", [
    "this idea is stupid",
    "that's a dumb policy",
    "I'm an idiot, I forgot my keys",
    "you are right about the budget",
    "the author makes a fair point",
    "It is ignorant to ignore the data",
    "kids grow up fast",
    "He is not a fool",
])
def test_not_attacks(text):
    assert "personal_attack" not in check(text).categories, text


def test_obfuscated_attack_maps_to_original_span():
    text = "You are an ＩＤＩＯＴ"
    f = next(f for f in check(text).findings if f.category == "personal_attack")
    assert f.evidence == text[f.start:f.end]
    assert f.evidence.endswith("ＩＤＩＯＴ")
