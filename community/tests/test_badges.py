"""The review queue's commenter badges with trust and bans: which badge wins, and a constant number of queries."""

import ipaddress
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.tests.factories import CommentFactory
from community.models import Sanction, SanctionLift, ip_key
from community.selectors import commenter_badges
from community.tests.factories import SanctionFactory
from community.trust import trust_grant, trust_revoke
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:moderation_reviewqueueitem_changelist")


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def moderator():
    return ModeratorFactory()


def ip_ban(network: str, **kwargs) -> Sanction:
    net = ipaddress.ip_network(network)
    return SanctionFactory(
        kind=Sanction.Kind.IP, value=str(net), ip_first=ip_key(net[0]), ip_last=ip_key(net[-1]), **kwargs
    )


def history(email, moderator, *, approved=0, rejected=0):
    for n in range(approved):
        comment_approve(comment=CommentFactory(author_email=email, submitted_at=ago(days=n + 1)), moderator=moderator)
    for n in range(rejected):
        comment_reject(
            comment=CommentFactory(author_email=email, submitted_at=ago(days=n + 20)),
            moderator=moderator,
            reasons=["abuse"],
        )


def badge_of(comment):
    return commenter_badges(comments=[comment])[comment.pk]


def test_a_trusted_commenter_is_badged_trusted(moderator):
    history("reg@example.org", moderator, approved=2)
    comment = CommentFactory(author_email="Reg@Example.org")
    assert badge_of(comment).kind == ""

    trust_grant(email="reg@example.org", actor=moderator)
    assert (badge_of(comment).kind, badge_of(comment).label) == ("trusted", "trusted")

    trust_revoke(email="reg@example.org", actor=moderator)
    assert badge_of(comment).kind == ""


def test_trust_on_a_first_comment_says_trusted_not_new(moderator):
    comment = CommentFactory(author_email="staff.writer@example.org")
    assert badge_of(comment).kind == "new"

    trust_grant(email="staff.writer@example.org", actor=moderator)

    assert badge_of(comment).kind == "trusted"


@pytest.mark.parametrize(
    "ban, covered",
    [
        (lambda: SanctionFactory(kind=Sanction.Kind.EMAIL, value="troll@example.org"), {"v6"}),
        (lambda: SanctionFactory(kind=Sanction.Kind.DOMAIN, value="example.org"), {"v6", "v4"}),
        (lambda: ip_ban("198.51.100.0/24"), {"v4"}),
        (lambda: ip_ban("2001:db8::/32"), {"v6"}),
    ],
    ids=["email", "parent domain", "IPv4 range", "IPv6 range"],
)
def test_a_ban_in_force_badges_banned_by_address_domain_or_ip(ban, covered):
    comments = {
        "v6": CommentFactory(author_email="TROLL@example.org", ip_address="2001:db8::5"),
        "v4": CommentFactory(author_email="troll@mail.example.org", ip_address="198.51.100.7"),
        "bystander": CommentFactory(author_email="ann@other.example", ip_address="192.0.2.1"),
    }
    made = ban()

    badges = commenter_badges(comments=comments.values())

    assert {name for name, c in comments.items() if badges[c.pk].kind == "banned"} == covered
    for name in covered:
        assert (badges[comments[name].pk].ban_id, badges[comments[name].pk].label) == (made.pk, "banned")


def test_a_lifted_or_expired_ban_badges_nothing(moderator):
    comment = CommentFactory(author_email="troll@example.org", ip_address="198.51.100.7")
    lifted = SanctionFactory(kind=Sanction.Kind.EMAIL, value="troll@example.org")
    SanctionLift.objects.create(sanction=lifted, lifted_by=moderator, lifted_at=timezone.now())
    ip_ban("198.51.100.0/24", expires_at=ago(minutes=1))

    assert badge_of(comment).kind == "new"


def test_the_newest_covering_ban_is_named():
    comment = CommentFactory(author_email="troll@example.org", ip_address="198.51.100.7")
    SanctionFactory(kind=Sanction.Kind.DOMAIN, value="example.org", created_at=ago(days=2))
    newest = ip_ban("198.51.100.7/32", created_at=ago(days=1))

    assert badge_of(comment).ban_id == newest.pk


