"""The API takes JSON bodies only, and refuses anything else before reading a byte of it (#11 items 9, 10)."""

import io
import json

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from config.parsers import ApiRequestGateMiddleware
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

BOUNDARY = "BoUnDaRy"
UPLOAD_BYTES = 30 * 1024 * 1024  # a file part well over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


class CountingUpload(io.RawIOBase):
    """A multipart body with one large file part, made up as it is read and counting what was read."""

    def __init__(self, size: int = UPLOAD_BYTES):
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="author_name"\r\n\r\nDana\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.head = head
        self.length = size
        self.filler = size - len(head) - len(self.tail)
        self.position = 0

    def readable(self) -> bool:
        return True

    def _byte_range(self, start: int, end: int) -> bytes:
        parts = []
        for offset, chunk_len, source in (
            (0, len(self.head), self.head),
            (len(self.head), self.filler, None),
            (len(self.head) + self.filler, len(self.tail), self.tail),
        ):
            lo, hi = max(start, offset), min(end, offset + chunk_len)
            if lo < hi:
                parts.append(source[lo - offset : hi - offset] if source else b"x" * (hi - lo))
        return b"".join(parts)

    def read(self, size: int = -1) -> bytes:
        end = self.length if size is None or size < 0 else min(self.length, self.position + size)
        data = self._byte_range(self.position, end)
        self.position = end
        return data

    def readline(self, size: int = -1) -> bytes:
        window = self._byte_range(self.position, self.length if size < 0 else self.position + size)
        cut = window.find(b"\n")
        return self.read(cut + 1 if cut >= 0 else len(window))


def upload_environ(upload: CountingUpload) -> dict:
    return {
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(upload.length),
        "wsgi.input": upload,
    }


@pytest.fixture
def world():
    moderator = ModeratorFactory(username="mod-body", password="pw-for-tests-1")
    comment = CommentFactory(article=ArticleFactory(slug="uploads"))
    return {"moderator": moderator, "comment": comment, "token": Token.objects.create(user=moderator).key}


def body_endpoints(comment):
    return [
        "/api/articles/uploads/comments/",
        "/api/auth/token/",
        f"/api/moderation/comments/{comment.pk}/approve/",
        f"/api/moderation/comments/{comment.pk}/reject/",
        "/api/moderation/comments/bulk/",
    ]


@pytest.mark.parametrize("caller", ["anonymous", "token", "session"])
def test_a_multipart_upload_is_415_on_every_body_endpoint_without_reading_it(world, caller):
    client = Client(enforce_csrf_checks=True)
    auth = {}
    if caller == "token":
        auth["HTTP_AUTHORIZATION"] = f"Token {world['token']}"
    elif caller == "session":
        # A logged-in moderator with a valid CSRF token: DRF's CSRF check reads request.POST,
        # which would parse (and spool to disk) the whole multipart body.
        client.force_login(world["moderator"])
        csrf = get_token(RequestFactory().get("/"))
        client.cookies["csrftoken"] = csrf
        auth["HTTP_X_CSRFTOKEN"] = csrf
    for path in body_endpoints(world["comment"]):
        upload = CountingUpload()

        response = client.generic("POST", path, **auth, **upload_environ(upload))

        assert (path, response.status_code) == (path, 415)
        assert response.json()["code"] == "unsupported_media_type"
        assert (path, upload.position) == (path, 0)  # not one byte of the body was read
    assert Comment.objects.count() == 1
    assert world["comment"].decisions.count() == 0


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_other_body_methods_are_refused_the_same_way(world, method):
    upload = CountingUpload()

    response = Client().generic(method, "/api/articles/uploads/comments/", **upload_environ(upload))

    assert response.status_code == 415
    assert upload.position == 0


def test_a_json_body_still_works_and_the_size_limit_applies_to_it(client, settings):
    ArticleFactory(slug="sized")
    ok = client.post(
        "/api/articles/sized/comments/",
        json.dumps({"author_name": "Dana", "author_email": "dana@example.org", "body": "A remark."}),
        content_type="application/json; charset=utf-8",
    )
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    too_big = client.post(
        "/api/articles/sized/comments/",
        json.dumps({"author_name": "Dana", "author_email": "dana@example.org", "body": "y" * 200}),
        content_type="application/json",
    )

    assert ok.status_code == 202
    assert too_big.status_code == 413


def test_the_article_pages_html_form_still_posts_as_a_form(client):
    # Only /api/ is JSON-only: the reader page's own form (with Django's CSRF check) is unaffected.
    article = ArticleFactory(slug="form-page")

    response = client.post(
        article.get_absolute_url(),
        {"author_name": "Dana", "author_email": "dana@example.org", "body": "Posted from the page."},
    )

    assert response.status_code in (200, 302)
    assert Comment.objects.get().body == "Posted from the page."


def test_a_get_with_a_body_or_a_bodyless_post_is_left_to_the_view(rf):
    gate = ApiRequestGateMiddleware(lambda request: None)
    upload = CountingUpload()

    get = rf.generic("GET", "/api/articles/", **upload_environ(upload))
    empty_post = rf.post("/api/auth/token/", b"", content_type="multipart/form-data")

    assert gate.refusal(get) is None
    assert gate.refusal(empty_post) is None
    assert upload.position == 0


def test_an_over_long_api_url_is_414_in_the_error_format(client, settings):
    settings.API_MAX_URL_LENGTH = 100

    long_query = client.get("/api/articles/", {"search": "x" * 100})
    fine = client.get("/api/articles/", {"search": "x" * 10})

    assert long_query.status_code == 414
    assert long_query.json()["code"] == "uri_too_long"
    assert fine.status_code == 200


def test_the_default_url_limit_leaves_every_real_query_alone(client):
    response = client.get("/api/articles/", {"search": "x" * 200, "published_after": "2024-01-01"})

    assert response.status_code == 200
