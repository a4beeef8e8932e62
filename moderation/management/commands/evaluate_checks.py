"""Measure the guideline checks on a labelled CSV (text,label[,source])."""

import csv
import json
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from moderation.checks import CheckContext, check
from moderation.checks.evaluation import EvaluationResult, evaluate, format_markdown, format_summary
from moderation.management.model_choice import add_model_arguments, chosen_model

DEFAULT_TRAIN = settings.BASE_DIR.parent / "shared" / "train" / "train.csv"


class Command(BaseCommand):
    help = (
        "Print per label (and per source) the flag rate and the right-category rate of the "
        "guideline checks on a labelled CSV with columns text,label[,source], with the priority's "
        "ROC AUC and false flags with and without listed swear words. --leave-one-source-out "
        "retrains the learned layer without each source in turn; --stream replays the rows as "
        "moderators' decisions."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="labelled CSV, e.g. ../shared/eval/dev.csv")
        parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
        add_model_arguments(parser)
        parser.add_argument(
            "--leave-one-source-out",
            action="store_true",
            help="for each source: train on --train plus the other sources, measure the left-out one",
        )
        parser.add_argument(
            "--stream",
            action="store_true",
            help="replay the rows as decisions: fine-tune after 500, 2,000, 5,000 and measure on a held-out 20%%",
        )
        parser.add_argument(
            "--stream-base",
            choices=["model", "train"],
            default="model",
            help="the model decisions fine-tune: the --model one, or one trained on --train alone "
            "(use 'train' when the CSV is dev.csv, which the shipped model has seen)",
        )
        parser.add_argument(
            "--checkpoints", default="0,500,2000,5000", help="decision counts to measure after, comma-separated"
        )
        parser.add_argument(
            "--train",
            default=str(DEFAULT_TRAIN),
            help="training corpus CSV for --leave-one-source-out and --stream-base train",
        )

    def handle(self, *args, path: str, **options):
        rows = self._read(path)
        started = time.perf_counter()
        if options["leave_one_source_out"]:
            output = self._loso(rows, options)
        elif options["stream"]:
            output = self._stream(rows, options)
        else:
            model = chosen_model(options)
            result = evaluate(self._progress(rows), check, CheckContext(model=model))
            if options["json"]:
                output = _dumps({**result.to_dict(), "model_version": model.version if model else None})
            else:
                output = format_markdown(result) + f"\nModel: {model.version if model else 'none (rules only)'}"
        self.stdout.write(output)
        if not options["json"]:
            self.stdout.write(f"\n{len(rows)} rows in {time.perf_counter() - started:.1f} s")

    def _read(self, path: str) -> list[tuple[str, str, str]]:
        csv.field_size_limit(10_000_000)
        try:
            handle = open(path, newline="", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot open {path}: {exc.strerror}") from exc
        with handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
                raise CommandError(f"{path}: the CSV needs 'text' and 'label' columns")
            return [
                (row["text"] or "", (row["label"] or "").strip(), (row.get("source") or "").strip()) for row in reader
            ]

    def _progress(self, rows):
        return tqdm(rows, unit="row", disable=not sys.stderr.isatty(), file=sys.stderr)

    def _say(self, message: str) -> None:
        self.stderr.write(message)

    def _training_rows(self, options):
        from moderation.checks.model import training

        path = Path(options["train"])
        if not path.exists():
            raise CommandError(f"training corpus {path} not found (--train)")
        csv.field_size_limit(10_000_000)
        return training.read_train_csv(path)

    def _loso(self, rows, options) -> str:
        from moderation.checks.model.evaluation import leave_one_source_out

        pooled, per_source = leave_one_source_out(rows, self._training_rows(options), progress=self._say)
        if options["json"]:
            return _dumps({"pooled": pooled.to_dict(), "per_source": {s: r.to_dict() for s, r in per_source.items()}})
        lines = [
            "Leave-one-source-out (each source measured by a model trained without it):",
            "",
            format_markdown(pooled),
            "Per left-out source:",
            "",
        ]
        lines += [f"- {source}: {format_summary(r.summary())}" for source, r in per_source.items()]
        return "\n".join(lines)

    def _stream(self, rows, options) -> str:
        from moderation.checks.model import training
        from moderation.checks.model.evaluation import stream

        if options["stream_base"] == "train":
            self._say("training the base model on --train alone")
            base = training.train(self._training_rows(options))
        else:
            base = chosen_model(options)
            if base is None:
                raise CommandError("--stream needs a model (not --model none)")
        try:
            checkpoints = [int(x) for x in options["checkpoints"].split(",") if x.strip()]
        except ValueError as exc:
            raise CommandError("--checkpoints takes comma-separated whole numbers") from exc
        points = stream(rows, base, checkpoints=checkpoints, progress=self._say)
        if options["json"]:
            return _dumps(
                [{"decisions": p.decisions, "model_version": p.model_version, **p.result.to_dict()} for p in points]
            )
        lines = [
            f"Stream: base model {base.version}; each checkpoint measured on the same held-out 20% of rows.",
            "",
            "| decisions learned | mean recall | lowest label | right category | false flags | "
            "false flags w/o swear words | priority AUC |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for p in points:
            s = p.result.summary()
            lines.append(
                f"| {p.decisions:,} | {_pct(s['mean_recall'])} | {_pct(s['min_recall'])} | "
                f"{_pct(s['mean_right_category'])} | {_pct(s['false_flags'])} | "
                f"{_pct(s['false_flags_without_swearing'])} | "
                f"{'n/a' if s['priority_auc'] is None else format(s['priority_auc'], '.3f')} |"
            )
        return "\n".join(lines)


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _dumps(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True)


__all__ = ["Command", "EvaluationResult"]
