"""The active learned model on the submission path: per-process copy, version token, fallback."""

import logging

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.services import body_fingerprint, comment_submit
from comments.tests.factories import CommentFactory
from moderation import checkmodels, screening
from moderation.checkmodels import (
    active_check_model,
    bump_check_model_version,
    check_model_token,
    current_check_model,
)
from moderation.checks.model import LinearModel, shipped_model
from moderation.models import CheckModelActivation
from moderation.rechecks import recheck_comments
from moderation.services import check_model_activate
from moderation.tests.factories import CheckModelVersionFactory, tiny_model

pytestmark = pytest.mark.django_db

THREAT_TEXT = "zorblax the council, zorblax them all"  # only tiny_model() flags it (as a threat)


@pytest.fixture(autouse=True)
def fresh_models():
    """Each test starts with no parsed model and no trusted copy in this process."""
    checkmodels.clear_loaded_models()
    yield
    checkmodels.clear_loaded_models()


@pytest.fixture
def frozen_clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(checkmodels, "_clock", lambda: now[0])
    return now


def submit(body, article=None):
    return comment_submit(
        article=article or ArticleFactory(),
        author_name="Reader",
        author_email="reader@example.org",
        body=body,
        ip_address="198.51.100.4",
    )


def activated_by_another_process(stored):
    # bulk_create sends nothing and skips the service: this process's copy is not told.
    CheckModelActivation.objects.bulk_create([CheckModelActivation(version=stored, activated_at=stored.created_at)])


def test_with_nothing_activated_the_shipped_model_scores_and_is_recorded():
    comment = submit("Thanks for the clear report on the budget.")

    assert active_check_model() is shipped_model()
    assert comment.checks_model_version == shipped_model().version
    assert comment.findings["model_version"] == shipped_model().version
    assert set(comment.findings["model_scores"]) == set(shipped_model().categories)


def test_an_activation_reaches_the_next_comment_without_a_restart(django_capture_on_commit_callbacks):
    before = submit(THREAT_TEXT)
    assert "threat" not in before.flag_list and before.checks_model_version == shipped_model().version
    stored = CheckModelVersionFactory()
    token = check_model_token()

    with django_capture_on_commit_callbacks(execute=True):
        check_model_activate(version=stored.version, actor=None)

    assert check_model_token() not in (None, token)
    after = submit(THREAT_TEXT.replace("council", "mayor"))  # not a repeat of the first
    assert after.checks_model_version == stored.version
    assert "threat" in after.flag_list
    assert {(f["category"], f["rule"]) for f in after.findings["findings"]} == {("threat", "model")}


def test_another_process_activation_is_used_once_the_token_is_replaced(frozen_clock):
    assert active_check_model() is shipped_model()
    stored = CheckModelVersionFactory()
    activated_by_another_process(stored)
    assert active_check_model() is shipped_model()  # the copy is trusted while the token stands

    bump_check_model_version()  # what the activating process does once its transaction commits

    model = active_check_model()
    assert model.version == stored.version
    assert submit(THREAT_TEXT).checks_model_version == stored.version


def test_a_missed_token_change_is_caught_within_the_recheck_interval(frozen_clock):
    active_check_model()
    stored = CheckModelVersionFactory()
    activated_by_another_process(stored)

    frozen_clock[0] += checkmodels.MODEL_RECHECK_SECONDS - 0.1
    assert active_check_model() is shipped_model()
    frozen_clock[0] += 0.2

    assert active_check_model().version == stored.version


def test_the_warm_active_model_costs_no_query(frozen_clock, django_assert_num_queries):
    activated_by_another_process(CheckModelVersionFactory())
    first = active_check_model()
    with django_assert_num_queries(0):
        assert active_check_model() is first


