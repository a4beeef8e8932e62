import csv
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from comments.tests.factories import CommentFactory
from moderation import checkmodels
from moderation.models import CheckModelActivation, CheckModelVersion
from moderation.services import check_model_activate, comment_approve, comment_reject
from moderation.tasks import retrain_check_model
from moderation.tests.factories import CheckModelVersionFactory, ModeratorFactory, tiny_model

# The commands run with the active learned model (--model active), which the activation log names.
pytestmark = pytest.mark.django_db


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
    # The score is the review priority: the learned layer ranks even an unflagged
    # comment by its probability, so the clean one is low, not zero.
    assert rows[1]["categories"] == ""
    assert 0 <= float(rows[1]["score"]) < 0.25 < float(rows[0]["score"])


def test_classify_comments_can_run_on_the_rules_alone(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(source, ["text"], [["Thanks for the clear report on the budget."]])

    call_command("classify_comments", "--input", str(source), "--output", str(target), "--model", "none")

    (row,) = read_csv(target)
    assert row["categories"] == "" and float(row["score"]) == 0


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


FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_classify_comments_keeps_spreadsheets_from_running_formulas(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(source, ["text"], [[text] for text in FORMULAS] + [["a - b = c"]])

    call_command("classify_comments", "--input", str(source), "--output", str(target), "--model", "none")

    rows = read_csv(target)
    assert [row["text"] for row in rows] == ["'" + text for text in FORMULAS] + ["a - b = c"]
    # Only the text cell changes: the scores are those of the text as written.
    assert all(row["score"] == "0.0000" for row in rows)


def test_classify_comments_raw_text_writes_text_as_read(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(source, ["text"], [[text] for text in FORMULAS])

    call_command("classify_comments", "--input", str(source), "--output", str(target), "--model", "none", "--raw-text")

    assert [row["text"] for row in read_csv(target)] == FORMULAS


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


def two_source_csv(path):
    rows = []
    for source, word in (("first", "idiot"), ("second", "moron")):
        for n in range(12):
            rows.append([f"you {word}, reader {n}", "insult", source])
            rows.append([f"Thanks for the update on road {n}.", "clean", source])
    write_csv(path, ["text", "label", "source"], rows)
    return path


def test_evaluate_checks_reports_the_model_it_ran_with(tmp_path, capsys):
    source = two_source_csv(tmp_path / "labelled.csv")

    call_command("evaluate_checks", str(source), "--json", "--model", "none")
    rules_only = json.loads(capsys.readouterr().out)
    call_command("evaluate_checks", str(source), "--json")
    active = json.loads(capsys.readouterr().out)

    from moderation.checks.model import shipped_model

    assert rules_only["model_version"] is None
    assert active["model_version"] == shipped_model().version  # nothing activated: the shipped model
    for result in (rules_only, active):
        assert set(result["summary"]) >= {"mean_recall", "false_flags", "false_flags_without_swearing", "priority_auc"}


def test_evaluate_checks_refuses_a_model_file_it_cannot_load(tmp_path):
    source = two_source_csv(tmp_path / "labelled.csv")
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a model")
    with pytest.raises(CommandError, match="cannot load"):
        call_command("evaluate_checks", str(source), "--model-file", str(broken))


def test_evaluate_checks_leave_one_source_out_measures_every_source(tmp_path, capsys):
    shared = tiny_shared(tmp_path / "shared")
    source = two_source_csv(tmp_path / "labelled.csv")

    call_command(
        "evaluate_checks",
        str(source),
        "--leave-one-source-out",
        "--json",
        "--train",
        str(shared / "train" / "train.csv"),
    )

    result = json.loads(capsys.readouterr().out)
    assert set(result["per_source"]) == {"first", "second"}
    assert result["pooled"]["by_label"]["insult"]["rows"] == 24
    assert result["per_source"]["first"]["by_label"]["clean"]["rows"] == 12


def test_evaluate_checks_stream_reports_each_checkpoint(tmp_path, capsys):
    shared = tiny_shared(tmp_path / "shared")
    source = two_source_csv(tmp_path / "labelled.csv")

    call_command(
        "evaluate_checks",
        str(source),
        "--stream",
        "--stream-base",
        "train",
        "--json",
        "--checkpoints",
        "0,10",
        "--train",
        str(shared / "train" / "train.csv"),
    )

    points = json.loads(capsys.readouterr().out)
    assert [p["decisions"] for p in points] == [0, 10]
    assert points[0]["model_version"] != points[1]["model_version"]
    held_out = [sum(t["rows"] for t in p["by_label"].values()) for p in points]
    assert held_out[0] == held_out[1] == 10  # the same 20% of 48 rows, measured at every checkpoint


def test_evaluate_checks_stream_needs_whole_numbers(tmp_path):
    source = two_source_csv(tmp_path / "labelled.csv")
    with pytest.raises(CommandError, match="whole numbers"):
        call_command("evaluate_checks", str(source), "--stream", "--checkpoints", "0,many")


# --- train_checks -------------------------------------------------------------------------------------


def tiny_shared(root):
    """A shared folder with a handful of rows in the real layout (train/train.csv, eval/dev.csv)."""
    codes = ["profanity", "personal_attack", "threat", "abuse", "promotion"]
    train_rows = []
    for n in range(30):
        train_rows.append([f"The council report on item {n} was clear.", 0, 0, 0, 0, 0, "tiny"])
        train_rows.append([f"you absolute idiot number {n}", 0, 1, 0, 0, 0, "tiny"])
        train_rows.append([f"buy cheap watches at shop {n} now", 0, 0, 0, 0, 1, "tiny"])
    (root / "train").mkdir(parents=True)
    (root / "eval").mkdir()
    write_csv(root / "train" / "train.csv", ["text", *codes, "corpus"], train_rows)
    write_csv(
        root / "eval" / "dev.csv",
        ["text", "label", "source"],
        [[f"what a moron, reader {n}", "insult", "devsrc"] for n in range(10)]
        + [[f"Thanks for the update on road {n}.", "clean", "devsrc"] for n in range(10)],
    )
    return root


def test_train_checks_writes_weights_and_card_and_rebuilds_byte_for_byte(tmp_path, capsys):
    shared = tiny_shared(tmp_path / "shared")
    first, second = tmp_path / "a" / "weights.npz", tmp_path / "b" / "weights.npz"

    call_command("train_checks", "--shared", str(shared), "--output", str(first), "--bits", "10")
    out = capsys.readouterr().out
    call_command("train_checks", "--shared", str(shared), "--output", str(second), "--bits", "10")

    assert first.read_bytes() == second.read_bytes()
    from moderation.checks.model import LinearModel

    model = LinearModel.from_bytes(first.read_bytes())
    assert f"version {model.version}" in out
    assert f"sha256 {hashlib.sha256(first.read_bytes()).hexdigest()}" in out
    assert model.version in (first.parent / "MODEL_CARD.md").read_text(encoding="utf-8")

    call_command("train_checks", "--shared", str(shared), "--output", str(first), "--bits", "10", "--check")
    assert "rebuilds byte for byte" in capsys.readouterr().out
    with pytest.raises(CommandError, match="differs"):  # another seed is another model
        call_command(
            "train_checks", "--shared", str(shared), "--output", str(first), "--bits", "10", "--seed", "14", "--check"
        )


def test_train_checks_check_fails_on_a_changed_file_and_writes_nothing(tmp_path):
    shared = tiny_shared(tmp_path / "shared")
    reference = tmp_path / "weights.npz"
    reference.write_bytes(b"an older model")

    with pytest.raises(CommandError, match="differs"):
        call_command("train_checks", "--shared", str(shared), "--output", str(reference), "--bits", "10", "--check")

    assert reference.read_bytes() == b"an older model"
    assert not (tmp_path / "MODEL_CARD.md").exists()


def test_train_checks_reports_missing_training_data(tmp_path):
    with pytest.raises(CommandError, match="cannot read the training data"):
        call_command("train_checks", "--shared", str(tmp_path), "--output", str(tmp_path / "w.npz"))


@pytest.fixture
def small_training(settings, monkeypatch):
    settings.CHECKS_RETRAIN_MIN_DECISIONS = 20
    settings.CHECKS_RETRAIN_MAXITER = 5
    # Retraining starts from the shipped model; a small one (not the active one) keeps the test fast.
    shipped = tiny_model("glimmix", "promotion")
    monkeypatch.setattr(checkmodels, "shipped_or_none", lambda: shipped)
    checkmodels.clear_loaded_models()
    yield shipped
    checkmodels.clear_loaded_models()


def decisions(clean=16, threat=8):
    moderator = ModeratorFactory()
    for n in range(clean):
        comment_approve(comment=CommentFactory(body=f"The ferry timetable item {n} is useful."), moderator=moderator)
    for n in range(threat):
        comment_reject(
            comment=CommentFactory(body=f"I will zorblax the editor number {n}."),
            moderator=moderator,
            reasons=["threat"],
        )


def test_train_checks_with_decisions_stores_and_can_activate_a_version(small_training, capsys):
    base = CheckModelVersionFactory()
    check_model_activate(version=base.version, actor=None)
    decisions()

    call_command("train_checks", "--with-decisions", "--activate")

    stored = CheckModelVersion.objects.get(origin="decisions", parent_version=small_training.version)
    out = capsys.readouterr().out
    assert f"version {stored.version}" in out and "decisions used 24" in out
    assert CheckModelActivation.objects.order_by("-id").first().version == stored


def test_train_checks_with_too_few_decisions_fails_and_writes_nothing(small_training, tmp_path):
    decisions(clean=3, threat=2)

    with pytest.raises(CommandError, match="Only 5 usable moderator decision"):
        call_command("train_checks", "--with-decisions", "--output", str(tmp_path / "w.npz"))

    assert not CheckModelVersion.objects.exists()
    assert not (tmp_path / "w.npz").exists()


def test_retrain_task_stores_a_version_and_activates_it_only_when_configured(small_training, settings):
    assert retrain_check_model.delay().get() is None  # too few decisions: logged, nothing stored
    base = CheckModelVersionFactory()
    check_model_activate(version=base.version, actor=None)
    decisions()

    settings.CHECKS_RETRAIN_ACTIVATE = False
    version = retrain_check_model.delay().get()
    assert CheckModelVersion.objects.get(version=version).decisions_used == 24
    assert CheckModelActivation.objects.order_by("-id").first().version == base

    settings.CHECKS_RETRAIN_ACTIVATE = True
    activated = retrain_check_model.delay().get()
    assert activated == version  # same active model, same decisions: the same version, now active
    assert CheckModelActivation.objects.order_by("-id").first().version.version == version


def test_retraining_is_scheduled_only_when_hours_are_set():
    from config import settings as project_settings

    assert project_settings.CHECKS_RETRAIN_HOURS is None
    assert "retrain-check-model" not in project_settings.CELERY_BEAT_SCHEDULE
