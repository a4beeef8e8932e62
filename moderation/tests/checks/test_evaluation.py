from moderation.checks.evaluation import evaluate, format_markdown


def test_rates_and_table():
    rows = [
        ("thanks for the report", "clean", "a"),
        ("you are an idiot", "clean", "a"),
        ("you are an idiot", "insult", "b"),
        ("what the fuck", "insult", "b"),
        ("what the fuck", "profanity", "b"),
        ("I will kill you", "threat", "c"),
        ("whatever", "mystery", "c"),
    ]
    result = evaluate(rows)
    assert result.by_label["clean"].flag_rate == 0.5
    assert result.by_label["insult"].flag_rate == 1.0
    assert result.by_label["insult"].right_rate == 0.5
    assert result.by_label["profanity"].right_rate == 1.0
    assert result.by_source[("c", "threat")].right == 1
    assert result.unknown_labels == {"mystery": 1}
    table = format_markdown(result)
    assert "| insult | 2 | 100.0% | 50.0% |" in table
    assert "| b | profanity | 1 | 100.0% | 100.0% |" in table


# --- ranking and the stricter false-flag figure --------------------------------------------------

import pytest  # noqa: E402

from moderation.checks.evaluation import Tally, has_listed_swear_word, roc_auc  # noqa: E402


@pytest.mark.parametrize(
    "positives, negatives, expected",
    [
        ([0.9, 0.8], [0.1, 0.2], 1.0),  # every violation ranked above every clean comment
        ([0.1, 0.2], [0.9, 0.8], 0.0),  # the reverse
        ([0.5, 0.5], [0.5, 0.5], 0.5),  # all tied: a coin toss
        ([0.9, 0.3], [0.5, 0.1], 0.75),  # 3 of 4 pairs in order
        ([0.5], [0.5, 0.1], 0.75),  # a tie counts half
    ],
)
def test_roc_auc_is_the_share_of_pairs_in_order(positives, negatives, expected):
    assert roc_auc(positives, negatives) == pytest.approx(expected)


def test_roc_auc_needs_both_classes():
    assert roc_auc([0.3], []) is None and roc_auc([], [0.3]) is None


def test_listed_swear_words_are_recognised():
    assert has_listed_swear_word("what the fuck is this")
    assert not has_listed_swear_word("what a balanced report")


def test_summary_reports_false_flags_with_and_without_swearing_and_the_auc():
    rows = [
        ("thanks for the report", "clean", "a"),
        ("what a shitty day for the council", "clean", "a"),  # swearing: a flag the policy asks for
        ("you are an idiot", "clean", "a"),  # no listed swear word, flagged
        ("I read it twice", "clean", "a"),
        ("you are an idiot", "insult", "a"),
        ("I will kill you", "threat", "a"),
    ]
    result = evaluate(rows)
    summary = result.summary()
    assert summary["false_flags"] == 0.5
    assert result.clean_without_swearing.rows == 3
    assert summary["false_flags_without_swearing"] == pytest.approx(1 / 3, abs=1e-4)
    assert summary["mean_recall"] == 1.0
    assert 0.5 < summary["priority_auc"] <= 1.0
    assert "priority ROC AUC" in format_markdown(result).splitlines()[0]


def test_results_merge_by_adding_counts():
    first, second = evaluate([("you are an idiot", "insult", "a")]), evaluate([("hello there", "clean", "b")])
    first.merge(second)
    assert first.by_label["insult"].rows == 1 and first.by_label["clean"].rows == 1
    assert first.auc == 1.0
    assert isinstance(first.clean_without_swearing, Tally) and first.clean_without_swearing.rows == 1
