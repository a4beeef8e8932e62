"""Load tests against real gunicorn servers: submissions without loss, and public reads.

    .venv/bin/python benchmarks/load.py                 # both parts, SQLite and PostgreSQL+Redis
    .venv/bin/python benchmarks/load.py --part submit --backends postgres
    .venv/bin/python benchmarks/load.py --part cost     # per-request cost in one process
    make load

Bounded and loopback only: it starts its own gunicorn servers on free
127.0.0.1 ports (DJANGO_SETTINGS_MODULE=benchmarks.ceiling_app.settings, which
adds the benchmark-only ceiling endpoint), sends a fixed number of requests,
stops the servers and exits. Databases: a fresh SQLite file in a temporary
directory, and the PostgreSQL database `h4load` (dropped and re-created) with
Redis db 6 (flushed); override with --pg-url / --redis-url.

Submissions: --comments posts (default 5,000) at --concurrency connections
(default 64) to POST /api/articles/<slug>/comments/, side by side (alternating
rounds, same bodies) with the ceiling, POST /bench/ceiling/, a bare Django view
that inserts one row. Each body carries a unique marker; afterwards every
accepted (202) comment must be stored exactly once and nothing else stored.
Reads: GET of a popular article's approved comments, cached vs uncached
(PUBLIC_COMMENTS_CACHE_SECONDS=0), alternating rounds on two servers.
Cost (`--part cost`, not part of `all`): the same submissions and ceiling posts
through Django's test client in one process, no server and no concurrency,
alternating rounds: the wall time one request costs the application itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SUBMIT_SLUG = "load-test-submissions"
POPULAR_SLUG = "load-test-popular"
HOST = "127.0.0.1"
WORKER_CLASS = ["gthread", 4]  # set from the command line

SENTENCES = [
    "The council should publish the full budget before the vote.",
    "I read the report twice and the numbers still do not add up.",
    "My neighbourhood has waited three years for this bridge to be repaired.",
    "Good reporting, but the article leaves out what the opposition proposed.",
    "Libraries are one of the few places left where anyone can sit for free.",
    "Who exactly will pay for the new stadium once the grants run out?",
    "This is damn frustrating for everyone who commutes on that road.",
    "The mayor promised the same thing last year and nothing happened.",
    "Teachers in our district have been asking for smaller classes for a decade.",
    "Check out my channel for the real story, link in my profile!",
]


# --- a small HTTP/1.1 client on asyncio streams (keeps its own overhead low) --------------


class Connection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1; reconnects when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        reused = self.writer is not None
        if not reused:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        try:
            return await self._exchange(method, path, body)
        except (ConnectionError, asyncio.IncompleteReadError):
            await self.close()
            if not reused:
                raise
        # The server closed an idle keep-alive connection before reading: send again on a new one.
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        return await self._exchange(method, path, body)

    async def _exchange(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nAccept: application/json\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            payload = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                payload += await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        else:
            payload = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self.reader = self.writer = None


@dataclass
class Phase:
    """What one side of a comparison saw: statuses, latencies and busy time."""

    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    bodies: Counter = field(default_factory=Counter)  # error bodies, trimmed
    seconds: float = 0.0
    accepted: dict[str, int] = field(default_factory=dict)  # marker -> id from the 202

    @property
    def count(self) -> int:
        return len(self.latencies)

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


async def run_requests(port: int, jobs: list[tuple[str, str, bytes, str]], concurrency: int, phase: Phase) -> None:
    """Send `jobs` (method, path, body, marker) over `concurrency` connections; record into `phase`."""
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker() -> None:
        conn = Connection(port)
        try:
            while True:
                try:
                    method, path, body, marker = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    status, payload = await conn.request(method, path, body)
                except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                    status, payload = 0, repr(exc).encode()
                phase.latencies.append(time.perf_counter() - started)
                phase.statuses[status] += 1
                if status == 202 and marker:
                    phase.accepted[marker] = json.loads(payload)["id"]
                elif status >= 300 or status == 0:
                    phase.bodies[payload[:160].decode("utf-8", "replace")] += 1
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    phase.seconds += time.perf_counter() - started


# --- servers and databases ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Backend:
    name: str
    database_url: str
    redis_url: str = ""

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "GUNICORN_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="benchmarks.ceiling_app.settings",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            CACHE_KEY_PREFIX="load",
            DEBUG="false",
            SECRET_KEY="load-test-" + "k" * 50,
            ALLOWED_HOSTS=HOST,
            STATIC_MANIFEST="false",  # no static files are requested
            LOG_LEVEL="WARNING",
            # Lift the per-IP / per-email submission limits: every post comes from 127.0.0.1.
            COMMENT_RATE_PER_IP="",
            COMMENT_RATE_PER_EMAIL="",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def reset(self) -> None:
        if self.database_url.startswith("sqlite"):
            path = Path(self.database_url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            import psycopg

            base, _, name = self.database_url.rpartition("/")
            admin = base.replace("postgres://", "postgresql://", 1) + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        if self.redis_url:
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=600
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def count_markers(self, run_id: str) -> tuple[Counter, int]:
        """Per-marker counts of stored comments of this run, and ceiling rows of this run."""
        like = f"%[{run_id}-%"
        if self.database_url.startswith("sqlite"):
            conn = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
            rows = conn.execute("SELECT body FROM comments_comment WHERE body LIKE ?", (like,)).fetchall()
            ceiling = conn.execute(
                "SELECT count(*) FROM bench_ceiling_ceilingrow WHERE body LIKE ?", (like,)
            ).fetchone()[0]
            conn.close()
        else:
            import psycopg

            with psycopg.connect(self.database_url.replace("postgres://", "postgresql://", 1)) as conn:
                rows = conn.execute("SELECT body FROM comments_comment WHERE body LIKE %s", (like,)).fetchall()
                ceiling = conn.execute(
                    "SELECT count(*) FROM bench_ceiling_ceilingrow WHERE body LIKE %s", (like,)
                ).fetchone()[0]
        pattern = re.compile(rf"\[({re.escape(run_id)}-\d+)\]")
        markers = Counter(m.group(1) for (body,) in rows for m in [pattern.search(body)] if m)
        return markers, ceiling


SETUP_SCRIPT = """
from django.utils import timezone
from articles.models import Article
from comments.services import comment_submit
from moderation.services import comment_approve
body = "The council met on Tuesday to debate the budget for schools, roads and the library. " * 5
for slug in ({submit!r}, {popular!r}):
    Article.objects.get_or_create(slug=slug, defaults=dict(
        title="Council debates the budget", source="Load test", body=body,
        published_at=timezone.now() - timezone.timedelta(hours=2), comments_open=True))
