"""Moderation statistics: how big the queue is and how moderators decide.

`moderation_stats()` computes the figures (the REST API calls it);
`cached_moderation_stats()` shares one computation a minute between page loads
(the admin stats page). Every figure is an aggregate computed by the database
over either the pending comments (partial indexes on status='pending') or the
decisions of the last `days` days (indexes led by decided_at), so the cost does
not grow with the number of decided comments in the table.
"""

from __future__ import annotations

import statistics
from datetime import datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Min, Value, When
from django.utils import timezone

from comments.models import Comment
from moderation.guidelines import CHECK_CATEGORIES
from moderation.models import ModerationDecision

UNFLAGGED = "unflagged"
SYSTEM = "system"
# The median reads at most this many of the window's most recent decisions.
MEDIAN_SAMPLE = 2_000
# The admin page recomputes the figures at most this often (one set per window length).
CACHE_SECONDS = 60


def moderation_stats(*, now: datetime | None = None, days: int = 14) -> dict[str, Any]:
    """The moderation figures, as a dict with exactly these keys.

    - "pending_total": int, comments waiting for a decision.
    - "pending_by_category": {code: int} for every automated check category
      (`CHECK_CATEGORIES`) plus "unflagged"; a comment flagged with two
      categories counts under both, so the values may add up to more than
      pending_total.
    - "oldest_pending_submitted_at": datetime | None and
      "oldest_pending_age_seconds": float | None (seconds from then to `now`).
    - "decisions_per_moderator_per_day": [{"day": date, "moderator": str,
      "approved": int, "rejected": int}] for decisions made in the window,
      newest day first, then by moderator name; "moderator" is the username,
      or "system" for automatic decisions. Days without decisions are left out.
    - "median_seconds_to_decision": float | None, the median time from
      submission to a moderator's first decision (the decision taken while the
      comment was pending), over the most recent MEDIAN_SAMPLE (2,000) such
      decisions made in the window. System decisions are left out: they are
      instant and say nothing about the queue.
    - "agreement_by_category": [{"category": code, "decided": int,
      "rejected": int, "rejection_rate": float | None}] in CHECK_CATEGORIES
      order: moderator decisions (not system ones) made in the window on
      comments the checks flagged with that category, how many of them
      rejected, and rejected / decided (None when nothing was decided).
      A reversed decision counts as a second decision.
    - "agreement_by_model_version": [{"model_version": str, "decided": int,
      "flagged": int, "flagged_rejected": int, "rejected": int,
      "rejected_flagged": int, "precision": float | None, "recall":
      float | None}], one row per learned-model version that scored the
      decided comments (Comment.checks_model_version; "" = rules only, or
      scored before the learned layer existed), most decided first: the same
      moderator decisions as agreement_by_category, "flagged" when the checks
      run with that version flagged the comment at all (any category, rules or
      model: what put it forward in the queue), precision = flagged_rejected /
      flagged (how often a flag was right) and recall = rejected_flagged /
      rejected (how many rejections the checks had flagged); None when the
      divisor is 0. flagged_rejected and rejected_flagged are the same count.

    The window is the `days` days up to `now` (decided_at > now - days).
    Datetimes are timezone-aware; "day" is the date in the current time zone.
    """
    now = now or timezone.now()
    since = now - timedelta(days=days)
    in_window = ModerationDecision.objects.filter(decided_at__gt=since, decided_at__lte=now)
    per_day, agreement, by_version = _window_figures(in_window, since=since, now=now)
    return {
        **_pending_figures(now),
        "decisions_per_moderator_per_day": per_day,
        "median_seconds_to_decision": _median_seconds_to_decision(in_window),
        "agreement_by_category": agreement,
        "agreement_by_model_version": by_version,
    }


def cache_key(days: int) -> str:
    return f"moderation:stats:{days}"


def cached_moderation_stats(*, days: int = 14) -> tuple[dict[str, Any], datetime]:
    """`moderation_stats(days=days)` and when it was computed, reused for CACHE_SECONDS.

    The figures aggregate every decision of the window (on a busy site, a hundred
    thousand rows a fortnight), so pages that show them share one computation a
    minute through Django's cache instead of repeating it on every load.
    """
    key = cache_key(days)
    hit = cache.get(key)
    if hit is not None:
        return hit
    computed_at = timezone.now()
    value = (moderation_stats(now=computed_at, days=days), computed_at)
    cache.set(key, value, CACHE_SECONDS)
    return value


def pending_figures(now: datetime) -> dict[str, Any]:
    """The pending-queue figures of moderation_stats() alone (also read by the metrics endpoint)."""
    return _pending_figures(now)


