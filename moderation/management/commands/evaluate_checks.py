"""Measure the guideline checks on a labelled CSV (text,label[,source])."""
import csv
import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from moderation.checks.evaluation import evaluate, format_markdown


class Command(BaseCommand):
    help = (
        "Print per label (and per source) the flag rate and the right-category rate of the "
        "guideline checks on a labelled CSV with columns text,label[,source]."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="labelled CSV, e.g. ../shared/eval/dev.csv")
        parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")

    def handle(self, *args, path: str, **options):
        csv.field_size_limit(10_000_000)
        try:
            handle = open(path, newline="", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot open {path}: {exc.strerror}") from exc
        started = time.perf_counter()
        with handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
                raise CommandError(f"{path}: the CSV needs 'text' and 'label' columns")
            rows = (
                (row["text"] or "", row["label"] or "", row.get("source") or "")
                for row in tqdm(reader, unit="row", disable=not sys.stderr.isatty(), file=sys.stderr)
            )
            result = evaluate(rows)
        elapsed = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(_dumps(result.to_dict()))
        else:
            self.stdout.write(format_markdown(result))
            self.stdout.write(f"\n{sum(t.rows for t in result.by_label.values())} rows in {elapsed:.1f} s")


def _dumps(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True)