popular = Article.objects.get(slug={popular!r})
for n in range({approved}):
    c = comment_submit(article=popular, author_name=f"Reader {{n}}", author_email=f"r{{n}}@example.org",
                       body=f"Comment number {{n}} on the budget: the library deserves more.", ip_address="127.0.0.1")
    comment_approve(comment=c, moderator=None)
print("ready")
"""


class Server:
    """A gunicorn process serving the project with the bench settings; stopped on exit."""

    def __init__(self, backend: Backend, workers: int, log_dir: Path, label: str, **env: str) -> None:
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{backend.name}-{label}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=backend.env(
                GUNICORN_BIND=f"{HOST}:{self.port}",
                GUNICORN_WORKERS=str(workers),
                GUNICORN_WORKER_CLASS=WORKER_CLASS[0],
                GUNICORN_THREADS=str(WORKER_CLASS[1]),
                **env,
            ),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    break
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"gunicorn exited; see {self.log_path}")
                time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit(f"gunicorn did not start; see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def log_count(self, needle: str) -> int:
        return self.log_path.read_text(errors="replace").count(needle)


# --- the two parts --------------------------------------------------------------------------


def comment_jobs(run_id: str, count: int, path: str) -> list[tuple[str, str, bytes, str]]:
    rng = random.Random(count)
    jobs = []
    for n in range(count):
        marker = f"{run_id}-{n}"
        text = " ".join(rng.sample(SENTENCES, 3))
        payload = {
            "author_name": f"Load reader {n % 500}",
            "author_email": f"reader{n % 500}@example.org",
            "body": f"{text} [{marker}]",
        }
        jobs.append(("POST", path, json.dumps(payload).encode(), marker))
    return jobs


def submit_part(backend: Backend, args, log_dir: Path) -> dict:
    backend.reset()
    backend.manage("migrate", "--noinput")
    backend.manage("shell", "-c", SETUP_SCRIPT.format(submit=SUBMIT_SLUG, popular=POPULAR_SLUG, approved=0))
    server = Server(backend, args.workers, log_dir, "submit")
    run_id = "ld" + uuid.uuid4().hex[:8]
    api_path = f"/api/articles/{SUBMIT_SLUG}/comments/"
    try:
        api_jobs = comment_jobs(run_id, args.comments, api_path)
        ceiling_jobs = [
            ("POST", "/bench/ceiling/", body, "") for (_, _, body, _) in comment_jobs(run_id, args.comments, "")
        ]
        warm_jobs = comment_jobs("warm", 200, api_path)  # markers outside this run's
        warm_jobs += [("POST", "/bench/ceiling/", body, "") for (_, _, body, _) in warm_jobs]
        asyncio.run(run_requests(server.port, warm_jobs, 16, Phase("warm-up")))
        api, ceiling = Phase("submit API"), Phase("ceiling (one-row insert)")
        rounds = args.rounds
        size = -(-args.comments // rounds)
        for r in range(rounds):
            chunk = slice(r * size, (r + 1) * size)
            order = [(ceiling, ceiling_jobs[chunk]), (api, api_jobs[chunk])]
            for phase, jobs in order if r % 2 else order[::-1]:
                asyncio.run(run_requests(server.port, jobs, args.concurrency, phase))
    finally:
        server.stop()
    markers, ceiling_rows = backend.count_markers(run_id)
    accepted = set(api.accepted)
    return {
        "backend": backend.name,
        "api": api,
        "ceiling": ceiling,
        "accepted": len(accepted),
        "stored_once": sum(1 for m in accepted if markers.get(m) == 1),
        "stored_twice_or_more": sum(1 for m in accepted if markers.get(m, 0) > 1),
        "accepted_missing": sum(1 for m in accepted if m not in markers),
        "stored_not_accepted": sum(1 for m in markers if m not in accepted),
        "ceiling_rows": ceiling_rows,
        "locked_in_log": server.log_count("database is locked"),
        "errors_in_log": server.log_count("Traceback"),
    }


def read_part(backend: Backend, args, log_dir: Path) -> dict:
    backend.reset()
    backend.manage("migrate", "--noinput")
    backend.manage("shell", "-c", SETUP_SCRIPT.format(submit=SUBMIT_SLUG, popular=POPULAR_SLUG, approved=args.approved))
    cached = Server(backend, args.workers, log_dir, "read-cached", PUBLIC_COMMENTS_CACHE_SECONDS="300")
    uncached = Server(backend, args.workers, log_dir, "read-uncached", PUBLIC_COMMENTS_CACHE_SECONDS="0")
    path = f"/api/articles/{POPULAR_SLUG}/comments/"
    jobs = [("GET", path, b"", "")] * args.reads
    hot, cold = Phase("reads, cached"), Phase("reads, uncached")
    try:
        for server in (cached, uncached):
            asyncio.run(run_requests(server.port, jobs[:500], 16, Phase("warm-up")))
        size = -(-args.reads // args.rounds)
        for r in range(args.rounds):
            order = [(hot, cached), (cold, uncached)]
            for phase, server in order if r % 2 else order[::-1]:
                asyncio.run(run_requests(server.port, jobs[:size], args.concurrency, phase))
    finally:
        cached.stop()
        uncached.stop()
    return {"backend": backend.name, "cached": hot, "uncached": cold}


COST_SCRIPT = """
import json, statistics, time
from django.test import Client
client, times = Client(), {{"api": [], "ceiling": []}}
with open({jobs_path!r}) as jobs_file:
    jobs = json.load(jobs_file)
