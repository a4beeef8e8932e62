"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

Every operation is called with generated requests (valid and invalid), as a
moderator with a token on the moderator endpoints. A response must never be a
server error, and must match the schema: a documented status code, the
documented content type, and a body of the documented shape. Seeded and
bounded, so the run is the same every time and takes about a minute.
"""

import zlib
from urllib.parse import parse_qs, urlparse

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import RequestFactory
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from articles.tests.factories import ArticleFactory
from comments.apis import ArticleCommentsApi
from comments.models import Comment
from comments.receipts import comment_receipt
from comments.tests.factories import CommentFactory
from config.wsgi import application
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    # What the schema allows is accepted (2xx, or 401/403/404/409/429), what it forbids is refused (4xx).
    positive_data_acceptance,
    negative_data_rejection,
]
MAX_EXAMPLES = 20

# An over-long URL (414) or body (413) is a refusal too.
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "428", "429"]
# Schema-valid bodies these operations may still refuse with 400, for rules that JSON Schema
# cannot state exactly (each one is in the operation's description): a submitted comment's
# content (control characters; names: bidi and invisible characters, imitating staff, which
# depends on the staff users; an email address Django's validator accepts), credentials that
# do not exist, and the decisions' cross-field rules (`other` needs a note; reasons are
# required to reject and not allowed to approve).
CONTENT_RULES = [
    ("/api/articles/{slug}/comments/", "POST"),
    ("/api/auth/token/", "POST"),
    ("/api/moderation/comments/{id}/reject/", "POST"),
    ("/api/moderation/comments/bulk/", "POST"),
    # Bans: the value per kind (a valid address, a domain with a dot, a range no broader than /16 or /32),
    # an expiry in the future, reasons or a note; from a comment, the value it lacks (no IP address).
    ("/api/moderation/sanctions/", "POST"),
    ("/api/moderation/comments/{id}/ban/", "POST"),
    # Reader reports: a note without control characters, and one with `other`; upholding: `other` needs a note.
    ("/api/comments/{id}/reports/", "POST"),
    ("/api/moderation/comments/{id}/reports/uphold/", "POST"),
]
ACCEPTANCE = ["2xx", "401", "403", "404", "409", "429"]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261124,
        "generation": {"mode": "all", "deterministic": True, "max-examples": MAX_EXAMPLES},
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ACCEPTANCE},
            "negative_data_rejection": {"expected-statuses": REFUSALS},
        },
        "operations": [
            {
                "include-path": path,
                "include-method": method,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTANCE, "400"]}},
            }
            for path, method in CONTENT_RULES
        ],
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
    comments += [CommentFactory(article=article, status=Comment.Status.APPROVED) for _ in range(2)]
    comment_reject(comment=CommentFactory(article=article), moderator=moderator, reasons=["abuse"])
    stored = list(Comment.objects.all())
    # A real cursor, from the view itself (the test client would hook close_old_connections back up).
    listing = ArticleCommentsApi.as_view()(
        RequestFactory().get(f"/api/articles/{article.slug}/comments/?page_size=1"), slug=article.slug
    )
    next_page = listing.data["next"]
    return {
        "cursor": parse_qs(urlparse(next_page).query)["cursor"][0],
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


@pytest.mark.parametrize("caller", ["anonymous", "moderator"])
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_api_conforms_to_its_schema(case, fuzz_world, caller):
    # Point path parameters at rows that exist some of the time, so the 200 answers are checked too
    # (not when the path is the invalid part of a negative case: it would no longer be invalid).
    path_info = case.meta.components.get(ParameterLocation.PATH)
    if path_info is None or not path_info.mode.is_negative:
        for name, key in (("slug", "slugs"), ("id", "ids")):
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = _pick(fuzz_world[key], case, name)
    if case.meta.generation.mode.is_positive and "cursor" in (case.query or {}):
        case.query["cursor"] = fuzz_world["cursor"]  # a made-up cursor is rightly a 400
    headers = {}
    comment_id = (case.path_parameters or {}).get("id")
    if case.path == "/api/comments/{id}/status/" and comment_id in fuzz_world["receipts"]:
        headers["X-Comment-Receipt"] = fuzz_world["receipts"][comment_id]
    if caller == "moderator":
        headers["Authorization"] = f"Token {fuzz_world['token']}"
    case.call_and_validate(headers=headers, checks=CHECKS)
