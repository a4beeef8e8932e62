"""Which learned model a checks command runs with (``--model``, ``--model-file``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError


def add_model_arguments(parser) -> None:
    parser.add_argument(
        "--model",
        choices=["active", "shipped", "none"],
        default="active",
        help="learned layer: the version active in this database (default), the one shipped with the "
        "code, or none (rules only)",
    )
    parser.add_argument("--model-file", help="a model .npz file to use instead (e.g. one train_checks wrote)")


def chosen_model(options):
    from moderation.checks.model import LinearModel, shipped_model

    if options.get("model_file"):
        try:
            return LinearModel.from_bytes(Path(options["model_file"]).read_bytes())
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot load {options['model_file']}: {exc}") from exc
    choice = options.get("model") or "active"
    if choice == "none":
        return None
    if choice == "shipped":
        return shipped_model()
    from moderation.checkmodels import active_model_now

    # The activation log as it is now (one query), even when CHECKS_MODEL_ENABLED is off.
    return active_model_now()
