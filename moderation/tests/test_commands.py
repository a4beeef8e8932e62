import csv
import json

import pytest
from django.core.management import CommandError, call_command


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_classify_comments_writes_categories_and_scores(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(
        source,
        ["text"],
        [["You are an idiot"], ["Thanks for the clear report on the budget."], ['multi\nline, "quoted"']],
    )

    call_command("classify_comments", "--input", str(source), "--output", str(target))

    rows = read_csv(target)
    assert [row["text"] for row in rows] == [
        "You are an idiot",
        "Thanks for the clear report on the budget.",
        'multi\nline, "quoted"',
    ]
    assert "personal_attack" in rows[0]["categories"].split(";")
    assert float(rows[0]["score"]) > 0
    assert rows[1]["categories"] == "" and float(rows[1]["score"]) == 0


def test_classify_comments_uses_article_columns_for_off_topic(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    unrelated = (
        "My favourite football team lost again yesterday and the referee made terrible calls all "
        "match long, nobody in the stadium could believe what they were seeing on the pitch tonight."
    )
    write_csv(
        source,
        ["text", "article_title", "article_body"],
        [
            [unrelated, "Council approves riverside park", "The council voted to build a park by the river."],
            [unrelated, "", ""],
        ],
    )

    call_command("classify_comments", "--input", str(source), "--output", str(target))

    with_article, without_article = read_csv(target)
    assert "off_topic" in with_article["categories"].split(";")
    assert "off_topic" not in without_article["categories"].split(";")


def test_classify_comments_needs_a_text_column(tmp_path):
    source = tmp_path / "in.csv"
    write_csv(source, ["comment"], [["hello"]])
    with pytest.raises(CommandError, match="'text' column"):
        call_command("classify_comments", "--input", str(source), "--output", str(tmp_path / "o.csv"))


def test_classify_comments_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot open"):
        call_command("classify_comments", "--input", str(tmp_path / "nope.csv"), "--output", "-")


def test_evaluate_checks_prints_rates_per_label_and_source(tmp_path, capsys):
    source = tmp_path / "labelled.csv"
    write_csv(
        source,
        ["text", "label", "source"],
        [
            ["You are an idiot", "insult", "mine"],
            ["Thanks for the clear report on the budget.", "clean", "mine"],
            ["Thanks, I learned something about the budget today.", "clean", "mine"],
        ],
    )

    call_command("evaluate_checks", str(source), "--json")


    result = json.loads(capsys.readouterr().out)
    assert result["by_label"]["insult"]["right_rate"] == 1.0
    assert result["by_label"]["clean"]["flag_rate"] == 0.0
    assert result["by_label"]["clean"]["rows"] == 2
    assert result["by_source"]["mine/insult"]["rows"] == 1


def test_evaluate_checks_needs_text_and_label_columns(tmp_path):
    source = tmp_path / "labelled.csv"
    write_csv(source, ["text"], [["hello"]])
    with pytest.raises(CommandError, match="'label'"):
        call_command("evaluate_checks", str(source))
