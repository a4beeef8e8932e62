"""Moderator pages at scale: render times and SQL query counts on SQLite and PostgreSQL.

Each database is measured in its own worker process (Django talks to one default
database per process); the parent runs the workers one after the other and prints
both side by side. The database must already hold load data:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py generate_load_data \\
        --comments 1000000 --pending 100000
    (the same with DATABASE_URL=postgres://postgres@127.0.0.1:5432/h2bench)

    python benchmarks/bench_admin.py --sqlite /tmp/bench.sqlite3 \\
        --postgres postgres://postgres@127.0.0.1:5432/h2bench [--requests 30] [--show-queries]

`--generate` runs migrate and generate_load_data first for a database that has
fewer comments than `--comments`. Pages are fetched with Django's test Client
logged in as a load-data moderator, in rotation so that machine noise hits every
page alike; the first two rounds are warm-up and not counted. Before measuring, the worker
trusts and bans some of the first queue page's authors (once per database, through the
services), so the queue's commenter badges look up real trust and ban rows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P50_MS = 300.0
COLD_STATS = "stats page, figures recomputed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", help="path of the SQLite database file")
    parser.add_argument("--postgres", help="PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/h2bench")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL with its time")
    parser.add_argument("--generate", action="store_true", help="load data first when the database has too little")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return _worker(args)
    urls = {}
    if args.sqlite:
        urls["SQLite"] = f"sqlite:///{Path(args.sqlite).resolve()}"
    if args.postgres:
        urls["PostgreSQL"] = args.postgres
    if not urls:
        parser.error("give --sqlite PATH and/or --postgres URL")
    results = {}
    for name, url in urls.items():
        if args.generate:
            _generate(url, args.comments, args.pending)
        command = [sys.executable, __file__, "--worker", url, "--requests", str(args.requests)]
        if args.show_queries:
            command.append("--show-queries")
        done = subprocess.run(command, env=_worker_env(url), cwd=ROOT, capture_output=True, text=True)
        sys.stderr.write(done.stderr)
        if done.returncode:
            print(f"{name}: worker failed", file=sys.stderr)
            return done.returncode
        *notes, last = done.stdout.strip().splitlines()
        print("\n".join(notes))
        results[name] = json.loads(last)
    _report(results, args.requests)
    return 0


def _worker_env(url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings")
    env.update(DEBUG="false", STATIC_MANIFEST="false", ALLOWED_HOSTS="testserver", LOG_LEVEL="WARNING")
    return env


def _generate(url: str, comments: int, pending: int) -> None:
    env = _worker_env(url)
    if url.startswith(("postgres://", "postgresql://")):
        _create_postgres_database(url)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    count = subprocess.run(
        [*manage, "shell", "-c", "from comments.models import Comment; print(Comment.objects.count())"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    if int(count) < comments:
        subprocess.run(
            [
                *manage,
                "generate_load_data",
                "--comments",
                str(comments),
                "--pending",
                str(pending),
                "--seed",
                str(int(time.time())),
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )


def _create_postgres_database(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _worker(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from comments.models import Comment
    from moderation.selectors import review_queue
    from moderation.stats import cache_key

    moderator = get_user_model().objects.filter(username__startswith="loadmod").order_by("username").first()
    if moderator is None:
        print("no load data: run generate_load_data first (or pass --generate)", file=sys.stderr)
        return 2
    badges = _trusted_and_banned_authors(moderator)
    pending = review_queue().count()
    total = Comment.objects.count()
    client = Client()
    client.force_login(moderator)
    queue = reverse("admin:moderation_reviewqueueitem_changelist")
    # Comments halfway down the queue and down its threat-filtered view, so the
    # previous/next look-ups do real work.
    deep = review_queue().values_list("pk", flat=True)[pending // 2]
    threats = review_queue().filter(flags__contains="|threat|")
    deep_threat = threats.values_list("pk", flat=True)[threats.count() // 2]
    deep_page = max(1, min(20, pending // 50))  # page 20 with the full load data
    pages = {
        "review queue": queue,
        f"review queue, page {deep_page}": f"{queue}?p={deep_page}",
        "queue filtered by category (threat)": f"{queue}?flag=threat",
        "queue searched (text, name, email)": f"{queue}?q=bridge",
        "comment change page (queue)": reverse("admin:moderation_reviewqueueitem_change", args=[deep]),
        "comment change page, filtered queue": (
            reverse("admin:moderation_reviewqueueitem_change", args=[deep_threat])
            + "?_changelist_filters=flag%3Dthreat"
        ),
        "all comments list": reverse("admin:comments_comment_changelist"),
        "stats page (figures cached, at most 60 s old)": reverse("admin:moderation_stats"),
        COLD_STATS: reverse("admin:moderation_stats"),
    }
    timings: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, int] = {}
    for round_number in range(args.requests + 2):
        for name, url in pages.items():
            if name == COLD_STATS:
                cache.delete(cache_key(14))  # this window's figures only: other keys stay
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                print(f"{name}: HTTP {response.status_code} for {url}", file=sys.stderr)
                return 1
            if round_number >= 2:
                timings[name].append(elapsed)
            queries[name] = len(captured.captured_queries)
            if args.show_queries and round_number == 2:
                print(f"--- {name} ({elapsed:.1f} ms)")
                for query in captured.captured_queries:
                    print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:300]}")
    out = {
        "vendor": connection.vendor,
        "comments": total,
        "pending": pending,
        "badges": badges,
        "pages": {
            name: {
                "p50": statistics.median(values),
                "p90": statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0],
                "queries": queries[name],
            }
            for name, values in timings.items()
        },
    }
    print(json.dumps(out))
    return 0


def _trusted_and_banned_authors(moderator) -> dict[str, int]:
    """Trust and bans for the badges to find (once per database, through the services): among the first
    queue page's authors every 5th is trusted, every 7th banned by address and every 11th by its IP address;
    then 2,000 trust changes and 2,000 bans on other addresses, so the look-ups read real indexes.
    Returns the first queue page's badge kinds and their counts."""
    from community.models import Sanction, TrustChange
    from community.sanctions import SanctionExists, sanction_create
    from community.selectors import commenter_badges
    from community.trust import NoTrustChange, trust_grant
    from moderation.selectors import review_queue

    first_page = list(review_queue()[:50])
    if not TrustChange.objects.exists():
        for n, comment in enumerate(first_page):
            try:
                if n % 5 == 0:
                    trust_grant(email=comment.author_email, actor=moderator, note="benchmark")
                if n % 7 == 3:
                    sanction_create(
                        actor=moderator,
                        kind=Sanction.Kind.EMAIL,
                        value=comment.author_email,
                        reasons=["abuse"],
                        note="benchmark",
                    )
                if n % 11 == 5 and comment.ip_address:
                    # One address: the load data's comments all come from one /24 (about 400 per address).
                    sanction_create(
                        actor=moderator,
                        kind=Sanction.Kind.IP,
                        value=comment.ip_address,
                        reasons=["abuse"],
                        note="benchmark",
                    )
            except (NoTrustChange, SanctionExists):
                pass  # the same author twice on the page
        for n in range(2000):
            trust_grant(email=f"bench-regular{n}@example.net", actor=moderator, note="benchmark")
            sanction_create(
                actor=moderator,
                kind=Sanction.Kind.EMAIL,
                value=f"bench-troll{n}@example.net",
                reasons=["abuse"],
                note="benchmark",
            )
    kinds = [badge.kind or "none" for badge in commenter_badges(comments=first_page).values()]
    return {kind: kinds.count(kind) for kind in sorted(set(kinds))}


