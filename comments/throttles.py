"""Submission rate limits: per client IP and per author email, shared by the API and the form.

Rates come from the COMMENT_RATE_PER_IP / COMMENT_RATE_PER_EMAIL settings
("5/minute"; empty turns a limit off) and are read on every request, so a
changed setting applies at once. Counters live in the default cache and are
counted atomically (config/ratelimit.py), so a parallel burst gets no more
through than the limit. Moderators are never limited.

Only accepted submissions count. A submission is first checked against the limits
without counting (`submission_wait()`, or the API's `submission_prechecks()`): a
client already at the limit is refused before anything is validated. A valid one is
then counted atomically (`submission_take()`; past the limit it is refused and takes
its count back), and if it is not stored after all (a content error from
`comment_submit()`, the article closing meanwhile) the count is given back
(`submission_give_back()`). So a reader's typos (missing or invalid email, empty
comment) never use up the limit, and a burst of valid posts still gets exactly the
limit through.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request

from comments.http import client_ip
from config.ratelimit import AtomicRateThrottle

# The permission lives on Comment; checked here by name so comments need not import moderation.
MODERATE_PERMISSION = "comments.moderate_comment"


class _SubmissionThrottle(AtomicRateThrottle):
    setting_name = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting_name, None) or None

    @staticmethod
    def _exempt(request) -> bool:
        user = getattr(request, "user", None)
        return user is not None and user.is_active and user.has_perm(MODERATE_PERMISSION)

    def allow_request(self, request, view) -> bool:
        if self._exempt(request):
            return True
        return super().allow_request(request, view)

    def has_room(self, request, view) -> bool:
        if self._exempt(request):
            return True
        return super().has_room(request, view)


class CommentIPThrottle(_SubmissionThrottle):
    """Comment submissions per client IP address."""

    scope = "comment_ip"
    setting_name = "COMMENT_RATE_PER_IP"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class CommentEmailThrottle(_SubmissionThrottle):
    """Comment submissions per author email address (hashed in the cache key)."""

    scope = "comment_email"
    setting_name = "COMMENT_RATE_PER_EMAIL"

    def get_cache_key(self, request, view) -> str | None:
        email = _submitted_email(request)
        if not email:
            return None  # nothing to count by; the submission fails validation anyway
        ident = hashlib.sha256(email.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


SUBMISSION_THROTTLES = (CommentIPThrottle, CommentEmailThrottle)


def _submitted_email(request: Request | HttpRequest) -> str:
    data = request.data if isinstance(request, Request) else request.POST
    value = data.get("author_email") if hasattr(data, "get") else None
    return value.strip().casefold() if isinstance(value, str) else ""


def submission_wait(request: HttpRequest | Request) -> float | None:
    """Before validating: None when a submission may go ahead, else seconds to wait. Counts nothing."""
    waits = []
    for throttle_class in SUBMISSION_THROTTLES:
        throttle = throttle_class()
        if not throttle.has_room(request, None):
            waits.append(throttle.wait() or 1.0)
    return max(waits) if waits else None


def submission_take(request: HttpRequest | Request) -> tuple[list[_SubmissionThrottle], float | None]:
    """Count a valid submission against every limit, atomically.

    Returns the throttles that counted it and None, or ([], seconds to wait) when a limit is
    full (then nothing stays counted). Give the count back with `submission_give_back()` if
    the submission is not stored after all.
    """
    counted: list[_SubmissionThrottle] = []
    for throttle_class in SUBMISSION_THROTTLES:
        throttle = throttle_class()
        if throttle.allow_request(request, None):
            counted.append(throttle)
            continue
        # Refused: the other limits are only looked at (a count taken and given back would, for
        # a moment, refuse a parallel submission that fits), and the counts taken go back.
        submission_give_back(counted)
        wait = throttle.wait() or 1.0
        others = submission_wait(request)
        return [], max(wait, others or 0.0)
    return counted, None


def submission_give_back(counted: Sequence[_SubmissionThrottle]) -> None:
    """Take back the counts of a submission that `submission_take()` counted but was not stored."""
    for throttle in counted:
        throttle.refund()


class _Precheck:
    """A DRF throttle that only looks: is there room for one more submission? (counts nothing)"""

    def __init__(self, throttle_class: type[_SubmissionThrottle]):
        self.throttle = throttle_class()

    def allow_request(self, request, view) -> bool:
        return self.throttle.has_room(request, view)

    def wait(self) -> float | None:
        return self.throttle.wait()


def submission_prechecks() -> list[_Precheck]:
    """The API's `get_throttles()` for a submission: refuse at once a client already at a limit."""
    return [_Precheck(throttle_class) for throttle_class in SUBMISSION_THROTTLES]
