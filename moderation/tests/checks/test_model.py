"""The learned layer: features, training, storage, scoring, evidence and fine-tuning."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from moderation.checks import CheckContext, check
from moderation.checks.model import CARD_PATH, SHIPPED_PATH, LinearModel, shipped_model
from moderation.checks.model.features import featurize
from moderation.checks.model.linear import WINDOW_WORDS
from moderation.checks.model.training import PINNED_KERNELS, Row, fine_tune, shared_rows, train, train_pinned
from moderation.checks.normalize import Normalized

REPO = Path(__file__).resolve().parents[3]

# A tiny, made-up corpus: "blorf" marks an insult and "zimzam" a promotion;
# everything else is neutral news talk.
NEUTRAL = [
    "the council met on {} to discuss the budget",
    "reporters covered the vote in {} last night",
    "the drone strike near {} was confirmed by officials",
    "thanks for the clear article about {}",
    "prices of bread rose again in {} this spring",
    "the minister visited {} and spoke to farmers",
]
PLACES = [
    "hasaka",
    "erbil",
    "mosul",
    "raqqa",
    "duhok",
    "kirkuk",
    "zakho",
    "amman",
    "basra",
    "najaf",
    "sulaymaniyah",
    "halabja",
    "qamishli",
    "kobani",
    "tikrit",
    "fallujah",
]


def tiny_rows() -> list[Row]:
    rows = []
    for i, place in enumerate(PLACES):
        source = "tiny-a" if i % 2 else "tiny-b"  # two sources: a head learned from one only ranks
        for j, template in enumerate(NEUTRAL):
            text = template.format(place)
            rows.append(Row(text, frozenset(), source))
            if (i + j) % 3 == 0:
                rows.append(Row(f"you blorf, {text}", frozenset({"personal_attack"}), source))
            if (i + j) % 4 == 1:
                rows.append(Row(f"{text} zimzam deals now", frozenset({"promotion"}), source))
    return rows


@pytest.fixture(scope="module")
def tiny_model() -> LinearModel:
    return train(tiny_rows(), bits=12, maxiter=60, validation_share=0.3, false_flag_rate=0.05)


def test_features_do_not_depend_on_the_hash_seed():
    code = (
        "import sys; sys.path.insert(0, %r); from moderation.checks.model.features import featurize; "
        "print(featurize('you are an idiot', 16).ids.tolist())" % str(REPO)
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], env={"PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert featurize("you are an idiot", 16).ids.tolist() == eval(outputs.pop())


def test_features_name_the_words_they_come_from():
    text = Normalized("Hello,  brave   NEW world")
    feats = featurize(text.wordtext, 14)
    words = [text.norm[s:e] for s, e in zip(feats.word_starts, feats.word_ends)]
    assert words == ["hello", "brave", "new", "world"]
    word_of = feats.word_of()
    assert word_of.shape == feats.ids.shape
    assert set(word_of.tolist()) == {0, 1, 2, 3}
    values = np.append(np.arange(feats.count, dtype=np.int64) % 7 + 1, 0)[None, :]
    sums, counts = feats.segment_sums(values, np.arange(feats.words + 1))
    for w in range(feats.words):
        assert sums[0, w] == values[0, :-1][word_of == w].sum()
        assert counts[w] == (word_of == w).sum()
    two, _ = feats.segment_sums(values, np.array([0, 2, 4]))
    assert two[0].tolist() == [sums[0, :2].sum(), sums[0, 2:].sum()]
    # a range in the middle counts only its own words
    middle, middle_counts = feats.segment_sums(values, np.array([1, 2, 3]))
    assert middle[0].tolist() == [sums[0, 1], sums[0, 2]]
    assert middle_counts.tolist() == [counts[1], counts[2]]
    assert feats.ids.min() >= 0 and feats.ids.max() < 2**14


def test_empty_and_punctuation_only_text_has_no_features():
    assert featurize(Normalized("").wordtext, 12).count == 0
    assert featurize(Normalized("?!...").wordtext, 12).count == 0


def test_training_is_deterministic_to_the_byte():
    first = train(tiny_rows(), bits=12, maxiter=30, validation_share=0.3)
    second = train(list(reversed(tiny_rows())), bits=12, maxiter=30, validation_share=0.3)
    assert first.to_bytes() == second.to_bytes()
    assert first.version == second.version


def test_pinned_training_runs_numpy_without_its_avx512_loops():
    # The shipped weights are trained with numpy's and OpenBLAS's kernels pinned to the AVX2 level
    # (PINNED_KERNELS): if a numpy upgrade renamed its dispatch targets, the pin would silently stop
    # working and the weights would again depend on the CPU that trained them.
    code = (
        "from numpy._core._multiarray_umath import __cpu_features__ as f; "
        "print([k for k in ('X86_V4', 'AVX512_ICL', 'AVX512_SPR') if f.get(k)])"
    )
    env = {**os.environ, **PINNED_KERNELS}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_pinned_training_does_not_take_the_callers_kernels(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    (shared / "train").mkdir(parents=True)
    (shared / "eval").mkdir()
    lines = ["text,profanity,personal_attack,threat,abuse,promotion,corpus"]
    lines += [f"you absolute idiot number {n},0,1,0,0,0,tiny" for n in range(20)]
    lines += [f"The council report on item {n} was clear.,0,0,0,0,0,tiny" for n in range(20)]
    (shared / "train" / "train.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (shared / "eval" / "dev.csv").write_text("text,label,source\nwhat a moron,insult,devsrc\n", encoding="utf-8")

    # Two callers, one asking for the AVX-512 kernels and one for the AVX2 ones: on an AVX-512
    # machine these train other bytes even on 40 rows, so without the pin the two models differ.
    for name, value in (("NPY_DISABLE_CPU_FEATURES", ""), ("OPENBLAS_CORETYPE", "SkylakeX")):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    pinned = train_pinned(shared, seed=5, bits=10)
    for name, value in PINNED_KERNELS.items():
        monkeypatch.setenv(name, value)

    assert train_pinned(shared, seed=5, bits=10) == pinned
    model = LinearModel.from_bytes(pinned)
    assert model.meta["rows"] + model.meta["validation_rows"] == len(shared_rows(shared)) == 41  # train + dev rows


def test_model_round_trips_through_bytes(tiny_model):
    data = tiny_model.to_bytes()
    loaded = LinearModel.from_bytes(data)
    assert loaded.to_bytes() == data
    assert loaded.version == tiny_model.version
    assert np.array_equal(loaded.weights, tiny_model.weights)
    assert loaded.weights.dtype == np.int8


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_bad_model_bytes_are_refused(data):
    with pytest.raises(ValueError):
        LinearModel.from_bytes(data)


def test_model_flags_what_it_learned_with_the_word_as_evidence(tiny_model):
    text = "Well you blorf, the council met on Sunday"
    report = check(text, CheckContext(model=tiny_model))
    model_findings = [f for f in report.findings if f.rule == "model"]
    assert {f.category for f in model_findings} == {"personal_attack"}
    assert "blorf" in [f.evidence for f in model_findings]
    for f in model_findings:
        assert f.evidence == text[f.start : f.end]
        assert f.score == report.model_scores["personal_attack"]
    assert report.model_version == tiny_model.version


def test_model_stays_quiet_on_neutral_text(tiny_model):
    report = check("the minister met farmers in erbil to discuss bread prices", CheckContext(model=tiny_model))
    assert not [f for f in report.findings if f.rule == "model"]
    assert 0 < report.priority < 0.5  # ranked by probability, though nothing is flagged


def test_a_category_without_training_examples_never_flags(tiny_model):
    index = tiny_model.categories.index("threat")
    assert np.isinf(tiny_model.thresholds[index])
    report = check("you blorf zimzam deals now", CheckContext(model=tiny_model))
    assert "threat" not in {f.category for f in report.findings if f.rule == "model"}


def test_thresholds_respect_the_false_flag_rate(tiny_model):
    validation = tiny_model.meta["validation"]
    for values in validation["per_category"].values():
        if values["clean_flagged"] is not None:
            assert values["clean_flagged"] <= 0.05


def test_an_offence_late_in_a_long_comment_is_not_averaged_away(tiny_model):
    filler = " ".join(NEUTRAL[k % len(NEUTRAL)].format(PLACES[k % len(PLACES)]) for k in range(40))
    assert len(filler.split()) > 3 * WINDOW_WORDS
    text = filler + " and you blorf"
    j = tiny_model.categories.index("personal_attack")
    wordtext = Normalized(text).wordtext
    logits, starts = tiny_model._window_logits(featurize(wordtext, tiny_model.bits))
    windowed = logits[j]
    lo = int(starts[j])
    window_text = " ".join(wordtext.split()[lo : lo + WINDOW_WORDS])
    assert "blorf" in window_text.split()
    # The comment is as bad as its worst window, scored exactly as that passage alone ...
    assert windowed == pytest.approx(tiny_model.raw_scores(window_text)[j])
    # ... which is worse than the whole comment averaged together.
    feats = featurize(Normalized(text).wordtext, tiny_model.bits)
    averaged = tiny_model.bias[j] + tiny_model.weights[feats.ids, j].sum() * tiny_model.scales[j] / np.sqrt(feats.count)
    assert windowed > averaged
    report = check(text, CheckContext(model=tiny_model))
    assert report.model_scores["personal_attack"] == pytest.approx(
        float(tiny_model.calibrate(tiny_model.raw_scores(Normalized(text).wordtext))[j]), abs=1e-4
    )


def test_model_findings_join_rule_findings_and_priority(tiny_model):
    rules_only = check("you blorf, you are an idiot")
    both = check("you blorf, you are an idiot", CheckContext(model=tiny_model))
    assert {f.rule for f in both.findings} >= {f.rule for f in rules_only.findings} | {"model"}
    assert both.priority >= rules_only.priority
    assert rules_only.model_version == "" and "model_version" not in rules_only.to_dict()
    assert both.to_dict()["model_version"] == tiny_model.version


def test_fine_tuning_learns_a_new_offence_from_decisions(tiny_model):
    decisions = []
    for place in PLACES:
        for template in NEUTRAL[:3]:
            text = template.format(place)
            decisions.append(Row(text, frozenset(), "decisions"))
            decisions.append(Row(f"{text} krumpet hustle", frozenset({"promotion"}), "decisions"))
    before = check("the vote in mosul krumpet hustle", CheckContext(model=tiny_model)).model_scores["promotion"]
    tuned = fine_tune(tiny_model, decisions, l2=1e-4, maxiter=60)
    after = check("the vote in mosul krumpet hustle", CheckContext(model=tuned)).model_scores["promotion"]
    assert after > before + 0.2
    assert tuned.version != tiny_model.version
    assert tuned.meta["fine_tuned_from"] == tiny_model.version
    # what it knew before is kept
    assert check("you blorf", CheckContext(model=tuned)).model_scores["personal_attack"] > 0.5


def test_shipped_model_loads_and_matches_its_card():
    model = shipped_model()
    assert set(model.categories) == {"profanity", "personal_attack", "threat", "abuse", "promotion"}
    assert model.to_bytes() == SHIPPED_PATH.read_bytes()
    assert SHIPPED_PATH.stat().st_size < 20 * 2**20
    assert model.version in CARD_PATH.read_text(encoding="utf-8")
    report = check("You are a pathetic moron and everyone here knows it", CheckContext(model=model))
    assert "personal_attack" in report.categories


def test_few_decisions_nudge_the_model_rather_than_replace_it(tiny_model):
    decisions = [Row(f"the vote in {place} krumpet hustle", frozenset({"promotion"}), "decisions") for place in PLACES]
    text = "the vote in mosul krumpet hustle"
    weak = fine_tune(tiny_model, decisions, l2=1e-4, maxiter=60, prior_decisions=100_000)
    strong = fine_tune(tiny_model, decisions, l2=1e-4, maxiter=60, prior_decisions=1)
    score = lambda m: check(text, CheckContext(model=m)).model_scores["promotion"]  # noqa: E731
    assert score(tiny_model) <= score(weak) < score(strong)
    # too few held-out decisions to place thresholds on: the old ones stay
    assert np.array_equal(weak.thresholds, tiny_model.thresholds)


def test_the_card_states_the_training_floor():
    from moderation.checks.model import card, training

    assert card.MIN_THRESHOLD == training.MIN_THRESHOLD


def test_a_category_learned_from_one_source_only_ranks():
    # insults from two sources, promotion from one
    rows = [Row(r.text, r.labels, "only" if "promotion" in r.labels else r.source) for r in tiny_rows()]
    model = train(rows, bits=12, maxiter=60, validation_share=0.3, false_flag_rate=0.05)
    promotion = model.categories.index("promotion")
    assert model.meta["rank_only"] == ["promotion"]
    assert np.isinf(model.thresholds[promotion])
    assert np.isfinite(model.thresholds[model.categories.index("personal_attack")])
    report = check("the vote in erbil zimzam deals now", CheckContext(model=model))
    assert "promotion" not in {f.category for f in report.findings if f.rule == "model"}
    assert report.model_scores["promotion"] > 0.5  # it still ranks the comment
    assert LinearModel.from_bytes(model.to_bytes()).thresholds[promotion] == np.inf
