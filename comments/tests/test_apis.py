import base64
import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve, comment_reject
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


def test_get_is_cursor_paginated_with_the_approved_count(client):
    article = ArticleFactory()
    now = timezone.now()
    approved = [
        CommentFactory(article=article, status=Comment.Status.APPROVED, submitted_at=now - timedelta(minutes=i))
        for i in range(25)
    ]
    CommentFactory.create_batch(3, article=article)

    first = client.get(url(article)).json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()

    assert list(first) == ["count", "next", "previous", "results"]
    assert (first["count"], second["count"]) == (25, 25)
    assert [c["id"] for c in first["results"]] == [c.pk for c in approved[:20]]
    assert [c["id"] for c in second["results"]] == [c.pk for c in approved[20:]]
    assert first["previous"] is None and second["next"] is None
    assert "cursor=" in first["next"]
    assert [c["id"] for c in back["results"]] == [c.pk for c in approved[:20]]


def test_get_oldest_first_walks_forward_through_ties(client):
    article = ArticleFactory()
    same_time = timezone.now() - timedelta(hours=1)
    tied = [CommentFactory(article=article, status="approved", submitted_at=same_time) for _ in range(3)]
    later = CommentFactory(article=article, status="approved", submitted_at=same_time + timedelta(minutes=5))

    first = client.get(url(article), {"order": "oldest", "page_size": 2}).json()
    second = client.get(first["next"]).json()

    ids = [c["id"] for c in first["results"] + second["results"]]
    assert ids == [c.pk for c in tied] + [later.pk]
    assert second["next"] is None


def test_get_page_size_is_capped_at_100(client):
    article = ArticleFactory()
    CommentFactory.create_batch(101, article=article, status=Comment.Status.APPROVED)

    data = client.get(url(article), {"page_size": 1000}).json()

    assert len(data["results"]) == 100
    assert data["next"] is not None


def test_get_unknown_order_is_400(client):
    response = client.get(url(ArticleFactory()), {"order": "sideways"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["order"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.b64encode(b"o=-5").decode(),
        base64.b64encode(b"r=maybe").decode(),
        base64.b64encode(b"p=yesterday").decode(),
        base64.b64encode(b"p=2024-02-30 10:00:00+00:00").decode(),
        base64.b64encode(b"p=2024-01-01 10:00:00").decode(),
        base64.b64encode("p=ü".encode()).decode(),
        "ü",
    ],
    ids=[
        "garbage",
        "negative-offset",
        "bad-reverse",
        "word-position",
        "impossible-date",
        "naive-date",
        "non-ascii-position",
        "non-ascii-cursor",
    ],
)
def test_bad_cursor_is_400_with_a_clear_message(client, cursor):
    article = ArticleFactory()
    CommentFactory(article=article, status=Comment.Status.APPROVED)

    response = client.get(url(article), {"cursor": cursor})

    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid_cursor"
    assert "cursor" in data["detail"].lower()
    assert list(data["errors"]) == ["cursor"]


def test_valid_hand_made_cursor_is_honoured(client):
    article = ArticleFactory()
    now = timezone.now()
    old = CommentFactory(article=article, status="approved", submitted_at=now - timedelta(hours=2))
    CommentFactory(article=article, status="approved", submitted_at=now)
    position = (now - timedelta(hours=1)).isoformat()
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()

    response = client.get(url(article), {"cursor": cursor})

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [old.pk]


def test_get_empty_article_has_no_results(client):
    data = client.get(url(ArticleFactory())).json()

    assert data == {"count": 0, "next": None, "previous": None, "results": []}


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

    response = post_json(client, article, payload(), REMOTE_ADDR=SECRET_IP, HTTP_USER_AGENT="ApiClient/2")

    assert response.status_code == 202
    comment = Comment.objects.get()
    data = response.json()
    assert set(data) == {"id", "status", "receipt"}
    assert (data["id"], data["status"]) == (comment.pk, "pending")
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


def test_posted_comment_is_hidden_until_approved(client, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    post_json(client, article, payload(body="An API posted remark."), REMOTE_ADDR=SECRET_IP)
    assert client.get(url(article)).json()["count"] == 0

    # The public list is cached; the decision's on-commit signal makes it stale.
    with django_capture_on_commit_callbacks(execute=True):
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


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=BoUnDaRy", "text/plain"]
)
def test_a_cross_site_form_post_is_refused_415(client, content_type):
    # What an HTML form on another site can send without a CORS preflight (#11 item 9).
    if content_type.startswith("multipart"):
        body = (
            "".join(
                f'--BoUnDaRy\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in payload().items()
            )
            + "--BoUnDaRy--\r\n"
        )
    elif content_type == "text/plain":
        body = json.dumps(payload())
    else:
        body = urlencode(payload())

    response = client.post(
        url(ArticleFactory()), body, content_type=content_type, HTTP_ORIGIN="https://evil.example.com"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert Comment.objects.count() == 0


def test_the_test_clients_default_multipart_post_is_refused(client):
    response = client.post(url(ArticleFactory()), payload())

    assert response.status_code == 415
    assert Comment.objects.count() == 0


def test_post_strips_surrounding_whitespace(client):
    post_json(client, ArticleFactory(), payload(body="  \n Spaced out remark.  \n"))

    assert Comment.objects.get().body == "Spaced out remark."


# --- POST: refusals -----------------------------------------------------------------


def test_post_with_missing_fields_gives_error_per_field(client):
    response = post_json(client, ArticleFactory(), {})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {"author_name", "author_email", "body"}
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
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert isinstance(errors[field], list) and errors[field]
    assert Comment.objects.count() == 0


def test_post_with_too_long_body_gives_field_message(client):
    response = post_json(client, ArticleFactory(), payload(body="x" * 5001))

    assert response.status_code == 400
    errors = response.json()["errors"]
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
    assert list(response.json()["errors"]) == ["body"]
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "extra",
    [{"status": "approved"}, {"ip_address": "1.2.3.4"}, {"spam": "eggs"}],
    ids=["status", "ip_address", "made-up"],
)
def test_post_with_unknown_field_is_refused(client, extra):
    response = post_json(client, ArticleFactory(), {**payload(), **extra})

    assert response.status_code == 400
    assert response.json()["errors"] == {name: ["Unknown field."] for name in extra}
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
    assert response.json() == {
        "detail": "Comments are closed for this article.",
        "code": "comments_closed",
        "errors": {},
    }
    assert Comment.objects.count() == 0


def test_invalid_post_to_closed_article_is_still_403(client):
    response = post_json(client, ArticleFactory(comments_open=False), {"body": ""})

    assert response.status_code == 403
    assert response.json()["code"] == "comments_closed"


@pytest.mark.parametrize(
    "raw",
    ['{"author_name": "Dana",', "not json at all", "{'single': 'quotes'}"],
    ids=["truncated", "text", "single-quotes"],
)
def test_malformed_json_is_400(client, raw):
    response = post_json(client, ArticleFactory(), raw)

    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "parse_error"
    assert data["detail"].startswith("JSON parse error")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("raw", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000], ids=["arrays", "objects"])
