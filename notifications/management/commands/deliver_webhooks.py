"""Send the webhook deliveries that are due, from this process (no broker or worker needed).

Without a task broker (no REDIS_URL, e.g. `make run`) nothing sends deliveries on its own: the
requests only record them. Run this once to send what is due, or with --watch beside the dev
server. With a broker, workers and the beat sweep do this; the command still works (an attempt
claims its delivery, so it never sends one twice alongside a worker).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from notifications.webhooks import webhook_deliver_due


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due (one attempt each); --watch N repeats every N seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--watch",
            type=float,
            metavar="SECONDS",
            default=0,
            help="Keep running, sending what is due every SECONDS (stop with Ctrl-C).",
        )
        parser.add_argument("--limit", type=int, default=500, help="At most this many deliveries per round.")

    def handle(self, *args, watch: float, limit: int, **options) -> None:
        if limit < 1:
            self.stderr.write("--limit must be at least 1.")
            return
        while True:
            counts = webhook_deliver_due(limit=limit)
            sent = counts["delivered"] + counts["retry"] + counts["failed"]
            if sent or not watch:
                self.stdout.write(
                    f"{counts['delivered']} delivered, {counts['retry']} to retry later, "
                    f"{counts['failed']} failed for good"
                )
            if not watch:
                return
            try:
                time.sleep(watch)
            except KeyboardInterrupt:
                return
