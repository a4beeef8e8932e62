from datetime import timedelta

import pytest
from django.utils import timezone

from comments.receipts import comment_receipt, receipt_matches

WHEN = timezone.now()


def test_receipt_is_stable_hex_of_64_characters():
    first = comment_receipt(comment_id=7, submitted_at=WHEN)

    assert first == comment_receipt(comment_id=7, submitted_at=WHEN)
    assert len(first) == 64
    int(first, 16)


def test_receipt_matches_only_its_own_comment():
    receipt = comment_receipt(comment_id=7, submitted_at=WHEN)

    assert receipt_matches(comment_id=7, submitted_at=WHEN, receipt=receipt)
    assert not receipt_matches(comment_id=8, submitted_at=WHEN, receipt=receipt)


def test_a_reused_id_does_not_inherit_the_receipt():
    receipt = comment_receipt(comment_id=7, submitted_at=WHEN)

    assert not receipt_matches(comment_id=7, submitted_at=WHEN + timedelta(microseconds=1), receipt=receipt)


@pytest.mark.parametrize("bad", ["", "0" * 64, "abc", "ä" * 64])
def test_wrong_receipts_do_not_match(bad):
    assert not receipt_matches(comment_id=7, submitted_at=WHEN, receipt=bad)


def test_receipt_depends_on_the_secret_key_and_survives_rotation(settings):
    original_key = settings.SECRET_KEY
    before = comment_receipt(comment_id=7, submitted_at=WHEN)
    settings.SECRET_KEY = "another-secret-key-for-the-receipt-test"

    assert comment_receipt(comment_id=7, submitted_at=WHEN) != before
    assert not receipt_matches(comment_id=7, submitted_at=WHEN, receipt=before)

    settings.SECRET_KEY_FALLBACKS = [original_key]
    assert receipt_matches(comment_id=7, submitted_at=WHEN, receipt=before)
