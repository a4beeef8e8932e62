"""After an erasure the public page and API show the placeholder name, even when the list was cached."""

import pytest

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from privacy.services import PLACEHOLDER_NAME, comment_erase_personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = ArticleFactory()
    CommentFactory(
        article=article,
        author_name="Greta Berg",
        author_email="greta@example.org",
        body="Approved words.",
        status=Comment.Status.APPROVED,
    )
    return article


def names(client, article):
    response = client.get(f"/api/articles/{article.slug}/comments/")
    assert response.status_code == 200
    return [item["author_name"] for item in response.json()["results"]]


def test_the_cached_public_list_shows_the_placeholder_after_erasure(
    client, article, django_capture_on_commit_callbacks
):
    assert names(client, article) == ["Greta Berg"]  # cached now
    assert names(client, article) == ["Greta Berg"]

    with django_capture_on_commit_callbacks(execute=True):
        comment_erase_personal_data(comment_or_email="greta@example.org", actor=None, reason="Request")

    assert names(client, article) == [PLACEHOLDER_NAME]
    response = client.get(f"/api/articles/{article.slug}/comments/")
    assert "greta" not in response.content.decode().lower()
    assert response.json()["results"][0]["body"] == "Approved words."


def test_the_article_page_shows_the_placeholder_and_the_text(client, article):
    assert "Greta Berg" in client.get(f"/articles/{article.slug}/").content.decode()

    comment_erase_personal_data(comment_or_email="greta@example.org", actor=None, reason="Request")

    page = client.get(f"/articles/{article.slug}/").content.decode()
    assert "Greta Berg" not in page
    assert PLACEHOLDER_NAME in page
    assert "Approved words." in page
