"""The reader's pages in a real Chromium (issue 12, reader items 1-5): posting, errors, text size,
the status page, accessibility (axe-core), and screenshots on request (SCREENSHOTS_DIR).

Debian's chromium, driven by Playwright against pytest-django's live server (config/tests/browser.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from config.tests.browser import DESKTOP, PHONE, axe_violations
from moderation.guidelines import GUIDELINE_TEXT, Guideline
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
LONG_BODY = "\n\n".join(
    f"Paragraph {n}: officials said the drones were launched before dawn and that the base's air "
    "defences engaged them; no casualties were reported, and the investigation continues."
    for n in range(12)
)


@pytest.fixture
def article():
    """A long article with approved comments, so the form is far below the top of the page."""
    article = ArticleFactory(title="Drones target US base in Syria's Hasaka", body=LONG_BODY)
    for n in range(6):
        CommentFactory(
            article=article,
            author_name=f"Reader {n}",
            body=f"Approved remark number {n} about the air defences and the investigation.",
            status=Comment.Status.APPROVED,
        )
    return article


def fill_form(page, *, name="Shirin", email="shirin@example.org", body="Who launched the drones?"):
    page.fill("#id_author_name", name)
    page.fill("#id_author_email", email)
    page.fill("#id_body", body)


def submit(page):
    with page.expect_navigation():
        page.click(".comment-form button[type=submit]")


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] + box["width"] <= viewport["width"]
    )


def active_element(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent.trim()})"
    )


def font_size(page, selector: str) -> float:
    return page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)")


def assert_no_axe_violations(page):
    assert axe_violations(page) == []


# --- 1. The confirmation after a post: where the reader is, with focus ------------------------------


@VIEWPORTS
def test_after_posting_the_confirmation_is_in_view_and_focused(open_page, article, viewport):
    page = open_page(article.get_absolute_url(), viewport=viewport)
    fill_form(page)

    submit(page)

    confirmation = page.locator("#posted")
    assert "Thank you: your comment was received" in confirmation.inner_text()
    assert in_viewport(page, "#posted"), (page.locator("#posted").bounding_box(), viewport)
    assert active_element(page)["id"] == "posted"
    assert confirmation.get_attribute("role") == "status"
    assert Comment.objects.filter(article=article, status=Comment.Status.PENDING).count() == 1
    # Posted once; the form is empty again, and the confirmation is gone on the next visit.
    assert page.input_value("#id_body") == ""
    page.goto(article.get_absolute_url())
    assert page.locator("#posted").count() == 0


# --- Form errors: shown, input kept, focus on the first field in error ------------------------------


@VIEWPORTS
def test_form_errors_are_shown_and_the_input_is_kept(open_page, article, viewport):
    page = open_page(article.get_absolute_url(), viewport=viewport)
    fill_form(page, email="shirin.example.org", body="My carefully written thoughts.")

    submit(page)

    error = page.locator("#id_author_email_error")
    assert "Enter a valid email address." in error.inner_text()
    assert page.input_value("#id_author_name") == "Shirin"
    assert page.input_value("#id_author_email") == "shirin.example.org"
    assert page.input_value("#id_body") == "My carefully written thoughts."
    assert active_element(page)["id"] == "id_author_email"
    assert in_viewport(page, "#id_author_email")
    # The field's description is announced with it: the help text and the error, both present.
    described_by = page.get_attribute("#id_author_email", "aria-describedby").split()
    assert described_by == ["id_author_email_helptext", "id_author_email_error"]
    assert page.locator("#id_author_email_helptext").inner_text() == "Never shown to other readers."
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 0
    assert_no_axe_violations(page)


def test_every_aria_reference_on_the_article_page_exists(open_page, article):
    page = open_page(article.get_absolute_url())

    missing = page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby], [aria-controls]')]
             .flatMap(el => ['aria-describedby', 'aria-labelledby', 'aria-controls']
               .flatMap(attr => (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)))
             .filter(id => !document.getElementById(id))"""
    )

    assert missing == []
    assert page.get_attribute("#id_author_email", "aria-describedby") == "id_author_email_helptext"


# --- 4. A+/A-: the article, the guidelines and the comments; no reload; remembered; 24×24 ------------

SCALED = (".article-body p", ".guidelines li", ".comment-body", ".comment-author")


def sizes(page) -> dict[str, float]:
    return {selector: font_size(page, selector) for selector in SCALED}


def test_text_size_scales_article_guidelines_and_comments_in_place_and_is_remembered(open_page, article):
    page = open_page(article.get_absolute_url())
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("() => { window.__samePage = true; }")
    url = page.url
    before = sizes(page)

    page.click("[data-text-size-step='1']")
    page.click("[data-text-size-step='1']")

    larger = sizes(page)
    assert all(larger[selector] > before[selector] for selector in SCALED), (before, larger)
    assert navigations == [] and page.url == url
    assert page.evaluate("() => window.__samePage") is True  # the page was not reloaded

    page.click("[data-text-size-step='-1']")
    one_step = sizes(page)
    assert all(before[s] < one_step[s] < larger[s] for s in SCALED), (before, one_step, larger)

    page.reload()
    assert sizes(page) == one_step  # remembered
    page.goto("/")
    page.goto(article.get_absolute_url())
    assert sizes(page) == one_step  # and when the reader comes back
    # The smallest size stops there (A- then says it is disabled).
    clicks = 0
    while page.get_attribute("[data-text-size-step='-1']", "aria-disabled") != "true":
        page.click("[data-text-size-step='-1']")
        clicks += 1
        assert clicks <= 5
    smallest = sizes(page)
    assert clicks == 3 and all(smallest[s] < before[s] for s in SCALED)
    page.click("[data-text-size-step='-1']", force=True)
    assert sizes(page) == smallest


