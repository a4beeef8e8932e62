"""Moderator pages say what they show (issue #12, items 6, 7 and 9): titles, counts, comments named by
their article, reasons by their labels; the reason picker starts with the flagged categories ticked;
the wide lists drop the navigation sidebar; and naming comments by article costs no query per row."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:moderation_reviewqueueitem_changelist")
DECISIONS = reverse("admin:moderation_moderationdecision_changelist")
COMMENTS = reverse("admin:comments_comment_changelist")


@pytest.fixture
def moderator(client):
    user = ModeratorFactory(username="alice")
    client.force_login(user)
    return user


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


def test_a_comment_is_named_by_its_article_title_not_its_id():
    article = ArticleFactory(title="Drones target US base in Syria's Hasaka")
    comment = CommentFactory(article=article, author_name="Crude")

    assert str(comment) == f"Comment {comment.pk} by Crude on “Drones target US base in Syria's Hasaka”"
    long = CommentFactory(article=ArticleFactory(title="A" * 100), author_name="Crude")
    assert str(long).endswith("“" + "A" * 59 + "…”")


def test_list_titles_and_counts_read_as_english(client, moderator):
    CommentFactory.create_batch(2)
    comment_reject(comment=CommentFactory(), moderator=moderator, reasons=["promotion"])

    queue = client.get(QUEUE).content.decode()
    decisions = client.get(DECISIONS).content.decode()
    comments = client.get(COMMENTS).content.decode()

    assert h1(queue) == "Review queue" and "<title>Review queue |" in queue
    assert '<span class="queue-count">2</span> comments to review' in queue
    assert "Select comment to review to view" not in queue and "review queue</" not in queue
    assert h1(decisions) == "Decision log"
    assert h1(comments) == "All comments"
    one = client.get(QUEUE, {"q": CommentFactory(body="the tram timetable").body}).content.decode()
    assert '<span class="queue-count">1</span> comment to review' in one


def test_decision_log_and_history_show_reason_labels_not_codes(client, moderator):
    comment = CommentFactory(article=ArticleFactory(title="Council votes on the library"), author_name="Crude")
    comment_reject(comment=comment, moderator=moderator, reasons=["promotion", "abuse"], note="spam")

    log = client.get(DECISIONS).content.decode()
    history = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    decision = client.get(
        reverse("admin:moderation_moderationdecision_change", args=[comment.decisions.get().pk])
    ).content.decode()

    for html in (log, history, decision):
        assert "Abuse, Commercial or personal promotion" in html
        assert "[&quot;abuse&quot;" not in html and '["abuse"' not in html
    assert f"Comment {comment.pk} by Crude on “Council votes on the library”" in log


def test_decision_log_names_comments_by_article_in_a_constant_number_of_queries(
    client, moderator, django_assert_max_num_queries
):
    def decide(count):
        for _ in range(count):
            comment_reject(comment=CommentFactory(article=ArticleFactory()), moderator=moderator, reasons=["abuse"])

    def queries():
        with django_assert_max_num_queries(12) as captured:
            response = client.get(DECISIONS)
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode().count("Council debates the city budget")

    decide(2)
    few, named = queries()
    decide(20)
    many, named_many = queries()

    assert (named, named_many) == (2, 22)
    assert few == many


def test_reason_picker_starts_with_the_flagged_categories_ticked(client, moderator):
    comment = CommentFactory(flags="|personal_attack|promotion|")

    html = client.get(reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk])).content.decode()

    ticked = re.findall(r'<input type="checkbox" name="reasons" value="(\w+)"[^>]*checked', html)
    assert ticked == ["personal_attack", "promotion"]
    unflagged = CommentFactory(flags="")
    html = client.get(reverse("admin:moderation_reviewqueueitem_change", args=[unflagged.pk])).content.decode()
    assert not re.findall(r'name="reasons"[^>]*checked', html)


def test_approving_ignores_the_ticked_reasons(client, moderator):
    comment = CommentFactory(flags="|promotion|")

    client.post(
        reverse("admin:moderation_reviewqueueitem_decide", args=[comment.pk]),
        {"decision": "approve", "expected_status": "pending", "reasons": ["promotion"]},
    )

    decision = comment.decisions.get()
    assert (decision.verdict, decision.reasons) == ("approved", [])
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_wide_lists_leave_out_the_navigation_sidebar_and_the_queue_has_five_columns(client, moderator):
    pending = CommentFactory(flags="|threat|")
    comment_approve(comment=CommentFactory(), moderator=moderator)

    for url in (QUEUE, DECISIONS, COMMENTS):
        assert 'id="nav-sidebar"' not in client.get(url).content.decode()
    queue = client.get(QUEUE).content.decode()
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', queue)
    assert columns == ["id", "priority_score", "comment", "author_and_article", "submitted_at"]
    assert 'class="flag flag-threat"' in queue
    page = client.get(reverse("admin:moderation_reviewqueueitem_change", args=[pending.pk])).content.decode()
    assert 'id="nav-sidebar"' in page  # elsewhere as Django has it
