"""Classify comments from a CSV file with the guideline checks (streaming)."""

import csv
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from moderation.checks import CheckContext, check
from moderation.management.model_choice import add_model_arguments, chosen_model

OUTPUT_COLUMNS = ["text", "categories", "score"]
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """The text with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Command(BaseCommand):
    help = (
        "Read a CSV with a 'text' column (optional 'article_title', 'article_body') and write "
        "text,categories,score (categories ';'-joined, empty when nothing is found; score is the "
        "review priority). Runs the rules and the active learned model (--model). A text a "
        "spreadsheet would run as a formula (starting =, +, -, @, tab or CR) is written with a "
        "leading apostrophe unless --raw-text is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="CSV file to read ('-' for stdin).")
        parser.add_argument("--output", required=True, help="CSV file to write ('-' for stdout).")
        parser.add_argument(
            "--raw-text",
            action="store_true",
            help="Write the text column exactly as read, even where a spreadsheet would run it as a formula.",
        )
        add_model_arguments(parser)

    def handle(self, *args, input: str, output: str, raw_text: bool = False, **options):
        csv.field_size_limit(10_000_000)
        model = chosen_model(options)
        source = sys.stdin if input == "-" else self._open(input, "r")
        target = sys.stdout if output == "-" else self._open(output, "w")
        try:
            reader = csv.DictReader(source)
            if not reader.fieldnames or "text" not in reader.fieldnames:
                raise CommandError(f"{input}: the CSV needs a 'text' column")
            writer = csv.writer(target)
            writer.writerow(OUTPUT_COLUMNS)
            count = 0
            rows = tqdm(reader, unit="row", disable=not sys.stderr.isatty(), file=sys.stderr)
            for row in rows:
                context = CheckContext(
                    article_title=row.get("article_title") or "",
                    article_body=row.get("article_body") or "",
                    model=model,
                )
                report = check(row["text"] or "", context)
                text = row["text"] or ""
                writer.writerow(
                    [
                        text if raw_text else spreadsheet_safe(text),
                        ";".join(report.categories),
                        f"{report.priority:.4f}",
                    ]
                )
                count += 1
        finally:
            if source is not sys.stdin:
                source.close()
            if target is not sys.stdout:
                target.close()
        self.stderr.write(f"Classified {count} row(s).")

    def _open(self, path: str, mode: str):
        try:
            return open(path, mode, newline="", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot open {path}: {exc.strerror}") from exc
