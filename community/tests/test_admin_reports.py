"""The Reported queue in admin: the list with report stats, the review page, uphold and dismiss."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import ReaderReport, ReportResolution
from community.reports import reports_dismiss
from community.tests.factories import ReaderReportFactory
from moderation.models import ModerationDecision
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/community/readerreport/"
APPROVED = Comment.Status.APPROVED


def review(comment) -> str:
    return f"{QUEUE}{comment.pk}/review/"


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mod-admin")


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def reported():
    comment = CommentFactory(status=APPROVED, body="You people are vermin.", author_name="Troll")
    ReaderReportFactory(comment=comment, reason="abuse", note="Dehumanising")
    ReaderReportFactory(comment=comment, reason="abuse")
    ReaderReportFactory(comment=comment, reason="personal_attack")
    return comment


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_only_moderators_see_the_pages(client, reported):
    assert client.get(QUEUE).status_code == 302  # to the login page
    client.force_login(UserFactory(is_staff=True))

    for path in (QUEUE, review(reported), "/admin/community/reportresolution/"):
        assert client.get(path).status_code == 403, path
    assert client.post(review(reported), {"action": "dismiss"}).status_code == 403
    assert not ReportResolution.objects.exists()


def test_the_admin_home_lists_the_reports_for_moderators(mod_client):
    html = mod_client.get("/admin/").content.decode()

    assert 'href="/admin/community/readerreport/"' in html
    # and beside the review queue, in the moderators' own links
    links = html[html.index('id="moderation-links"') :]
    links = links[: links.index("</ul>")]
    assert '<a href="/admin/community/readerreport/">Reported comments</a>' in links


def test_the_queue_lists_comments_by_report_count_with_reasons_notes_and_stats(mod_client, reported):
    once = CommentFactory(status=APPROVED, body="Buy cheap watches")
    ReaderReportFactory(comment=once, reason="promotion")

    response = mod_client.get(QUEUE)

    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r'data-comment="(\d+)"', html)
    assert rows == [str(reported.pk), str(once.pk)]
    assert "You people are vermin." in html and "Dehumanising" in html
    assert "Abuse (2)<" in html and "Personal attacks (1)<" in html
    assert f'href="{review(reported)}"' in html
    assert 'id="report-stats"' in html
    assert re.search(r'id="reports-total">4<', html)
    assert re.search(r'id="open-reports">4<', html)
    assert 'id="reports-per-day"' in html
    assert "reporter" not in html.lower()
    for key in ReaderReport.objects.values_list("reporter_key", flat=True):
        assert key not in html


def test_the_queue_page_takes_the_same_queries_for_few_or_many_rows(mod_client):
    def queries(n):
        for _ in range(n):
            comment = CommentFactory(status=APPROVED)
            ReaderReportFactory(comment=comment, note="why")
            ReaderReportFactory(comment=comment, reason="threat")
        with CaptureQueriesContext(connection) as captured:
            assert mod_client.get(QUEUE).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


def test_the_review_page_pre_ticks_the_reported_reasons(mod_client, reported):
    response = mod_client.get(review(reported))

    assert response.status_code == 200
    html = response.content.decode()
    ticked = set(re.findall(r'<input type="checkbox" name="reasons" value="(\w+)"[^>]*checked', html))
    assert ticked == {"abuse", "personal_attack"}
    assert "3 open reports" in html and "Dehumanising" in html
    assert "Reject (uphold reports)" in html and "Dismiss reports" in html


def test_uphold_from_the_review_page(mod_client, moderator, reported):
    response = mod_client.post(review(reported), {"action": "uphold", "reasons": ["abuse"], "note": "Dehumanising"})

    assert response.status_code == 302 and response["Location"] == QUEUE
    reported.refresh_from_db()
    assert reported.status == Comment.Status.REJECTED
    decision = ModerationDecision.objects.get(comment=reported)
    assert (decision.previous_status, decision.moderator, decision.reasons) == (APPROVED, moderator, ["abuse"])
    resolution = ReportResolution.objects.get()
    assert (resolution.outcome, resolution.decision) == (ReportResolution.Outcome.UPHELD, decision)
    assert ReaderReport.objects.filter(resolution=resolution).count() == 3
    assert messages_of(response) == [f"Comment {reported.pk} rejected; 3 report(s) upheld."]
    assert f'data-comment="{reported.pk}"' not in mod_client.get(QUEUE).content.decode()


def test_dismiss_from_the_review_page(mod_client, reported):
    response = mod_client.post(review(reported), {"action": "dismiss", "note": "Harsh but within the rules"})

    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == APPROVED
    resolution = ReportResolution.objects.get()
    assert (resolution.outcome, resolution.note) == (ReportResolution.Outcome.DISMISSED, "Harsh but within the rules")
    assert "dismissed" in messages_of(response)[0]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "uphold"}, "Choose at least one guideline"),
        ({"action": "uphold", "reasons": ["other"]}, "Explain the reason"),
        ({"action": "shrug"}, "Select a valid choice"),
    ],
)
def test_bad_answers_are_form_errors_and_write_nothing(mod_client, reported, data, error):
    response = mod_client.post(review(reported), data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not ReportResolution.objects.exists()
    reported.refresh_from_db()
    assert reported.status == APPROVED


def test_answering_reports_someone_else_resolved_goes_back_with_a_message(mod_client, reported):
    reports_dismiss(comment=reported, moderator=ModeratorFactory(username="faster"))

    page = mod_client.get(review(reported))
    response = mod_client.post(review(reported), {"action": "uphold", "reasons": ["abuse"]})

    assert 'id="no-open-reports"' in page.content.decode()
    assert "Dismissed" in page.content.decode() and "faster" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert "no open reports" in messages_of(response)[0]
    assert ReportResolution.objects.count() == 1
    reported.refresh_from_db()
    assert reported.status == APPROVED


def test_the_resolution_log_is_read_only(mod_client, reported):
    reports_dismiss(comment=reported, moderator=ModeratorFactory(username="logger"))
    resolution = ReportResolution.objects.get()

    listing = mod_client.get("/admin/community/reportresolution/")
    page = mod_client.get(f"/admin/community/reportresolution/{resolution.pk}/change/")

    assert listing.status_code == 200 and f"Comment {reported.pk}" in listing.content.decode()
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert mod_client.get("/admin/community/reportresolution/add/").status_code == 403
    assert (
        mod_client.post(f"/admin/community/reportresolution/{resolution.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_readers_notes_and_comment_text_are_escaped(mod_client):
    comment = CommentFactory(status=APPROVED, body="<b>bold</b> claim")
    ReaderReportFactory(comment=comment, note='<script>alert("x")</script>')

    for path in (QUEUE, review(comment)):
        html = mod_client.get(path).content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html
        assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