def test_warnings_outrank_reassurance(settings, moderator):
    """banned > N of M rejected > trusted > trust suggested > new commenter."""
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 2
    history("mixed@example.org", moderator, approved=3, rejected=1)
    trust_grant(email="mixed@example.org", actor=moderator)
    mixed = CommentFactory(author_email="mixed@example.org")
    assert (badge_of(mixed).kind, badge_of(mixed).label) == ("rejected", "1 of 4 rejected")

    SanctionFactory(kind=Sanction.Kind.EMAIL, value="mixed@example.org")
    assert badge_of(mixed).kind == "banned"

    history("good@example.org", moderator, approved=2)
    good = CommentFactory(author_email="good@example.org")
    assert (badge_of(good).kind, badge_of(good).label) == ("suggested", "trust suggested")
    trust_grant(email="good@example.org", actor=moderator)
    assert badge_of(good).kind == "trusted"


def test_trust_suggestion_needs_the_threshold_and_no_rejection(settings, moderator):
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 3
    history("almost@example.org", moderator, approved=2)
    almost = CommentFactory(author_email="almost@example.org")
    assert badge_of(almost).kind == ""

    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 0  # suggestions off
    history("many@example.org", moderator, approved=5)
    assert badge_of(CommentFactory(author_email="many@example.org")).kind == ""


# --- The queue page --------------------------------------------------------------------------------------


@pytest.fixture
def logged_in(client, moderator):
    client.force_login(moderator)
    return client


def test_queue_shows_trusted_banned_and_suggested_badges(logged_in, moderator, settings):
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 1
    trust_grant(email="reg@example.org", actor=moderator)
    trusted = CommentFactory(author_email="reg@example.org")
    SanctionFactory(kind=Sanction.Kind.DOMAIN, value="spam.example")
    banned = CommentFactory(author_email="x@spam.example")
    history("good@example.org", moderator, approved=1)
    suggested = CommentFactory(author_email="good@example.org")

    response = logged_in.get(QUEUE)
    html = response.content.decode()
    kinds = {c.pk: c.commenter_badge.kind for c in response.context["cl"].result_list}

    assert kinds[trusted.pk] == "trusted" and kinds[banned.pk] == "banned" and kinds[suggested.pk] == "suggested"
    assert '<span class="commenter-badge commenter-trusted">trusted</span>' in html
    assert '<span class="commenter-badge commenter-banned">banned</span>' in html
    assert '<span class="commenter-badge commenter-suggested">trust suggested</span>' in html


def test_queue_with_trusted_and_banned_authors_runs_the_same_queries_for_3_and_30_rows(
    logged_in, moderator, django_assert_max_num_queries
):
    def make(count, offset):
        for n in range(offset, offset + count):
            email = f"reader{n}@example.org"
            if n % 3 == 0:
                trust_grant(email=email, actor=moderator)
            elif n % 3 == 1:
                SanctionFactory(kind=Sanction.Kind.EMAIL, value=email)
            else:
                ip_ban(f"203.0.113.{n}/32")
            if n % 5 == 0:
                comment_reject(
                    comment=CommentFactory(author_email=email, submitted_at=ago(days=3)),
                    moderator=moderator,
                    reasons=["abuse"],
                )
            CommentFactory(author_email=email, ip_address=f"203.0.113.{n}", article=ArticleFactory())

    def queries():
        with django_assert_max_num_queries(13) as captured:
            response = logged_in.get(QUEUE)
        assert response.status_code == 200
        rows = response.context["cl"].result_list
        return len(captured.captured_queries), [c.commenter_badge.kind for c in rows]

    make(3, 0)
    few, kinds_few = queries()
    make(27, 3)
    many, kinds_many = queries()

    assert (len(kinds_few), len(kinds_many)) == (3, 30)
    assert {"trusted", "banned", "rejected"} <= set(kinds_many)
    assert kinds_many.count("banned") == 20  # two in three are banned, by address or by IP
    assert few == many
