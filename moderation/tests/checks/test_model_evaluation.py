"""Leave-one-source-out and the decision stream, with a small trainer so they run in seconds."""

from moderation.checks.model.evaluation import leave_one_source_out, stream
from moderation.checks.model.training import Row, train

NEUTRAL = [
    "the council met in {} to discuss the budget",
    "reporters covered the vote in {}",
    "prices of bread rose again in {}",
    "the minister visited {} and spoke to farmers",
]
PLACES = ["hasaka", "erbil", "mosul", "raqqa", "duhok", "kirkuk", "zakho", "basra", "najaf", "tikrit"]


def labelled(source: str, word: str) -> list[tuple[str, str, str]]:
    rows = []
    for place in PLACES:
        for template in NEUTRAL:
            rows.append((template.format(place), "clean", source))
            rows.append((f"you {word}, " + template.format(place), "insult", source))
    return rows


def small_train(rows):
    # One source per fold here, so a head learned from one source may flag.
    return train(rows, bits=12, maxiter=40, validation_share=0.3, false_flag_rate=0.05, min_sources_to_flag=1)


def test_each_source_is_measured_by_a_model_trained_without_it():
    rows = labelled("one", "blorf") + labelled("two", "blorf")
    seen: list[set[str]] = []

    def trainer(training_rows):
        seen.append({r.source for r in training_rows})
        return small_train(training_rows)

    background = [Row("thanks for the report", frozenset(), "train")]
    pooled, per_source = leave_one_source_out(rows, background, trainer=trainer)
    assert seen == [{"train", "two"}, {"train", "one"}]
    assert set(per_source) == {"one", "two"}
    assert pooled.by_label["insult"].rows == len(rows) // 2
    # what was learned from one source carries over to the other
    assert per_source["one"].by_label["insult"].right_rate > 0.5
    assert pooled.summary()["priority_auc"] > 0.8


def test_stream_measures_every_checkpoint_on_the_same_held_out_rows():
    base = small_train(
        [
            Row(text, frozenset() if label == "clean" else frozenset({"personal_attack"}), "base")
            for text, label, _ in labelled("base", "blorf")
        ]
    )
    rows = labelled("s", "zimzam")
    tuned_on: list[int] = []

    def tuner(model, decisions):
        tuned_on.append(len(decisions))
        return small_train(decisions)

    points = stream(rows, base, checkpoints=(0, 20, 40), tuner=tuner)
    assert [p.decisions for p in points] == [0, 20, 40]
    assert tuned_on == [20, 40]
    held_out = {p.result.by_label["clean"].rows + p.result.by_label["insult"].rows for p in points}
    assert held_out == {round(len(rows) * 0.2)}
    # learning "zimzam" from decisions finds the insults the base model never saw
    assert points[-1].result.by_label["insult"].right_rate > points[0].result.by_label["insult"].right_rate
