"""commenter_history and commenter_badges: what they count and list, and in how many queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.selectors import commenter_badges, commenter_history, normalised_email
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def moderator():
    return ModeratorFactory()


def test_normalised_email_is_trimmed_and_lower_case():
    assert normalised_email("  Ann.Reader@Example.ORG ") == "ann.reader@example.org"


def test_history_lists_the_authors_other_comments_newest_first_case_insensitively(moderator):
    oldest = CommentFactory(author_email="ann@example.org", submitted_at=ago(days=9))
    middle = CommentFactory(author_email="ANN@Example.org", submitted_at=ago(days=5))
    newest = CommentFactory(author_email="Ann@example.ORG", submitted_at=ago(days=1))
    CommentFactory(author_email="bob@example.org", submitted_at=ago(days=2))  # someone else
    comment = CommentFactory(author_email="ann@EXAMPLE.org", submitted_at=ago(days=3))

    history = commenter_history(comment=comment)

    assert [e.id for e in history.comments] == [newest.pk, middle.pk, oldest.pk]  # the comment itself left out
    assert history.email == "ann@example.org"
    assert history.first_seen == oldest.submitted_at


def test_history_counts_statuses_rate_and_reasons_of_the_latest_decision(moderator):
    comment = CommentFactory(author_email="ann@example.org")
    approved = CommentFactory(author_email="ann@example.org", submitted_at=ago(hours=5))
    rejected = CommentFactory(author_email="ann@example.org", submitted_at=ago(hours=4))
    reversed_ = CommentFactory(author_email="ann@example.org", submitted_at=ago(hours=3))
    pending = CommentFactory(author_email="ann@example.org", submitted_at=ago(hours=2))
    comment_approve(comment=approved, moderator=moderator)
    comment_reject(comment=rejected, moderator=moderator, reasons=["abuse", "threat"])
    comment_reject(comment=reversed_, moderator=moderator, reasons=["profanity"])
    comment_approve(comment=reversed_, moderator=moderator, expected_status="rejected")
    comment_reject(comment=reversed_, moderator=moderator, reasons=["promotion"], expected_status="approved")
    comment_reject(comment=comment, moderator=moderator, reasons=["abuse"])  # itself: not counted

    history = commenter_history(comment=comment)

    assert (history.approved, history.rejected, history.pending, history.total) == (1, 2, 1, 4)
    assert history.rejection_rate == pytest.approx(2 / 3, abs=1e-4)
    by_id = {e.id: e for e in history.comments}
    assert by_id[rejected.pk].reasons == ["abuse", "threat"]
    assert by_id[reversed_.pk].reasons == ["promotion"]  # the latest decision's, not the first one's
    assert by_id[approved.pk].reasons == [] and by_id[pending.pk].reasons == []
    assert [by_id[pk].status for pk in (approved.pk, rejected.pk, pending.pk)] == ["approved", "rejected", "pending"]


def test_history_of_a_new_commenter_is_empty_with_no_rate():
    comment = CommentFactory(author_email="new@example.org")

    history = commenter_history(comment=comment)

    assert (history.total, history.comments, history.rejection_rate) == (0, [], None)
    assert history.first_seen == comment.submitted_at


def test_history_list_is_limited_and_says_how_many_more():
    comment = CommentFactory(author_email="busy@example.org")
    others = [CommentFactory(author_email="busy@example.org", submitted_at=ago(minutes=n + 1)) for n in range(5)]

    history = commenter_history(comment=comment, limit=3)

    assert [e.id for e in history.comments] == [c.pk for c in others[:3]]
    assert (history.total, history.more) == (5, 2)


def test_same_ip_lists_recent_comments_from_the_address_newest_first(settings):
    settings.COMMUNITY_SAME_IP_DAYS = 7
    comment = CommentFactory(ip_address="198.51.100.4", author_email="ann@example.org")
    recent = CommentFactory(ip_address="198.51.100.4", author_email="sock@example.org", submitted_at=ago(days=2))
    newer = CommentFactory(ip_address="198.51.100.4", author_email="ann@example.org", submitted_at=ago(hours=1))
    CommentFactory(ip_address="198.51.100.4", submitted_at=ago(days=8))  # outside the window
    CommentFactory(ip_address="198.51.100.5")  # another address

    history = commenter_history(comment=comment)

    assert [e.id for e in history.same_ip] == [newer.pk, recent.pk]
    assert history.same_ip[1].author_email == "sock@example.org"
    assert (history.ip_address, history.same_ip_days) == ("198.51.100.4", 7)


def test_same_ip_is_empty_without_an_address():
    CommentFactory(ip_address=None)
    comment = CommentFactory(ip_address=None)

    assert commenter_history(comment=comment).same_ip == []


def test_history_runs_three_queries(django_assert_num_queries):
    comment = CommentFactory(author_email="ann@example.org")
    CommentFactory.create_batch(5, author_email="ann@example.org")

    with django_assert_num_queries(3):
        commenter_history(comment=comment)


def test_badges_say_new_commenter_and_n_of_m_rejected(moderator):
    first = CommentFactory(author_email="first@example.org")
    veteran_old = CommentFactory(author_email="vet@example.org", submitted_at=ago(days=3))
    veteran = CommentFactory(author_email="vet@example.org")
    troll = [CommentFactory(author_email="Troll@example.org", submitted_at=ago(days=n + 1)) for n in range(4)]
    for c in troll[:3]:
        comment_reject(comment=c, moderator=moderator, reasons=["abuse"])
    troll_now = CommentFactory(author_email="troll@EXAMPLE.org")
    comment_approve(comment=veteran_old, moderator=moderator)

    badges = commenter_badges(comments=[first, veteran, troll_now, troll[3]])

    assert badges[first.pk].label == "new commenter"
    assert badges[veteran.pk].label == ""  # earlier comments, none rejected
    assert badges[troll_now.pk].label == "3 of 4 rejected"
    assert badges[troll[3].pk].label == "3 of 4 rejected"
    assert commenter_badges(comments=[veteran_old])[veteran_old.pk].label == "new commenter"  # nothing earlier


def test_a_rejected_comment_does_not_count_itself(moderator):
    comment = CommentFactory(author_email="ann@example.org")
    CommentFactory(author_email="ann@example.org", submitted_at=ago(days=1))
    comment_reject(comment=comment, moderator=moderator, reasons=["abuse"])

    badge = commenter_badges(comments=[Comment.objects.get(pk=comment.pk)])[comment.pk]

    assert badge.label == ""  # its one other comment is not rejected


def test_badges_take_three_queries_for_any_number_of_rows(django_assert_num_queries):
    comments = [CommentFactory(author_email=f"reader{n % 7}@example.org") for n in range(20)]

    with django_assert_num_queries(3):  # counts per address, trusted addresses, bans covering the page
        badges = commenter_badges(comments=comments)
    with django_assert_num_queries(0):
        assert commenter_badges(comments=[]) == {}

    assert set(badges) == {c.pk for c in comments}
