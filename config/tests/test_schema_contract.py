"""The OpenAPI document states what the API enforces, and the API does what it states (#11, contract drift)."""

import json

import pytest
import yaml
from rest_framework.authtoken.models import Token

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema/").content)


def operations(schema):
    for path, ops in schema["paths"].items():
        for method, operation in ops.items():
            yield path, method, operation


def component(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_request_bodies_are_json_only_and_closed_objects(schema):
    bodies = 0
    for path, method, operation in operations(schema):
        if "requestBody" not in operation:
            continue
        bodies += 1
        content = operation["requestBody"]["content"]
        assert list(content) == ["application/json"], (method, path)
        body = component(schema, content["application/json"]["schema"]["$ref"])
        assert body["additionalProperties"] is False, (method, path)
    # submit, token, approve, reject, bulk; report, uphold and dismiss reports; ban, sanction, lift, trust; erasure
    assert bodies == 13


def test_every_operation_documents_414_and_every_body_413_and_415(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "414" in responses, (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= set(responses), (method, path)


def test_what_the_serializers_refuse_is_in_the_schema(schema):
    components = schema["components"]["schemas"]

    assert components["RejectRequest"]["properties"]["reasons"]["minItems"] == 1
    assert components["BulkDecisionRequest"]["properties"]["ids"]["minItems"] == 1
    for field in ("author_name", "author_email", "body"):
        assert components["CommentSubmitRequest"]["properties"][field]["minLength"] == 1, field
    for field in ("username", "password"):
        assert components["AuthTokenRequest"]["properties"][field]["minLength"] == 1, field


def test_path_ids_have_a_minimum(schema):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] == "id":
                assert parameter["schema"]["minimum"] == 1, (method, path)


def test_the_receipt_query_parameter_is_deprecated_in_favour_of_the_header(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/comments/{id}/status/"]["get"]["parameters"]}

    assert parameters["receipt"]["deprecated"] is True
    assert parameters["X-Comment-Receipt"]["in"] == "header"


# --- The API does what the document says ------------------------------------------------------------


@pytest.fixture
def bodies():
    moderator = ModeratorFactory(username="mod-contract", password="pw-for-tests-1")
    comment = CommentFactory(article=ArticleFactory(slug="contract"))
    return {
        "token": Token.objects.create(user=moderator).key,
        "calls": [
            (
                "/api/articles/contract/comments/",
                {"author_name": "Dana", "author_email": "dana@example.org", "body": "A remark."},
            ),
            ("/api/auth/token/", {"username": "mod-contract", "password": "pw-for-tests-1"}),
            (f"/api/moderation/comments/{comment.pk}/approve/", {}),
            (f"/api/moderation/comments/{comment.pk}/reject/", {"reasons": ["abuse"]}),
            ("/api/moderation/comments/bulk/", {"action": "approve", "ids": [comment.pk]}),
        ],
    }


def test_every_body_refuses_an_unknown_field_with_400(client, bodies):
    for path, body in bodies["calls"]:
        response = client.post(
            path,
            json.dumps({**body, "surprise": 1}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {bodies['token']}",
        )

        assert (path, response.status_code) == (path, 400)
        assert response.json()["errors"] == {"surprise": ["Unknown field."]}
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_empty_reasons_and_ids_are_refused(client, bodies):
    auth = {"HTTP_AUTHORIZATION": f"Token {bodies['token']}"}
    reject_path = bodies["calls"][3][0]

    reject = client.post(reject_path, json.dumps({"reasons": []}), content_type="application/json", **auth)
    bulk = client.post(
        "/api/moderation/comments/bulk/",
        json.dumps({"action": "approve", "ids": []}),
        content_type="application/json",
        **auth,
    )

    assert (reject.status_code, list(reject.json()["errors"])) == (400, ["reasons"])
    assert (bulk.status_code, list(bulk.json()["errors"])) == (400, ["ids"])


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_blank_token_credential_is_refused(client, field):
    body = {"username": "someone", "password": "secret", field: ""}

    response = client.post("/api/auth/token/", json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
