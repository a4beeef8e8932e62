import pytest
from better_profanity import profanity as bp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from moderation.checks import check
from moderation.checks.rules.profanity import classify, package_wordlist
from moderation.checks.rules.profanity_words import EXCLUDED, EXTRA_PROFANITY, MILD, VULGARITY
from moderation.checks.wordmatch import WordMatcher


def cats(text):
    return set(check(text).categories)


def swearing(text):
    return cats(text) & {"profanity", "vulgarity"}


@pytest.fixture(scope="module", autouse=True)
def _load_bp():
    bp.load_censor_words()


def test_classification_only_names_package_words():
    words = set(package_wordlist())
    assert words >= VULGARITY
    assert words >= EXCLUDED
    assert not VULGARITY & EXCLUDED
    assert (MILD - {"bloody"}) <= words


@pytest.mark.parametrize(
    "text,category",
    [
        ("what the fuck", "profanity"),
        ("this is bullshit", "profanity"),
        ("show me your tits", "vulgarity"),
        ("nice blow job", "vulgarity"),
    ],
)
def test_plain_words(text, category):
    assert category in cats(text)


@pytest.mark.parametrize(
    "text,evidence",
    [
        ("oh f.u.c.k off", "f.u.c.k"),
        ("what the f u c k", "f u c k"),
        ("s-h-i-t happens", "s-h-i-t"),
        ("fuuuuuck this", "fuuuuuck"),
        ("sh!t", "sh!t"),
        ("$hit", "$hit"),
        ("f**k that", "f**k"),
        ("total a55hole", "a55hole"),
        ("ＦＵＣＫ", "ＦＵＣＫ"),
        ("fսсk", "fսсk"),
        ("f\u200bu\u200bck", "f\u200bu\u200bck"),
        ("fück", "fück"),
        ("'bitch'", "bitch"),
        ("B1TCH please", "B1TCH"),
    ],
)
def test_obfuscations_map_back_to_original(text, evidence):
    report = check(text)
    hits = [f for f in report.findings if f.category in ("profanity", "vulgarity")]
    assert hits, text
    assert hits[0].evidence == evidence
    assert text[hits[0].start : hits[0].end] == evidence


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United won",
        "an assassin was arrested",
        "a class of students",
        "grape juice",
        "Pol Pot's regime",
        "the cockpit door",
        "Essex police",
        "Dick Cheney spoke",
        "the organ was loud",
        "good god",
        "hello there",
        "we kill time",
        "the number 455",
        "a therapist",
        "cocktail hour",
        "Sussex and Middlesex",
        "shiitake mushrooms",
        "hero in the story",
        "arsenal fans",
        "pass the ball",
    ],
)
def test_no_substring_or_ordinary_word_false_positives(text):
    assert not swearing(text), text


def test_digit_only_tokens_are_numbers_not_words():
    assert bp.contains_profanity("455")
    assert not swearing("the number 455")
    assert swearing("what an @$$")


@pytest.mark.parametrize("word", sorted(EXCLUDED)[:40])
def test_excluded_words_are_a_documented_deviation(word):
    assert bp.contains_profanity(word)
    assert classify(word) is None
    assert not swearing(word)


_MAP = {"a": "a@4", "i": "i1l", "o": "o0", "e": "e3", "s": "s$5", "t": "t7", "u": "uv"}
_SAMPLE = [w for w in package_wordlist() if classify(w) and w.isalpha() and 3 <= len(w) <= 10]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_SAMPLE), st.randoms(use_true_random=False))
def test_parity_with_better_profanity_on_leet_variants(word, rnd):
    variant = "".join(rnd.choice(_MAP.get(c, c)) for c in word)
    assume(not variant.isdigit())  # documented deviation: numbers are not words
    text = f"they said {variant} again"
    assert bp.contains_profanity(text)
    assert swearing(text), variant


_EXCLUDED_MATCHER = WordMatcher({w: w for w in EXCLUDED})


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghiklmnoprstuvwy ", min_size=1, max_size=30))
def test_plain_lowercase_text_agrees_with_better_profanity(text):
    """Same verdict on plain text, except for the documented deviations:
    excluded words, added slang, and words glued across spaces."""
    ours = bool(swearing(text))
    theirs = bp.contains_profanity(text)
    tokens = text.split()
    if ours and not theirs:
        assert any(t in EXTRA_PROFANITY for t in tokens), text
    if theirs and not ours:
        flagged_alone = [t for t in tokens if bp.contains_profanity(t)]
        # Either every token bp flags on its own is an excluded entry (or a
        # variant of one), or bp only matched by gluing neighbouring tokens.
        assert all(_EXCLUDED_MATCHER.match_word(t) is not None for t in flagged_alone), text
