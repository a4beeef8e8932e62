import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _with_comments(pending, approved, rejected, **article_kwargs):
    article = ArticleFactory(**article_kwargs)
    for status, n in (
        (Comment.Status.PENDING, pending),
        (Comment.Status.APPROVED, approved),
        (Comment.Status.REJECTED, rejected),
    ):
        CommentFactory.create_batch(n, article=article, status=status)
    return article


def _row_counts(content, article):
    """The Pending/Approved/Rejected cells of the article's changelist row."""
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    row = next(r for r in content.split("<tr") if f'href="{change_url}"' in r)
    return tuple(
        int(re.search(rf'<td class="field-{name}">(\d+)</td>', row).group(1))
        for name in ("pending_count", "approved_count", "rejected_count")
    )


def test_changelist_shows_comment_counts_per_status(admin_client):
    busy = _with_comments(pending=3, approved=2, rejected=1)
    mixed = _with_comments(pending=0, approved=4, rejected=2)
    empty = _with_comments(pending=0, approved=0, rejected=0)

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert _row_counts(content, busy) == (3, 2, 1)
    assert _row_counts(content, mixed) == (0, 4, 2)
    assert _row_counts(content, empty) == (0, 0, 0)


def test_changelist_count_headers_are_shown(admin_client):
    ArticleFactory()

    content = admin_client.get(CHANGELIST).content.decode()

    for header in ("Pending", "Approved", "Rejected"):
        assert re.search(rf">\s*{header}\s*<", content)


def _changelist_queries(admin_client):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_changelist_query_count_does_not_grow_with_articles(admin_client):
    for _ in range(2):
        _with_comments(pending=1, approved=1, rejected=1)
    with_two = _changelist_queries(admin_client)

    for _ in range(8):
        _with_comments(pending=2, approved=1, rejected=1)
    with_ten = _changelist_queries(admin_client)

    assert with_ten == with_two


def test_changelist_with_many_articles_stays_under_query_budget(admin_client, django_assert_max_num_queries):
    for _ in range(10):
        _with_comments(pending=1, approved=1, rejected=1)

    with django_assert_max_num_queries(12):
        admin_client.get(CHANGELIST)


def test_changelist_can_be_sorted_by_pending_count(admin_client):
    few = _with_comments(pending=1, approved=0, rejected=0, title="Few pending")
    many = _with_comments(pending=4, approved=0, rejected=0, title="Many pending")
    none = _with_comments(pending=0, approved=3, rejected=0, title="No pending")
    column = admin_client.get(CHANGELIST).context["cl"].list_display.index("pending_count")

    response = admin_client.get(CHANGELIST, {"o": f"-{column}"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [many, few, none]


def test_moderator_can_view_the_article_changelist(client):
    article = _with_comments(pending=2, approved=1, rejected=0)
    client.force_login(ModeratorFactory())

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert _row_counts(response.content.decode(), article) == (2, 1, 0)


def test_non_staff_user_cannot_view_the_changelist(client):
    client.force_login(UserFactory())

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
