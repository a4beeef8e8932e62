import pytest

from moderation.checks import CheckContext, check


@pytest.mark.parametrize("text", [
    "check out my channel for more",
    "great read! more at bit.ly/x1y2z3",
    "Call 0800 123 4567 now to claim your prize",
    "I earn $500/day working from home, see www.easycash.biz",
    "contact me at deals@example.com",
    "follow me on instagram",
    "FREE entry! Text WIN to 80086",
    "add me on whatsapp +44 7700 900123",
])
def test_promotion(text):
    assert "promotion" in check(text).categories, text


@pytest.mark.parametrize("text", [
    "free speech matters and the party won the vote",
    "The attack comes a day after they claimed to have hit troops",
    "In 2023 about 2,500 troops were deployed",
    "RT @someone: great news http://…",
    "I read it online on their website yesterday",
    "The deal offers a discount on tariffs",
])
def test_not_promotion(text):
    assert "promotion" not in check(text).categories, text


def test_shortener_weighs_more_than_plain_link():
    plain = [f for f in check("see www.example.org for more").findings if f.category == "promotion"]
    short = [f for f in check("see bit.ly/abc for more").findings if f.category == "promotion"]
    assert not plain and short and short[0].rule == "promotion.shortener"


def test_author_name_finding_uses_metadata_convention():
    ctx = CheckContext(author_name="www.cheap-pills.com", author_email="x@example.org")
    report = check("Nice article.", ctx)
    f = next(f for f in report.findings if f.rule == "promotion.author_name")
    assert (f.start, f.end, f.evidence) == (0, 0, "www.cheap-pills.com")


def test_plain_author_is_fine():
    assert not check("Nice article.", CheckContext(author_name="Jane Doe", author_email="jane@example.org")).findings


def test_duplicates_need_a_real_comment():
    text = "Everyone should read this important statement right now"
    assert "promotion.duplicate" in {f.rule for f in check(text, CheckContext(duplicate_count=2)).findings}
    assert not check("Thanks!", CheckContext(duplicate_count=1)).findings
    assert not check(text, CheckContext(duplicate_count=0)).findings
