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
