"""Which bans cover a commenter (community.standing): by address, domain and IP range, only while in force."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Sanction
from community.sanctions import sanction_create, sanction_lift
from community.standing import commenter_standing, email_domains, matching_ban
from community.tests.factories import SanctionFactory
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return ModeratorFactory()


@pytest.fixture
def ban(moderator):
    def make(kind, value, **kwargs):
        return sanction_create(actor=moderator, kind=kind, value=value, reasons=["abuse"], **kwargs)

    return make


def banned(email="someone@elsewhere.net", ip=None, **kwargs):
    return matching_ban(email=email, ip_address=ip, **kwargs)


@pytest.mark.parametrize("written", ["troll@example.org", "Troll@Example.ORG", "  TROLL@example.org  "])
def test_an_email_ban_matches_whatever_the_case_and_spaces(ban, written):
    made = ban("email", " Troll@Example.org ")

    assert made.value == "troll@example.org"
    assert banned(written) == made


def test_an_email_ban_matches_only_that_address(ban):
    ban("email", "troll@example.org")

    assert banned("troll2@example.org") is None
    assert banned("troll@example.org.evil.net") is None
    assert banned("other@example.org") is None


@pytest.mark.parametrize("email", ["a@example.org", "A@Mail.Example.org", "b@deep.mail.example.org"])
def test_a_domain_ban_covers_the_domain_and_its_sub_domains(ban, email):
    made = ban("domain", "@Example.org")

    assert banned(email) == made


@pytest.mark.parametrize("email", ["a@notexample.org", "a@example.org.evil.net", "a@example.com", "example.org@x.net"])
def test_a_domain_ban_covers_nothing_else(ban, email):
    ban("domain", "example.org")

    assert banned(email) is None


def test_parent_domains_are_read_from_the_address():
    assert email_domains(" A@Mail.Example.org ") == ["mail.example.org", "example.org", "org"]


@pytest.mark.parametrize(
    "ip, covered",
    [
        ("203.0.113.0", True),
        ("203.0.113.128", True),
        ("203.0.113.255", True),
        ("203.0.112.255", False),
        ("203.0.114.0", False),
        ("::ffff:203.0.113.9", True),
        ("::ffff:203.0.114.9", False),
    ],
)
def test_an_ipv4_range_covers_exactly_its_addresses(ban, ip, covered):
    made = ban("ip", "203.0.113.77/24")

    assert made.value == "203.0.113.0/24"
    assert (banned(ip=ip) == made) is covered


@pytest.mark.parametrize(
    "ip, covered",
    [
        ("2001:db8:1::1", True),
        ("2001:db8:1:ffff:ffff:ffff:ffff:ffff", True),
        ("2001:db8:2::", False),
        ("2001:db8:0:ffff:ffff:ffff:ffff:ffff", False),
    ],
)
def test_an_ipv6_range_covers_exactly_its_addresses(ban, ip, covered):
    made = ban("ip", "2001:DB8:1::/48")

    assert made.value == "2001:db8:1::/48"
    assert (banned(ip=ip) == made) is covered


def test_a_single_address_ban_matches_only_that_address_in_either_spelling(ban):
    made = ban("ip", "198.51.100.7")

    assert made.value == "198.51.100.7/32"
    assert banned(ip="198.51.100.7") == made
    assert banned(ip="::ffff:198.51.100.7") == made
    assert banned(ip="198.51.100.6") is None
    assert banned(ip="198.51.100.8") is None


def test_an_ipv4_mapped_range_is_stored_and_matched_as_ipv4(ban):
    made = ban("ip", "::ffff:198.51.100.0/120")

    assert made.value == "198.51.100.0/24"
    assert banned(ip="198.51.100.200") == made
    assert banned(ip="198.51.101.1") is None


def test_an_ipv6_ban_never_covers_ipv4_and_the_reverse(ban):
    ban("ip", "2001:db8::/32")
    ban("ip", "192.0.2.0/24")

    assert banned(ip="192.0.3.1") is None
    assert banned(ip="2001:db9::1") is None


def test_a_malformed_or_missing_ip_address_matches_no_ip_ban_but_the_email_still_counts(ban):
    ban("ip", "192.0.2.0/24")
    made = ban("email", "troll@example.org")

    assert banned(ip="not-an-ip") is None
    assert banned(ip="") is None
    assert banned("troll@example.org", ip="not-an-ip") == made


def test_an_expired_ban_no_longer_matches():
    SanctionFactory(value="troll@example.org", expires_at=timezone.now() - timedelta(seconds=1))

    assert banned("troll@example.org") is None


def test_a_ban_with_an_expiry_matches_until_then(ban):
    ends = timezone.now() + timedelta(days=1)
    made = ban("email", "troll@example.org", expires_at=ends)

    assert banned("troll@example.org") == made
    assert banned("troll@example.org", now=ends - timedelta(seconds=1)) == made
    assert banned("troll@example.org", now=ends) is None


def test_a_lifted_ban_no_longer_matches(ban, moderator):
    made = ban("ip", "192.0.2.0/24")
    sanction_lift(sanction=made, actor=moderator)

    assert banned(ip="192.0.2.1") is None


def test_the_newest_ban_in_force_is_the_one_named(ban):
    older = SanctionFactory(
        kind=Sanction.Kind.DOMAIN, value="example.org", created_at=timezone.now() - timedelta(days=2)
    )
    newer = ban("email", "troll@example.org")

    assert banned("troll@example.org") == newer
    assert banned("other@example.org") == older


def test_standing_says_banned_and_names_the_ban(ban):
    made = ban("email", "troll@example.org")

    standing = commenter_standing(email="troll@example.org", ip_address="192.0.2.1")
    clean = commenter_standing(email="fine@example.org", ip_address="192.0.2.1")

    assert (standing.banned, standing.ban) == (True, made)
    assert (clean.banned, clean.ban) == (False, None)


def test_standing_takes_two_queries_whatever_the_number_of_bans(ban, django_assert_num_queries):
    for n in range(20):
        ban("email", f"troll{n}@example.org")
        ban("ip", f"10.{n}.0.0/16")

    with django_assert_num_queries(2):
        commenter_standing(email="troll3@example.org", ip_address="10.4.1.1")
