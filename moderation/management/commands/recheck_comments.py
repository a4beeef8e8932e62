"""Re-run the guideline checks on stored comments, in batches, with a progress bar."""
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from comments.models import Comment
from moderation.rechecks import recheck_comments


class Command(BaseCommand):
    help = "Re-run the guideline checks on stored comments (e.g. after a term-list change)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            choices=[*Comment.Status.values, "all"],
            default="pending",
            help="Which comments to recheck (default: pending).",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, status: str, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        queryset = Comment.objects.all() if status == "all" else Comment.objects.filter(status=status)
        total = queryset.count()
        done = 0
        with tqdm(total=total, unit="comment", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            for size in recheck_comments(queryset, batch_size=batch_size):
                done += size
                bar.update(size)
        self.stdout.write(self.style.SUCCESS(f"Rechecked {done} comment(s) with status {status}."))
