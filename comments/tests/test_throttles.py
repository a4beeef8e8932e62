"""Submission limits per IP and per email, on the API and on the reader form."""

import json

import pytest

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.COMMENT_RATE_PER_IP = "3/minute"
    settings.COMMENT_RATE_PER_EMAIL = "2/minute"


def api_post(client, article, *, email="one@example.org", ip="198.51.100.1", body="A fair point on the budget."):
    data = {"author_name": "Dana", "author_email": email, "body": body}
    return client.post(
        f"/api/articles/{article.slug}/comments/", json.dumps(data), content_type="application/json", REMOTE_ADDR=ip
    )


def form_post(client, article, *, email="one@example.org", ip="198.51.100.1"):
    data = {"author_name": "Dana", "author_email": email, "body": "A fair point on the budget."}
    return client.post(article.get_absolute_url(), data, REMOTE_ADDR=ip)


def test_api_limits_per_ip_with_429_and_retry_after(client):
    article = ArticleFactory()
    statuses = [api_post(client, article, email=f"r{i}@example.org").status_code for i in range(3)]

    refused = api_post(client, article, email="r9@example.org")

    assert statuses == [202, 202, 202]
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert Comment.objects.count() == 3


def test_api_limits_per_email_across_ips(client):
    article = ArticleFactory()
    statuses = [api_post(client, article, ip=f"198.51.100.{i}").status_code for i in range(1, 4)]

    assert statuses == [202, 202, 429]
    assert Comment.objects.count() == 2


def test_email_limit_ignores_case_and_spaces(client):
    article = ArticleFactory()
    api_post(client, article, email="Dana@Example.org", ip="198.51.100.1")
    api_post(client, article, email=" dana@example.ORG ", ip="198.51.100.2")

    assert api_post(client, article, email="dana@example.org", ip="198.51.100.3").status_code == 429


def test_other_ips_and_emails_are_not_affected(client):
    article = ArticleFactory()
    for i in range(3):
        api_post(client, article, email=f"r{i}@example.org")

    assert api_post(client, article, email="fresh@example.org", ip="203.0.113.50").status_code == 202


def test_reading_is_never_limited(client):
    article = ArticleFactory()
    for i in range(3):
        api_post(client, article, email=f"r{i}@example.org")

    statuses = {
        client.get(f"/api/articles/{article.slug}/comments/", REMOTE_ADDR="198.51.100.1").status_code for _ in range(10)
    }
    assert statuses == {200}


def test_moderators_are_exempt(client):
    client.force_login(ModeratorFactory())
    article = ArticleFactory()

    statuses = [api_post(client, article).status_code for _ in range(6)]

    assert statuses == [202] * 6


def test_logged_in_readers_are_limited_like_everyone(client):
    client.force_login(UserFactory())
    article = ArticleFactory()

    statuses = [api_post(client, article, email=f"r{i}@example.org").status_code for i in range(4)]

    assert statuses[-1] == 429


def test_limits_come_from_settings_and_can_be_turned_off(client, settings):
    settings.COMMENT_RATE_PER_IP = ""
    settings.COMMENT_RATE_PER_EMAIL = ""
    article = ArticleFactory()

    statuses = [api_post(client, article).status_code for _ in range(8)]

    assert statuses == [202] * 8


def test_invalid_submissions_do_not_count(client):
    """Only stored submissions count: a client's invalid posts never use up the limit (issue 12, item 3)."""
    article = ArticleFactory()
    for i in range(3):
        assert api_post(client, article, email=f"r{i}@example.org", body="").status_code == 400
    assert api_post(client, article, email="not-an-email").status_code == 400

    statuses = [api_post(client, article, email=f"ok{i}@example.org").status_code for i in range(4)]

    assert statuses == [202, 202, 202, 429]


def test_form_shares_the_limits_and_answers_429_with_a_message(client):
    article = ArticleFactory()
    api_post(client, article)
    api_post(client, article, ip="198.51.100.2")

    response = form_post(client, article, ip="198.51.100.3")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "posting too quickly" in response.content.decode()
    assert Comment.objects.count() == 2


def test_form_limits_per_ip(client):
    article = ArticleFactory()
    statuses = [form_post(client, article, email=f"r{i}@example.org").status_code for i in range(4)]

    assert statuses == [302, 302, 302, 429]


def test_form_exempts_moderators(client):
    client.force_login(ModeratorFactory())
    article = ArticleFactory()

    statuses = [form_post(client, article).status_code for _ in range(5)]

    assert statuses == [302] * 5
