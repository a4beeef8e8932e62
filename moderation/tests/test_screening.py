from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import body_fingerprint, comment_submit
from comments.tests.factories import CommentFactory
from moderation import screening
from moderation.models import GuidelineTerm, ModerationDecision
from moderation.screening import (
    active_terms,
    bump_terms_version,
    recent_duplicate_count,
    screening_terms,
    terms_version,
)

pytestmark = pytest.mark.django_db


def submit(article, body, name="Reader"):
    return comment_submit(
        article=article,
        author_name=name,
        author_email="reader@example.org",
        body=body,
        ip_address="198.51.100.4",
    )


def test_new_suspect_term_is_seen_on_the_next_comment_without_restart():
    article = ArticleFactory()
    first = submit(article, "The council should fund the zorblax programme.")
    assert "zorblax" not in str(first.findings)

    GuidelineTerm.objects.create(category="promotion", term="zorblax", kind="suspect")
    second = submit(article, "The council should fund the zorblax programme now.")

    assert "promotion" in second.flag_list
    evidence = [f["evidence"].casefold() for f in second.findings["findings"]]
    assert "zorblax" in evidence
    assert second.status == Comment.Status.PENDING


def test_deactivated_term_stops_flagging():
    term = GuidelineTerm.objects.create(category="abuse", term="blorptroll", kind="suspect")
    assert "blorptroll" in active_terms().suspect["abuse"]

    term.active = False
    term.save()

    assert "abuse" not in active_terms().suspect


def test_banned_term_rejects_automatically_when_enabled(settings):
    settings.MODERATION_AUTO_REJECT_BANNED = True
    GuidelineTerm.objects.create(category="promotion", term="cheapwatches", kind="banned")

    comment = submit(ArticleFactory(), "Great article, visit cheapwatches for deals on the budget")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    decision = ModerationDecision.objects.get(comment=comment)
    assert decision.moderator is None
    assert decision.reasons == ["promotion"]


def test_banned_term_only_flags_when_auto_reject_is_off(settings):
    settings.MODERATION_AUTO_REJECT_BANNED = False
    GuidelineTerm.objects.create(category="promotion", term="cheapwatches", kind="banned")

    comment = submit(ArticleFactory(), "Great article, visit cheapwatches for deals on the budget")

    assert comment.status == Comment.Status.PENDING
    assert "promotion" in comment.flag_list
    assert not ModerationDecision.objects.exists()


def test_repeated_text_counts_as_duplicates():
    article = ArticleFactory()
    for n in range(4):
        submit(article, "Visit my page for the best budget advice!!", name=f"Spammer {n}")

    last = Comment.objects.order_by("-id").first()
    rules = {f["rule"] for f in last.findings["findings"]}
    assert "promotion" in last.flag_list
    assert any("duplicate" in rule or "repeat" in rule for rule in rules), rules


# --- term lists on the submission path: shared version token + recheck interval ------------


@pytest.fixture
def frozen_clock(monkeypatch):
    """The screening clock stands still unless a test moves it, so the recheck interval never expires by itself."""
    now = [1000.0]
    monkeypatch.setattr(screening, "_clock", lambda: now[0])
    return now


def term_written_by_another_process(**fields):
    # bulk_create sends no signals: this process's copy is not told, as when another process saves a term.
    GuidelineTerm.objects.bulk_create([GuidelineTerm(**fields)])


def test_warm_term_lists_cost_no_query(frozen_clock, django_assert_num_queries):
    GuidelineTerm.objects.create(category="promotion", term="zorblax", kind="suspect")
    first = screening_terms()
    with django_assert_num_queries(0):
        assert screening_terms() is first
    assert "zorblax" in first.suspect["promotion"]


def test_a_term_committed_by_another_process_is_seen_once_it_replaces_the_version(frozen_clock):
    screening_terms()
    term_written_by_another_process(category="abuse", term="blorptroll", kind="suspect")
    assert "abuse" not in screening_terms().suspect  # the copy is trusted while the version stands

    bump_terms_version()  # what the other process's receiver does when its transaction commits

    assert "blorptroll" in screening_terms().suspect["abuse"]
    comment = submit(ArticleFactory(), "The blorptroll at the council meeting again.")
    assert "abuse" in comment.flag_list


