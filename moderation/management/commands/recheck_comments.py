"""Re-run the guideline checks on stored comments, in batches, with a progress bar."""
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from comments.models import Comment
from moderation.rechecks import recheck_comments
from moderation.tasks import enqueue_recheck


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
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the batches to Celery workers instead of running them here "
            "(a batch the broker cannot take runs here; without a broker all run here).",
        )

    def handle(self, *args, status: str, batch_size: int, enqueue: bool = False, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if enqueue:
            handed = enqueue_recheck(status=status, batch_size=batch_size)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{handed.comments} comment(s) with status {status}: {handed.queued} batch(es) "
                    f"queued for workers, {handed.inline} batch(es) rechecked here."
                )
            )
            return
        queryset = Comment.objects.all() if status == "all" else Comment.objects.filter(status=status)
        total = queryset.count()
        done = 0
        with tqdm(total=total, unit="comment", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            for size in recheck_comments(queryset, batch_size=batch_size):
                done += size
                bar.update(size)
        self.stdout.write(self.style.SUCCESS(f"Rechecked {done} comment(s) with status {status}."))
