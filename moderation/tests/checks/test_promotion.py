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
    "Reply YES to claim your reward",
    "Ringtones at 150p/msg, txt TONE now",
    "join my group t.me/cheapdeals",
    "great deals on watches, click here www.watch-outlet.biz",
    "Win a free cruise! Text CRUISE to 81234",
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
    "Full report here: https://t.co/AbC123xyz",
    "Photo from the march https://t.co/Qw3rTy http://t.co/Zx9Vb8",
    "The minister's statement is at www.gov.example.org/statement",
    "Voters will reply to the survey in 2024",
    "Reply to the article: I agree with the author",
    "The value fell to 0.000000000123 percent",
    "I paid £5 for a coffee, outrageous",
])
def test_not_promotion(text):
    assert "promotion" not in check(text).categories, text


def test_shortener_weighs_more_than_plain_link():
    plain = [f for f in check("see www.example.org for more").findings if f.category == "promotion"]
    short = [f for f in check("see bit.ly/abc for more").findings if f.category == "promotion"]
    assert not plain and short and short[0].rule == "promotion.shortener"


def test_a_link_alone_is_a_weak_hint_but_adds_up():
    assert "promotion" not in check("interesting, see www.example.org/report").categories
    pitched = check("Cheap loans, guaranteed income! www.example.org/offer")
    assert "promotion" in pitched.categories
    assert {"promotion.link", "promotion.pitch"} <= {f.rule for f in pitched.findings}


def test_findings_per_rule_are_capped_but_the_verdict_stands():
    text = " ".join(f"call 0800 123 45{i:02d}" for i in range(40))
    phones = [f for f in check(text).findings if f.rule == "promotion.phone"]
    assert 1 <= len(phones) <= 5


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
