import json

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.checks import CATEGORIES, CheckContext, Finding, Report, TermList, check

METADATA_RULES = {"promotion.author_name", "promotion.author_email"}


def test_public_api_shapes():
    report = check("you are an idiot")
    assert isinstance(report, Report) and report.flagged
    assert report.categories == ("personal_attack",)
    data = report.to_dict()
    assert set(data) == {"findings", "priority", "categories"}
    json.dumps(data)
    f = report.findings[0]
    assert isinstance(f, Finding) and f.category in CATEGORIES
    assert set(f.to_dict()) == {"category", "rule", "start", "end", "evidence", "score"}


def test_clean_comment():
    report = check("Thanks for the balanced reporting on the negotiations.")
    assert not report.flagged and report.priority == 0.0 and report.categories == ()


def test_priority_orders_severity():
    threat = check("I will kill you").priority
    insult = check("you are an idiot").priority
    off = check("apple " * 3, CheckContext()).priority
    assert threat > insult > off == 0.0
    both = check("you are an idiot and I will kill you").priority
    assert both > threat


def test_none_and_non_str_inputs_do_not_raise():
    assert not check("").flagged
    assert not check(None).flagged  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=5))
def test_spans_always_point_into_original_text(text, dups):
    ctx = CheckContext(
        article_title="t",
        article_body="b",
        duplicate_count=dups,
        terms=TermList(banned={"abuse": ("ab",)}, suspect={"promotion": ("c d",)}),
    )
    report = check(text, ctx)
    for f in report.findings:
        assert 0.0 <= f.score <= 1.0
        if f.rule in METADATA_RULES:
            assert f.start == f.end == 0
        else:
            assert 0 <= f.start <= f.end <= len(text)
            assert f.evidence == text[f.start : f.end]
    assert 0.0 <= report.priority <= 1.0


_OBFUSCATION = st.text(alphabet="fuckshitybè0134@$*!._- \u200b\u0336ＦΙсᴋ", max_size=200)


@settings(max_examples=300, deadline=None)
@given(_OBFUSCATION)
def test_obfuscation_soup_spans(text):
    for f in check(text).findings:
        assert f.evidence == text[f.start : f.end]
