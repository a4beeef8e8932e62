"""The reader's report page (/comments/<id>/report/) and the Report link on the article page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import ReaderReport
from community.reports import reporter_key, reports_dismiss
from community.tests.factories import ReaderReportFactory
from moderation.guidelines import GUIDELINE_TEXT, Guideline
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

APPROVED = Comment.Status.APPROVED
READER_IP = "198.51.100.23"


@pytest.fixture
def approved():
    return CommentFactory(status=APPROVED, author_name="Kemal", body="The council hid the report.")


@pytest.fixture
def reader():
    return Client(REMOTE_ADDR=READER_IP)


def url(comment_or_pk) -> str:
    return f"/comments/{getattr(comment_or_pk, 'pk', comment_or_pk)}/report/"


def test_the_report_page_shows_the_comment_and_every_guideline(reader, approved):
    response = reader.get(url(approved))

    assert response.status_code == 200
    html = response.content.decode()
    assert "The council hid the report." in html and "Kemal" in html
    assert "<fieldset" in html and "<legend>Which guideline does the comment break?" in html
    for code in Guideline.values:
        assert f'id="reason-{code}"' in html and f'for="reason-{code}"' in html
    assert GUIDELINE_TEXT[Guideline.THREAT] in html
    assert "csrfmiddlewaretoken" in html
    assert 'name="robots" content="noindex, nofollow"' in html


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED])
def test_comments_that_are_not_approved_are_not_found_like_unknown_ids(reader, status):
    hidden = CommentFactory(status=status, body="Secret pending words")
    unknown = reader.get(url(999_999))

    for method in (reader.get, reader.post):
        response = method(url(hidden), {"reason": "abuse"}) if method == reader.post else method(url(hidden))
        assert response.status_code == 404
        assert b"Secret pending words" not in response.content
        assert response.content == unknown.content
    assert not ReaderReport.objects.exists()


def test_a_comment_on_an_unpublished_article_is_not_found(reader, approved):
    approved.article.published_at = timezone.now() + timedelta(days=1)
    approved.article.save()

    assert reader.get(url(approved)).status_code == 404


def test_reporting_stores_the_report_and_thanks_the_reader(reader, approved):
    response = reader.post(url(approved), {"reason": "personal_attack", "note": "Calls the mayor an idiot."})

    assert response.status_code == 302
    assert response["Location"] == f"/comments/{approved.pk}/report/thanks/"
    report = ReaderReport.objects.get()
    assert (report.comment, report.reason, report.note) == (approved, "personal_attack", "Calls the mayor an idiot.")
    assert report.reporter_key == reporter_key(ip_address=READER_IP)
    thanks = reader.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you for your report" in thanks.content.decode()
    assert f"#comment-{approved.pk}" in thanks.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "reason", "Choose the guideline the comment breaks."),
        ({"reason": "rudeness"}, "reason", "Select a valid choice"),
        ({"reason": "other", "note": "  "}, "note", "when you choose"),
        ({"reason": "abuse", "note": "x" * 501}, "note", "at most 500 characters"),
        ({"reason": "abuse", "note": "a\x07b"}, "note", "control characters"),
        ({"reason": "abuse", "note": "a\x00b"}, "note", "Null characters"),
    ],
)
def test_bad_input_is_a_form_error_with_400(reader, approved, data, field, message):
    response = reader.post(url(approved), data)

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert 'role="alert"' in response.content.decode()
    assert not ReaderReport.objects.exists()


def test_the_chosen_reason_and_note_are_kept_on_error(reader, approved):
    response = reader.post(url(approved), {"reason": "other", "note": "x" * 501})

    html = response.content.decode()
    assert re.search(r'value="other" id="reason-other"[^>]*checked', html)
    assert not re.search(r'value="abuse" id="reason-abuse"[^>]*checked', html)
    assert "x" * 501 in html


def test_a_second_report_from_the_same_reader_is_a_friendly_409(reader, approved):
    assert reader.post(url(approved), {"reason": "abuse"}).status_code == 302

    again = reader.post(url(approved), {"reason": "threat"})

    assert again.status_code == 409
    assert "You have already reported this comment" in again.content.decode()
    assert ReaderReport.objects.count() == 1
    other_reader = Client(REMOTE_ADDR="198.51.100.24")
    assert other_reader.post(url(approved), {"reason": "threat"}).status_code == 302


def test_the_rate_limit_is_a_429_page_and_only_stored_reports_count(settings, reader):
    settings.COMMUNITY_REPORT_RATE = "2/hour"
    comments = [CommentFactory(status=APPROVED) for _ in range(4)]

    for _ in range(3):  # invalid posts do not count ...
        assert reader.post(url(comments[0]), {}).status_code == 400
    assert reader.post(url(comments[0]), {"reason": "abuse"}).status_code == 302
    assert reader.post(url(comments[0]), {"reason": "abuse"}).status_code == 409  # ... nor repeated reports
    assert reader.post(url(comments[1]), {"reason": "abuse"}).status_code == 302
    limited = reader.post(url(comments[2]), {"reason": "abuse"})

    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "try again in" in limited.content.decode()
    assert ReaderReport.objects.count() == 2
    # The limit is per address: another reader still reports.
    assert Client(REMOTE_ADDR="203.0.113.50").post(url(comments[2]), {"reason": "abuse"}).status_code == 302


def test_posting_needs_the_csrf_token(approved):
    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR=READER_IP)

    assert strict.post(url(approved), {"reason": "abuse"}).status_code == 403
    assert not ReaderReport.objects.exists()


def test_without_an_address_the_reader_is_their_session(settings, approved):
    settings.TRUSTED_PROXY_COUNT = 0
    reader = Client(REMOTE_ADDR="not-an-address")

    assert reader.post(url(approved), {"reason": "abuse"}).status_code == 302
    assert reader.post(url(approved), {"reason": "abuse"}).status_code == 409
    assert Client(REMOTE_ADDR="not-an-address").post(url(approved), {"reason": "abuse"}).status_code == 302
    assert ReaderReport.objects.count() == 2


def test_the_article_page_has_a_report_link_per_approved_comment(reader, approved):
    pending = CommentFactory(article=approved.article, status=Comment.Status.PENDING)

    html = reader.get(approved.article.get_absolute_url()).content.decode()

    assert f'href="/comments/{approved.pk}/report/" rel="nofollow"' in html
    assert f"/comments/{pending.pk}/report/" not in html
    assert 'Report<span class="visually-hidden"> the comment by Kemal</span>' in html


def test_public_pages_never_show_reports_notes_or_counts(reader, approved):
    for n in range(3):
        ReaderReportFactory(comment=approved, reason="abuse", note=f"SECRET-NOTE-{n}")
    moderator = ModeratorFactory()
    reports_dismiss(comment=approved, moderator=moderator, note="SECRET-RESOLUTION")
    ReaderReportFactory(comment=approved, reason="threat", note="SECRET-NOTE-open")

    pages = [
        reader.get(approved.article.get_absolute_url()),
        reader.get(url(approved)),
        reader.get(f"/comments/{approved.pk}/report/thanks/"),
        reader.post(url(approved), {"reason": "abuse"}, follow=True),
    ]

    for page in pages:
        html = page.content.decode()
        assert "SECRET" not in html
        assert "dismiss" not in html.lower()
        assert "reporter" not in html.lower()
        assert " 3 report" not in html and " 4 report" not in html and " 5 report" not in html
