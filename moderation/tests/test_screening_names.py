"""Screening the reader's name: a name that imitates staff is flagged for the moderators (issue 11, item 12)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.tests.factories import ArticleFactory
from comments.services import comment_submit
from moderation import screening
from moderation.checks import Finding, Report
from moderation.checks.engine import priority
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def screen(name, body="Who launched the drones, and from where?"):
    return screening.screen_comment(
        article=ArticleFactory(), author_name=name, author_email="reader@example.org", body=body, fingerprint="x"
    ).report


def test_a_staff_like_name_adds_a_finding_of_category_other():
    report = screen("Rudaw Moderator")

    assert report.categories == ("other",)
    assert report.findings == (Finding("other", screening.NAME_RULE, 0, 0, "Rudaw Moderator", 0.5),)
    assert report.priority == priority(report.findings, report.model_scores) > 0


def test_a_disguised_staff_word_scores_higher_than_a_plain_one():
    plain, disguised = screen("Admin"), screen("A.d.m.i.n")

    assert disguised.findings[0].score == 0.75
    assert disguised.priority > plain.priority


def test_an_ordinary_name_changes_nothing():
    report = screen("Shirin Hassan")

    assert report.findings == ()
    assert report.priority == screen("Dana Reader").priority


def test_the_name_finding_joins_the_body_findings_and_keeps_the_model_figures():
    base = Report(
        (Finding("personal_attack", "personal_attack.insult", 9, 14, "idiot", 0.9),),
        priority=0.5,
        model_version="v-test",
        model_scores={"personal_attack": 0.6},
    )

    report = screening.with_name_findings(base, "Editor")

    assert [f.category for f in report.findings] == ["other", "personal_attack"]
    assert (report.model_version, dict(report.model_scores)) == ("v-test", {"personal_attack": 0.6})
    assert report.priority == priority(report.findings, {"personal_attack": 0.6})
    assert screening.with_name_findings(base, "Dana Reader") is base


def test_staff_identities_are_active_staff_superusers_and_moderators():
    ModeratorFactory(username="s.ahmed", first_name="Sarah", last_name="Ahmed")
    UserFactory(username="boss", is_superuser=True)
    UserFactory(username="reader1", first_name="Karim", last_name="Rahim")
    ModeratorFactory(username="gone", is_active=False)

    identities = screening.staff_identities()

    assert set(identities) == {("s.ahmed", "Sarah", "Ahmed"), ("boss", "", "")}


def test_staff_identities_are_read_from_the_cache_after_the_first_submission(django_assert_num_queries):
    ModeratorFactory(username="s.ahmed", first_name="Sarah", last_name="Ahmed")
    first = screening.staff_identities()

    with django_assert_num_queries(0):
        assert screening.staff_identities() == first


def test_saving_a_user_drops_the_cached_identities(django_capture_on_commit_callbacks):
    assert screening.staff_identities() == ()
    user = UserFactory(username="h.salih", first_name="Hana", last_name="Salih")
    assert screening.staff_identities() == ()

    user.is_staff = True
    with django_capture_on_commit_callbacks(execute=True):
        user.save()

    assert screening.staff_identities() == (("h.salih", "Hana", "Salih"),)


def test_moderators_see_the_flag_in_the_queue_and_the_finding_in_the_detail():
    moderator = ModeratorFactory(username="mod-anna")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    comment = comment_submit(
        article=ArticleFactory(),
        author_name="M0derat0r",
        author_email="reader@example.org",
        body="Who launched the drones, and from where?",
        ip_address="198.51.100.4",
    )

    flagged = api.get("/api/moderation/comments/", {"flagged": "true"}).json()["results"]
    detail = api.get(f"/api/moderation/comments/{comment.pk}/").json()

    assert [c["id"] for c in flagged] == [comment.pk]
    rules = [f["rule"] for f in detail["findings"]]
    assert rules == [screening.NAME_RULE]
