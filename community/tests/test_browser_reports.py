"""A reader's report in a real Chromium, from the article page to a moderator's decision (issue 13):
the Report link, the report page (accessible: axe-core, at desktop and phone widths), the thanks page,
then the Reported queue in admin, where a moderator upholds the report and the comment leaves the page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import ReaderReport, ReportResolution
from community.tests.factories import ReaderReportFactory
from config.tests.browser import DESKTOP, PHONE, axe_violations
from moderation.tests.factories import ModeratorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])


@pytest.fixture
def article():
    article = ArticleFactory(title="Council budget vote delayed")
    CommentFactory(
        article=article, author_name="Mira", body="A fair summary of the debate.", status=Comment.Status.APPROVED
    )
    return article


@pytest.fixture
def offensive(article):
    return CommentFactory(
        article=article,
        author_name="Troll",
        body="Everyone on that council is subhuman filth.",
        status=Comment.Status.APPROVED,
    )


def click_and_wait(page, selector: str):
    with page.expect_navigation():
        page.click(selector)


def report_from_the_article_page(page, comment):
    click_and_wait(page, f"#comment-{comment.pk} .report-link")
    assert page.url.endswith(f"/comments/{comment.pk}/report/")
    assert axe_violations(page) == []
    # Sent without a reason: the page says what is missing, and stays accessible.
    click_and_wait(page, ".report-form button[type=submit]")
    assert "Choose the guideline the comment breaks." in page.inner_text(".report-reasons")
    assert axe_violations(page) == []
    page.click("label[for=reason-abuse]")
    page.fill("#id_note", "Calls people subhuman.")
    click_and_wait(page, ".report-form button[type=submit]")
    assert page.inner_text("h1") == "Thank you for your report"
    assert axe_violations(page) == []


@VIEWPORTS
def test_a_reader_reports_a_comment_from_the_article_page(open_page, article, offensive, viewport):
    page = open_page(article.get_absolute_url(), viewport=viewport)
    link = page.locator(f"#comment-{offensive.pk} .report-link")
    assert link.is_visible()
    box = link.bounding_box()
    assert box["height"] >= 24  # WCAG 2.5.8 target size

    report_from_the_article_page(page, offensive)

    report = ReaderReport.objects.get()
    assert (report.comment_id, report.reason, report.note) == (offensive.pk, "abuse", "Calls people subhuman.")
    click_and_wait(page, "main a[href*='#comment-']")
    assert page.locator(f"#comment-{offensive.pk}").is_visible()


def test_a_report_flows_to_a_moderators_uphold_and_the_comment_leaves_the_page(open_page, article, offensive):
    ModeratorFactory(username="desk-mod", password="pw-for-tests-1")
    reader = open_page(article.get_absolute_url())
    report_from_the_article_page(reader, offensive)

    moderator = open_page("/admin/login/?next=/admin/community/readerreport/")
    moderator.fill("#id_username", "desk-mod")
    moderator.fill("#id_password", "pw-for-tests-1")
    click_and_wait(moderator, "input[type=submit]")
    assert moderator.url.endswith("/admin/community/readerreport/")
    assert "subhuman filth" in moderator.inner_text(f"#reported-{offensive.pk}")
    assert "Calls people subhuman." in moderator.inner_text(f"#reported-{offensive.pk}")
    click_and_wait(moderator, f"#reported-{offensive.pk} .review-link")
    assert moderator.is_checked("input[name=reasons][value=abuse]")  # pre-ticked: what the reader reported
    assert not moderator.is_checked("input[name=reasons][value=threat]")
    click_and_wait(moderator, "button[value=uphold]")

    assert moderator.url.endswith("/admin/community/readerreport/")
    assert f"Comment {offensive.pk} rejected; 1 report(s) upheld." in moderator.inner_text(".messagelist")
    offensive.refresh_from_db()
    assert offensive.status == Comment.Status.REJECTED
    assert ReportResolution.objects.get().outcome == ReportResolution.Outcome.UPHELD

    reader.goto(article.get_absolute_url())
    assert reader.locator(f"#comment-{offensive.pk}").count() == 0
    assert "subhuman filth" not in reader.content()
    assert "A fair summary of the debate." in reader.content()


# --- Screenshots (make screenshots): the report page and the Reported queue at 1280 and 390 px ---------


def _fits_and_shoot(page, viewport, name):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    directory = os.environ.get("SCREENSHOTS_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        path = Path(directory) / f"{name}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0


@VIEWPORTS
def test_report_page_screenshot_fits_the_width(open_page, offensive, viewport):
    page = open_page(f"/comments/{offensive.pk}/report/", viewport=viewport)

    _fits_and_shoot(page, viewport, "report")


def test_reported_queue_screenshot_fits_the_width(open_page, offensive):
    ReaderReportFactory(comment=offensive, reason="abuse", note="Calls people subhuman.")
    ReaderReportFactory(comment=offensive, reason="personal_attack")
    ReaderReportFactory(
        comment=CommentFactory(article=offensive.article, status=Comment.Status.APPROVED), reason="promotion"
    )
    ModeratorFactory(username="shot-mod", password="pw-for-tests-1")
    page = open_page("/admin/login/?next=/admin/community/readerreport/")
    page.fill("#id_username", "shot-mod")
    page.fill("#id_password", "pw-for-tests-1")
    click_and_wait(page, "input[type=submit]")

    _fits_and_shoot(page, DESKTOP, "reported-queue")