for r in range({rounds}):
    for name in (("api", "ceiling") if r % 2 else ("ceiling", "api")):
        path = {api_path!r} if name == "api" else "/bench/ceiling/"
        for body in jobs[r::{rounds}]:
            started = time.perf_counter()
            response = client.post(path, body, content_type="application/json")
            times[name].append(time.perf_counter() - started)
            assert response.status_code == 202, response.content[:300]
print("COST", json.dumps({{k: [statistics.median(v), len(v)] for k, v in times.items()}}))
"""


def cost_part(backend: Backend, args, work: Path) -> dict:
    """Per-request wall time inside one process (test client), API vs ceiling, alternating rounds."""
    backend.reset()
    backend.manage("migrate", "--noinput")
    backend.manage("shell", "-c", SETUP_SCRIPT.format(submit=SUBMIT_SLUG, popular=POPULAR_SLUG, approved=0))
    count = min(args.comments, 3000)
    bodies = [body.decode() for (_, _, body, _) in comment_jobs("cost" + uuid.uuid4().hex[:8], count, "")]
    jobs_path = work / "cost-bodies.json"
    jobs_path.write_text(json.dumps(bodies))
    script = COST_SCRIPT.format(
        jobs_path=str(jobs_path), rounds=args.rounds, api_path=f"/api/articles/{SUBMIT_SLUG}/comments/"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=backend.env(ALLOWED_HOSTS="testserver"),
    )
    if "COST" not in result.stdout:
        raise SystemExit(f"cost run failed:\n{result.stdout}\n{result.stderr}")
    return {"backend": backend.name, **json.loads(result.stdout.split("COST", 1)[1])}


# --- report -----------------------------------------------------------------------------------


def row(phase: Phase) -> str:
    codes = ", ".join(f"{code}: {n}" for code, n in sorted(phase.statuses.items()))
    return (
        f"| {phase.name} | {phase.count} | {phase.rate:,.0f} | {statistics.median(phase.latencies) * 1000:.1f} ms "
        f"| {phase.pct(0.99):.1f} ms | {codes} |"
    )


def report_submit(result: dict) -> None:
    api, ceiling = result["api"], result["ceiling"]
    print(f"\n### Submissions on {result['backend']}\n")
    print("| endpoint | requests | req/s | p50 | p99 | responses |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    print(row(ceiling))
    print(row(api))
    five = sum(n for code, n in api.statuses.items() if code >= 500 or code == 0)
    print(
        f"\nthroughput vs ceiling: {api.rate / ceiling.rate:.0%}; API 5xx/failed: {five}; "
        f"'database is locked' in server log: {result['locked_in_log']}; tracebacks: {result['errors_in_log']}"
    )
    print(
        f"accepted (202): {result['accepted']}; stored exactly once: {result['stored_once']}; "
        f"stored twice or more: {result['stored_twice_or_more']}; accepted but missing: {result['accepted_missing']}; "
        f"stored but not accepted: {result['stored_not_accepted']}; ceiling rows: {result['ceiling_rows']}"
    )
    for body, n in api.bodies.most_common(5):
        print(f"  error x{n}: {body}")


def report_read(result: dict) -> None:
    hot, cold = result["cached"], result["uncached"]
    print(f"\n### Public reads on {result['backend']}\n")
    print("| reads | requests | req/s | p50 | p99 | responses |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    print(row(hot))
    print(row(cold))
    print(f"\ncached / uncached throughput: {hot.rate / cold.rate:.1f}x")


def report_cost(result: dict) -> None:
    (api, n), (ceiling, _) = result["api"], result["ceiling"]
    print(f"\n### Cost per request in one process on {result['backend']} ({n} posts each, test client)\n")
    print(
        f"submit API median {api * 1000:.2f} ms; ceiling median {ceiling * 1000:.2f} ms; "
        f"ceiling / API: {ceiling / api:.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["submit", "read", "cost", "all"], default="all")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--reads", type=int, default=20000)
    parser.add_argument("--approved", type=int, default=200, help="approved comments on the popular article")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per comparison")
    # The defaults are gunicorn.conf.py's on 2 cores: 3 gthread workers x 4 threads.
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/h4load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    args = parser.parse_args()
    WORKER_CLASS[:] = [args.worker_class, args.threads]
    for url in (args.pg_url, args.redis_url):
        if not re.match(r"^(postgres|redis)://[^@/]*@?(127\.0\.0\.1|localhost)[:/]", url):
            raise SystemExit(f"loopback only: {url}")

    work = Path(tempfile.mkdtemp(prefix="load-"))
    backends = {
        "sqlite": Backend("SQLite", f"sqlite:///{work / 'load.sqlite3'}"),
        "postgres": Backend("PostgreSQL + Redis", args.pg_url, args.redis_url),
    }
    chosen = [backends[name] for name in args.backends.split(",")]
    kind = f"{args.worker_class} x{args.threads}" if args.worker_class == "gthread" else "sync"
    print(
        f"# Load test: {os.cpu_count()} cores, gunicorn {args.workers} {kind} workers per server, "
        f"{args.concurrency} connections, logs in {work}"
    )
    try:
        for backend in chosen:
            if args.part in ("submit", "all"):
                report_submit(submit_part(backend, args, work))
            if args.part in ("read", "all"):
                report_read(read_part(backend, args, work))
            if args.part == "cost":
                report_cost(cost_part(backend, args, work))
    finally:
        if not os.environ.get("LOAD_KEEP_LOGS"):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
