from moderation.checks import CheckContext, TermList, check
from moderation.checks.rules.terms import compile_terms


def test_banned_term_scores_one_and_sets_priority():
    ctx = CheckContext(terms=TermList(banned={"promotion": ("acme pills",)}))
    report = check("buy ACME-pills today", ctx)
    f = next(f for f in report.findings if f.rule == "terms.banned")
    assert f.category == "promotion" and f.score == 1.0 and f.evidence == "ACME-pills"
    assert report.priority == 1.0


def test_suspect_term_is_whole_word_and_obfuscation_aware():
    ctx = CheckContext(terms=TermList(suspect={"abuse": ("zorg",)}))
    assert [f.rule for f in check("you z0rg", ctx).findings if f.rule.startswith("terms")] == ["terms.suspect"]
    assert not [f for f in check("zorgon", ctx).findings if f.rule.startswith("terms")]


def test_term_lists_are_hashable_and_compiled_once():
    a = TermList(banned={"abuse": ["x1"]})
    b = TermList(banned={"abuse": ("x1",)})
    assert a == b and hash(a) == hash(b)
    compile_terms.cache_clear()
    check("x1", CheckContext(terms=a))
    check("x1", CheckContext(terms=b))
    assert compile_terms.cache_info().misses == 1


def test_a_repeated_term_reports_five_examples_per_category_and_kind():
    ctx = CheckContext(
        terms=TermList(banned={"promotion": ("acme",), "abuse": ("zorg",)}, suspect={"promotion": ("pills",)})
    )
    text = "acme pills zorg " * 8 + "zorg"
    findings = [f for f in check(text, ctx).findings if f.rule.startswith("terms")]
    kinds = [(f.category, f.rule) for f in findings]
    assert kinds.count(("promotion", "terms.banned")) == 5
    assert kinds.count(("promotion", "terms.suspect")) == 5
    assert kinds.count(("abuse", "terms.banned")) == 5
    # The first five of each, in text order: the examples a moderator reads first.
    assert [f.start for f in findings if f.evidence == "acme"] == [16 * i for i in range(5)]
    assert check(text, ctx).priority == 1.0
