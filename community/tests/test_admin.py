"""The "Commenter history" panel on a comment's admin page and the commenter badges in the review queue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.tests.factories import CommentFactory
from moderation.services import comment_reject
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:moderation_reviewqueueitem_changelist")


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def moderator(client):
    user = ModeratorFactory()
    client.force_login(user)
    return user


def test_comment_page_shows_the_commenter_history(client, moderator):
    comment = CommentFactory(author_email="ann@example.org", ip_address="198.51.100.4")
    rejected = CommentFactory(
        author_email="ANN@example.org",
        body="Earlier <b>rude</b> words",
        submitted_at=ago(days=2),
        ip_address="192.0.2.1",
    )
    comment_reject(comment=rejected, moderator=moderator, reasons=["abuse"])
    CommentFactory(author_email="ann@example.org", submitted_at=ago(days=1), ip_address="192.0.2.1")
    sock = CommentFactory(
        author_email="sock@example.org", author_name="Sock", ip_address="198.51.100.4", submitted_at=ago(hours=1)
    )

    for url in (
        reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk]),
        reverse("admin:comments_comment_change", args=[comment.pk]),
    ):
        html = client.get(url).content.decode()

        assert "Commenter history" in html
        assert '<span class="history-approved">0 approved</span>' in html
        assert '<span class="history-rejected">1 rejected</span>' in html
        assert '<span class="history-pending">1 pending</span>' in html
        assert '<span class="history-rate">100%</span>' in html
        assert reverse("admin:comments_comment_change", args=[rejected.pk]) in html
        assert "Earlier &lt;b&gt;rude&lt;/b&gt; words" in html and "<b>rude</b>" not in html
        assert "<td>Abuse</td>" in html
        by_ip = html.split('id="history-by-ip"')[1]
        assert reverse("admin:comments_comment_change", args=[sock.pk]) in by_ip
        assert "sock@example.org" in by_ip
        assert reverse("admin:comments_comment_change", args=[rejected.pk]) not in by_ip


def test_a_new_commenter_is_said_to_be_one(client, moderator):
    comment = CommentFactory(ip_address=None)

    html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()

    assert "No other comments from this address: a new commenter." in html
    assert "The IP address is not known." in html


def test_non_moderators_never_see_the_history(client):
    comment = CommentFactory(author_email="ann@example.org")
    CommentFactory(author_email="ann@example.org", submitted_at=ago(days=1))
    client.force_login(UserFactory(is_staff=True))

    for url in (
        reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk]),
        reverse("admin:comments_comment_change", args=[comment.pk]),
        QUEUE,
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Commenter history" not in response.content.decode()


def test_queue_rows_carry_a_commenter_badge(client, moderator):
    new = CommentFactory(author_email="new@example.org")
    for n in range(3):
        old = CommentFactory(author_email="Troll@example.org", submitted_at=ago(days=n + 1))
        if n:
            comment_reject(comment=old, moderator=moderator, reasons=["abuse"])
    troll = CommentFactory(author_email="troll@example.org")

    response = client.get(QUEUE)
    html = response.content.decode()
    badges = {c.pk: c.commenter_badge.label for c in response.context["cl"].result_list}

    assert badges[new.pk] == "new commenter" and badges[troll.pk] == "2 of 3 rejected"
    assert '<span class="commenter-badge commenter-new">new commenter</span>' in html
    assert '<span class="commenter-badge commenter-rejected">2 of 3 rejected</span>' in html


def test_queue_with_badges_runs_the_same_queries_for_2_and_20_rows(client, moderator, django_assert_max_num_queries):
    def make(count, offset):
        for n in range(count):
            author = f"reader{(n + offset) % 5}@example.org"
            CommentFactory(author_email=author, article=ArticleFactory(), submitted_at=ago(days=n + 1))
            CommentFactory(author_email=author.upper(), article=ArticleFactory())

    def queries():
        with django_assert_max_num_queries(13) as captured:  # the badges: counts, trust, bans
            response = client.get(QUEUE)
        assert response.status_code == 200
        rows = response.context["cl"].result_list
        assert all(c.commenter_badge is not None for c in rows)
        return len(captured.captured_queries), len(rows)

    make(1, 0)
    few, shown = queries()
    make(9, 1)
    many, shown_many = queries()

    assert (shown, shown_many) == (2, 20)
    assert few == many