def test_deeply_nested_json_is_400_not_a_server_error(client, raw):
    # A 2 KB body nested past Python's recursion limit once raised RecursionError (500).
    response = post_json(client, ArticleFactory(), raw)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
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
    assert field in response.json()["errors"]
    assert Comment.objects.count() == 0


def test_post_errors_never_echo_email_or_ip(client):
    response = post_json(client, ArticleFactory(), payload(body="", author_name=""), REMOTE_ADDR=SECRET_IP)

    text = response.content.decode()
    assert response.status_code == 400
    assert "secret.reader" not in text
    assert SECRET_IP not in text


# --- Receipt and status ---------------------------------------------------------------------


def status_url(comment_id):
    return f"/api/comments/{comment_id}/status/"


def submit(client, article=None, **overrides):
    response = post_json(client, article or ArticleFactory(), payload(**overrides))
    assert response.status_code == 202
    return response.json()


def test_each_submission_gets_its_own_receipt(client):
    first = submit(client)
    second = submit(client, body="A second, different remark about the budget.")

    assert len(first["receipt"]) == 64
    assert first["receipt"] != second["receipt"]


@pytest.mark.parametrize("how", ["header", "query"])
def test_status_with_receipt_says_pending(client, how):
    receipt = submit(client)
    if how == "header":
        response = client.get(status_url(receipt["id"]), HTTP_X_COMMENT_RECEIPT=receipt["receipt"])
    else:
        response = client.get(status_url(receipt["id"]), {"receipt": receipt["receipt"]})

    assert response.status_code == 200
    assert response.json() == {"id": receipt["id"], "status": "pending", "reasons": []}


def test_status_after_approval_has_no_reasons(client):
    receipt = submit(client)
    comment_approve(comment=Comment.objects.get(), moderator=ModeratorFactory())

    response = client.get(status_url(receipt["id"]), HTTP_X_COMMENT_RECEIPT=receipt["receipt"])

    assert response.json() == {"id": receipt["id"], "status": "approved", "reasons": []}


def test_status_after_rejection_gives_the_guideline_codes_only(client):
    receipt = submit(client)
    comment_reject(
        comment=Comment.objects.get(),
        moderator=ModeratorFactory(username="mod-anna"),
        reasons=["promotion", "off_topic"],
        note="internal: looks like the same spammer as yesterday",
    )

    response = client.get(status_url(receipt["id"]), HTTP_X_COMMENT_RECEIPT=receipt["receipt"])

    assert response.json() == {"id": receipt["id"], "status": "rejected", "reasons": ["off_topic", "promotion"]}
    assert "spammer" not in response.content.decode()
    assert "mod-anna" not in response.content.decode()


