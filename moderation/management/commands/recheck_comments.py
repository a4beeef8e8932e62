"""Re-run the guideline checks on stored comments, in batches, with a progress bar.

With --enqueue the batches go to the Celery workers, each recorded as a RecheckBatch
row that its task marks done; --batches lists the unfinished ones and --resume hands
them out again (a broker that lost its queue loses messages, not rechecks).
"""

import sys
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Sum
from django.utils import timezone
from tqdm import tqdm

from comments.models import Comment
from moderation.models import RecheckBatch
from moderation.rechecks import comments_to_recheck, recheck_comments, unfinished_batches
from moderation.tasks import RecheckDispatch, enqueue_recheck, resume_rechecks


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
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the batches to Celery workers instead of running them here, each recorded "
            "as a recheck batch (a batch the broker cannot take runs here; without a broker all run here).",
        )
        mode.add_argument(
            "--batches",
            action="store_true",
            help="List the queued recheck batches that have not finished (and how many did).",
        )
        mode.add_argument(
            "--resume",
            action="store_true",
            help="Hand out again the unfinished batches last handed out at least --older-than minutes ago.",
        )
        parser.add_argument(
            "--older-than",
            type=float,
            default=60,
            metavar="MINUTES",
            help="With --resume: only batches waiting at least this long (default 60; 0: all unfinished).",
        )
        parser.add_argument(
            "--inline",
            action="store_true",
            help="With --resume: recheck the batches here instead of queueing them again.",
        )
        parser.add_argument("--reason", default="", help="With --enqueue: why (stored with each batch).")

    def handle(
        self,
        *args,
        status: str,
        batch_size: int,
        enqueue: bool = False,
        batches: bool = False,
        resume: bool = False,
        older_than: float = 60,
        inline: bool = False,
        reason: str = "",
        **options,
    ):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if older_than < 0:
            raise CommandError("--older-than must not be negative")
        if batches:
            return self.show_batches()
        if resume:
            handed = resume_rechecks(older_than=timedelta(minutes=older_than), inline=inline)
            self.report(handed, "unfinished batch(es) handed out again")
            left = unfinished_batches().count()
            if left:
                self.stdout.write(f"{left} batch(es) still unfinished (see --batches).")
            return
        if enqueue:
            handed = enqueue_recheck(
                status=status, batch_size=batch_size, reason=reason or f"recheck_comments --enqueue --status {status}"
            )
            self.report(handed, f"comment(s) with status {status}")
            return
        queryset = comments_to_recheck(status)
        total = queryset.count()
        done = 0
        with tqdm(total=total, unit="comment", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            for size in recheck_comments(queryset, batch_size=batch_size):
                done += size
                bar.update(size)
        self.stdout.write(self.style.SUCCESS(f"Rechecked {done} comment(s) with status {status}."))

    def report(self, handed: RecheckDispatch, what: str) -> None:
        ids = handed.batch_ids
        recorded = f" Recorded as recheck batch(es) {ids[0]}–{ids[-1]}." if ids else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{handed.comments} {what}: {handed.queued} batch(es) "
                f"queued for workers, {handed.inline} batch(es) rechecked here.{recorded}"
            )
        )
        if handed.queued:
            self.stdout.write(
                "Queued batches are marked done by the workers; `recheck_comments --batches` lists "
                "the unfinished ones and `recheck_comments --resume` hands them out again."
            )

    def show_batches(self) -> None:
        totals = dict(RecheckBatch.objects.values_list("status").annotate(n=Count("id")).order_by())
        unfinished = list(unfinished_batches())
        done = totals.get(RecheckBatch.Status.DONE, 0)
        if not unfinished:
            self.stdout.write(self.style.SUCCESS(f"No unfinished recheck batches ({done} done)."))
            return
        now = timezone.now()
        comments = unfinished_batches().aggregate(n=Sum("size"))["n"] or 0
        self.stdout.write(
            self.style.WARNING(
                f"{len(unfinished)} unfinished recheck batch(es), {comments} comment(s) "
                f"({done} done). `recheck_comments --resume` hands them out again."
            )
        )
        row = "{:>8}  {:<8}  {:>8}  {:<23}  {:>11}  {:>10}  {:>7}"
        self.stdout.write(row.format("batch", "status", "comments", "comment ids", "waiting", "handed out", "started"))
        for batch in unfinished:
            waiting = int((now - batch.queued_at).total_seconds() // 60)
            self.stdout.write(
                row.format(
                    batch.pk,
                    batch.comment_status,
                    batch.size,
                    f"{batch.first_comment_id}–{batch.last_comment_id}",
                    f"{waiting} min",
                    batch.dispatches,
                    batch.attempts,
                )
            )
