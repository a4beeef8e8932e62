"""Real concurrency on PostgreSQL: each thread has its own connection.

Decisions racing on one comment, submissions racing each other, and rechecks
(inline and through the task path) racing moderators' decisions.
"""

import threading

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import comment_submit
from comments.tests.factories import CommentFactory
from moderation.models import GuidelineTerm, ModerationDecision
from moderation.rechecks import recheck_comments
from moderation.services import AlreadyDecided, comment_approve, comment_reject
from moderation.tasks import enqueue_recheck
from moderation.tests.factories import ModeratorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 25


@pytest.fixture(autouse=True)
def moderators_group():
    """The flush after an earlier transactional test drops the migration-made group; make it again."""
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(Permission.objects.get(content_type__app_label="comments", codename="moderate_comment"))


def test_two_moderators_deciding_at_once_record_exactly_one_decision():
    moderators = [ModeratorFactory(username="first"), ModeratorFactory(username="second")]
    for _ in range(ROUNDS):
        comment_id = CommentFactory().pk
        barrier = threading.Barrier(2)
        outcomes = []

        def decide(moderator, approve):
            try:
                seen = Comment.objects.get(pk=comment_id)  # what this moderator saw
                barrier.wait()
                if approve:
                    comment_approve(comment=seen, moderator=moderator)
                else:
                    comment_reject(comment=seen, moderator=moderator, reasons=["threat"])
                outcomes.append(("won", moderator.username))
            except AlreadyDecided as exc:
                outcomes.append(("lost", exc.decided_by))
            finally:
                connection.close()

        threads = [
            threading.Thread(target=decide, args=(moderators[0], True)),
            threading.Thread(target=decide, args=(moderators[1], False)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        decisions = list(ModerationDecision.objects.filter(comment_id=comment_id))
        assert len(decisions) == 1
        winner = decisions[0].moderator.username
        assert sorted(outcomes) == [("lost", winner), ("won", winner)]
        assert Comment.objects.get(pk=comment_id).status == decisions[0].verdict


def _run_threads(targets):
    """Start every target at once, each on its own database connection; re-raise the first error."""
    errors = []
    barrier = threading.Barrier(len(targets))

    def wrap(target):
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # surfaced in the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_concurrent_submissions_are_each_stored_exactly_once():
    article = ArticleFactory()
    threads, per_thread = 12, 15

    def submit(worker):
        def run():
            for n in range(per_thread):
                comment_submit(
                    article=article,
                    author_name=f"Reader {worker}",
                    author_email=f"reader{worker}@example.org",
                    body=f"Thoughts on the council budget, marker w{worker}n{n}.",
                    ip_address="203.0.113.9",
                )

        return run

    _run_threads([submit(worker) for worker in range(threads)])

    bodies = list(Comment.objects.filter(article=article).values_list("body", flat=True))
    expected = {f"w{w}n{n}" for w in range(threads) for n in range(per_thread)}
    markers = [body.rsplit("marker ", 1)[1].rstrip(".") for body in bodies]
    assert len(markers) == threads * per_thread
    assert set(markers) == expected
    assert Comment.objects.filter(article=article).exclude(status=Comment.Status.PENDING).count() == 0


def test_recheck_running_while_moderators_decide_loses_and_undoes_nothing():
    article = ArticleFactory()
    comments = [
        CommentFactory(article=article, body=f"Buy the glimmerstone today, offer {n}", flags="", findings={})
        for n in range(120)
    ]
    GuidelineTerm.objects.create(category="promotion", term="glimmerstone", kind="suspect")
    approver, rejecter = ModeratorFactory(username="approver"), ModeratorFactory(username="rejecter")
    ids = [comment.pk for comment in comments]

    def recheck():
        for _ in range(3):  # several passes, so rechecks overlap the decisions throughout
            assert sum(recheck_comments(Comment.objects.filter(pk__in=ids), batch_size=7)) == len(ids)

    def decide(moderator, subset, approve):
        def run():
            for pk in subset:
                seen = Comment.objects.get(pk=pk)
                if approve:
                    comment_approve(comment=seen, moderator=moderator)
                else:
                    comment_reject(comment=seen, moderator=moderator, reasons=["promotion"])

        return run

    _run_threads([recheck, decide(approver, ids[0::2], True), decide(rejecter, ids[1::2], False)])

    rows = {c.pk: c for c in Comment.objects.filter(article=article)}
    assert sorted(rows) == sorted(ids)  # nothing lost, nothing added
    decisions = list(ModerationDecision.objects.filter(comment_id__in=ids))
    assert len(decisions) == len(ids)  # exactly one decision each, none doubled
    for decision in decisions:
        comment = rows[decision.comment_id]
        assert comment.status == decision.verdict  # no recheck undid a decision
        assert comment.decided_at == decision.decided_at
        assert "promotion" in comment.flag_list  # and every comment was rechecked
        assert comment.body.startswith("Buy the glimmerstone today")


def test_enqueued_recheck_and_decisions_race_without_loss():
    """The Celery path (inline without a broker) races decisions the same way."""
    comments = [CommentFactory(body=f"Visit glimmerstone dot com, {n}", flags="") for n in range(60)]
    GuidelineTerm.objects.create(category="promotion", term="glimmerstone", kind="suspect")
    moderator = ModeratorFactory(username="racer")
    ids = [comment.pk for comment in comments]

    def enqueue():
        handed = enqueue_recheck(status="all", batch_size=9)
        assert handed.comments >= len(ids)

    def decide():
        for pk in ids:
            comment_approve(comment=Comment.objects.get(pk=pk), moderator=moderator)

    _run_threads([enqueue, decide])

    assert ModerationDecision.objects.filter(comment_id__in=ids).count() == len(ids)
    stored = Comment.objects.filter(pk__in=ids)
    assert stored.count() == len(ids)
    assert all(c.status == Comment.Status.APPROVED and "promotion" in c.flag_list for c in stored)


def test_parallel_reversals_are_logged_in_the_order_they_happened():
    """Moderators flipping one comment back and forth at once: the log's time order is its real order.

    The decision time was once taken before the row was locked, so a decision that waited
    for the lock could carry an earlier time than the one it followed.
    """
    moderators = [ModeratorFactory(username=f"flipper{n}") for n in range(6)]
    comment_id = CommentFactory().pk
    comment_approve(comment=Comment.objects.get(pk=comment_id), moderator=moderators[0])

    def flip(moderator):
        try:
            for _ in range(15):
                seen = Comment.objects.get(pk=comment_id)
                try:
                    if seen.status == Comment.Status.APPROVED:
                        comment_reject(
                            comment=seen,
                            moderator=moderator,
                            reasons=["threat"],
                            expected_status=Comment.Status.APPROVED,
                        )
                    else:
                        comment_approve(comment=seen, moderator=moderator, expected_status=seen.status)
                except AlreadyDecided:
                    pass
        finally:
            connection.close()

    threads = [threading.Thread(target=flip, args=(m,)) for m in moderators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    log = list(ModerationDecision.objects.filter(comment_id=comment_id).order_by("id"))
    assert len(log) > 10
    times = [d.decided_at for d in log]
    assert times == sorted(times)
    # each decision starts from the status the one before it left
    for before, after in zip(log, log[1:]):
        assert after.previous_status == before.verdict
    assert Comment.objects.get(pk=comment_id).status == log[-1].verdict