def _pending_figures(now: datetime) -> dict[str, Any]:
    # Grouping by the stored flag string gives one row per combination of
    # categories (a few dozen at most), which is then split per category here.
    groups = Comment.objects.pending().order_by().values("flags").annotate(n=Count("*"), oldest=Min("submitted_at"))
    by_category = dict.fromkeys([*CHECK_CATEGORIES, UNFLAGGED], 0)
    total = 0
    oldest: datetime | None = None
    for group in groups:
        total += group["n"]
        if oldest is None or group["oldest"] < oldest:
            oldest = group["oldest"]
        codes = [code for code in group["flags"].split("|") if code in by_category]
        for code in codes or [UNFLAGGED]:
            by_category[code] += group["n"]
    return {
        "pending_total": total,
        "pending_by_category": by_category,
        "oldest_pending_submitted_at": oldest,
        "oldest_pending_age_seconds": (now - oldest).total_seconds() if oldest else None,
    }


def _window_figures(decisions, *, since: datetime, now: datetime) -> tuple[list, list, list]:
    """Decisions per moderator per day, agreement per category and per model version, from one grouped query.

    The window's decisions are grouped by (day, moderator, verdict, the comment's flags,
    the comment's model version): a few thousand rows at most, however many decisions
    there were. Every column comes from an index (decision_time_stats, comment_decided_flags).
    """
    zone = timezone.get_current_timezone()
    first, last = timezone.localtime(since, zone).date(), timezone.localtime(now, zone).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    # Day buckets as comparisons against local midnights computed here: no per-row
    # date function (on SQLite that would be a Python call per row).
    bucket = Case(
        *[
            When(decided_at__gte=datetime.combine(day, time.min, tzinfo=zone), then=Value(index))
            for index, day in reversed(list(enumerate(days)))
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    groups = list(
        # A comment's decided_at is its latest decision's time, so it is in the window
        # too: implied, but it lets the join read only the window's comments.
        decisions.filter(comment__decided_at__gt=since)
        .order_by()
        .annotate(bucket=bucket)
        .values("bucket", "moderator_username", "verdict", "comment__flags", "comment__checks_model_version")
        .annotate(n=Count("*"))
    )

    per_day: dict[tuple, dict[str, Any]] = {}
    decided = dict.fromkeys(CHECK_CATEGORIES, 0)
    rejected = dict.fromkeys(CHECK_CATEGORIES, 0)
    versions: dict[str, dict[str, int]] = {}
    for group in groups:
        # The username stored with the decision ("" only for the system's): a deleted account still counts.
        moderator = group["moderator_username"] or SYSTEM
        row = per_day.setdefault(
            (group["bucket"], moderator),
            {"day": days[group["bucket"]], "moderator": moderator, "approved": 0, "rejected": 0},
        )
        row[group["verdict"]] += group["n"]
        if not group["moderator_username"]:
            continue  # agreement is about moderators, not the automatic rejections
        is_rejected = group["verdict"] == ModerationDecision.Verdict.REJECTED
        is_flagged = bool(group["comment__flags"])
        counts = versions.setdefault(
            group["comment__checks_model_version"], {"decided": 0, "flagged": 0, "rejected": 0, "both": 0}
        )
        counts["decided"] += group["n"]
        counts["flagged"] += group["n"] if is_flagged else 0
        counts["rejected"] += group["n"] if is_rejected else 0
        counts["both"] += group["n"] if is_flagged and is_rejected else 0
        for code in group["comment__flags"].split("|"):
            if code in decided:
                decided[code] += group["n"]
                if group["verdict"] == ModerationDecision.Verdict.REJECTED:
                    rejected[code] += group["n"]

    result = sorted(per_day.values(), key=lambda row: row["moderator"])
    result.sort(key=lambda row: row["day"], reverse=True)
    agreement = [
        {
            "category": code,
            "decided": decided[code],
            "rejected": rejected[code],
            "rejection_rate": rejected[code] / decided[code] if decided[code] else None,
        }
        for code in CHECK_CATEGORIES
    ]
    by_version = [
        {
            "model_version": version,
            "decided": c["decided"],
            "flagged": c["flagged"],
            "flagged_rejected": c["both"],
            "rejected": c["rejected"],
            "rejected_flagged": c["both"],
            "precision": c["both"] / c["flagged"] if c["flagged"] else None,
            "recall": c["both"] / c["rejected"] if c["rejected"] else None,
        }
        for version, c in sorted(versions.items(), key=lambda item: (-item[1]["decided"], item[0]))
    ]
    return result, agreement, by_version


def _median_seconds_to_decision(decisions) -> float | None:
    # The most recent MEDIAN_SAMPLE first decisions, read along the decided_at index.
    first = decisions.exclude(moderator_username="").filter(previous_status=Comment.Status.PENDING)
    pairs = first.order_by("-decided_at").values_list("decided_at", "comment__submitted_at")[:MEDIAN_SAMPLE]
    waits = [(decided_at - submitted_at).total_seconds() for decided_at, submitted_at in pairs]
    return statistics.median(waits) if waits else None
