"""Approved counts on the article lists come from the counter the decisions keep, never from counting comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.tests.factories import ArticleFactory
from comments.cache import recount_approved
from comments.models import Comment, PublicCommentsVersion
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the counter moves in the decisions' own transactions


def listed_counts(client) -> dict[str, int]:
    api = {a["slug"]: a["approved_comment_count"] for a in client.get("/api/articles/").json()["results"]}
    page = client.get("/").context["page"]
    assert {a.slug: a.approved_count for a in page} == api  # the page and the API agree
    return api


def test_decisions_move_the_count_both_ways(client):
    article, moderator = ArticleFactory(), ModeratorFactory()
    first, second = CommentFactory(article=article), CommentFactory(article=article)
    assert listed_counts(client)[article.slug] == 0

    comment_approve(comment=first, moderator=moderator)
    comment_approve(comment=second, moderator=moderator)
    assert listed_counts(client)[article.slug] == 2

    comment_reject(comment=first, moderator=moderator, reasons=["abuse"])  # a reversal: no longer public
    assert listed_counts(client)[article.slug] == 1

    pending = CommentFactory(article=article)
    comment_reject(comment=pending, moderator=moderator, reasons=["promotion"])  # never public: no change
    assert listed_counts(client)[article.slug] == 1
    assert Comment.objects.filter(article=article, status="approved").count() == 1


def test_comments_created_or_deleted_as_approved_move_it_too(client):
    article = ArticleFactory()
    approved = CommentFactory(article=article, status=Comment.Status.APPROVED)
    CommentFactory(article=article, status=Comment.Status.APPROVED)
    assert listed_counts(client)[article.slug] == 2
    approved.delete()
    assert listed_counts(client)[article.slug] == 1


def test_recount_repairs_a_count_after_a_bulk_load(client):
    article = ArticleFactory()
    Comment.objects.bulk_create(
        [  # no signals, as generate_load_data writes
            CommentFactory.build(article=article, status=Comment.Status.APPROVED) for _ in range(3)
        ]
    )
    assert listed_counts(client)[article.slug] == 0
    assert recount_approved([article.pk]) == 1
    assert listed_counts(client)[article.slug] == 3
    assert PublicCommentsVersion.objects.get(article=article).version >= 1  # cached lists are not reused


def test_the_lists_read_no_comment_rows(client):
    for _ in range(3):
        article = ArticleFactory()
        CommentFactory.create_batch(4, article=article, status=Comment.Status.APPROVED)
    for url in ("/", "/api/articles/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert Comment._meta.db_table not in sql, url


def test_the_article_page_is_paged_by_the_kept_count_without_counting_comments(client):
    article, moderator = ArticleFactory(), ModeratorFactory()
    CommentFactory.create_batch(50, article=article, status=Comment.Status.APPROVED)
    last = CommentFactory(article=article)
    comment_approve(comment=last, moderator=moderator)  # the 51st, through a decision
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.context["comments_page"]
    assert (page.paginator.count, page.paginator.num_pages) == (51, 2)
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert client.get(article.get_absolute_url() + "?page=2").context["comments_page"].object_list[0].pk > 0

    comment_reject(comment=last, moderator=moderator, reasons=["other"], note="spam")
    assert client.get(article.get_absolute_url()).context["comments_page"].paginator.num_pages == 1
