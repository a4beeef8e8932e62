"""Retention purge at scale: how long clearing a backlog of IP addresses and user agents takes.

Run against a database holding load data (old comments included):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python manage.py migrate
    DATABASE_URL=... python manage.py generate_load_data --comments 1000000 --pending 100000 --days 365
    DATABASE_URL=... python benchmarks/bench_retention.py [--batch-size 1000] [--days 90]

Generated comments all carry an IP address and user agent, so with `--days 365` about three
quarters of them are older than 90 days: the backlog of a first run. The benchmark restores the
connection data it clears (`--keep` leaves the database purged), then reports the backlog run
(everything up to a day before the cutoff: rows, seconds, rows per second, per-batch times), the
daily run after a vacuum (the last day's comments: what the periodic task clears once the backlog
is gone) and a run with nothing left to clear. It changes the database it is pointed at: use a copy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on the path and privacy/selectors.py would hide the
# standard library's `selectors` (which asyncio and subprocess import): put the project root there.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--keep", action="store_true", help="leave the purged rows purged")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from comments.models import HOLDS_CONNECTION_DATA, Comment
    from privacy.services import personal_data_purge, retention_cutoff

    cutoff = retention_cutoff(days=args.days)
    total = Comment.objects.count()
    backlog_ids = list(
        Comment.objects.filter(HOLDS_CONNECTION_DATA, submitted_at__lt=cutoff).values_list("pk", flat=True)
    )
    print(f"{connection.vendor}: {total:,} comments, {len(backlog_ids):,} older than {args.days} days to clear")

    batch_ms: list[float] = []
    last = [time.perf_counter()]

    def on_batch(_: int) -> None:
        now = time.perf_counter()
        batch_ms.append((now - last[0]) * 1000)
        last[0] = now

    # The backlog up to one day before the cutoff, then (after a vacuum, as autovacuum would do) the
    # last day on its own: what the daily task clears once the backlog is gone.
    started = time.perf_counter()
    last[0] = started
    result = personal_data_purge(cutoff=cutoff - timedelta(days=1), batch_size=args.batch_size, on_batch=on_batch)
    backlog_s = time.perf_counter() - started
    _vacuum(connection, Comment)
    started = time.perf_counter()
    daily = personal_data_purge(cutoff=cutoff, batch_size=args.batch_size)
    daily_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    steady = personal_data_purge(cutoff=cutoff, batch_size=args.batch_size)
    steady_ms = (time.perf_counter() - started) * 1000

    print(
        f"backlog run: {result.cleared:,} comments in {result.batches:,} batches of {args.batch_size}: "
        f"{backlog_s:.1f} s ({result.cleared / backlog_s if backlog_s else 0:,.0f} comments/s)"
    )
    if batch_ms:
        ordered = sorted(batch_ms)
        print(
            f"  per batch: median {statistics.median(ordered):.1f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1]:.1f} ms, "
            f"max {ordered[-1]:.1f} ms (first {batch_ms[0]:.1f} ms, last {batch_ms[-1]:.1f} ms)"
        )
    print(f"daily run (one day's comments): {daily.cleared:,} comments in {daily_ms:.1f} ms")
    print(f"steady state (nothing left to clear): {steady.cleared} comments in {steady_ms:.1f} ms")

    if not args.keep:
        # Restore what was cleared, so the benchmark can run again on the same data (not timed).
        for start in range(0, len(backlog_ids), 5000):
            Comment.objects.filter(pk__in=backlog_ids[start : start + 5000]).update(
                ip_address="198.51.100.1", user_agent="Mozilla/5.0 (restored by bench_retention)"
            )
        print(f"restored the connection data of {len(backlog_ids):,} comments")
    return 0


def _vacuum(connection, model) -> None:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}")


if __name__ == "__main__":
    raise SystemExit(main())
