"""LOAD-DATA TOOL: fill the database with many synthetic comments for benchmarks.

Not a reader path. Comments are normally created only by
`comments.services.comment_submit()`; this command bypasses it on purpose and
writes with `bulk_create` in batches so a million rows load in minutes. The
rows still look like real ones: bodies come from a pool of sentences that the
real guideline checks screened once, so flags, findings (with evidence spans)
and priority are what `comment_submit()` would have stored, and every decided
comment has its append-only ModerationDecision row.

    python manage.py generate_load_data --comments 1000000 --pending 100000

Comments are spread over the last `--days` days in time order on articles
published over the same span; the newest `--pending` comments are pending.
"""

from __future__ import annotations

import bisect
import random
import sys
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from articles.models import Article
from comments.cache import recount_approved
from comments.models import Comment
from comments.services import body_fingerprint, flags_value
from moderation.checks import TermList, check
from moderation.models import ModerationDecision
from moderation.screening import check_context

NEUTRAL = [
    "The council should publish the full budget before the vote.",
    "I read the report twice and the numbers still do not add up.",
    "My neighbourhood has waited three years for this bridge to be repaired.",
    "Good reporting, thank you for following up on the story.",
    "Does anyone know when the public consultation closes?",
    "The article leaves out what the opposition proposed last spring.",
    "Teachers in our district have been asking for this for a decade.",
    "I disagree with the minister, but the plan deserves a fair hearing.",
    "The photos from the flooded market are heartbreaking.",
    "Prices at the bakery went up again this week.",
    "This is the third time the road works have been delayed.",
    "Could the paper publish the names of the contractors involved?",
    "We need better bus links between the villages and the hospital.",
    "The interview with the farmers was the best part of the piece.",
    "Our club lost its training ground to the new car park.",
    "I hope the investigation is independent this time.",
    "The timeline in the second paragraph seems wrong to me.",
    "Young people are leaving because there are no jobs here.",
    "Well written, although the headline overstates the findings.",
    "The library funding deserves more debate before the council votes.",
]
# Short fragments that break a guideline, written for this tool (mild on purpose).
VIOLATIONS = [
    "What a load of shit.",
    "Damn these fucking politicians.",
    "You are an idiot and a liar.",
    "Only a moron would believe this.",
    "Shut up, you pathetic clown.",
    "Someone should shoot the mayor.",
    "I will find you and hurt you.",
    "Buy cheap watches at www.best-deals-shop.example now!",
    "Earn $5000 a week from home, message me on WhatsApp.",
    "Subscribe to my channel for the real news!!!",
    "Go back to your own country.",
    "Women should not be allowed to vote.",
    "Nice tits in that photo.",
    "My cat had kittens yesterday, here are their names.",
]
FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chen",
    "Dara",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Karim",
    "Lena",
    "Marta",
    "Nikos",
    "Olga",
    "Pavel",
    "Rania",
    "Sami",
    "Tess",
    "Yusuf",
]
LAST_NAMES = [
    "Abbas",
    "Berg",
    "Costa",
    "Dogan",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jansen",
    "Khan",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Rossi",
    "Silva",
]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/119.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15",
]
TOPICS = [
    "budget",
    "bridge",
    "flood",
    "schools",
    "elections",
    "hospital",
    "transport",
    "housing",
    "water supply",
    "harvest",
    "stadium",
    "museum",
]
FLAGGED_SHARE = 0.3  # share of comments drawn from the flagged part of the pool
MODERATOR_PREFIX = "loadmod"


