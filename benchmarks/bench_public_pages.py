"""Public pages at scale, uncached: the home page (article list with approved counts), an article page,
and the public API's lists, p50 over requests in rotation, on SQLite and/or PostgreSQL.

    python benchmarks/bench_public_pages.py --generate --sqlite /tmp/bench_public.sqlite3 \\
        [--postgres postgres://postgres@127.0.0.1:5432/h2public] [--comments 1000000] [--articles 300]
    make bench-public

`--generate` migrates the database and loads `--comments` comments over `--articles` articles with
`generate_load_data` when it holds fewer. Every page is fetched through Django's test Client with the
public comments cache off (PUBLIC_COMMENTS_CACHE_SECONDS=0) and the local cache cleared, in rotation
so machine noise hits every page alike; the first two rounds are warm-up. Side by side, in the same
rotation, the home page's article query as it was before the approved counts were kept by the
decisions (a COUNT over each listed article's comments, "counting"), for the ratio; and the article
page's 50 comments rendered by the template loop the page had before (`TEMPLATE_LOOP`) against the tag
that replaced it (`comments/templatetags/public_comments.py`), on the same comment objects.
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
TARGET_P50_MS = 20.0
# The article page's comment loop before the one-pass tag (the test comments/tests/test_templatetags.py
# checks both give the same bytes).
TEMPLATE_LOOP = """{% for comment in comments %}
        <li class="comment" id="comment-{{ comment.pk }}">
          <div class="comment-meta"><span class="comment-author">{{ comment.author_name }}</span>
            <time datetime="{{ comment.submitted_at|date:'c' }}">{{ comment.submitted_at|date:"d-m-Y H:i" }}</time></div>
          <div class="comment-body">{{ comment.body|linebreaksbr }}</div>
          <div class="comment-actions"><a class="report-link" href="{% url 'community:comment-report' comment.pk %}" rel="nofollow">Report<span class="visually-hidden"> the comment by {{ comment.author_name }}</span></a></div>
        </li>
      {% endfor %}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", help="path of the SQLite database file")
    parser.add_argument("--postgres", help="PostgreSQL URL")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=300)
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
            _generate(url, args.comments, args.articles)
        done = subprocess.run(
            [sys.executable, __file__, "--worker", url, "--requests", str(args.requests)],
            env=_env(url),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        sys.stderr.write(done.stderr)
        if done.returncode:
            print(f"{name}: worker failed", file=sys.stderr)
            return done.returncode
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    _report(results, args.requests)
    return 0


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings")
    env.update(
        DEBUG="false",
        STATIC_MANIFEST="false",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        PUBLIC_COMMENTS_CACHE_SECONDS="0",
        REDIS_URL="",
    )
    return env


def _generate(url: str, comments: int, articles: int) -> None:
    env = _env(url)
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.replace("postgres://", "postgresql://", 1).rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    have = subprocess.run(
        [*manage, "shell", "-c", "from comments.models import Comment; print(Comment.objects.count())"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    missing = comments - int(have.stdout.strip().splitlines()[-1])
    if missing > 0:
        seed = int(time.time()) % 100_000
        subprocess.run(
            [
                *manage,
                "generate_load_data",
                "--comments",
                str(missing),
                "--pending",
                str(missing // 10),
                "--articles",
                str(articles),
                "--seed",
                str(seed),
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )


def _worker(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.db.models import Count, Q
    from django.template import Context, Template
    from django.test import Client

    from articles.selectors import published_articles
    from comments.models import Comment
    from comments.selectors import approved_comments_for

    client = Client()
    popular = (
        Comment.objects.filter(status="approved")
        .values("article__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("article__slug", flat=True)
        .first()
    )

    def counting_home_query():
        # The home page's article query before this change: a COUNT joined over every comment.
        articles = (
            published_articles()
            .annotate(approved_count=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED)))
            .order_by("-published_at", "-id")
        )
        articles.count()
        return list(articles[:20])

    first_page = list(approved_comments_for(published_articles().get(slug=popular))[:50])
    loop, tag = Template(TEMPLATE_LOOP), Template("{% load public_comments %}{% public_comment_items comments %}")
    if tag.render(Context({"comments": first_page})).strip() != loop.render(Context({"comments": first_page})).strip():
        raise SystemExit("the tag and the template loop disagree")

    pages = {
        "home page /": lambda: client.get("/"),
        "home page, page 2": lambda: client.get("/?page=2"),
        "article page (popular)": lambda: client.get(f"/articles/{popular}/"),
        "API article list": lambda: client.get("/api/articles/"),
        "API comments (popular)": lambda: client.get(f"/api/articles/{popular}/comments/"),
        "home page query, counting (before)": counting_home_query,
        "50 comments, template loop (before)": lambda: loop.render(Context({"comments": first_page})),
        "50 comments, one-pass tag (after)": lambda: tag.render(Context({"comments": first_page})),
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    for round_no in range(args.requests + 2):
        for name, fetch in pages.items():
            cache.clear()
            reset_queries()
            started = time.perf_counter()
            response = fetch()
            elapsed = (time.perf_counter() - started) * 1000
            if hasattr(response, "status_code") and response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}")
            if round_no >= 2:
                times[name].append(elapsed)
    comments = Comment.objects.count()
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "comments": comments,
                "p50": {name: statistics.median(t) for name, t in times.items()},
                "p90": {name: statistics.quantiles(t, n=10)[-1] for name, t in times.items()},
            }
        )
    )
    return 0


def _report(results: dict, requests: int) -> None:
    names = list(next(iter(results.values()))["p50"])
    dbs = list(results)
    print(
        f"\nUncached public pages, p50 / p90 ms over {requests} requests each (target p50 <= {TARGET_P50_MS:g} ms):\n"
    )
    print("| page | " + " | ".join(f"{db} ({results[db]['comments']:,} comments)" for db in dbs) + " |")
    print("| --- |" + " ---: |" * len(dbs))
    for name in names:
        cells = [f"{results[db]['p50'][name]:.1f} / {results[db]['p90'][name]:.1f}" for db in dbs]
        print(f"| {name} | " + " | ".join(cells) + " |")
    for db in dbs:
        p50 = results[db]["p50"]
        print(
            f"\n{db}: counting / kept counts (home query vs whole home page) = "
            f"{p50['home page query, counting (before)'] / p50['home page /']:.1f}x; comment list, "
            f"template loop / tag = {p50['50 comments, template loop (before)'] / p50['50 comments, one-pass tag (after)']:.1f}x"
        )


if __name__ == "__main__":
    sys.exit(main())
