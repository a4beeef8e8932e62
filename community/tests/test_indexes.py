"""The commenter history's queries are served by indexes (no scan of every comment), on SQLite and PostgreSQL.

The queries each selector runs are captured and EXPLAINed as sent. On PostgreSQL the test tables are tiny,
so sequential scans are switched off for the transaction: the plan must then name the index (it can).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.tests.factories import CommentFactory
from community.selectors import commenter_badges, commenter_history
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def explained(run) -> list[tuple[str, str]]:
    with CaptureQueriesContext(connection) as captured:
        run()
    return [(q["sql"], plan(q["sql"])) for q in captured.captured_queries]


@pytest.fixture
def comments():
    moderator = ModeratorFactory()
    now = timezone.now()
    rows = [
        CommentFactory(
            author_email=f"Reader{n % 4}@Example.org",
            ip_address=f"192.0.2.{n % 3}",
            submitted_at=now - timedelta(hours=n),
        )
        for n in range(12)
    ]
    comment_reject(comment=rows[4], moderator=moderator, reasons=["abuse"])
    return rows


def test_history_queries_use_the_email_ip_and_decision_indexes(comments):
    plans = explained(lambda: commenter_history(comment=comments[0]))

    assert len(plans) == 3
    by_email = [p for sql, p in plans if 'LOWER("comments_comment"."author_email")' in sql]
    by_ip = [p for sql, p in plans if '"comments_comment"."ip_address" =' in sql]
    assert len(by_email) == 2 and len(by_ip) == 1
    assert all("comment_author_email_time" in p for p in by_email), by_email
    assert "comment_ip_time" in by_ip[0], by_ip
    # Each listed comment's latest decision: decision_comment_time, not the whole log.
    assert all("decision_comment_time" in p for _, p in plans if "moderation_moderationdecision" in _), plans


def test_badge_queries_use_their_indexes(comments):
    counts, trust, bans = explained(lambda: commenter_badges(comments=comments[:5]))

    assert "comment_author_email_time" in counts[1], counts[1]
    assert "trust_email_latest" in trust[1], trust[1]
    assert "sanction_kind_value" in bans[1] or "sanction_ip_range" in bans[1], bans[1]
