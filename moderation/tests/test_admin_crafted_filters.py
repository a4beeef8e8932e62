"""Crafted changelist filters end in admin's "?e=1" redirect (or an empty list), never a 500 (issue #11, item 13).

Django turns lookups it cannot build into IncorrectLookupParameters, but some values only
the database refuses, when the page is read: an integer beyond 64 bits on SQLite, an
invalid inet or a NUL character on PostgreSQL, a broken regular expression. Every crafted
query runs on both databases (CI runs the suite on each); the PostgreSQL-only checks of
the connection afterwards are marked `postgres`.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

BIG = "9" * 30
SHOWN = "Marker words the list must not show"
AUTHOR = "Marker Author"

CHANGELISTS = {
    "comments": "admin:comments_comment_changelist",
    "queue": "admin:moderation_reviewqueueitem_changelist",
    "decisions": "admin:moderation_moderationdecision_changelist",
}

# The four, then their relatives: other integer, inet, NUL and regex shapes.
CRAFTED = [
    f"article={BIG}",
    "ip_address=x",
    "status__exact=%00",
    "author_email__startswith=%00",
    f"article__id__exact={BIG}",
    f"article={'9' * 5000}",
    f"id=-{BIG}",
    f"id__in=1,{BIG}",
    f"id__range=1,{BIG}",
    f"user={BIG}",
    f"comment={BIG}",
    f"moderator={BIG}",
    "ip_address__in=x,y",
    "ip_address__gt=x",
    "ip_address__startswith=%00",
    "comment__ip_address=x",
    "note=%00",
    "reasons__contains=%00",
    "findings__category=%00",
    "submitted_at__year=99999999999",
    "body__regex=(",
    "_facets=1&status=%00",
    "_facets=1&ip_address=x",
    "q=%00",
    "flag=%00",
]


@pytest.fixture
def marker(client):
    """A pending comment and a decided one whose text and author no crafted filter matches."""
    moderator = ModeratorFactory()
    CommentFactory(body=SHOWN, author_name=AUTHOR)
    decided = CommentFactory(body=SHOWN, author_name=AUTHOR)
    comment_approve(comment=decided, moderator=moderator)
    client.force_login(moderator)
    client.raise_request_exception = False  # a 500 is a status to assert on, not an exception
    return moderator


def assert_refused_or_empty(response, url):
    assert response.status_code != 500, response.content[:2000]
    if response.status_code == 302:
        assert response.url == f"{url}?e=1"  # Django admin's "invalid filter" redirect
    else:
        assert response.status_code in (200, 400)
        html = response.content.decode()
        assert SHOWN not in html and AUTHOR not in html  # nothing shown as if it matched


@pytest.mark.parametrize("page", CHANGELISTS)
@pytest.mark.parametrize("query", CRAFTED)
def test_crafted_filter_is_refused_or_empty_not_a_500(client, marker, page, query):
    url = reverse(CHANGELISTS[page])

    response = client.get(f"{url}?{query}")

    assert_refused_or_empty(response, url)
    # The database connection is still usable afterwards (PostgreSQL: not an aborted transaction).
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("page", CHANGELISTS)
def test_the_redirect_after_a_crafted_filter_shows_the_list(client, marker, page):
    url = reverse(CHANGELISTS[page])

    response = client.get(f"{url}?status__exact=%00", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(f"{url}?e=1", 302)]


@pytest.mark.parametrize(
    "filters",
    [
        "ip_address=x",
        f"article={BIG}",
        "status=\x00",
        "author_email__startswith=\x00",
        "body__regex=(",
    ],
)
def test_a_crafted_filter_carried_to_a_queue_comment_never_breaks_the_page_or_the_decision(client, marker, filters):
    """The queue page reads its filters from `_changelist_filters`: a value the database refuses
    means the whole queue (next comment), one it accepts but nothing matches means the queue page."""
    first, second = CommentFactory(priority=0.9), CommentFactory(priority=0.8)
    page_url = reverse("admin:moderation_reviewqueueitem_change", args=[first.pk])

    page = client.get(f"{page_url}?{urlencode({'_changelist_filters': filters})}")
    decided = client.post(
        reverse("admin:moderation_reviewqueueitem_decide", args=[first.pk])
        + f"?{urlencode({'_changelist_filters': filters})}",
        {"decision": "approve", "expected_status": "pending"},
    )

    assert page.status_code == 200
    assert decided.status_code == 302
    queue = reverse("admin:moderation_reviewqueueitem_changelist")
    assert f"/{second.pk}/change/" in decided.url or decided.url.startswith(f"{queue}?")
    assert Comment.objects.get(pk=first.pk).status == Comment.Status.APPROVED


@pytest.mark.postgres
@pytest.mark.parametrize("page", CHANGELISTS)
@pytest.mark.parametrize(
    "query",
    [
        "ip_address=x",
        "ip_address__in=x,y",
        "status__exact=%00",
        "author_email__startswith=%00",
        "note=%00",
        "body__regex=(",
    ],
)
def test_postgresql_refusals_become_the_invalid_filter_redirect(client, marker, page, query):
    """On PostgreSQL these reach the database and fail there; the page redirects instead."""
    url = reverse(CHANGELISTS[page])

    response = client.get(f"{url}?{query}")

    assert_refused_or_empty(response, url)
    assert client.get(url).status_code == 200  # same test transaction, still usable


@pytest.mark.parametrize("page", CHANGELISTS)
def test_ordinary_filters_still_work(client, marker, page):
    url = reverse(CHANGELISTS[page])
    query = {"comments": "status__exact=approved", "queue": "flag=__none__", "decisions": "verdict__exact=approved"}[
        page
    ]

    response = client.get(f"{url}?{query}")

    assert response.status_code == 200
    assert AUTHOR in response.content.decode()
