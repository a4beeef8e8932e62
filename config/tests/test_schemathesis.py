"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

Every operation is called with generated requests (valid and invalid), as a
moderator with a token on the moderator endpoints. A response must never be a
server error, and must match the schema: a documented status code, the
documented content type, and a body of the documented shape. Seeded and
bounded, so the run is the same every time and takes about a minute.
"""
import zlib

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.receipts import comment_receipt
from comments.tests.factories import CommentFactory
from config.wsgi import application
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 60

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261124,
        "generation": {"mode": "all", "deterministic": True, "max-examples": MAX_EXAMPLES},
    }
)


# Loaded at collection: building the schema needs Django (set up by pytest-django) but no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@pytest.fixture
def keep_test_connection():
    """Calls go through the real WSGI handler, whose request signals close a connection that is
    inside a transaction (the test's, on PostgreSQL); unhook them as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(settings, keep_test_connection):
    """Real rows for generated requests to land on some of the time, and a moderator's token."""
    settings.COMMENT_RATE_PER_IP = "100000/minute"
    settings.COMMENT_RATE_PER_EMAIL = "100000/minute"
    settings.AUTH_TOKEN_RATE = "100000/minute"
    moderator = ModeratorFactory(password=None)
    article = ArticleFactory(slug="fuzz-article")
    comments = [CommentFactory(article=article, flags="|abuse|") for _ in range(3)]
    comments.append(CommentFactory(article=article, status=Comment.Status.APPROVED))
    comment_reject(comment=CommentFactory(article=article), moderator=moderator, reasons=["abuse"])
    stored = list(Comment.objects.all())
    return {
        "token": Token.objects.create(user=moderator).key,
        "slugs": [article.slug],
        "ids": [c.pk for c in stored],
        "receipts": {c.pk: comment_receipt(comment_id=c.pk, submitted_at=c.submitted_at) for c in stored},
    }


def _pick(options, case, name):
    """Deterministically (from the generated value itself) swap in a real row half of the time."""
    value = case.path_parameters[name]
    digest = zlib.crc32(repr(value).encode())
    return options[digest // 2 % len(options)] if digest % 2 else value


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_api_conforms_to_its_schema(case, fuzz_world):
    # Point path parameters at rows that exist some of the time, so the 200 answers are checked too.
    for name, key in (("slug", "slugs"), ("id", "ids")):
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = _pick(fuzz_world[key], case, name)
    headers = {}
    comment_id = (case.path_parameters or {}).get("id")
    if case.path == "/api/comments/{id}/status/" and comment_id in fuzz_world["receipts"]:
        headers["X-Comment-Receipt"] = fuzz_world["receipts"][comment_id]
    if case.path.startswith("/api/moderation/"):
        headers["Authorization"] = f"Token {fuzz_world['token']}"
    case.call_and_validate(headers=headers, checks=CHECKS)
