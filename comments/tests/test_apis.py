import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "secret.reader@example.org"
SECRET_IP = "198.51.100.201"


def url(article_or_slug):
    slug = getattr(article_or_slug, "slug", article_or_slug)
    return f"/api/articles/{slug}/comments/"


def payload(**overrides):
    data = {
        "author_name": "Dana Reader",
        "author_email": SECRET_EMAIL,
        "body": "The library deserves a bigger share of the budget.",
    }
    data.update(overrides)
    return data


def post_json(client, target, data, **extra):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(url(target), body, content_type="application/json", **extra)


# --- GET ----------------------------------------------------------------------------


def test_get_lists_only_approved_comments_of_the_article(client):
    article = ArticleFactory()
    approved = CommentFactory(article=article, status=Comment.Status.APPROVED, body="approved one")
    CommentFactory(article=article, body="pending one")
    CommentFactory(article=article, status=Comment.Status.REJECTED, body="rejected one")
    CommentFactory(status=Comment.Status.APPROVED, body="other article one")

    response = client.get(url(article))

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert [c["id"] for c in data["results"]] == [approved.pk]
    text = response.content.decode()
    for hidden in ("pending one", "rejected one", "other article one"):
        assert hidden not in text


def test_get_returns_public_fields_only(client):
    article = ArticleFactory()
    comment = CommentFactory(
        article=article,
        status=Comment.Status.APPROVED,
        author_name="Dana",
        author_email=SECRET_EMAIL,
        ip_address=SECRET_IP,
        user_agent="SecretAgent/7",
    )

    response = client.get(url(article))

    (item,) = response.json()["results"]
    assert set(item) == {"id", "author_name", "body", "submitted_at"}
    assert (item["id"], item["author_name"], item["body"]) == (comment.pk, "Dana", comment.body)
    text = response.content.decode()
    assert SECRET_EMAIL not in text and "secret.reader" not in text
    assert SECRET_IP not in text
    assert "SecretAgent" not in text


def test_get_is_newest_first(client):
    article = ArticleFactory()
    now = timezone.now()
    old = CommentFactory(article=article, status="approved", submitted_at=now - timedelta(hours=2))
    new = CommentFactory(article=article, status="approved", submitted_at=now)
    mid = CommentFactory(article=article, status="approved", submitted_at=now - timedelta(hours=1))

    ids = [c["id"] for c in client.get(url(article)).json()["results"]]

    assert ids == [new.pk, mid.pk, old.pk]


def test_get_is_paginated(client):
    article = ArticleFactory()
    CommentFactory.create_batch(25, article=article, status=Comment.Status.APPROVED)
    CommentFactory.create_batch(3, article=article)

    first = client.get(url(article)).json()
    second = client.get(url(article), {"page": 2}).json()

    assert set(first) >= {"count", "next", "previous", "results"}
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert not {c["id"] for c in first["results"]} & {c["id"] for c in second["results"]}


def test_get_empty_article_has_no_results(client):
    data = client.get(url(ArticleFactory())).json()

    assert (data["count"], data["next"], data["results"]) == (0, None, [])


def test_get_unknown_article_is_404(client):
    assert client.get(url("no-such-article")).status_code == 404


def test_get_unpublished_article_is_404(client):
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=1))

    assert client.get(url(article)).status_code == 404


def test_get_closed_article_still_lists_approved_comments(client):
    article = ArticleFactory(comments_open=False)
    CommentFactory(article=article, status=Comment.Status.APPROVED)

    assert client.get(url(article)).json()["count"] == 1


def test_get_query_count_does_not_grow_with_comments(client, django_assert_max_num_queries):
    article = ArticleFactory()
    CommentFactory.create_batch(20, article=article, status=Comment.Status.APPROVED)

    with django_assert_max_num_queries(4):
        assert client.get(url(article)).status_code == 200


# --- POST: success ------------------------------------------------------------------


def test_post_stores_pending_comment_and_answers_202(client):
    article = ArticleFactory()

    response = post_json(
        client, article, payload(), REMOTE_ADDR=SECRET_IP, HTTP_USER_AGENT="ApiClient/2"
    )

    assert response.status_code == 202
    comment = Comment.objects.get()
    assert response.json() == {"id": comment.pk, "status": "pending"}
    assert comment.article == article
    assert comment.status == Comment.Status.PENDING
    assert comment.author_email == SECRET_EMAIL
    assert comment.ip_address == SECRET_IP
    assert comment.user_agent == "ApiClient/2"


def test_post_response_never_contains_email_or_ip(client):
    response = post_json(client, ArticleFactory(), payload(), REMOTE_ADDR=SECRET_IP)

    text = response.content.decode()
    assert response.status_code == 202
    assert "secret.reader" not in text
    assert SECRET_IP not in text


def test_posted_comment_is_hidden_until_approved(client):
    article = ArticleFactory()
    post_json(client, article, payload(body="An API posted remark."), REMOTE_ADDR=SECRET_IP)
    assert client.get(url(article)).json()["count"] == 0

    comment_approve(comment=Comment.objects.get(), moderator=ModeratorFactory())

    response = client.get(url(article))
    assert [c["body"] for c in response.json()["results"]] == ["An API posted remark."]
    text = response.content.decode()
    assert "secret.reader" not in text
    assert SECRET_IP not in text