def test_a_warm_screening_asks_the_database_only_for_repeats_and_standing(
    frozen_clock, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(screening, "_clock", lambda: 1000.0)  # the term lists' copy stays trusted too
    article = ArticleFactory()
    stored = CheckModelVersionFactory()
    activated_by_another_process(stored)

    def screen():
        return screening.screen_comment(
            article=article,
            author_name="Reader",
            author_email="r@example.org",
            body=THREAT_TEXT,
            fingerprint=body_fingerprint(THREAT_TEXT),
        )

    screen()
    # The bounded count of recent repeats and the commenter's standing (a ban in force? trusted?:
    # community.standing), nothing for the model or the term lists.
    with django_assert_num_queries(3):
        outcome = screen()
    assert outcome.report.model_version == stored.version and "threat" in outcome.report.categories


def test_with_the_cache_down_every_comment_asks_the_activation_log(cache_down, frozen_clock):
    active_check_model()
    stored = CheckModelVersionFactory()
    activated_by_another_process(stored)

    assert active_check_model().version == stored.version


def test_each_version_is_parsed_once_per_process(frozen_clock, monkeypatch):
    parsed = []
    real = LinearModel.from_bytes.__func__
    monkeypatch.setattr(LinearModel, "from_bytes", classmethod(lambda cls, data: parsed.append(1) or real(cls, data)))
    first = CheckModelVersionFactory()
    second = CheckModelVersionFactory(model=tiny_model("quuxle", "promotion"))

    for stored in (first, second, first, second, first):  # activate, roll back, forward, back
        activated_by_another_process(stored)
        bump_check_model_version()
        assert active_check_model().version == stored.version

    assert len(parsed) == 2


def test_a_version_that_does_not_load_falls_back_to_the_shipped_model(frozen_clock, caplog):
    broken = CheckModelVersionFactory(version="m-000000000bad", data=b"not an npz file")
    activated_by_another_process(broken)

    with caplog.at_level(logging.ERROR, logger="moderation.checkmodels"):
        comment = submit(THREAT_TEXT)
        again = submit("Another comment on the budget.")

    assert comment.status == Comment.Status.PENDING
    assert comment.checks_model_version == again.checks_model_version == shipped_model().version
    assert [r.message for r in caplog.records] == [
        "check model m-000000000bad could not be loaded; using the shipped model"
    ]  # logged once: the failed version is not retried on every comment


def test_weights_stored_under_another_version_are_refused(frozen_clock, caplog):
    other = tiny_model("quuxle", "promotion")
    mislabelled = CheckModelVersionFactory(version="m-123456789abc", data=other.to_bytes())
    activated_by_another_process(mislabelled)

    with caplog.at_level(logging.ERROR, logger="moderation.checkmodels"):
        assert active_check_model() is shipped_model()
    assert "m-123456789abc could not be loaded" in caplog.text


def test_switched_off_the_checks_run_on_the_rules_alone(settings, django_assert_num_queries):
    settings.CHECKS_MODEL_ENABLED = False
    activated_by_another_process(CheckModelVersionFactory())

    with django_assert_num_queries(0):
        assert active_check_model() is None
    comment = submit(THREAT_TEXT)
    assert comment.checks_model_version == ""
    assert "model_version" not in comment.findings
    assert current_check_model() is None


def test_rechecks_use_and_record_the_active_version_at_once(frozen_clock):
    comment = CommentFactory(body=THREAT_TEXT)
    active_check_model()  # a trusted copy that predates the activation
    stored = CheckModelVersionFactory()
    activated_by_another_process(stored)

    assert sum(recheck_comments(Comment.objects.all())) == 1

    comment.refresh_from_db()
    assert comment.checks_model_version == stored.version
    assert "threat" in comment.flag_list


def test_the_model_version_is_not_public():
    comment = submit("Thanks for the clear report on the budget.")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    client = APIClient()

    listing = client.get(f"/api/articles/{comment.article.slug}/comments/")
    page = client.get(reverse("comments:article-detail", args=[comment.article.slug]))

    assert listing.status_code == 200 and listing.json()["results"][0]["id"] == comment.pk
    assert "checks_model_version" not in listing.json()["results"][0]
    assert comment.checks_model_version not in listing.content.decode()
    assert comment.checks_model_version not in page.content.decode()


@pytest.mark.redis
def test_the_model_token_lives_in_redis_and_an_activation_commit_replaces_it(
    redis_cache, frozen_clock, django_capture_on_commit_callbacks
):
    assert active_check_model() is shipped_model()
    token = redis_cache.get(checkmodels.MODEL_VERSION_KEY)
    assert token is not None
    stored = CheckModelVersionFactory()

    with django_capture_on_commit_callbacks(execute=True):
        check_model_activate(version=stored.version, actor=None)

    assert redis_cache.get(checkmodels.MODEL_VERSION_KEY) not in (None, token)
    assert active_check_model().version == stored.version
