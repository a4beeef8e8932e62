"""Queued rechecks are recorded batch by batch, so a broker that loses its queue loses no recheck (#11, item 7).

`recheck_comments --enqueue` once reported success while thousands of comments were
never rechecked: the broker dropped its messages and nothing remembered them. Each batch
is now a RecheckBatch row, marked done by its task in the same transaction as its results.
"""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from config.celery import app as celery_app
from moderation import rechecks
from moderation.models import GuidelineTerm, ModerationDecision, RecheckBatch
from moderation.rechecks import recheck_batch_run
from moderation.services import comment_approve
from moderation.tasks import enqueue_recheck, recheck_batch, resume_rechecks
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

TERM = "glimmerstone"


def pending_with_new_term(count):
    comments = [CommentFactory(body=f"Buy {TERM} now, lot {n}", flags="") for n in range(count)]
    GuidelineTerm.objects.create(category="promotion", term=TERM, kind="suspect")
    return [c.pk for c in comments]


def rechecked(ids):
    return Comment.objects.filter(pk__in=ids, flags__contains="|promotion|").count()


@pytest.fixture
def lossy_broker(monkeypatch):
    """A broker that takes every message and then loses it (a queue lost with a Redis restart)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.update(task_always_eager=False)
    sent = []
    monkeypatch.setattr(recheck_batch, "apply_async", lambda *args, **kwargs: sent.append(kwargs))
    yield sent
    celery_app.conf.update(task_always_eager=eager)


def test_batches_the_broker_lost_are_listed_as_unfinished(lossy_broker, capsys):
    ids = pending_with_new_term(5)

    call_command("recheck_comments", "--enqueue", "--batch-size", "2")
    enqueued = capsys.readouterr().out
    call_command("recheck_comments", "--batches")
    listed = capsys.readouterr().out

    assert "3 batch(es) queued for workers, 0 batch(es) rechecked here" in enqueued
    assert "--resume" in enqueued
    assert rechecked(ids) == 0  # the messages were lost
    batches = list(RecheckBatch.objects.order_by("pk"))
    assert [b.status for b in batches] == ["queued"] * 3
    assert [(b.first_comment_id, b.last_comment_id, b.size) for b in batches] == [
        (ids[0], ids[1], 2),
        (ids[2], ids[3], 2),
        (ids[4], ids[4], 1),
    ]
    assert all(b.comment_status == "pending" and b.dispatches == 1 and b.attempts == 0 for b in batches)
    assert all(b.terms_version.startswith("1 term(s)") for b in batches)
    assert [m["kwargs"] for m in lossy_broker] == [{"batch_id": b.pk} for b in batches]
    assert "3 unfinished recheck batch(es), 5 comment(s) (0 done)" in listed
    for batch in batches:
        assert f"{batch.first_comment_id}–{batch.last_comment_id}" in listed


def test_resume_finishes_the_lost_batches(lossy_broker, capsys):
    ids = pending_with_new_term(5)
    call_command("recheck_comments", "--enqueue", "--batch-size", "2")

    call_command("recheck_comments", "--resume", "--older-than", "0", "--inline")
    resumed = capsys.readouterr().out
    call_command("recheck_comments", "--batches")

    assert rechecked(ids) == 5
    assert (
        "5 unfinished batch(es) handed out again: 0 batch(es) queued for workers, 3 batch(es) rechecked here" in resumed
    )
    assert set(RecheckBatch.objects.values_list("status", "rechecked", "attempts", "dispatches")) == {
        ("done", 2, 1, 2),
        ("done", 1, 1, 2),
    }
    assert RecheckBatch.objects.filter(finished_at__isnull=True).count() == 0
    assert "No unfinished recheck batches (3 done)." in capsys.readouterr().out


def test_resume_leaves_recent_batches_to_the_workers_and_requeues_old_ones_once(lossy_broker, capsys):
    ids = pending_with_new_term(4)
    enqueue_recheck(status="pending", batch_size=2)
    lossy_broker.clear()

    call_command("recheck_comments", "--resume")  # default: only batches waiting an hour or more
    assert lossy_broker == [] and RecheckBatch.objects.filter(dispatches=1).count() == 2

    RecheckBatch.objects.update(queued_at=timezone.now() - timedelta(hours=2))
    first = resume_rechecks(older_than=timedelta(hours=1))
    again = resume_rechecks(older_than=timedelta(hours=1))  # just handed out: not sent twice

    assert (first.queued, first.inline, first.comments) == (2, 0, 4)
    assert (again.queued, again.inline) == (0, 0)
    assert sorted(m["kwargs"]["batch_id"] for m in lossy_broker) == sorted(first.batch_ids)
    assert set(RecheckBatch.objects.values_list("status", "dispatches")) == {("queued", 2)}
    assert rechecked(ids) == 0  # lost again: still listed, still resumable
    assert unfinished_count() == 2


def unfinished_count():
    return RecheckBatch.objects.filter(status=RecheckBatch.Status.QUEUED).count()


def test_resume_runs_here_when_the_broker_refuses(lossy_broker, monkeypatch):
    ids = pending_with_new_term(3)
    enqueue_recheck(status="pending", batch_size=2)

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(recheck_batch, "apply_async", refuse)
    handed = resume_rechecks(older_than=timedelta(0))

    assert (handed.queued, handed.inline) == (0, 2)
    assert rechecked(ids) == 3 and unfinished_count() == 0


def test_a_batch_run_twice_is_rechecked_and_counted_once():
    ids = pending_with_new_term(3)
    moderator = ModeratorFactory()
    comment_approve(comment=Comment.objects.get(pk=ids[0]), moderator=moderator)
    batch = rechecks.record_batch(status="all", first_pk=ids[0], last_pk=ids[-1], size=3)

    first = recheck_batch.apply(kwargs={"batch_id": batch.pk}).get()
    stored = list(Comment.objects.filter(pk__in=ids).order_by("pk").values("findings", "flags", "priority"))
    second = recheck_batch.apply(kwargs={"batch_id": batch.pk}).get()

    assert (first, second) == (3, 0)
    batch.refresh_from_db()
    assert (batch.status, batch.rechecked, batch.attempts) == ("done", 3, 1)
    assert list(Comment.objects.filter(pk__in=ids).order_by("pk").values("findings", "flags", "priority")) == stored
    for row in stored:
        assert [f["category"] for f in row["findings"]["findings"]].count("promotion") == 1
    assert ModerationDecision.objects.count() == 1 and RecheckBatch.objects.count() == 1
    assert Comment.objects.get(pk=ids[0]).status == Comment.Status.APPROVED  # status untouched


def test_the_batch_is_marked_done_in_the_same_transaction_as_its_results(monkeypatch):
    ids = pending_with_new_term(2)
    batch = rechecks.record_batch(status="pending", first_pk=ids[0], last_pk=ids[-1], size=2)
    real_save = RecheckBatch.save

    def crash(self, *args, **kwargs):
        if kwargs.get("update_fields") and "status" in kwargs["update_fields"]:
            raise RuntimeError("worker lost while marking the batch done")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(RecheckBatch, "save", crash)
    with pytest.raises(RuntimeError):
        recheck_batch_run(batch.pk)
    monkeypatch.setattr(RecheckBatch, "save", real_save)

    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.finished_at) == ("queued", 1, None)
    assert rechecked(ids) == 0  # the results went with the failed transaction

    assert recheck_batch_run(batch.pk) == 2
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("done", 2)
    assert rechecked(ids) == 2


def test_without_a_broker_enqueued_batches_run_here_and_are_recorded_done(capsys):
    ids = pending_with_new_term(3)

    call_command("recheck_comments", "--enqueue", "--batch-size", "2", "--reason", "new promotion terms")

    assert "0 batch(es) queued for workers, 2 batch(es) rechecked here" in capsys.readouterr().out
    assert rechecked(ids) == 3
    assert set(RecheckBatch.objects.values_list("status", "reason")) == {("done", "new promotion terms")}


def test_moderators_see_the_batches_read_only_in_admin(client, lossy_broker):
    pending_with_new_term(3)
    enqueue_recheck(status="pending", batch_size=2)
    batch = RecheckBatch.objects.first()
    changelist = reverse("admin:moderation_recheckbatch_changelist")
    change = reverse("admin:moderation_recheckbatch_change", args=[batch.pk])

    client.force_login(ModeratorFactory())
    listing = client.get(changelist + "?status__exact=queued")
    page = client.get(change)
    edit = client.post(change, {"status": "done"})

    assert listing.status_code == 200 and page.status_code == 200
    assert f"{batch.first_comment_id}–{batch.last_comment_id}" in listing.content.decode()
    assert "Queued (not finished)" in listing.content.decode()
    assert 'name="status"' not in page.content.decode()
    assert edit.status_code == 403
    assert client.get(reverse("admin:moderation_recheckbatch_add")).status_code == 403
    assert (
        client.post(reverse("admin:moderation_recheckbatch_delete", args=[batch.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert unfinished_count() == 2

    client.force_login(UserFactory(is_staff=True))
    assert client.get(changelist).status_code == 403
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_recheckbatch"))
    client.force_login(viewer)
    assert client.get(changelist).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_batch_write_it_once():
    ids = pending_with_new_term(40)
    batch = rechecks.record_batch(status="pending", first_pk=ids[0], last_pk=ids[-1], size=40)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait()
            results.append(recheck_batch_run(batch.pk))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [0, 40]  # one run wrote; the other found it done
    batch.refresh_from_db()
    assert (batch.status, batch.rechecked) == ("done", 40)
    assert rechecked(ids) == 40


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_batches_lost_by_a_real_broker_are_resumed_through_it():
    """Through the Redis broker: the queue is purged (lost), the batches stay unfinished, --resume
    sends them again and a worker finishes them."""
    from django.conf import settings

    from config.tests.test_degradation import celery_broker
    from config.tests.workers import running_worker

    ids = pending_with_new_term(5)
    with celery_broker(settings.REDIS_URL):
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(celery_app.conf.task_default_queue)
        handed = enqueue_recheck(status="pending", batch_size=2)
        with celery_app.connection_for_write() as conn:
            lost = conn.default_channel.queue_purge(celery_app.conf.task_default_queue)
        assert (handed.queued, lost) == (3, 3)
        assert unfinished_count() == 3

        resumed = resume_rechecks(older_than=timedelta(0))
        assert resumed.queued == 3
        with running_worker() as finished:
            assert finished.wait_for(3, name="moderation.recheck_batch", timeout=30)
    assert unfinished_count() == 0
    assert rechecked(ids) == 5
    assert set(RecheckBatch.objects.values_list("attempts", "dispatches")) == {(1, 2)}


def test_messages_from_before_batches_were_recorded_still_run():
    from moderation.tasks import recheck_comment_range

    ids = pending_with_new_term(2)

    assert recheck_comment_range.apply(kwargs={"status": "pending", "first_pk": ids[0], "last_pk": ids[-1]}).get() == 2
    assert rechecked(ids) == 2
