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
