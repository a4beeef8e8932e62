"""Train the learned layer of the guideline checks.

Default: train on the shared corpus and write the shipped weights and model card
(`make train`). `--check`: train into a temporary file and fail unless it is
byte-for-byte the committed weights (CI). `--with-decisions`: fine-tune the shipped
model on the moderators' decisions in this database and store it as a new version
(`--activate` to use it at once).
"""

from __future__ import annotations

import hashlib
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from moderation.checks.model import CARD_PATH, SHIPPED_PATH

if TYPE_CHECKING:
    from moderation.checks.model.linear import LinearModel

DEFAULT_SHARED = settings.BASE_DIR.parent / "shared"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Command(BaseCommand):
    help = (
        "Train the guideline checks' learned model on the shared corpus and write the shipped weights "
        "and model card; --check verifies the committed weights rebuild byte for byte; "
        "--with-decisions fine-tunes the shipped model on moderators' decisions into a new stored version."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--shared",
            type=Path,
            default=DEFAULT_SHARED,
            help="the shared data folder (train/train.csv, eval/dev.csv); default: ../shared",
        )
        parser.add_argument("--seed", type=int, default=13, help="training seed (default 13, the shipped model's)")
        parser.add_argument(
            "--output",
            type=Path,
            default=SHIPPED_PATH,
            help="weights file to write, or with --check to compare with (default: the shipped one)",
        )
        parser.add_argument(
            "--card", type=Path, default=None, help="model card to write (default: MODEL_CARD.md beside --output)"
        )
        parser.add_argument(
            "--bits",
            type=int,
            default=None,
            help="hash buckets as a power of two (default: the training default; for experiments)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="train into a temporary file and exit non-zero unless it equals --output",
        )
        parser.add_argument(
            "--with-decisions",
            action="store_true",
            help="fine-tune the shipped model on moderators' decisions and store a new version",
        )
        parser.add_argument(
            "--activate", action="store_true", help="with --with-decisions: make the new version the active one"
        )
        parser.add_argument("--note", default="", help="with --with-decisions: a note stored with the version")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["activate"] and not options["with_decisions"]:
            raise CommandError("--activate goes with --with-decisions")
        if options["with_decisions"]:
            if options["check"]:
                raise CommandError("--check and --with-decisions do not go together")
            return self._from_decisions(options)
        model = self._train(options)
        data = model.to_bytes()
        output: Path = options["output"]
        if options["check"]:
            return self._compare(data, output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        card = options["card"] or (CARD_PATH if output == SHIPPED_PATH else output.with_name("MODEL_CARD.md"))
        card.write_text(self._card(model), encoding="utf-8")
        self.stdout.write(f"version {model.version}")
        self.stdout.write(f"sha256 {sha256_of(data)}  {output}")
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(data):,} bytes) and {card}."))

    def _train(self, options: dict[str, Any]) -> LinearModel:
        from moderation.checks.model import training  # scipy: only when training

        shared: Path = options["shared"]
        try:
            rows = training.shared_rows(shared)
        except OSError as exc:
            raise CommandError(f"cannot read the training data in {shared}: {exc}") from exc
        self.stderr.write(f"training on {len(rows):,} rows from {shared} (seed {options['seed']})")
        # In a child process with the numeric kernels pinned, so the bytes do not depend on the CPU.
        from moderation.checks.model.linear import LinearModel

        try:
            data = training.train_pinned(shared, seed=options["seed"], bits=options["bits"])
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        return LinearModel.from_bytes(data)

    def _card(self, model: LinearModel) -> str:
        from moderation.checks.model.card import render_card

        return render_card(model)

    def _compare(self, data: bytes, reference: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            rebuilt = Path(tmp) / "weights.npz"
            rebuilt.write_bytes(data)
            fresh = sha256_of(rebuilt.read_bytes())
        try:
            expected = sha256_of(reference.read_bytes())
        except OSError as exc:
            raise CommandError(f"cannot read {reference}: {exc}") from exc
        self.stdout.write(f"rebuilt  sha256 {fresh}")
        self.stdout.write(f"expected sha256 {expected}  {reference}")
        if fresh != expected:
            raise CommandError(f"the rebuilt model differs from {reference}")
        self.stdout.write(self.style.SUCCESS(f"{reference} rebuilds byte for byte."))

    def _from_decisions(self, options: dict[str, Any]) -> None:
        from moderation.services import NotEnoughDecisions, check_model_train_from_decisions

        try:
            stored = check_model_train_from_decisions(
                actor=None, activate=options["activate"], note=options["note"] or "manage.py train_checks"
            )
        except NotEnoughDecisions as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"version {stored.version}")
        self.stdout.write(f"decisions used {stored.decisions_used}")
        state = "active now" if options["activate"] else "stored; activate it in the admin to use it"
        self.stdout.write(self.style.SUCCESS(f"Fine-tuned {stored.parent_version} -> {stored.version} ({state})."))
