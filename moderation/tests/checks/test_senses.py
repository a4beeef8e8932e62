import pytest

from moderation.checks import check
from moderation.checks.normalize import Normalized
from moderation.checks.senses import innocent


@pytest.mark.parametrize(
    "text",
    [
        "We went dancing at a honky tonk bar last night",
        "Our pussy cat sleeps on the radiator",
        "The band played old doo wop songs",
        "Grandad sharpened the garden hoe before planting beans",
        "Ik weet echt niet hoe het verder moet met de zorg",
        "This report is full of bureaucratic gobbledy gook",
        "The mechanic said the tranny fluid was leaking",
        "A coon hound followed the hunters into the woods",
        "Tickets for the Redskins game sold out in 1991",
        "Nobody told us what happened that nig\u2026",
    ],
)
def test_innocent_readings_are_not_flagged(text):
    assert check(text).findings == (), text


@pytest.mark.parametrize(
    "text",
    [
        "shut up you honky",
        "go back home coon",
        "what a dumb hoe",
        "she is a filthy tranny",
        "he called them gooks",
        "stop talking, nig",
        "that nig... is back again",
    ],
)
def test_the_same_words_as_slurs_still_count(text):
    assert "abuse" in check(text).categories, text


def test_truncation_only_at_the_closing_ellipsis_character():
    text = Normalized("my nig\u2026 and more words after it")
    start = text.norm.rindex("nig")
    assert not innocent(text, "nig", start, start + 3)
    text = Normalized("see you tonight my nig\u2026")
    start = text.norm.rindex("nig")
    assert innocent(text, "nig", start, start + 3)


def test_dutch_needs_more_than_one_dutch_word():
    assert "abuse" in check("de hoe").categories
    assert check("ik wil weten hoe het werkt").findings == ()
