"""Content-Security-Policy on every page, and pages that work under it (no inline script or style)."""

import re

import pytest
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def moderator_client(client):
    client.force_login(ModeratorFactory())
    return client


def test_reader_pages_carry_a_policy_that_allows_only_this_sites_scripts(client):
    article = ArticleFactory()

    for url in ("/", f"/articles/{article.slug}/"):
        response = client.get(url)
        assert response.status_code == 200
        directives = policy(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_our_pages_have_no_inline_script_or_style_the_policy_would_block(client, moderator_client):
    article = ArticleFactory()
    pages = {
        "/": client,
        f"/articles/{article.slug}/": client,
        "/api/docs/": client,
        reverse("admin:index"): moderator_client,
        reverse("admin:moderation_stats"): moderator_client,
        reverse("admin:moderation_reviewqueueitem_changelist"): moderator_client,
    }
    for url, who in pages.items():
        response = who.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not INLINE_SCRIPT.search(page), (url, INLINE_SCRIPT.search(page).group(0))
        assert not INLINE_STYLE.search(page), (url, INLINE_STYLE.search(page).group(0))
        assert "Content-Security-Policy" in response


def test_swagger_ui_start_up_script_is_a_file_of_this_site(client):
    page = client.get("/api/docs/").content.decode()
    (script_url,) = re.findall(r'<script src="([^"]*\?script[^"]*)"', page)

    script = client.get(script_url)

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_a_moderator_login_lasts_a_shift_not_two_weeks(client, settings):
    moderator = ModeratorFactory()

    response = client.post(reverse("admin:login"), {"username": moderator.username, "password": "pw-for-tests-1"})

    assert response.status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 60 * 60
