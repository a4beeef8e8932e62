"""The model card written beside a trained model (``MODEL_CARD.md``).

Everything in it comes from the model itself (its metadata and validation
figures), so the card of a rebuilt model is the same text as the one shipped.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .linear import LinearModel

# Kept in step with training.MIN_THRESHOLD without importing training (scipy) here.
MIN_THRESHOLD = 0.25

CORPORA = (
    (
        "civil_comments_toxic_spans",
        "Civil Comments toxic-spans annotations (news-site comments; Pavlopoulos et al.)",
        "CC0",
        "personal_attack, threat, abuse, profanity",
    ),
    ("civil_comments_spans_removed", "the same posts with the annotated toxic spans cut out", "CC0", "clean"),
    ("civil_comments_not_toxic", "Civil Comments rows every rater called not toxic", "CC0", "clean"),
    (
        "davidson_remainder",
        "Davidson et al. 2017 hate/offensive tweets (rows not in dev.csv)",
        "MIT",
        "profanity, clean",
    ),
    ("sms_spam_remainder", "SMS Spam Collection, ham only", "CC BY 4.0", "clean"),
    ("toxigen_prompts", "ToxiGen prompt sentences (Hartvigsen et al. 2022)", "MIT", "abuse, clean"),
    ("dev.csv: davidson2017_twitter", "Davidson et al. 2017 (the dev rows)", "MIT", "profanity, abuse, clean"),
    ("dev.csv: olid_twitter", "OLID / OffensEval 2019 training set", "not stated", "personal_attack, profanity, clean"),
    (
        "dev.csv: impermium_insults",
        "Kaggle 2012 Detecting Insults in Social Commentary",
        "competition data",
        "personal_attack",
    ),
    ("dev.csv: uci_sms_spam", "UCI SMS Spam Collection (spam rows)", "CC BY 4.0", "promotion"),
    ("dev.csv: ethos", "ETHOS hate-speech dataset (half)", "GPL-3.0", "threat, abuse"),
)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def render_card(model: LinearModel, metrics: dict | None = None) -> str:
    meta = model.meta
    digest = hashlib.sha256(model.to_bytes()).hexdigest()
    lines = [
        "# Model card: guideline-check learned layer",
        "",
        f"- **Version** `{model.version}`; `weights.npz` sha256 `{digest}` ({len(model.to_bytes()):,} bytes).",
        f"- **What it is**: one logistic head per guideline code ({', '.join(model.categories)}) over "
        f"hashed word, word-pair and character 2-5-gram features of the folded comment text "
        f"(2^{model.bits} buckets), int8 weights with a scale per code, a Platt calibration and a "
        "threshold per code. Inference is numpy only (`moderation/checks/model/linear.py`).",
        "- **How it is used**: beside the rules, never instead of them. A code is flagged when a rule fires or the "
        "calibrated probability passes the code's threshold; the review priority uses both. Every comment is "
        "still decided by a moderator.",
        "- **Not covered**: `vulgarity` and `off_topic` (rules only); English only.",
        f"- **Rebuild**: `make train` (`python manage.py train_checks`, seed {meta.get('seed')}) rebuilds "
        "`weights.npz` byte for byte from `../shared/`; `python manage.py train_checks --check` verifies it.",
        "",
        "## Training data",
        "",
        "Read from `../shared/train/train.csv` and `../shared/eval/dev.csv` at training time; no row is in this "
        "repository, only the weights learned from them.",
        "",
        "| corpus | what | licence | codes |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| `{name}` | {what} | {licence} | {codes} |" for name, what, licence, codes in CORPORA]
    positives = meta.get("positives", {})
    lines += [
        "",
        f"{meta.get('rows', 0):,} rows fitted, {meta.get('validation_rows', 0):,} held out (by a hash of the text) "
        "for calibration and thresholds. Positives fitted per code: "
        + ", ".join(f"{k} {v:,}" for k, v in positives.items())
        + ". There is little threat and no news-style promotion data: the rules carry those.",
        "",
        "## Thresholds and validation",
        "",
        f"Each threshold flags at most {_pct(meta.get('false_flag_rate'))} of the validation split's clean comments "
        f"(and is never below {MIN_THRESHOLD}: a rare code may flag at a modest probability, not a negligible one).",
        "A code whose positives all come from one source ("
        + (", ".join(sorted(meta.get("rank_only", []))) or "none")
        + " here) never flags: a head that has seen one source has learned that source's style (SMS spam: "
        "digits and prices) more than the offence. Its probability still counts towards the priority, and "
        "the rules flag it.",
        "",
        "| code | threshold | validation positives | recall at threshold | clean flagged |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    validation = meta.get("validation", {})
    rank_only = set(meta.get("rank_only", []))
    for j, (cat, v) in enumerate(validation.get("per_category", {}).items()):
        if cat in rank_only or not np.isfinite(model.thresholds[j]):
            lines.append(f"| {cat} | never flags: ranks only | {v['positives']:,} | – | – |")
            continue
        lines.append(
            f"| {cat} | {v['threshold']:.3f} | {v['positives']:,} | {_pct(v['recall'])} | {_pct(v['clean_flagged'])} |"
        )
    lines += [
        "",
        f"Any code flagged on a clean validation comment: {_pct(validation.get('clean_flagged_any'))}. "
        "The validation split comes from the same corpora as the training rows, so it flatters the model; "
        "the figures that predict new sources are leave-one-source-out, in `BENCHMARKS.md` "
        "(`manage.py evaluate_checks --leave-one-source-out`).",
    ]
    if metrics:
        lines += ["", "## Further figures", ""] + [f"- {k}: {v}" for k, v in metrics.items()]
    lines += [
        "",
        "## Limits",
        "",
        "- Tweets, SMS and talk-page comments are not news comments; label noise in the source corpora "
        '(Davidson\'s "offensive" tweets, OLID) is learned too.',
        "- Hashing means two n-grams can share a bucket; the evidence spans name whole words, the ones whose "
        "features pushed the score up most.",
        "- Newsroom decisions can fine-tune it (`train_checks --with-decisions`); such versions live in the "
        "database, not in this file.",
        "",
    ]
    return "\n".join(lines)