class Command(BaseCommand):
    help = (
        "LOAD-DATA TOOL for benchmarks: bulk-inserts synthetic articles, comments (screened "
        "bodies) and decisions, bypassing comment_submit(). Not for production data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--comments", type=int, default=1_000_000, help="comments to create")
        parser.add_argument("--pending", type=int, default=100_000, help="how many of them stay pending")
        parser.add_argument("--articles", type=int, default=2000, help="articles to create")
        parser.add_argument("--moderators", type=int, default=8, help="moderator accounts deciding")
        parser.add_argument("--days", type=int, default=60, help="time span the comments cover")
        parser.add_argument("--seed", type=int, default=1, help="random seed (also names the articles)")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, comments, pending, articles, moderators, days, seed, batch_size, **options):
        if comments < 0 or not 0 <= pending <= comments:
            raise CommandError("--pending must be between 0 and --comments")
        if articles < 1 or moderators < 1 or days < 1 or batch_size < 1:
            raise CommandError("--articles, --moderators, --days and --batch-size must be at least 1")
        if Article.objects.filter(slug__startswith=f"load-s{seed}-").exists():
            raise CommandError(f"load data with seed {seed} exists already; use another --seed")
        rng = random.Random(seed)
        now = timezone.now()
        start = now - timedelta(days=days)
        team = self._moderators(moderators)
        pool = _screened_pool(rng)
        article_list = self._articles(rng, articles, start, now, seed)
        generator = _CommentGenerator(
            rng, pool, article_list, team, start=start, now=now, total=comments, pending=pending
        )
        show = sys.stderr.isatty() and options.get("verbosity", 1) > 0
        with tqdm(total=comments, unit="comment", disable=not show, file=sys.stderr) as bar:
            for first in range(0, comments, batch_size):
                size = min(batch_size, comments - first)
                with transaction.atomic():
                    rows, plans = generator.batch(first, size)
                    Comment.objects.bulk_create(rows, batch_size=batch_size)
                    ModerationDecision.objects.bulk_create(generator.decisions(rows, plans), batch_size=batch_size)
                bar.update(size)
        # bulk_create sends no signals: set the articles' approved counts (and public versions) once.
        recount_approved([article.pk for article in article_list])
        _refresh_planner_statistics()
        decided = comments - pending
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {articles} article(s), {comments} comment(s) ({pending} pending, {decided} decided "
                f"with one decision each) and {moderators} moderator account(s) '{MODERATOR_PREFIX}NN'."
            )
        )

    def _moderators(self, count: int) -> list:
        group = Group.objects.get(name="Moderators")
        users = []
        for n in range(1, count + 1):
            user, created = get_user_model().objects.get_or_create(
                username=f"{MODERATOR_PREFIX}{n:02d}", defaults={"is_staff": True}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            user.groups.add(group)
            users.append(user)
        return users

    def _articles(self, rng: random.Random, count: int, start: datetime, now: datetime, seed: int) -> list:
        span = (now - start) / count
        rows = []
        for n in range(count):
            topic = rng.choice(TOPICS)
            rows.append(
                Article(
                    title=f"{topic.capitalize()}: what changes for residents ({n + 1})",
                    slug=f"load-s{seed}-{n + 1}",
                    source=rng.choice(["Wire", "Staff reporter", "Regional desk"]),
                    published_at=start + span * n - timedelta(hours=6),
                    body=f"A report on the {topic} and what it means for the town. " * 8,
                )
            )
        return Article.objects.bulk_create(rows, batch_size=1000)


def _screened_pool(rng: random.Random) -> dict[bool, list[tuple]]:
    """Bodies screened once by the real checks: (body, findings, flags, priority), by flagged or not."""
    probe = Article(title="What changes for residents", body="A report on the town budget and services.")
    context = check_context(
        article=probe, author_name="Reader", author_email="reader@example.org", terms=TermList(), duplicate_count=0
    )
    pool: dict[bool, list[tuple]] = {True: [], False: []}
    for _ in range(600):
        parts = rng.sample(NEUTRAL, rng.randint(1, 3))
        if rng.random() < 0.5:
            parts.insert(rng.randint(0, len(parts)), rng.choice(VIOLATIONS))
        body = " ".join(parts)
        report = check(body, context)
        pool[report.flagged].append((body, report.to_dict(), flags_value(report.categories), report.priority))
    if not pool[True] or not pool[False]:
        raise CommandError("the guideline checks flagged all or none of the sample bodies")
    return pool


class _CommentGenerator:
    """Builds comment rows in time order, and decision rows for the decided ones."""

    def __init__(self, rng, pool, articles, team, *, start, now, total, pending):
        self.rng, self.pool, self.team = rng, pool, team
        self.articles = articles
        self.published = [a.published_at for a in articles]
        self.start, self.now = start, now
        self.step = (now - start) / max(total, 1)
        self.decided_upto = total - pending  # comments before this index are decided
        self.fingerprints: dict[str, str] = {}

    def _article(self, at: datetime) -> Article:
        # One of the ~10 articles published most recently before the comment.
        newest = max(bisect.bisect_right(self.published, at) - 1, 0)
        return self.articles[max(newest - int(self.rng.expovariate(0.3)), 0)]

    def _fingerprint(self, body: str) -> str:
        if body not in self.fingerprints:
            self.fingerprints[body] = body_fingerprint(body)
        return self.fingerprints[body]

    def batch(self, first: int, size: int) -> tuple[list[Comment], list[tuple | None]]:
        """Comment rows number first.. in time order, and each one's decision plan (None: pending)."""
        rng = self.rng
        rows, plans = [], []
        for index in range(first, first + size):
            at = self.start + self.step * index + timedelta(seconds=rng.random() * 30)
            at = min(at, self.now)
            flagged = rng.random() < FLAGGED_SHARE
            body, findings, flags, priority = rng.choice(self.pool[flagged])
            first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            plan = None
            if index < self.decided_upto:
                plan = self._plan_decision(at, flagged, priority)
            rows.append(
                Comment(
                    article=self._article(at),
                    author_name=f"{first_name} {last_name}",
                    author_email=f"{first_name}.{last_name}{rng.randint(1, 999)}@example.org".lower(),
                    body=body,
                    status=plan[0] if plan else Comment.Status.PENDING,
                    submitted_at=at,
                    decided_at=plan[1] if plan else None,
                    ip_address=f"198.51.100.{rng.randint(1, 254)}",
                    user_agent=rng.choice(USER_AGENTS),
                    findings=findings,
                    flags=flags,
                    priority=priority,
                    fingerprint=self._fingerprint(body),
                )
            )
            plans.append(plan)
        return rows, plans

    def _plan_decision(self, submitted_at: datetime, flagged: bool, priority: float) -> tuple:
        """(verdict, decided_at, moderator or None for the system) for a decided comment."""
        rng = self.rng
        rejected = rng.random() < (0.7 if flagged else 0.04)
        verdict = Comment.Status.REJECTED if rejected else Comment.Status.APPROVED
        # The system rejects some of the most certain hits at once; moderators take minutes to hours.
        system = rejected and priority >= 0.95 and rng.random() < 0.5
        wait = timedelta(seconds=1) if system else timedelta(minutes=rng.lognormvariate(3.0, 1.0))
        return verdict, min(submitted_at + wait, self.now), None if system else rng.choice(self.team)

    @staticmethod
    def decisions(rows: list[Comment], plans: list[tuple | None]) -> list[ModerationDecision]:
        """One decision per decided comment (the rows must have their ids)."""
        decisions = []
        for comment, plan in zip(rows, plans):
            if plan is None:
                continue
            verdict, decided_at, moderator = plan
            reasons = []
            if verdict == Comment.Status.REJECTED:
                reasons = [code for code in comment.flags.split("|") if code] or ["off_topic"]
            decisions.append(
                ModerationDecision(
                    comment_id=comment.pk,
                    moderator=moderator,
                    verdict=verdict,
                    reasons=reasons,
                    note="" if moderator else "Rejected automatically: the comment contains a banned term.",
                    previous_status=Comment.Status.PENDING,
                    decided_at=decided_at,
                )
            )
        return decisions


def _refresh_planner_statistics() -> None:
    """Fresh statistics (and, on PostgreSQL, a visibility map for index-only scans)."""
    tables = [Comment._meta.db_table, ModerationDecision._meta.db_table, Article._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            # VACUUM cannot run inside a transaction (as under a test's atomic block).
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
            else:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