def test_text_size_links_still_work_without_javascript(chromium, live_server, article):
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(article.get_absolute_url())
        before = sizes(page)
        with page.expect_navigation():
            page.click("[data-text-size-step='1']")
        assert "?text=3" in page.url
        after = sizes(page)
        assert all(after[s] > before[s] for s in SCALED)
    finally:
        context.close()


@VIEWPORTS
def test_text_size_targets_are_at_least_24_px(open_page, article, viewport):
    page = open_page(article.get_absolute_url(), viewport=viewport)

    for selector in ("[data-text-size-step='1']", "[data-text-size-step='-1']"):
        box = page.locator(selector).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (selector, box)


# --- 5. Skip link, favicon, no failed requests -------------------------------------------------------


def test_skip_link_is_the_first_tab_stop_and_moves_to_the_main_content(open_page, article):
    page = open_page(article.get_absolute_url())

    page.keyboard.press("Tab")
    first = active_element(page)
    assert first["tag"] == "A" and first["text"] == "Skip to main content"
    assert in_viewport(page, ".skip-link")  # visible when focused
    page.keyboard.press("Enter")
    assert active_element(page)["id"] == "main"


@pytest.mark.parametrize("path", ["/", "article"])
def test_pages_load_without_failed_requests_and_have_a_favicon(open_page, live_server, article, path):
    failed = []

    def opened(page):
        page.on(
            "response",
            lambda response: failed.append((response.status, response.url)) if response.status >= 400 else None,
        )

    page = open_page("about:blank")
    opened(page)
    page.goto(article.get_absolute_url() if path == "article" else path)
    page.wait_for_load_state("load")

    icon = page.get_attribute("link[rel=icon][type='image/svg+xml']", "href")
    assert page.request.get(icon).status == 200
    assert page.request.get("/favicon.ico").status == 200
    assert failed == []


# --- 2. The status page ---------------------------------------------------------------------------


def test_the_confirmation_links_to_a_status_page_that_follows_the_decision(open_page, article):
    page = open_page(article.get_absolute_url(), viewport=PHONE)
    fill_form(page, email="private.reader@example.org", body="Who launched the drones?")
    submit(page)
    comment = Comment.objects.get(article=article, status=Comment.Status.PENDING)

    with page.expect_navigation():
        page.click("#posted a")

    assert page.url.startswith(f"{page.url.split('/comments/')[0]}/comments/{comment.pk}/status/?receipt=")
    status_url = page.url
    assert "Waiting for a moderator" in page.inner_text("#status")
    assert "Who launched the drones?" in page.inner_text("main")
    assert_no_axe_violations(page)

    comment_approve(comment=comment, moderator=ModeratorFactory())
    page.reload()
    assert "Approved" in page.inner_text("#status")
    with page.expect_navigation():
        page.click("#status a")
    assert page.locator(f"#comment-{comment.pk}").count() == 1

    comment.refresh_from_db()
    comment_reject(
        comment=comment,
        moderator=ModeratorFactory(),
        reasons=["personal_attack", "promotion"],
        expected_status=Comment.Status.APPROVED,
    )
    page.goto(status_url)
    status = page.inner_text("#status")
    assert "Not published" in status
    for code in (Guideline.PERSONAL_ATTACK, Guideline.PROMOTION):
        # The same wording as the guidelines on the article page.
        assert f"{code.label}: {GUIDELINE_TEXT[code]}" in status
    assert Guideline.THREAT.label not in status
    content = page.content()
    assert "private.reader" not in content and comment.ip_address not in content
    assert_no_axe_violations(page)

    for wrong in (status_url[:-1] + ("0" if status_url[-1] != "0" else "1"), status_url.split("?")[0]):
        assert page.request.get(wrong).status == 404


# --- Accessibility: axe-core, zero violations ---------------------------------------------------------


@VIEWPORTS
def test_article_page_has_no_axe_violations_before_and_after_posting(open_page, article, viewport):
    page = open_page(article.get_absolute_url(), viewport=viewport)
    assert_no_axe_violations(page)

    fill_form(page)
    submit(page)

    assert page.locator("#posted").count() == 1
    assert_no_axe_violations(page)


@VIEWPORTS
def test_home_page_has_no_axe_violations(open_page, article, viewport):
    page = open_page("/", viewport=viewport)

    assert page.locator(".article-link").count() == 1
    assert_no_axe_violations(page)


# --- Screenshots (make screenshots): the article page at 1280 and 390 px -------------------------------


@VIEWPORTS
def test_article_page_screenshot_fits_the_width(open_page, article, viewport):
    """No sideways scrolling at either width; with SCREENSHOTS_DIR set, a full-page screenshot."""
    page = open_page(article.get_absolute_url(), viewport=viewport)

    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    directory = os.environ.get("SCREENSHOTS_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        path = Path(directory) / f"article-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
