"""The privacy endpoints against their own OpenAPI schema (schemathesis), called by a privacy officer.

The project-wide run (config/tests/test_schemathesis.py) calls them anonymously and as a moderator,
who both get 401/403; this run has the permission, so the 201/200 answers are checked too.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from comments.tests.factories import CommentFactory
from config.tests.test_schemathesis import CHECKS, MAX_EXAMPLES, REFUSALS
from config.wsgi import application
from privacy.tests.factories import PrivacyOfficerFactory

pytestmark = pytest.mark.django_db

# A schema-valid body or query may still get a 400 for rules JSON Schema cannot state, each in the
# operation's description: exactly one of `email` / `comment_id`, an address Django's validator refuses.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261202,
        "generation": {"mode": "all", "deterministic": True, "max-examples": MAX_EXAMPLES},
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "429"]},
            "negative_data_rejection": {"expected-statuses": REFUSALS},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG).include(
    path_regex=r"^/api/privacy/"
)


@pytest.fixture
def officer_token():
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    CommentFactory(author_email="user@example.com")
    yield Token.objects.create(user=PrivacyOfficerFactory()).key
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_privacy_api_conforms_to_its_schema(case, officer_token):
    case.call_and_validate(headers={"Authorization": f"Token {officer_token}"}, checks=CHECKS)
