"""Reader reports under real concurrency on PostgreSQL (each thread its own connection): two moderators
answering the same reports at once, a reader's parallel reports, and reports arriving while a moderator
resolves."""

import threading

import pytest
from django.db import connection

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import ReaderReport, ReportResolution
from community.reports import (
    AlreadyReported,
    NoOpenReports,
    report_submit,
    reporter_key,
    reports_dismiss,
    reports_uphold,
)
from moderation.models import ModerationDecision
from moderation.services import AlreadyDecided
from moderation.tests.factories import ModeratorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 15
CONFLICTS = (NoOpenReports, AlreadyDecided)


def run_at_once(*targets):
    """Start every target at the same moment, each on its own connection; their results in order."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def wrap(index, target):
        try:
            barrier.wait()
            results[index] = ("ok", target())
        except BaseException as exc:  # reported to the test thread below
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def reported_comment(reports: int = 3) -> Comment:
    comment = CommentFactory(status=Comment.Status.APPROVED)
    for n in range(reports):
        report_submit(comment=comment, reason="abuse", reporter_key=reporter_key(ip_address=f"198.51.100.{n + 1}"))
    return comment


@pytest.mark.parametrize("second", ["uphold", "dismiss"])
def test_two_moderators_resolving_at_once_make_exactly_one_resolution(second):
    first_mod, second_mod = ModeratorFactory(username="first"), ModeratorFactory(username="second")
    for _ in range(ROUNDS):
        comment = reported_comment()

        def uphold(comment=comment):
            seen = Comment.objects.get(pk=comment.pk)
            return reports_uphold(comment=seen, moderator=first_mod, reasons=["abuse"])

        def other(comment=comment):
            seen = Comment.objects.get(pk=comment.pk)
            if second == "uphold":
                return reports_uphold(comment=seen, moderator=second_mod, reasons=["threat"])
            return reports_dismiss(comment=seen, moderator=second_mod)

        results = run_at_once(uphold, other)

        outcomes = sorted(kind for kind, _ in results)
        assert outcomes == ["error", "ok"], results
        error = next(value for kind, value in results if kind == "error")
        assert isinstance(error, CONFLICTS), error
        [resolution] = ReportResolution.objects.filter(comment=comment)
        assert ReaderReport.objects.filter(comment=comment, resolution=resolution).count() == 3
        decisions = list(ModerationDecision.objects.filter(comment=comment))
        comment.refresh_from_db()
        if resolution.outcome == ReportResolution.Outcome.UPHELD:
            assert [d.pk for d in decisions] == [resolution.decision_id]
            assert comment.status == Comment.Status.REJECTED
        else:
            assert decisions == []
            assert comment.status == Comment.Status.APPROVED


def test_a_readers_parallel_reports_store_exactly_one():
    key = reporter_key(ip_address="203.0.113.99")
    for _ in range(ROUNDS):
        comment = CommentFactory(status=Comment.Status.APPROVED)

        def submit(comment=comment):
            return report_submit(comment=comment, reason="abuse", reporter_key=key)

        results = run_at_once(*[submit] * 4)

        assert sorted(kind for kind, _ in results) == ["error", "error", "error", "ok"]
        assert all(isinstance(value, AlreadyReported) for kind, value in results if kind == "error")
        assert ReaderReport.objects.filter(comment=comment).count() == 1


def test_reports_arriving_during_a_resolution_are_closed_by_it_or_open_a_new_round():
    moderator = ModeratorFactory()
    for _ in range(ROUNDS):
        comment = reported_comment(reports=2)
        newcomers = [reporter_key(ip_address=f"203.0.113.{n}") for n in range(10, 14)]

        def dismiss(comment=comment):
            return reports_dismiss(comment=comment, moderator=moderator)

        def arrive(key, comment=comment):
            return lambda: report_submit(comment=comment, reason="threat", reporter_key=key)

        results = run_at_once(dismiss, *[arrive(key) for key in newcomers])

        assert all(kind == "ok" for kind, _ in results), results
        resolution = ReportResolution.objects.get(comment=comment)
        closed = ReaderReport.objects.filter(comment=comment, resolution=resolution).count()
        still_open = ReaderReport.objects.filter(comment=comment, resolution__isnull=True).count()
        assert closed >= 2
        assert closed + still_open == 6  # none lost, none counted twice
