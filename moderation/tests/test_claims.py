from datetime import timedelta

import pytest
from django.utils import timezone

from comments.tests.factories import CommentFactory
from moderation.claims import active_claim, claim_comment, claimed_by_others, release_claim
from moderation.models import Claim
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def test_claim_lasts_the_configured_minutes(settings):
    settings.MODERATION_CLAIM_MINUTES = 7
    now = timezone.now()
    comment, moderator = CommentFactory(), ModeratorFactory()

    claim = claim_comment(comment, moderator, now=now)

    assert (claim.moderator, claim.claimed_at, claim.expires_at) == (moderator, now, now + timedelta(minutes=7))


def test_own_claim_is_renewed_not_duplicated():
    comment, moderator = CommentFactory(), ModeratorFactory()
    now = timezone.now()
    claim_comment(comment, moderator, now=now)

    claim = claim_comment(comment, moderator, now=now + timedelta(minutes=3))

    assert claim.expires_at == now + timedelta(minutes=8)
    assert Claim.objects.count() == 1


def test_someone_elses_live_claim_stands():
    comment, first, second = CommentFactory(), ModeratorFactory(), ModeratorFactory()
    now = timezone.now()
    original = claim_comment(comment, first, now=now)

    claim = claim_comment(comment, second, now=now + timedelta(minutes=4))

    assert (claim.moderator, claim.expires_at) == (first, original.expires_at)


def test_expired_claim_is_taken_over():
    comment, first, second = CommentFactory(), ModeratorFactory(), ModeratorFactory()
    now = timezone.now()
    claim_comment(comment, first, now=now)

    later = now + timedelta(minutes=5)  # exactly at expiry: the old claim no longer counts
    claim = claim_comment(comment, second, now=later)

    assert (claim.moderator, claim.expires_at) == (second, later + timedelta(minutes=5))
    assert Claim.objects.count() == 1


def test_active_claim_ignores_expired_claims():
    comment, moderator = CommentFactory(), ModeratorFactory()
    now = timezone.now()
    claim_comment(comment, moderator, now=now)

    assert active_claim(comment, now=now + timedelta(minutes=4)).moderator == moderator
    comment.refresh_from_db()
    assert active_claim(comment, now=now + timedelta(minutes=6)) is None
    assert active_claim(CommentFactory()) is None


def test_release_drops_only_the_moderators_own_claim():
    mine, theirs = CommentFactory(), CommentFactory()
    me, other = ModeratorFactory(), ModeratorFactory()
    claim_comment(mine, me)
    claim_comment(theirs, other)

    release_claim(mine, me)
    release_claim(theirs, me)

    assert list(Claim.objects.values_list("comment_id", flat=True)) == [theirs.pk]


def test_claimed_by_others_lists_live_claims_of_other_moderators():
    mine, theirs, expired = CommentFactory(), CommentFactory(), CommentFactory()
    me, other = ModeratorFactory(), ModeratorFactory()
    claim_comment(mine, me)
    claim_comment(theirs, other)
    claim_comment(expired, other, now=timezone.now() - timedelta(minutes=10))

    assert [row["comment_id"] for row in claimed_by_others(me)] == [theirs.pk]
