"""The ban services (permission, validation, one active ban per value, audit rows, signals) and their selectors."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import CommunityLogIsAppendOnly, Sanction, SanctionLift
from community.sanctions import (
    SanctionAlreadyLifted,
    SanctionExists,
    SanctionExpired,
    State,
    ban_targets,
    bans_covering,
    sanction_create,
    sanction_create_from_comment,
    sanction_created,
    sanction_detail,
    sanction_lift,
    sanction_lifted,
    sanction_state,
    sanctions_list,
)
from community.tests.factories import SanctionFactory
from moderation.models import ModerationDecision
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mod")


def create(actor, kind="email", value="troll@example.org", reasons=("abuse",), **kwargs):
    return sanction_create(actor=actor, kind=kind, value=value, reasons=list(reasons), **kwargs)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- sanction_create --------------------------------------------------------------------------------------


def test_a_ban_records_who_when_why_and_the_normalised_value(moderator):
    before = timezone.now()
    ends = timezone.now() + timedelta(days=7)

    made = create(
        moderator,
        value="  Troll@Example.org ",
        reasons=["threat", "abuse", "abuse"],
        note=" spam wave ",
        expires_at=ends,
    )

    stored = Sanction.objects.get()
    assert stored == made
    assert (stored.kind, stored.value, stored.reasons, stored.note) == (
        "email",
        "troll@example.org",
        ["abuse", "threat"],
        "spam wave",
    )
    assert stored.created_by == moderator
    assert before <= stored.created_at <= timezone.now()
    assert stored.expires_at == ends
    assert (stored.ip_first, stored.ip_last, stored.comment) == ("", "", None)


def test_an_ip_ban_stores_its_range_keys(moderator):
    made = create(moderator, kind="ip", value="192.0.2.130/25")

    assert made.value == "192.0.2.128/25"
    assert made.ip_first == "00000000000000000000ffffc0000280"
    assert made.ip_last == "00000000000000000000ffffc00002ff"


@pytest.mark.parametrize(
    "user",
    [
        lambda: UserFactory(),
        lambda: UserFactory(is_staff=True),
        lambda: ModeratorFactory(is_active=False),
    ],
)
def test_only_active_moderators_may_ban(user):
    with pytest.raises(PermissionDenied):
        create(user())

    assert not Sanction.objects.exists()


def test_a_user_granted_the_moderation_permission_directly_may_ban():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="moderate_comment"))

    assert create(user).created_by == user


@pytest.mark.parametrize(
    "kind, value, field, words",
    [
        ("email", "not-an-address", "value", "valid email"),
        ("email", "", "value", "Give the address"),
        ("email", "a@b.org\x00", "value", "NUL"),
        ("domain", "com", "value", ""),
        ("domain", "localhost", "value", "too broad"),
        ("domain", "bad domain.org", "value", "domain name"),
        ("domain", "a@example.org", "value", "domain name"),
        ("ip", "300.1.1.1", "value", "IP address or a CIDR"),
        ("ip", "10.0.0.0/15", "value", "/16"),
        ("ip", "0.0.0.0/0", "value", "/16"),
        ("ip", "2001:db8::/31", "value", "/32"),
        ("ip", "::/0", "value", "/32"),
        ("ip", "::ffff:0:0/96", "value", "/16"),
        ("ip", "::ffff:10.0.0.0/111", "value", "/16"),
        ("user", "someone", "kind", "Choose one of"),
    ],
)
def test_bad_values_are_refused_per_field(moderator, kind, value, field, words):
    with pytest.raises(ValidationError) as excinfo:
        create(moderator, kind=kind, value=value)

    assert field in errors_of(excinfo)
    assert words in " ".join(errors_of(excinfo)[field])
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("kind, value", [("ip", "10.1.0.0/16"), ("ip", "2001:db8::/32"), ("domain", "co.uk")])
def test_the_broadest_values_allowed_are_accepted(moderator, kind, value):
    assert create(moderator, kind=kind, value=value).value == value


def test_reasons_may_be_empty_only_with_a_note(moderator):
    with pytest.raises(ValidationError) as excinfo:
        create(moderator, reasons=[], note="   ")

    assert "reasons" in errors_of(excinfo)
    assert create(moderator, reasons=[], note="Ban evasion of 12").reasons == []


def test_other_needs_a_note_and_unknown_codes_are_refused(moderator):
    with pytest.raises(ValidationError) as other:
        create(moderator, reasons=["other"])
    with pytest.raises(ValidationError) as unknown:
        create(moderator, reasons=["abuse", "banned"])

    assert "note" in errors_of(other)
    assert "banned" in errors_of(unknown)["reasons"][0]


def test_every_field_at_fault_is_reported_at_once(moderator):
    with pytest.raises(ValidationError) as excinfo:
        create(
            moderator,
            value="nope",
            reasons=["made-up"],
            note="x" * 2001,
            expires_at=timezone.now() - timedelta(minutes=1),
        )

    assert set(errors_of(excinfo)) == {"value", "reasons", "note", "expires_at"}


@pytest.mark.parametrize(
    "expires_at, words",
    [
        (lambda: timezone.now() - timedelta(seconds=1), "future"),
        (lambda: timezone.now(), "future"),
        (lambda: timezone.now().replace(tzinfo=None) + timedelta(days=1), "time zone"),
    ],
)
def test_the_expiry_must_be_a_future_moment(moderator, expires_at, words):
    with pytest.raises(ValidationError) as excinfo:
        create(moderator, expires_at=expires_at())

    assert words in errors_of(excinfo)["expires_at"][0]


def test_a_second_active_ban_on_the_same_value_is_refused(moderator):
    first = create(moderator, value="troll@example.org")

    with pytest.raises(SanctionExists) as excinfo:
        create(ModeratorFactory(), value="TROLL@example.org ")

    assert excinfo.value.existing == first
    assert "mod" in str(excinfo.value)
    assert Sanction.objects.count() == 1


def test_the_same_value_may_be_banned_by_another_kind_or_once_the_ban_ended(moderator):
    first = create(moderator, kind="ip", value="192.0.2.0/24")
    create(moderator, kind="ip", value="192.0.2.0/25")  # an overlapping range is another value
    sanction_lift(sanction=first, actor=moderator)
    SanctionFactory(value="gone@example.org", expires_at=timezone.now() - timedelta(seconds=1))

    again = create(moderator, kind="ip", value="192.0.2.7/24")
    after_expiry = create(moderator, value="gone@example.org")

    assert again.value == "192.0.2.0/24" and again != first
    assert after_expiry.value == "gone@example.org"


def test_the_created_signal_is_sent_after_commit(moderator, django_capture_on_commit_callbacks):
    received = []
    handler = lambda sender, sanction, **kw: received.append(sanction)  # noqa: E731
    sanction_created.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            made = create(moderator)
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        sanction_created.disconnect(handler)

    assert received == [made]


def test_a_refused_ban_sends_no_signal(moderator, django_capture_on_commit_callbacks):
    create(moderator)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(SanctionExists):
        create(moderator)

    assert callbacks == []


def test_bans_are_append_only(moderator):
    made = create(moderator)

    made.note = "changed"
    with pytest.raises(CommunityLogIsAppendOnly):
        made.save()
    with pytest.raises(CommunityLogIsAppendOnly):
        made.delete()


# --- from a comment -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, kind, value",
    [
        ("email", "email", "ann.troll@mail.example.org"),
        ("domain", "domain", "mail.example.org"),
        ("ip", "ip", "198.51.100.4/32"),
    ],
)
def test_a_ban_from_a_comment_takes_the_comment_s_value(moderator, target, kind, value):
    comment = CommentFactory(author_email=" Ann.Troll@Mail.Example.org", ip_address="198.51.100.4")

    made = sanction_create_from_comment(actor=moderator, comment=comment, target=target, reasons=["abuse"])

    assert (made.kind, made.value, made.comment) == (kind, value, comment)


def test_a_ban_from_a_comment_changes_no_comment(moderator):
    comment = CommentFactory(author_email="troll@example.org")
    other_pending = CommentFactory(author_email="troll@example.org")

    sanction_create_from_comment(actor=moderator, comment=comment, target="email", reasons=["abuse"])

    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.PENDING}
    assert not ModerationDecision.objects.exists()
    assert bans_covering(comment=other_pending)


def test_a_comment_without_an_ip_address_cannot_be_banned_by_ip(moderator):
    comment = CommentFactory(ip_address=None)

    with pytest.raises(ValidationError) as excinfo:
        sanction_create_from_comment(actor=moderator, comment=comment, target="ip", reasons=["abuse"])
    with pytest.raises(ValidationError) as unknown:
        sanction_create_from_comment(actor=moderator, comment=comment, target="name", reasons=["abuse"])

    assert "target" in errors_of(excinfo) and "target" in errors_of(unknown)
    assert not Sanction.objects.exists()


def test_banning_from_a_comment_needs_the_permission():
    with pytest.raises(PermissionDenied):
        sanction_create_from_comment(
            actor=UserFactory(is_staff=True), comment=CommentFactory(), target="email", reasons=["abuse"]
        )


def test_ban_targets_offer_the_comment_s_values():
    comment = CommentFactory(author_email="a@example.org", ip_address=None)

    assert [(t.target, t.value) for t in ban_targets(comment=comment)] == [
        ("email", "a@example.org"),
        ("domain", "example.org"),
        ("ip", None),
    ]


# --- sanction_lift ----------------------------------------------------------------------------------------


def test_lifting_records_who_when_why_and_ends_the_ban(moderator):
    made = create(moderator)
    lifter = ModeratorFactory(username="lifter")

    lift = sanction_lift(sanction=made, actor=lifter, note=" appeal accepted ")

    assert SanctionLift.objects.get() == lift
    assert (lift.sanction, lift.lifted_by, lift.note) == (made, lifter, "appeal accepted")
    assert lift.lifted_at >= made.created_at
    assert sanction_state(sanction_detail(pk=made.pk)) == State.LIFTED
    assert Sanction.objects.get().note == made.note  # the ban itself is untouched


def test_a_ban_is_lifted_once(moderator):
    made = create(moderator)
    first = sanction_lift(sanction=made, actor=moderator)

    with pytest.raises(SanctionAlreadyLifted) as excinfo:
        sanction_lift(sanction=made, actor=ModeratorFactory())

    assert excinfo.value.lift == first
    assert excinfo.value.code == "already_lifted"
    assert "mod" in str(excinfo.value)
    assert SanctionLift.objects.count() == 1


def test_an_expired_ban_is_not_lifted():
    made = SanctionFactory(expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(SanctionExpired) as excinfo:
        sanction_lift(sanction=made, actor=ModeratorFactory())

    assert excinfo.value.code == "already_expired"
    assert not SanctionLift.objects.exists()


def test_lifting_needs_the_permission_and_a_short_note(moderator):
    made = create(moderator)

    with pytest.raises(PermissionDenied):
        sanction_lift(sanction=made, actor=UserFactory(is_staff=True))
    with pytest.raises(ValidationError):
        sanction_lift(sanction=made, actor=moderator, note="x" * 2001)

    assert not SanctionLift.objects.exists()


def test_the_lifted_signal_is_sent_after_commit(moderator, django_capture_on_commit_callbacks):
    made = create(moderator)
    received = []
    handler = lambda sender, sanction, lift, **kw: received.append((sanction, lift))  # noqa: E731
    sanction_lifted.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            lift = sanction_lift(sanction=made, actor=moderator)
    finally:
        sanction_lifted.disconnect(handler)

    assert received == [(made, lift)]


# --- Selectors --------------------------------------------------------------------------------------------


@pytest.fixture
def three_states(moderator):
    active = create(moderator, value="active@example.org")
    lifted = create(moderator, kind="domain", value="lifted.example")
    sanction_lift(sanction=lifted, actor=moderator)
    expired = SanctionFactory(
        kind=Sanction.Kind.IP,
        value="192.0.2.0/24",
        ip_first="a",
        ip_last="b",
        expires_at=timezone.now() - timedelta(hours=1),
        created_at=timezone.now() - timedelta(days=1),
    )
    return {"active": active, "lifted": lifted, "expired": expired}


def test_the_list_filters_by_state_kind_and_value(three_states):
    assert list(sanctions_list()) == [three_states["lifted"], three_states["active"], three_states["expired"]]
    for state, ban in three_states.items():
        assert list(sanctions_list(state=state)) == [ban]
    assert list(sanctions_list(kind="domain")) == [three_states["lifted"]]
    assert list(sanctions_list(search="ACTIVE@")) == [three_states["active"]]
    assert list(sanctions_list(search="192.0.2")) == [three_states["expired"]]
    assert list(sanctions_list(state="active", kind="ip")) == []


def test_each_listed_ban_knows_its_state(three_states):
    states = {ban.pk: sanction_state(ban) for ban in sanctions_list()}

    assert states == {ban.pk: state for state, ban in three_states.items()}


def test_a_ban_lifted_and_past_its_expiry_counts_as_lifted(moderator):
    made = create(moderator, expires_at=timezone.now() + timedelta(days=1))
    sanction_lift(sanction=made, actor=moderator)

    later = timezone.now() + timedelta(days=2)

    assert list(sanctions_list(state="lifted", now=later)) == [made]
    assert list(sanctions_list(state="expired", now=later)) == []
    assert sanction_state(sanction_detail(pk=made.pk), now=later) == State.LIFTED


def test_the_list_reads_makers_and_lifts_in_one_query(moderator, django_assert_num_queries):
    for n in range(5):
        made = create(ModeratorFactory(), value=f"t{n}@example.org")
        if n % 2:
            sanction_lift(sanction=made, actor=ModeratorFactory())

    with django_assert_num_queries(1):
        rows = [
            (
                b.created_by.get_username(),
                sanction_state(b),
                b.lift.lifted_by.get_username() if sanction_state(b) == State.LIFTED else None,
            )
            for b in sanctions_list()
        ]

    assert len(rows) == 5


def test_detail_is_one_ban_or_none(three_states):
    assert sanction_detail(pk=three_states["lifted"].pk).lift.lifted_by.username == "mod"
    assert sanction_detail(pk=10**9) is None


def test_bans_covering_a_comment_are_those_in_force(three_states, moderator):
    comment = CommentFactory(author_email="active@example.org", ip_address="192.0.2.9")
    by_ip = create(moderator, kind="ip", value="192.0.2.9")

    assert bans_covering(comment=comment) == [by_ip, three_states["active"]]
    assert bans_covering(comment=CommentFactory(author_email="x@lifted.example", ip_address=None)) == []
