"""A query parameter an endpoint knows takes one non-blank value: blank or repeated is a 400 naming it.

Before, `?published_before=`, `?submitted_before=`, `?days=` or a repeated `page_size`
were silently read as absent (or as their last value) although bad filter values are
documented as 400s (#11, contract drift).
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

ARTICLES = "/api/articles/"
COMMENTS = "/api/articles/the-article/comments/"
QUEUE = "/api/moderation/comments/"
DECISIONS = "/api/moderation/decisions/"
STATS = "/api/moderation/stats/"


@pytest.fixture
def api():
    ArticleFactory(slug="the-article")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=ModeratorFactory()).key}")
    return client


CASES = [
    (ARTICLES, "published_before=", "published_before"),
    (ARTICLES, "published_after=", "published_after"),
    (ARTICLES, "search=", "search"),
    (ARTICLES, "search=%20%20", "search"),
    (ARTICLES, "search=a&search=b", "search"),
    (ARTICLES, "published_after=2024-01-01&published_after=2030-01-01", "published_after"),
    (ARTICLES, "page_size=5&page_size=500", "page_size"),
    (ARTICLES, "page_size=", "page_size"),
    (ARTICLES, "page_size=lots", "page_size"),
    (ARTICLES, "page_size=0", "page_size"),
    (ARTICLES, "page_size=-3", "page_size"),
    (ARTICLES, "page=", "page"),
    (ARTICLES, "page=1&page=2", "page"),
    (COMMENTS, "order=", "order"),
    (COMMENTS, "order=newest&order=oldest", "order"),
    (COMMENTS, "page_size=1&page_size=2", "page_size"),
    (COMMENTS, "page_size=", "page_size"),
    (COMMENTS, "page_size=0", "page_size"),
    (COMMENTS, "cursor=", "cursor"),
    (QUEUE, "submitted_before=", "submitted_before"),
    (QUEUE, "submitted_after=", "submitted_after"),
    (QUEUE, "status=", "status"),
    (QUEUE, "status=all&status=pending", "status"),
    (QUEUE, "article=", "article"),
    (QUEUE, "flagged=true&flagged=false", "flagged"),
    (QUEUE, "ordering=", "ordering"),
    (QUEUE, "page_size=5&page_size=500", "page_size"),
    (DECISIONS, "decided_before=", "decided_before"),
    (DECISIONS, "moderator=", "moderator"),
    (DECISIONS, "comment=", "comment"),
    (DECISIONS, "comment=1&comment=2", "comment"),
    (DECISIONS, "verdict=approved&verdict=rejected", "verdict"),
    (STATS, "days=", "days"),
    (STATS, "days=7&days=30", "days"),
]


@pytest.mark.parametrize(("path", "query", "name"), CASES, ids=[f"{p}?{q}" for p, q, _ in CASES])
def test_a_blank_or_repeated_parameter_is_a_400_under_its_name(api, path, query, name):
    response = api.get(f"{path}?{query}")

    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body["errors"]) == [name]
    assert body["errors"][name] and all(isinstance(m, str) for m in body["errors"][name])


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (ARTICLES, "published_before=2030-01-01&search=budget&page_size=5&page=1"),
        (ARTICLES, "page_size=1000"),  # above the cap: capped, as documented
        (ARTICLES, "unknown=&unknown=2"),  # parameters the endpoint does not know are ignored
        (COMMENTS, "order=oldest&page_size=2"),
        (QUEUE, "status=all&submitted_before=2030-01-01&ordering=priority&page_size=5"),
        (DECISIONS, "verdict=approved&decided_after=2020-01-01"),
        (STATS, "days=7"),
        (STATS, ""),
    ],
)
def test_one_value_per_parameter_still_works(api, path, query):
    response = api.get(f"{path}?{query}")

    assert response.status_code == 200, response.content


def test_the_cap_and_the_default_page_size_still_apply(api):
    article = ArticleFactory(slug="many")
    CommentFactory.create_batch(25, article=article, status=Comment.Status.APPROVED)

    default = api.get("/api/articles/many/comments/").json()
    capped = api.get(ARTICLES, {"page_size": 1000}).json()

    assert len(default["results"]) == 20
    assert capped["count"] == 2 and len(capped["results"]) == 2


def test_schema_documents_page_size_bounds(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    parameters = {
        (path, p["name"]): p
        for path, ops in schema["paths"].items()
        for op in ops.values()
        for p in op.get("parameters", [])
    }

    for path in ("/api/articles/", "/api/articles/{slug}/comments/", "/api/moderation/comments/"):
        assert parameters[(path, "page_size")]["schema"]["minimum"] == 1
        assert "100" in parameters[(path, "page_size")]["description"]
