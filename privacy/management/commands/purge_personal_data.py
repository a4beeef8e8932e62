"""Clear the IP address and user agent of comments older than the retention window, with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from comments.models import HOLDS_CONNECTION_DATA, Comment
from privacy.services import personal_data_purge, retention_cutoff


class Command(BaseCommand):
    help = (
        "Clear IP addresses and user agents of comments submitted more than PERSONAL_DATA_RETENTION_DAYS "
        "(or --days) ago, in batches (the periodic Celery task does the same)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="retention in days (default: the setting)")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="comments per transaction (default: PERSONAL_DATA_PURGE_BATCH_SIZE)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, days, batch_size, no_progress, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        cutoff = retention_cutoff(days=days)
        # Counted along the partial index (only rows still holding data are in it).
        total = Comment.objects.filter(HOLDS_CONNECTION_DATA, submitted_at__lt=cutoff).count()
        with tqdm(
            total=total, unit="comments", desc="Clearing IP/user agent", file=self.stderr, disable=no_progress
        ) as bar:
            result = personal_data_purge(cutoff=cutoff, batch_size=batch_size, on_batch=bar.update)
        self.stdout.write(
            f"Cleared the IP address and user agent of {result.cleared} comment(s) submitted before "
            f"{result.cutoff:%Y-%m-%d %H:%M} in {result.batches} batch(es)."
        )
