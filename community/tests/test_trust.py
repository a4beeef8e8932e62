"""Trust services (grant, revoke: permission, audit row, no-op refused, signal after commit) and selectors."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from comments.tests.factories import CommentFactory
from community.models import CommunityLogIsAppendOnly, Sanction, TrustChange
from community.signals import trust_changed
from community.tests.factories import SanctionFactory, TrustChangeFactory
from community.trust import (
    NoTrustChange,
    standing_summary,
    trust_grant,
    trust_log,
    trust_revoke,
    trust_state,
    trust_suggestion,
    trusted_commenters,
    trusted_emails,
)
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mia")


def test_grant_appends_one_row_keyed_by_the_normalised_address(moderator):
    change = trust_grant(email="  Ann@Example.ORG ", actor=moderator, note=" regular since 2019 ")

    assert list(TrustChange.objects.values_list("email", "trusted", "note", "changed_by")) == [
        ("ann@example.org", True, "regular since 2019", moderator.pk)
    ]
    assert change.changed_at is not None
    state = trust_state(email="ANN@example.org")
    assert (state.trusted, state.since, state.changed_by, state.change_id) == (
        True,
        change.changed_at,
        "mia",
        change.pk,
    )


def test_revoke_appends_a_row_and_the_latest_row_counts(moderator):
    trust_grant(email="ann@example.org", actor=moderator)
    trust_revoke(email="ann@example.org", actor=moderator, note="rude lately")

    assert list(TrustChange.objects.order_by("id").values_list("trusted", flat=True)) == [True, False]
    state = trust_state(email="ann@example.org")
    assert not state.trusted and state.note == "rude lately"


def test_a_change_that_changes_nothing_is_refused_and_writes_nothing(moderator):
    with pytest.raises(NoTrustChange, match="is not trusted"):
        trust_revoke(email="ann@example.org", actor=moderator)
    trust_grant(email="ann@example.org", actor=moderator)

    with pytest.raises(NoTrustChange, match=r"already trusted \(since .* by mia\)") as raised:
        trust_grant(email="ANN@example.org", actor=ModeratorFactory())

    assert raised.value.state.trusted
    assert TrustChange.objects.count() == 1


@pytest.mark.parametrize("user", [None, "plain", "inactive"])
def test_only_moderators_change_trust(user):
    actor = {None: None, "plain": UserFactory(is_staff=True), "inactive": ModeratorFactory(is_active=False)}[user]

    for change in (trust_grant, trust_revoke):
        with pytest.raises(PermissionDenied):
            change(email="ann@example.org", actor=actor)

    assert not TrustChange.objects.exists()


@pytest.mark.parametrize("email", ["", "   ", "not-an-address", "a@", "@example.org", "x" * 250 + "@example.org", None])
def test_a_bad_address_is_a_validation_error_on_email(moderator, email):
    with pytest.raises(ValidationError) as raised:
        trust_grant(email=email, actor=moderator)

    assert list(raised.value.message_dict) == ["email"]
    assert not TrustChange.objects.exists()


def test_an_over_long_note_is_refused(moderator):
    with pytest.raises(ValidationError) as raised:
        trust_grant(email="ann@example.org", actor=moderator, note="n" * 2001)

    assert list(raised.value.message_dict) == ["note"]


def test_the_signal_is_sent_once_the_change_commits(moderator, django_capture_on_commit_callbacks):
    received = []

    def receiver(**kwargs):
        received.append(kwargs["change"])

    trust_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            change = trust_grant(email="ann@example.org", actor=moderator)
        assert received == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        trust_changed.disconnect(receiver)

    assert received == [change]


def test_trust_rows_are_never_edited_or_deleted(moderator):
    change = trust_grant(email="ann@example.org", actor=moderator)

    with pytest.raises(CommunityLogIsAppendOnly):
        change.save()
    with pytest.raises(CommunityLogIsAppendOnly):
        change.delete()
    with pytest.raises(CommunityLogIsAppendOnly):
        TrustChange.objects.filter(pk=change.pk).update(trusted=False)


def test_an_address_never_seen_is_not_trusted():
    state = trust_state(email="new@example.org")

    assert (state.trusted, state.since, state.changed_by, state.change_id) == (False, None, None, None)


# --- Suggestion -----------------------------------------------------------------------------------------


def approved_comments(email, count, moderator):
    for _ in range(count):
        comment_approve(comment=CommentFactory(author_email=email), moderator=moderator)


def test_trust_is_suggested_after_n_approved_and_none_rejected(settings, moderator):
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 3
    approved_comments("Reg@example.org", 2, moderator)
    CommentFactory(author_email="reg@example.org")  # pending comments do not count either way

    assert not trust_suggestion(email="reg@example.org").suggested
    approved_comments("reg@EXAMPLE.org", 1, moderator)

    suggestion = trust_suggestion(email="reg@example.org")
    assert (suggestion.suggested, suggestion.approved, suggestion.rejected, suggestion.threshold) == (True, 3, 0, 3)


def test_one_rejection_trust_already_given_or_a_zero_threshold_mean_no_suggestion(settings, moderator):
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 2
    approved_comments("reg@example.org", 5, moderator)
    approved_comments("rude@example.org", 5, moderator)
    comment_reject(comment=CommentFactory(author_email="rude@example.org"), moderator=moderator, reasons=["abuse"])

    assert trust_suggestion(email="reg@example.org").suggested
    assert not trust_suggestion(email="rude@example.org").suggested
    trust_grant(email="reg@example.org", actor=moderator)
    assert not trust_suggestion(email="reg@example.org").suggested
    trust_revoke(email="reg@example.org", actor=moderator)
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 0
    assert not trust_suggestion(email="reg@example.org").suggested


def test_suggestion_is_two_queries_or_one_when_trust_is_known(moderator, django_assert_num_queries):
    with django_assert_num_queries(2):
        trust_suggestion(email="reg@example.org")
    with django_assert_num_queries(1):
        trust_suggestion(email="reg@example.org", trusted=False)


# --- Lists ----------------------------------------------------------------------------------------------


def test_trusted_commenters_are_the_addresses_whose_latest_change_trusts_them(moderator):
    now = timezone.now()
    TrustChangeFactory(email="old@example.org", changed_at=now - timedelta(days=3))
    TrustChangeFactory(email="gone@example.org", changed_at=now - timedelta(days=2))
    TrustChangeFactory(email="gone@example.org", trusted=False, changed_at=now - timedelta(days=1))
    back = [
        TrustChangeFactory(email="back@example.org", trusted=flag, changed_at=now - timedelta(hours=h))
        for flag, h in ((True, 30), (False, 20), (True, 10))
    ]
    # Two rows in the same instant: the later id is the latest.
    TrustChangeFactory(email="tie@example.org", changed_at=now - timedelta(days=4))
    TrustChangeFactory(email="tie@example.org", trusted=False, changed_at=now - timedelta(days=4))

    assert [c.email for c in trusted_commenters()] == ["back@example.org", "old@example.org"]
    assert trusted_commenters()[0] == back[-1]
    assert trusted_emails(emails={"old@example.org", "gone@example.org", "tie@example.org", "x@example.org"}) == {
        "old@example.org"
    }
    assert trusted_emails(emails=set()) == set()


def test_the_log_filters_by_address_and_by_kind(moderator):
    trust_grant(email="ann@example.org", actor=moderator)
    trust_revoke(email="ann@example.org", actor=moderator)
    trust_grant(email="bob@example.org", actor=moderator)

    assert [c.email for c in trust_log()] == ["bob@example.org", "ann@example.org", "ann@example.org"]
    assert [c.trusted for c in trust_log(email=" ANN@example.org")] == [False, True]
    assert [c.email for c in trust_log(trusted=False)] == ["ann@example.org"]


# --- Standing summary (the moderator API's `standing`) --------------------------------------------------


def test_standing_summary_says_banned_trusted_and_suggested(settings, moderator):
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 1
    approved_comments("reg@example.org", 1, moderator)
    regular = CommentFactory(author_email="reg@example.org", ip_address="192.0.2.7")
    ban = SanctionFactory(kind=Sanction.Kind.EMAIL, value="troll@example.org")
    troll = CommentFactory(author_email="Troll@example.org")

    assert vars(standing_summary(comment=regular)) == {
        "banned": False,
        "ban_id": None,
        "trusted": False,
        "trust_suggested": True,
    }
    assert vars(standing_summary(comment=troll)) == {
        "banned": True,
        "ban_id": ban.pk,
        "trusted": False,
        "trust_suggested": False,
    }
    trust_grant(email="reg@example.org", actor=moderator)
    assert vars(standing_summary(comment=regular)) == {
        "banned": False,
        "ban_id": None,
        "trusted": True,
        "trust_suggested": False,
    }


# --- Two moderators at once (PostgreSQL, real connections) -----------------------------------------------


def _at_once(targets):
    """Run every target at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(targets))
    outcomes, errors = [], []

    def run(target):
        try:
            barrier.wait()
            outcomes.append(target())
        except NoTrustChange:
            outcomes.append("no_change")
        except BaseException as exc:  # re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moderators_trusting_at_once_write_one_row():
    group, _ = Group.objects.get_or_create(name="Moderators")  # a transactional test's flush drops it
    group.permissions.add(Permission.objects.get(content_type__app_label="comments", codename="moderate_comment"))
    first, second = ModeratorFactory(username="first"), ModeratorFactory(username="second")
    for n in range(15):
        email = f"reader{n}@example.org"
        outcomes = _at_once(
            [
                lambda email=email: trust_grant(email=email, actor=first),
                lambda email=email: trust_grant(email=email.upper(), actor=second),
            ]
        )
        assert outcomes.count("no_change") == 1, outcomes
        assert list(TrustChange.objects.filter(email=email).values_list("trusted", flat=True)) == [True]

        # Two removals at once: whichever comes second sees the first's row.
        outcomes = _at_once(
            [
                lambda email=email: trust_revoke(email=email, actor=first),
                lambda email=email: trust_revoke(email=email, actor=second),
            ]
        )
        assert outcomes.count("no_change") == 1, outcomes
        assert list(TrustChange.objects.filter(email=email).order_by("id").values_list("trusted", flat=True)) == [
            True,
            False,
        ]
