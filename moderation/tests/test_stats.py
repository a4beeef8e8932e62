from datetime import UTC, date, datetime, timedelta

import factory
import pytest
from django.core.cache import cache

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation import stats as stats_module
from moderation.guidelines import CHECK_CATEGORIES
from moderation.models import ModerationDecision
from moderation.stats import cached_moderation_stats, moderation_stats
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class DecisionFactory(factory.django.DjangoModelFactory):
    """A logged decision at a chosen time (the services always stamp "now")."""

    class Meta:
        model = ModerationDecision

    comment = factory.SubFactory(CommentFactory, status=Comment.Status.APPROVED)
    moderator = None
    verdict = ModerationDecision.Verdict.APPROVED
    previous_status = Comment.Status.PENDING
    decided_at = NOW


def decided(
    *, moderator, verdict, decided_at, submitted_at=None, flags="", previous=Comment.Status.PENDING, model_version=""
):
    # As the services leave it: the comment's decided_at is its latest decision's time.
    comment = CommentFactory(
        status=verdict,
        flags=flags,
        submitted_at=submitted_at or decided_at - timedelta(hours=1),
        decided_at=decided_at,
        checks_model_version=model_version,
    )
    return DecisionFactory(
        comment=comment, moderator=moderator, verdict=verdict, decided_at=decided_at, previous_status=previous
    )


def test_empty_database_gives_zeroes_and_nones():
    stats = moderation_stats(now=NOW)

    assert stats == {
        "pending_total": 0,
        "pending_by_category": {**dict.fromkeys(CHECK_CATEGORIES, 0), "unflagged": 0},
        "oldest_pending_submitted_at": None,
        "oldest_pending_age_seconds": None,
        "decisions_per_moderator_per_day": [],
        "median_seconds_to_decision": None,
        "agreement_by_category": [
            {"category": code, "decided": 0, "rejected": 0, "rejection_rate": None} for code in CHECK_CATEGORIES
        ],
        "agreement_by_model_version": [],
    }


def test_pending_counts_per_category_and_oldest_age():
    CommentFactory(flags="|threat|personal_attack|", submitted_at=NOW - timedelta(hours=3))
    CommentFactory(flags="|threat|", submitted_at=NOW - timedelta(hours=1))
    CommentFactory(flags="", submitted_at=NOW - timedelta(minutes=30))
    CommentFactory(flags="", submitted_at=NOW - timedelta(minutes=10))
    CommentFactory(flags="|profanity|", status=Comment.Status.APPROVED, submitted_at=NOW - timedelta(days=9))

    stats = moderation_stats(now=NOW)

    assert stats["pending_total"] == 4
    assert stats["pending_by_category"] == {
        "profanity": 0,
        "vulgarity": 0,
        "threat": 2,
        "personal_attack": 1,
        "abuse": 0,
        "promotion": 0,
        "off_topic": 0,
        "unflagged": 2,
    }
    assert stats["oldest_pending_submitted_at"] == NOW - timedelta(hours=3)
    assert stats["oldest_pending_age_seconds"] == 3 * 3600.0


def test_decisions_per_moderator_per_day_newest_first_with_system_named():
    alice, bob = ModeratorFactory(username="alice"), ModeratorFactory(username="bob")
    today, yesterday = NOW - timedelta(hours=1), NOW - timedelta(days=1)
    for _ in range(2):
        decided(moderator=bob, verdict="approved", decided_at=today)
    decided(moderator=alice, verdict="rejected", decided_at=today)
    decided(moderator=alice, verdict="approved", decided_at=today)
    decided(moderator=None, verdict="rejected", decided_at=yesterday)
    decided(moderator=alice, verdict="rejected", decided_at=yesterday)
    decided(moderator=alice, verdict="approved", decided_at=NOW - timedelta(days=15))  # outside
    decided(moderator=alice, verdict="approved", decided_at=NOW + timedelta(hours=1))  # after `now`

    rows = moderation_stats(now=NOW, days=14)["decisions_per_moderator_per_day"]

    assert rows == [
        {"day": date(2026, 11, 20), "moderator": "alice", "approved": 1, "rejected": 1},
        {"day": date(2026, 11, 20), "moderator": "bob", "approved": 2, "rejected": 0},
        {"day": date(2026, 11, 19), "moderator": "alice", "approved": 0, "rejected": 1},
        {"day": date(2026, 11, 19), "moderator": "system", "approved": 0, "rejected": 1},
    ]


def test_window_length_follows_days():
    alice = ModeratorFactory(username="alice")
    decided(moderator=alice, verdict="approved", decided_at=NOW - timedelta(days=3))

    assert moderation_stats(now=NOW, days=2)["decisions_per_moderator_per_day"] == []
    assert len(moderation_stats(now=NOW, days=4)["decisions_per_moderator_per_day"]) == 1


@pytest.mark.parametrize(
    ("waits_minutes", "median_seconds"),
    [([10, 30, 20], 20 * 60.0), ([10, 40, 20, 90], 30 * 60.0), ([5], 5 * 60.0)],
)
def test_median_time_from_submission_to_first_moderator_decision(waits_minutes, median_seconds):
    alice = ModeratorFactory()
    for n, minutes in enumerate(waits_minutes):
        at = NOW - timedelta(hours=n + 1)
        decided(moderator=alice, verdict="approved", decided_at=at, submitted_at=at - timedelta(minutes=minutes))
    # Neither a system decision nor a reversal is a moderator's first decision.
    decided(moderator=None, verdict="rejected", decided_at=NOW, submitted_at=NOW)
    decided(
        moderator=alice,
        verdict="approved",
        decided_at=NOW,
        submitted_at=NOW - timedelta(days=5),
        previous=Comment.Status.REJECTED,
    )
    # Outside the window.
    decided(
        moderator=alice, verdict="approved", decided_at=NOW - timedelta(days=20), submitted_at=NOW - timedelta(days=30)
    )

    assert moderation_stats(now=NOW)["median_seconds_to_decision"] == median_seconds


