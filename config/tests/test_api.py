"""The API's shared contract: one error format, JSON 404s, the schema and docs, CORS."""

import json

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework import exceptions

from articles.tests.factories import ArticleFactory
from config.api import error_body

pytestmark = pytest.mark.django_db

API_PATHS = {
    "/api/articles/",
    "/api/articles/{slug}/",
    "/api/articles/{slug}/comments/",
    "/api/comments/{id}/status/",
    "/api/guidelines/",
    "/api/auth/token/",
    "/api/moderation/comments/",
    "/api/moderation/comments/{id}/",
    "/api/moderation/comments/{id}/approve/",
    "/api/moderation/comments/{id}/reject/",
    "/api/moderation/comments/bulk/",
    "/api/moderation/decisions/",
    "/api/moderation/stats/",
    # Community (#13): bans, trust, reader reports and the Reported queue.
    "/api/moderation/comments/{id}/ban/",
    "/api/moderation/sanctions/",
    "/api/moderation/sanctions/{id}/",
    "/api/moderation/sanctions/{id}/lift/",
    "/api/moderation/trust/",
    "/api/moderation/trust/commenter/",
    "/api/moderation/trust/trusted/",
    "/api/comments/{id}/reports/",
    "/api/moderation/reports/",
    "/api/moderation/reports/stats/",
    "/api/moderation/comments/{id}/reports/uphold/",
    "/api/moderation/comments/{id}/reports/dismiss/",
    # Personal data (#14).
    "/api/privacy/erasures/",
    "/api/privacy/export/",
}


# --- Error format -----------------------------------------------------------------------


def test_validation_errors_flatten_nested_messages():
    exc = exceptions.ValidationError({"reasons": {0: ["Not a valid choice."]}, "note": ["Too long."]})

    body = error_body(exc, exc.detail)

    assert body == {
        "detail": "Some fields are invalid; see errors.",
        "code": "invalid",
        "errors": {"reasons": ["0: Not a valid choice."], "note": ["Too long."]},
    }


def test_non_field_validation_errors_have_their_own_key():
    exc = exceptions.ValidationError(["Nothing matches."])

    assert error_body(exc, exc.detail)["errors"] == {"non_field_errors": ["Nothing matches."]}


def test_other_errors_carry_their_code():
    exc = exceptions.NotAuthenticated()

    body = error_body(exc, {"detail": exc.detail})

    assert body == {"detail": str(exc.detail), "code": "not_authenticated", "errors": {}}


def test_unknown_api_url_is_a_json_404_in_the_error_format(client):
    response = client.get("/api/no-such-endpoint/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}


def test_unknown_page_outside_the_api_stays_html(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "application/json" not in response["Content-Type"]


# --- Schema and docs ------------------------------------------------------------------------


def test_schema_is_openapi_3_with_every_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == API_PATHS


def test_every_operation_documents_its_errors_in_the_one_format(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {code: r for code, r in responses.items() if code.startswith(("4", "5"))}
            if path != "/api/guidelines/":
                assert errors, (method, path)
            for code, response in errors.items():
                ref = response["content"]["application/json"]["schema"]["$ref"]
                # The one format, or one that adds fields to it (a 409's who decided, which ban, ...).
                component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
                assert {"detail", "code", "errors"} <= set(component["properties"]), (method, path, code)
                assert {"detail", "code", "errors"} <= set(component.get("required", [])), (method, path, code)
            if method == "post":
                assert "requestBody" in operation, path


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert (tmp_path / "schema.yaml").stat().st_size > 1000


def test_swagger_ui_is_served_from_local_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


# --- CORS --------------------------------------------------------------------------------------


@pytest.fixture
def frontend(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://frontend.example.org"]
    return "https://frontend.example.org"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/schema/"])
def test_options_on_the_docs_and_schema_is_not_a_server_error(client, path):
    # OPTIONS /api/docs/ once rendered the Swagger template for a JSON-only request: TemplateDoesNotExist, 500.
    response = client.options(path)

    assert response.status_code in (200, 405)
    assert response.status_code < 500


def test_cors_allows_the_configured_origin_on_the_api(client, frontend):
    ArticleFactory()

    response = client.get("/api/articles/", HTTP_ORIGIN=frontend)

    assert response["Access-Control-Allow-Origin"] == frontend
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


def test_cors_preflight_allows_the_receipt_header(client, frontend):
    response = client.options(
        "/api/comments/1/status/",
        HTTP_ORIGIN=frontend,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-comment-receipt",
    )

    assert response.status_code == 200
    assert "x-comment-receipt" in response["Access-Control-Allow-Headers"]


def test_cors_refuses_other_origins(client, frontend):
    response = client.get("/api/articles/", HTTP_ORIGIN="https://evil.example.com")

    assert "Access-Control-Allow-Origin" not in response


def test_cors_is_only_for_the_api(client, frontend):
    article = ArticleFactory()

    response = client.get(article.get_absolute_url(), HTTP_ORIGIN=frontend)

    assert "Access-Control-Allow-Origin" not in response


# --- The README walk-through ----------------------------------------------------------------


def test_readme_walkthrough_submit_status_approve_public(client, settings, django_capture_on_commit_callbacks):
    from moderation.tests.factories import ModeratorFactory

    ModeratorFactory(username="moderator", password="demo-moderator-2023")
    article = ArticleFactory(slug="drones-target-us-base-in-syrias-hasaka")
    base = f"/api/articles/{article.slug}"

    submitted = client.post(
        f"{base}/comments/",
        {"author_name": "Shirin", "author_email": "shirin@example.org", "body": "Who launched the drones?"},
        content_type="application/json",
    ).json()
    status_url = f"/api/comments/{submitted['id']}/status/"
    assert submitted["status"] == "pending"
    assert client.get(status_url, HTTP_X_COMMENT_RECEIPT=submitted["receipt"]).json()["status"] == "pending"
    assert client.get(status_url).status_code == 404

    token = client.post(
        "/api/auth/token/",
        {"username": "moderator", "password": "demo-moderator-2023"},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    queue = client.get(f"/api/moderation/comments/?article={article.slug}", **auth).json()
    assert [c["id"] for c in queue["results"]] == [submitted["id"]]
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(
            f"/api/moderation/comments/{submitted['id']}/approve/", {}, content_type="application/json", **auth
        )
    assert approved.json()["status"] == "approved"
    again = client.post(
        f"/api/moderation/comments/{submitted['id']}/approve/", {}, content_type="application/json", **auth
    )
    assert (again.status_code, again.json()["decided_by"]) == (409, "moderator")

    public = client.get(f"{base}/comments/?page_size=1").json()
    assert [c["body"] for c in public["results"]] == ["Who launched the drones?"]
    assert client.get(status_url, HTTP_X_COMMENT_RECEIPT=submitted["receipt"]).json()["status"] == "approved"
