"""Comment receipts: the secret a submitter gets to look up their own comment's status later.

Stateless: the receipt is an HMAC (keyed by SECRET_KEY) of the comment's id and
submission time, so no column stores it and only the server can mint one. The
time is included so that an id reused after a deletion never inherits a receipt.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "comments.receipts.v1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _message(comment_id: int, submitted_at: datetime) -> str:
    micros = (submitted_at - _EPOCH) // (datetime.min.resolution)
    return f"{comment_id}:{micros}"


def comment_receipt(*, comment_id: int, submitted_at: datetime, secret: str | None = None) -> str:
    """The receipt for a comment (64 hex characters)."""
    return salted_hmac(_SALT, _message(comment_id, submitted_at), secret=secret, algorithm="sha256").hexdigest()


def receipt_matches(*, comment_id: int, submitted_at: datetime, receipt: str) -> bool:
    """Constant-time check of a presented receipt; receipts minted under a fallback key still count."""
    if not receipt:
        return False
    matched = False
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        expected = comment_receipt(comment_id=comment_id, submitted_at=submitted_at, secret=secret)
        matched |= constant_time_compare(expected, receipt)
    return matched