def _report(results: dict, requests: int) -> None:
    names = list(results)
    print(f"\n{requests} timed requests per page after 2 warm-up rounds; pages fetched in rotation.")
    for name, result in results.items():
        print(
            f"{name}: {result['comments']:,} comments, {result['pending']:,} pending; "
            f"first queue page's commenter badges: {result['badges']}"
        )
    header = "| page | " + " | ".join(f"{n} p50 | {n} p90 | {n} queries" for n in names) + " |"
    print()
    print(header)
    print("| --- |" + " ---: |" * (3 * len(names)))
    pages = next(iter(results.values()))["pages"]
    for page in pages:
        cells = []
        for name in names:
            row = results[name]["pages"][page]
            cells += [f"{row['p50']:.1f} ms", f"{row['p90']:.1f} ms", str(row["queries"])]
        print(f"| {page} | " + " | ".join(cells) + " |")
    print()
    for name in names:
        worst = max(results[name]["pages"].items(), key=lambda item: item[1]["p50"])
        verdict = "met" if worst[1]["p50"] < TARGET_P50_MS else "NOT met"
        print(
            f"{name}: slowest p50 {worst[1]['p50']:.1f} ms ({worst[0]}); target p50 < {TARGET_P50_MS:.0f} ms {verdict}"
        )


if __name__ == "__main__":
    sys.exit(main())
