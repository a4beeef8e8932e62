from datetime import timedelta

import pytest
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_FIELDS = {
    "slug",
    "title",
    "source",
    "published_at",
    "canonical_url",
    "accepts_comments",
    "approved_comment_count",
}


def test_list_shows_published_articles_newest_first(client):
    now = timezone.now()
    old = ArticleFactory(published_at=now - timedelta(days=2))
    new = ArticleFactory(published_at=now - timedelta(hours=1))
    ArticleFactory(published_at=now + timedelta(hours=1), slug="embargoed")

    response = client.get("/api/articles/")

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [a["slug"] for a in data["results"]] == [new.slug, old.slug]
    assert "embargoed" not in response.content.decode()


def test_list_items_have_no_body(client):
    ArticleFactory(body="A very distinctive article body.")

    response = client.get("/api/articles/")

    (item,) = response.json()["results"]
    assert set(item) == LIST_FIELDS
    assert "distinctive article body" not in response.content.decode()


def test_list_reports_whether_each_article_accepts_comments(client):
    now = timezone.now()
    ArticleFactory(slug="open")
    ArticleFactory(slug="switched-off", comments_open=False)
    ArticleFactory(slug="past-close", comments_close_at=now - timedelta(minutes=1))
    ArticleFactory(slug="future-close", comments_close_at=now + timedelta(days=1))

    results = client.get("/api/articles/").json()["results"]

    assert {a["slug"]: a["accepts_comments"] for a in results} == {
        "open": True,
        "switched-off": False,
        "past-close": False,
        "future-close": True,
    }


def test_list_is_paginated(client):
    ArticleFactory.create_batch(21)

    first = client.get("/api/articles/").json()
    second = client.get("/api/articles/", {"page": 2}).json()

    assert first["count"] == 21
    assert len(first["results"]) == 20
    assert "page=2" in first["next"]
    assert len(second["results"]) == 1


def test_list_query_count_does_not_grow_with_articles(client, django_assert_max_num_queries):
    for article in ArticleFactory.create_batch(15):
        CommentFactory.create_batch(2, article=article, status="approved")

    with django_assert_max_num_queries(3):
        assert client.get("/api/articles/").status_code == 200


def test_detail_includes_body_and_close_date(client):
    close_at = timezone.now() + timedelta(days=2)
    article = ArticleFactory(slug="budget-vote", title="Budget vote", body="Full text.", comments_close_at=close_at)

    response = client.get("/api/articles/budget-vote/")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == LIST_FIELDS | {"body", "comments_close_at"}
    assert (data["slug"], data["title"], data["body"]) == ("budget-vote", "Budget vote", "Full text.")
    assert data["accepts_comments"] is True
    assert data["comments_close_at"] is not None
    assert article.slug == data["slug"]


def test_detail_of_closed_article_says_it_does_not_accept_comments(client):
    ArticleFactory(slug="closed-one", comments_open=False)

    assert client.get("/api/articles/closed-one/").json()["accepts_comments"] is False


def test_detail_unknown_slug_is_404(client):
    assert client.get("/api/articles/no-such-article/").status_code == 404


def test_detail_unpublished_article_is_404(client):
    ArticleFactory(slug="tomorrow", published_at=timezone.now() + timedelta(days=1))

    assert client.get("/api/articles/tomorrow/").status_code == 404


def test_article_api_never_exposes_commenter_details(client):
    article = ArticleFactory(slug="with-comments")
    CommentFactory(article=article, status="approved", author_email="hidden@example.org", ip_address="198.51.100.5")

    for path in ("/api/articles/", "/api/articles/with-comments/"):
        text = client.get(path).content.decode()
        assert "hidden@example.org" not in text
        assert "198.51.100.5" not in text


def test_article_api_is_read_only(client):
    ArticleFactory(slug="read-only")

    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/api/articles/", {}, content_type="application/json").status_code == 405
        response = getattr(client, method)("/api/articles/read-only/", {}, content_type="application/json")
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"


# --- Filters -----------------------------------------------------------------------------


def dated(slug, day, title=None):
    published = timezone.make_aware(timezone.datetime.fromisoformat(day).replace(hour=12))
    return ArticleFactory(slug=slug, published_at=published, **({"title": title} if title else {}))


def slugs(response):
    assert response.status_code == 200, response.content
    return [a["slug"] for a in response.json()["results"]]


def test_list_filters_by_published_date_range_inclusive(client):
    dated("jan", "2024-01-10")
    dated("feb", "2024-02-10")
    dated("mar", "2024-03-10")

    assert slugs(client.get("/api/articles/", {"published_after": "2024-02-10"})) == ["mar", "feb"]
    assert slugs(client.get("/api/articles/", {"published_before": "2024-02-10"})) == ["feb", "jan"]
    both = {"published_after": "2024-01-11", "published_before": "2024-03-09"}
    assert slugs(client.get("/api/articles/", both)) == ["feb"]


def test_list_searches_titles_case_insensitively(client):
    ArticleFactory(slug="drones", title="Drones target US base in Syria's Hasaka")
    ArticleFactory(slug="budget", title="Council passes the budget")

    assert slugs(client.get("/api/articles/", {"search": "syria"})) == ["drones"]
    assert slugs(client.get("/api/articles/", {"search": "BUDGET"})) == ["budget"]
    assert slugs(client.get("/api/articles/", {"search": "nothing like it"})) == []


def test_search_does_not_look_in_bodies(client):
    ArticleFactory(slug="one", title="Plain title", body="The secret word is marmalade.")

    assert slugs(client.get("/api/articles/", {"search": "marmalade"})) == []


def test_filters_never_show_unpublished_articles(client):
    ArticleFactory(slug="tomorrow", title="Embargoed budget", published_at=timezone.now() + timedelta(days=1))

    assert slugs(client.get("/api/articles/", {"search": "budget", "published_after": "2000-01-01"})) == []


@pytest.mark.parametrize(
    "params",
    [{"published_after": "last tuesday"}, {"published_before": "2024-13-01"}, {"search": "x" * 201}],
    ids=["words", "impossible-month", "search-too-long"],
)
def test_bad_filter_values_are_400_with_field_messages(client, params):
    response = client.get("/api/articles/", params)

    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert set(data["errors"]) == set(params)


def test_out_of_range_page_is_404_in_the_error_format(client):
    ArticleFactory()

    response = client.get("/api/articles/", {"page": 99})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