def test_status_after_a_reversed_decision_reflects_the_latest_one(client):
    receipt = submit(client)
    comment = Comment.objects.get()
    moderator = ModeratorFactory()
    comment_reject(comment=comment, moderator=moderator, reasons=["abuse"])
    comment_approve(comment=comment, moderator=moderator, expected_status="rejected")
    comment_reject(comment=comment, moderator=moderator, reasons=["threat"], expected_status="approved")

    data = client.get(status_url(receipt["id"]), HTTP_X_COMMENT_RECEIPT=receipt["receipt"]).json()

    assert (data["status"], data["reasons"]) == ("rejected", ["threat"])


@pytest.mark.parametrize(
    "receipt",
    [None, "", "0" * 64, "not-a-receipt", "other-comment"],
    ids=["missing", "empty", "zeros", "junk", "other-comments-receipt"],
)
def test_status_without_the_right_receipt_is_404_like_an_unknown_id(client, receipt):
    mine = submit(client)
    other = submit(client, body="Someone else's remark on the budget vote.")
    if receipt == "other-comment":
        receipt = other["receipt"]
    headers = {} if receipt is None else {"HTTP_X_COMMENT_RECEIPT": receipt}

    response = client.get(status_url(mine["id"]), **headers)
    unknown = client.get(status_url(mine["id"] + 1000), HTTP_X_COMMENT_RECEIPT=mine["receipt"])

    assert response.status_code == unknown.status_code == 404
    assert response.json() == unknown.json()
    assert response.json()["code"] == "not_found"
    assert "pending" not in response.content.decode()


def test_status_of_a_huge_id_is_404_not_an_error(client):
    response = client.get(status_url("9" * 30), HTTP_X_COMMENT_RECEIPT="x")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_receipt_stops_working_when_the_secret_key_changes(client, settings):
    receipt = submit(client)
    settings.SECRET_KEY = "a-completely-different-secret-key-for-this-test"

    response = client.get(status_url(receipt["id"]), HTTP_X_COMMENT_RECEIPT=receipt["receipt"])

    assert response.status_code == 404


def test_receipt_minted_under_a_fallback_key_still_works(client, settings):
    receipt = submit(client)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-rotated-secret-key-used-from-now-on"

    response = client.get(status_url(receipt["id"]), HTTP_X_COMMENT_RECEIPT=receipt["receipt"])

    assert response.status_code == 200


# --- Methods, sizes, content types ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_comments_cannot_be_changed_or_deleted_through_the_api(client, method):
    article = ArticleFactory()
    comment = CommentFactory(article=article, status=Comment.Status.APPROVED, body="As written.")

    response = getattr(client, method)(url(article), json.dumps(payload()), content_type="application/json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    comment.refresh_from_db()
    assert comment.body == "As written."


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_status_endpoint_is_read_only(client, method):
    receipt = submit(client)

    response = getattr(client, method)(status_url(receipt["id"]), {}, content_type="application/json")

    assert response.status_code == 405


def test_body_over_the_upload_limit_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000

    response = post_json(client, ArticleFactory(), payload(body="x" * 3000))

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "2000" in response.json()["detail"]
    assert Comment.objects.count() == 0


def test_body_over_the_default_limit_is_413(client):
    response = post_json(client, ArticleFactory(), payload(body="x" * 3_000_000))

    assert response.status_code == 413
    assert Comment.objects.count() == 0


def test_a_form_body_is_refused_by_its_type_whatever_its_size(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000

    response = client.post(
        url(ArticleFactory()), urlencode(payload(body="y" * 3000)), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert Comment.objects.count() == 0


def test_unsupported_content_type_is_415(client):
    response = client.post(url(ArticleFactory()), "<comment/>", content_type="application/xml")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_json_with_invalid_utf8_is_400(client):
    response = client.post(url(ArticleFactory()), b'{"body": "\xff\xfe"}', content_type="application/json")

    assert response.status_code == 400
    assert Comment.objects.count() == 0


# --- Article list and detail carry the approved count ----------------------------------------------


def test_article_list_and_detail_count_only_approved_comments(client):
    article = ArticleFactory(slug="counted")
    CommentFactory.create_batch(3, article=article, status=Comment.Status.APPROVED)
    CommentFactory(article=article)
    CommentFactory(article=article, status=Comment.Status.REJECTED)
    ArticleFactory(slug="silent")

    listed = {a["slug"]: a["approved_comment_count"] for a in client.get("/api/articles/").json()["results"]}
    detail = client.get("/api/articles/counted/").json()

    assert listed == {"counted": 3, "silent": 0}
    assert detail["approved_comment_count"] == 3