def test_saving_or_deleting_a_term_replaces_the_shared_version_when_it_commits(django_capture_on_commit_callbacks):
    before = terms_version()
    with django_capture_on_commit_callbacks(execute=True):
        term = GuidelineTerm.objects.create(category="promotion", term="zorblax", kind="suspect")
    after_create = terms_version()
    assert after_create not in (None, before)

    with django_capture_on_commit_callbacks(execute=True):
        term.delete()
    assert terms_version() not in (None, after_create)


def test_a_rolled_back_term_change_keeps_the_shared_version(django_capture_on_commit_callbacks):
    before = terms_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            GuidelineTerm.objects.create(category="promotion", term="zorblax", kind="suspect")
            raise RuntimeError("the admin form failed")
    assert callbacks == []
    assert terms_version() == before


def test_a_missed_version_change_is_caught_within_the_recheck_interval(frozen_clock):
    screening_terms()
    term_written_by_another_process(category="abuse", term="blorptroll", kind="suspect")  # and no bump reached us

    frozen_clock[0] += screening.TERMS_RECHECK_SECONDS - 0.1
    assert "abuse" not in screening_terms().suspect
    frozen_clock[0] += 0.2

    assert "blorptroll" in screening_terms().suspect["abuse"]


def test_with_the_cache_down_every_comment_checks_the_table(cache_down, frozen_clock):
    screening_terms()
    term_written_by_another_process(category="abuse", term="blorptroll", kind="suspect")

    comment = submit(ArticleFactory(), "The blorptroll at the council meeting again.")

    assert "abuse" in comment.flag_list


def test_rechecks_read_the_table_even_while_the_copy_is_trusted(frozen_clock):
    screening_terms()
    term_written_by_another_process(category="abuse", term="blorptroll", kind="suspect")
    assert "blorptroll" in active_terms().suspect["abuse"]


@pytest.mark.redis
def test_the_term_version_lives_in_redis_and_a_commit_replaces_it(
    redis_cache, frozen_clock, django_capture_on_commit_callbacks
):
    screening_terms()
    version = redis_cache.get(screening.TERMS_VERSION_KEY)
    assert version is not None
    term_written_by_another_process(category="abuse", term="blorptroll", kind="suspect")

    # The other process's commit: its receiver replaces the token in Redis.
    with django_capture_on_commit_callbacks(execute=True):
        transaction.on_commit(bump_terms_version)

    assert redis_cache.get(screening.TERMS_VERSION_KEY) != version
    assert "blorptroll" in screening_terms().suspect["abuse"]


# --- recent repeats of the same text -------------------------------------------------------


def test_duplicate_count_covers_the_window_only(settings):
    settings.COMMENT_DUPLICATE_WINDOW_HOURS = 72
    now = timezone.now()
    fingerprint = body_fingerprint("Visit my page for the best budget advice!!")
    for hours in (1, 10, 71):
        CommentFactory(fingerprint=fingerprint, submitted_at=now - timedelta(hours=hours))
    CommentFactory(fingerprint=fingerprint, submitted_at=now - timedelta(hours=73))
    CommentFactory(fingerprint=body_fingerprint("Something else entirely."), submitted_at=now)

    assert recent_duplicate_count(fingerprint) == 3


def test_duplicate_count_stops_at_the_cap():
    fingerprint = body_fingerprint("Visit my page for the best budget advice!!")
    CommentFactory.create_batch(screening.DUPLICATE_COUNT_CAP + 5, fingerprint=fingerprint)
    assert recent_duplicate_count(fingerprint) == screening.DUPLICATE_COUNT_CAP


def test_duplicate_count_is_answered_from_the_fingerprint_index():
    from django.db import connection

    fingerprint = body_fingerprint("Visit my page for the best budget advice!!")
    since = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(hours=72))
    sql = screening._duplicate_count_sql("default")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table would be scanned otherwise
            cursor.execute("EXPLAIN " + sql, [fingerprint, since, 10])
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, [fingerprint, since, 10])
        plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
    assert "comment_fingerprint_time" in plan
    assert "Index Only Scan" in plan or "COVERING INDEX" in plan
