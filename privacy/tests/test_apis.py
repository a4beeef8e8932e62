"""POST /api/privacy/erasures/ and GET /api/privacy/export/: separate permission, 400s with field messages."""

import json

import pytest
from rest_framework.authtoken.models import Token

from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory
from privacy.models import PersonalDataErasure
from privacy.services import PLACEHOLDER_NAME
from privacy.tests.factories import PrivacyOfficerFactory

pytestmark = pytest.mark.django_db

ERASE = "/api/privacy/erasures/"
EXPORT = "/api/privacy/export/"


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


@pytest.fixture
def officer():
    return auth(PrivacyOfficerFactory())


def post(client, body, headers):
    return client.post(ERASE, json.dumps(body), content_type="application/json", **headers)


def test_erasing_by_email_answers_201_with_the_audit_row(client, officer):
    comments = [CommentFactory(author_email="sam@example.org") for _ in range(2)]

    response = post(client, {"email": "SAM@example.org", "reason": "Request 12/01"}, officer)

    assert response.status_code == 201
    body = response.json()
    assert (body["comments_erased"], body["bodies_erased"], body["reason"]) == (2, 0, "Request 12/01")
    assert "sam@example.org" not in response.content.decode()
    assert response["Cache-Control"] == "no-store, private" or "no-store" in response["Cache-Control"]
    assert {Comment.objects.get(pk=c.pk).author_name for c in comments} == {PLACEHOLDER_NAME}


def test_erasing_by_comment_id_with_rejected_bodies(client, officer):
    comment = CommentFactory(author_email="kim@example.org", body="Nasty.")
    comment_reject(comment=comment, moderator=ModeratorFactory(), reasons=["abuse"])

    response = post(client, {"comment_id": comment.pk, "reason": "R", "erase_rejected_bodies": True}, officer)

    assert response.status_code == 201
    assert response.json()["bodies_erased"] == 1
    assert Comment.objects.get(pk=comment.pk).body != "Nasty."


@pytest.mark.parametrize("user", ["moderator", "plain"])
def test_without_the_privacy_permission_it_is_403_and_nothing_changes(client, user):
    from moderation.tests.factories import UserFactory

    comment = CommentFactory(author_email="sam@example.org")
    headers = auth(ModeratorFactory() if user == "moderator" else UserFactory())

    assert post(client, {"email": "sam@example.org", "reason": "R"}, headers).status_code == 403
    assert client.get(EXPORT + "?email=sam@example.org", **headers).status_code == 403
    assert Comment.objects.get(pk=comment.pk).author_email == "sam@example.org"
    assert not PersonalDataErasure.objects.exists()


def test_anonymous_is_401(client):
    assert post(client, {"email": "sam@example.org", "reason": "R"}, {}).status_code == 401
    assert client.get(EXPORT + "?email=sam@example.org").status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"reason": "R"}, "email"),
        ({"email": "a@example.org", "comment_id": 1, "reason": "R"}, "email"),
        ({"email": "not an address", "reason": "R"}, "email"),
        ({"email": "a@example.org"}, "reason"),
        ({"email": "a@example.org", "reason": "   "}, "reason"),
        ({"email": "a@example.org", "reason": 5}, "reason"),
        ({"comment_id": 0, "reason": "R"}, "comment_id"),
        ({"comment_id": "x", "reason": "R"}, "comment_id"),
        ({"email": "a@example.org", "reason": "R", "erase_rejected_bodies": "maybe"}, "erase_rejected_bodies"),
        ({"email": "a@example.org", "reason": "R", "surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_400_with_field_messages(client, officer, body, field):
    CommentFactory(author_email="a@example.org")

    response = post(client, body, officer)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not PersonalDataErasure.objects.exists()


def test_unknown_address_or_comment_is_404(client, officer):
    assert post(client, {"email": "nobody@example.org", "reason": "R"}, officer).status_code == 404
    assert post(client, {"comment_id": 999999, "reason": "R"}, officer).status_code == 404


def test_a_form_body_is_415(client, officer):
    response = client.post(ERASE, {"email": "a@example.org", "reason": "R"}, **officer)
    assert response.status_code == 415


def test_export_returns_everything_about_the_address(client, officer):
    moderator = ModeratorFactory(username="mod-x")
    comment = CommentFactory(author_email="Lee@Example.org", author_name="Lee", body="Hello.")
    comment_approve(comment=comment, moderator=moderator)
    CommentFactory(author_email="someone@example.org")

    response = client.get(EXPORT + "?email=lee@example.org", **officer)

    assert response.status_code == 200
    data = response.json()
    assert [c["id"] for c in data["comments"]] == [comment.pk]
    assert data["comments"][0]["ip_address"] == "203.0.113.7"
    assert data["decisions"][0]["decided_by"] == "moderator"
    assert "mod-x" not in response.content.decode()


@pytest.mark.parametrize("query", ["", "?email=", "?email=a@example.org&email=b@example.org", "?email=nope"])
def test_export_needs_one_valid_address(client, officer, query):
    response = client.get(EXPORT + query, **officer)
    assert response.status_code == 400
    assert "email" in response.json()["errors"]


def test_the_schema_documents_both_endpoints(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    erase = schema["paths"][ERASE]["post"]
    assert {"201", "400", "401", "403", "404", "413", "414", "415"} <= set(erase["responses"])
    body = schema["components"]["schemas"]["ErasureRequestRequest"]
    assert body["additionalProperties"] is False
    assert body["required"] == ["reason"]
    export = schema["paths"][EXPORT]["get"]
    assert {"200", "400", "401", "403", "414"} <= set(export["responses"])
