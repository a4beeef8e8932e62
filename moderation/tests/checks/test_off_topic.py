from moderation.checks import CheckContext, check
from moderation.checks.rules.off_topic import article_stems

TITLE = "Drones target US base in northeast Syria"
BODY = (
    "Militia groups targeted American troops at a base in Syria with drones. "
    "The Pentagon blamed Iran and carried out airstrikes in response."
)
CTX = CheckContext(article_title=TITLE, article_body=BODY)
UNRELATED = (
    "My grandmother bakes wonderful apple pies every autumn, using cinnamon, "
    "butter, brown sugar, fresh lemons and flaky pastry from the village bakery."
)


def test_unrelated_long_comment_is_off_topic_with_low_score():
    report = check(UNRELATED, CTX)
    assert report.categories == ("off_topic",)
    assert report.findings[0].score <= 0.3


def test_related_comment_is_not_off_topic():
    text = (
        "These drone attacks on the base show how dangerous the militias have become, "
        "and Washington should think carefully before escalating with more airstrikes."
    )
    assert not check(text, CTX).findings


def test_short_comment_and_missing_article_are_not_judged():
    assert not check("Lovely apple pies!", CTX).findings
    assert not check(UNRELATED).findings


def test_article_processing_is_cached():
    article_stems.cache_clear()
    check(UNRELATED, CTX)
    check(UNRELATED, CheckContext(article_title=TITLE, article_body=BODY))
    info = article_stems.cache_info()
    assert info.misses == 1 and info.hits >= 1