def test_agreement_is_the_moderators_rejection_rate_per_flagged_category():
    alice = ModeratorFactory()
    for verdict in ["rejected", "rejected", "rejected", "approved"]:
        decided(moderator=alice, verdict=verdict, decided_at=NOW - timedelta(hours=2), flags="|threat|")
    decided(moderator=alice, verdict="approved", decided_at=NOW - timedelta(hours=2), flags="|promotion|threat|")
    decided(moderator=alice, verdict="approved", decided_at=NOW - timedelta(hours=2), flags="|promotion|")
    decided(moderator=alice, verdict="rejected", decided_at=NOW - timedelta(hours=2), flags="")
    # Left out: system decisions and decisions outside the window.
    decided(moderator=None, verdict="rejected", decided_at=NOW - timedelta(hours=2), flags="|threat|")
    decided(moderator=alice, verdict="rejected", decided_at=NOW - timedelta(days=20), flags="|promotion|")

    rows = {row["category"]: row for row in moderation_stats(now=NOW)["agreement_by_category"]}

    assert [row["category"] for row in moderation_stats(now=NOW)["agreement_by_category"]] == list(CHECK_CATEGORIES)
    assert rows["threat"] == {"category": "threat", "decided": 5, "rejected": 3, "rejection_rate": 0.6}
    assert rows["promotion"] == {"category": "promotion", "decided": 2, "rejected": 0, "rejection_rate": 0.0}
    assert rows["abuse"] == {"category": "abuse", "decided": 0, "rejected": 0, "rejection_rate": None}


def test_agreement_per_model_version_counts_flags_that_moderators_confirmed():
    alice = ModeratorFactory()
    at = NOW - timedelta(hours=2)
    for verdict, flags in [
        ("rejected", "|threat|"),
        ("rejected", "|threat|"),
        ("approved", "|abuse|"),
        ("rejected", ""),
        ("approved", ""),
        ("approved", ""),
    ]:
        decided(moderator=alice, verdict=verdict, decided_at=at, flags=flags, model_version="m-aaaaaaaaaaaa")
    decided(moderator=alice, verdict="rejected", decided_at=at, flags="|promotion|", model_version="m-bbbbbbbbbbbb")
    decided(moderator=alice, verdict="approved", decided_at=at, flags="")  # rules only
    # Left out: system decisions and decisions outside the window.
    decided(moderator=None, verdict="rejected", decided_at=at, flags="|threat|", model_version="m-bbbbbbbbbbbb")
    decided(moderator=alice, verdict="rejected", decided_at=NOW - timedelta(days=20), model_version="m-cccccccccccc")

    rows = moderation_stats(now=NOW)["agreement_by_model_version"]

    assert rows == [
        {
            "model_version": "m-aaaaaaaaaaaa",
            "decided": 6,
            "flagged": 3,
            "flagged_rejected": 2,
            "rejected": 3,
            "rejected_flagged": 2,
            "precision": 2 / 3,
            "recall": 2 / 3,
        },
        {
            "model_version": "",
            "decided": 1,
            "flagged": 0,
            "flagged_rejected": 0,
            "rejected": 0,
            "rejected_flagged": 0,
            "precision": None,
            "recall": None,
        },
        {
            "model_version": "m-bbbbbbbbbbbb",
            "decided": 1,
            "flagged": 1,
            "flagged_rejected": 1,
            "rejected": 1,
            "rejected_flagged": 1,
            "precision": 1.0,
            "recall": 1.0,
        },
    ]


def test_stats_take_a_fixed_number_of_queries(django_assert_max_num_queries):
    alice = ModeratorFactory()
    for n in range(12):
        CommentFactory(flags="|abuse|" if n % 2 else "")
        decided(
            moderator=alice,
            verdict="approved",
            decided_at=NOW - timedelta(hours=n),
            flags="|abuse|",
            model_version=f"m-{n:012d}",
        )

    with django_assert_max_num_queries(5):
        stats = moderation_stats(now=NOW)

    assert stats["pending_total"] == 12


def test_median_reads_only_the_most_recent_sample(monkeypatch):
    monkeypatch.setattr(stats_module, "MEDIAN_SAMPLE", 3)
    alice = ModeratorFactory()
    # Most recent first: waits 1, 2, 3 minutes; older ones waited 100 minutes.
    for n, minutes in enumerate([1, 2, 3, 100, 100, 100]):
        at = NOW - timedelta(hours=n + 1)
        decided(moderator=alice, verdict="approved", decided_at=at, submitted_at=at - timedelta(minutes=minutes))

    assert moderation_stats(now=NOW)["median_seconds_to_decision"] == 120.0


def test_cached_stats_are_reused_per_window_until_they_expire(django_assert_num_queries):
    CommentFactory()
    first, computed_at = cached_moderation_stats(days=14)
    CommentFactory()

    with django_assert_num_queries(0):
        again, again_at = cached_moderation_stats(days=14)
    other_window, _ = cached_moderation_stats(days=7)
    cache.delete(stats_module.cache_key(14))  # what expiry does after CACHE_SECONDS
    fresh, fresh_at = cached_moderation_stats(days=14)

    assert (first["pending_total"], again["pending_total"], again_at) == (1, 1, computed_at)
    assert other_window["pending_total"] == 2
    assert fresh["pending_total"] == 2 and fresh_at >= computed_at