def test_post_of_profane_comment_is_still_pending_and_flagged(client):
    response = post_json(client, ArticleFactory(), payload(body="this is bullshit"))

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert "profanity" in Comment.objects.get().flags


def test_form_encoded_post_works(client):
    article = ArticleFactory()

    response = client.post(
        url(article), urlencode(payload()), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert Comment.objects.get().body == payload()["body"]


def test_multipart_post_works(client):
    response = client.post(url(ArticleFactory()), payload())

    assert response.status_code == 202
    assert Comment.objects.count() == 1


def test_post_strips_surrounding_whitespace(client):
    post_json(client, ArticleFactory(), payload(body="  \n Spaced out remark.  \n"))

    assert Comment.objects.get().body == "Spaced out remark."


# --- POST: refusals -----------------------------------------------------------------


def test_post_with_missing_fields_gives_error_per_field(client):
    response = post_json(client, ArticleFactory(), {})

    assert response.status_code == 400
    assert set(response.json()) == {"author_name", "author_email", "body"}
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"author_email": "not-an-email"}, "author_email"),
        ({"author_name": "   "}, "author_name"),
        ({"author_name": "n" * 81}, "author_name"),
        ({"body": "   \n "}, "body"),
        ({"body": "Ring the bell\x07 now"}, "body"),
        ({"body": "Null\x00byte"}, "body"),
        ({"author_name": "Da\x00na"}, "author_name"),
    ],
    ids=["bad-email", "blank-name", "long-name", "blank-body", "control-char", "nul-body", "nul-name"],
)
def test_post_with_bad_field_gives_400_for_that_field(client, overrides, field):
    response = post_json(client, ArticleFactory(), payload(**overrides))

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert isinstance(errors[field], list) and errors[field]
    assert Comment.objects.count() == 0


def test_post_with_too_long_body_gives_field_message(client):
    response = post_json(client, ArticleFactory(), payload(body="x" * 5001))

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["body"]
    assert "5000" in errors["body"][0]
    assert Comment.objects.count() == 0


def test_post_with_body_of_exactly_5000_characters_is_accepted(client):
    response = post_json(client, ArticleFactory(), payload(body="y" * 5000))

    assert response.status_code == 202
    assert len(Comment.objects.get().body) == 5000


def test_post_respects_configured_smaller_max_length(client, settings):
    settings.COMMENT_MAX_LENGTH = 30

    response = post_json(client, ArticleFactory(), payload(body="z" * 31))

    assert response.status_code == 400
    assert list(response.json()) == ["body"]
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "extra",
    [{"status": "approved"}, {"ip_address": "1.2.3.4"}, {"spam": "eggs"}],
    ids=["status", "ip_address", "made-up"],
)
def test_post_with_unknown_field_is_refused(client, extra):
    response = post_json(client, ArticleFactory(), {**payload(), **extra})

    assert response.status_code == 400
    assert list(response.json()) == list(extra)
    assert Comment.objects.count() == 0


def test_post_to_unknown_article_is_404(client):
    response = post_json(client, "no-such-article", payload())

    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_post_to_unpublished_article_is_404(client):
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=1))

    assert post_json(client, article, payload()).status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "closed",
    [{"comments_open": False}, {"comments_close_at": "past"}],
    ids=["switched-off", "close-date-passed"],
)
def test_post_to_closed_article_is_403_comments_closed(client, closed):
    if closed.get("comments_close_at") == "past":
        closed = {"comments_close_at": timezone.now() - timedelta(minutes=1)}
    article = ArticleFactory(**closed)

    response = post_json(client, article, payload())

    assert response.status_code == 403
    assert response.data["detail"].code == "comments_closed"
    assert response.json()["detail"] == "Comments are closed for this article."
    assert Comment.objects.count() == 0


def test_invalid_post_to_closed_article_is_still_403(client):
    response = post_json(client, ArticleFactory(comments_open=False), {"body": ""})

    assert response.status_code == 403
    assert response.data["detail"].code == "comments_closed"


@pytest.mark.parametrize(
    "raw",
    ['{"author_name": "Dana",', "not json at all", "{'single': 'quotes'}"],
    ids=["truncated", "text", "single-quotes"],
)
def test_malformed_json_is_400(client, raw):
    response = post_json(client, ArticleFactory(), raw)

    assert response.status_code == 400
    assert "detail" in response.json()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("raw", [json.dumps([payload()]), '"a string"', "42", "null"])
def test_json_body_that_is_not_an_object_is_400(client, raw):
    response = post_json(client, ArticleFactory(), raw)

    assert response.status_code == 400
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", ["a", "list"]),
        ("body", {"an": "object"}),
        ("body", True),
        ("body", None),
        ("author_name", ["Dana"]),
        ("author_email", {"address": SECRET_EMAIL}),
    ],
    ids=["list", "object", "bool", "null", "name-list", "email-object"],
)
def test_wrong_json_types_are_400(client, field, value):
    response = post_json(client, ArticleFactory(), payload(**{field: value}))

    assert response.status_code == 400
    assert field in response.json()
    assert Comment.objects.count() == 0


def test_post_errors_never_echo_email_or_ip(client):
    response = post_json(
        client, ArticleFactory(), payload(body="", author_name=""), REMOTE_ADDR=SECRET_IP
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert "secret.reader" not in text
    assert SECRET_IP not in text
