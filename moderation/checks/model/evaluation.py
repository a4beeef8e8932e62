"""Evaluation that predicts generalisation: leave-one-source-out and a decision stream.

* ``leave_one_source_out``: for every source of the labelled rows, train the
  learned layer on the training corpus plus every *other* source, then
  measure rules + model on the left-out source.  A figure that holds here is
  one that carries over to comments nobody tuned on.
* ``stream``: replay labelled rows as moderators' decisions.  The rows are
  shuffled (seeded) and split: the last ``holdout`` share is never learned
  from and is what every checkpoint is measured on; the rest arrive as
  decisions.  At each checkpoint the base model is fine-tuned on all
  decisions so far, which is what ``train_checks --with-decisions`` (and the
  periodic retraining task) does with the newsroom's decisions.

Both need scipy (training); the Django command ``evaluate_checks`` wraps them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..engine import check
from ..evaluation import EXPECTED, EvaluationResult, evaluate
from ..values import CheckContext
from .linear import LinearModel
from .training import DEV_LABELS, Row, fine_tune, train

LabelledRow = tuple[str, str, str]  # text, label, source


def as_training_row(row: LabelledRow) -> Row:
    return Row(row[0], DEV_LABELS[row[1]], row[2])


def _evaluate_with(model: LinearModel | None, rows: Sequence[LabelledRow]) -> EvaluationResult:
    return evaluate(rows, check, CheckContext(model=model))


def leave_one_source_out(
    rows: Sequence[LabelledRow],
    training_rows: Sequence[Row],
    *,
    trainer: Callable[[list[Row]], LinearModel] = train,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[EvaluationResult, dict[str, EvaluationResult]]:
    """Pooled result over all folds, and the result of each left-out source."""
    rows = [r for r in rows if r[1] in EXPECTED]
    sources = sorted({r[2] for r in rows})
    pooled = EvaluationResult()
    per_source: dict[str, EvaluationResult] = {}
    for source in sources:
        progress(f"training without {source}")
        others = [as_training_row(r) for r in rows if r[2] != source and r[1] in DEV_LABELS]
        model = trainer(list(training_rows) + others)
        held = [r for r in rows if r[2] == source]
        progress(f"measuring {source} ({len(held)} rows)")
        result = _evaluate_with(model, held)
        per_source[source] = result
        pooled.merge(result)
    return pooled, per_source


@dataclass
class StreamCheckpoint:
    decisions: int
    result: EvaluationResult
    model_version: str


def stream(
    rows: Sequence[LabelledRow],
    base: LinearModel,
    *,
    checkpoints: Sequence[int] = (0, 500, 2000, 5000),
    holdout: float = 0.2,
    seed: int = 13,
    tuner: Callable[[LinearModel, list[Row]], LinearModel] = fine_tune,
    progress: Callable[[str], None] = lambda _: None,
) -> list[StreamCheckpoint]:
    rows = [r for r in rows if r[1] in EXPECTED]
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    shuffled = [rows[i] for i in order]
    cut = int(round(len(shuffled) * (1 - holdout)))
    arriving, measured = shuffled[:cut], shuffled[cut:]
    wanted = sorted({c for c in checkpoints if c <= len(arriving)})
    out: list[StreamCheckpoint] = []
    for learned in wanted:
        model = base
        if learned:
            progress(f"learning from {learned} decisions")
            model = tuner(base, [as_training_row(r) for r in arriving[:learned]])
        progress(f"measuring after {learned} decisions on {len(measured)} held-out rows")
        out.append(StreamCheckpoint(learned, _evaluate_with(model, measured), model.version))
    return out
