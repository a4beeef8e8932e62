"""Submission rate limits: per client IP and per author email, shared by the API and the form.

Rates come from the COMMENT_RATE_PER_IP / COMMENT_RATE_PER_EMAIL settings
("5/minute"; empty turns a limit off) and are read on every request, so a
changed setting applies at once. Counters live in the default cache and are
counted atomically (config/ratelimit.py), so a parallel burst gets no more
through than the limit. Moderators are never limited.
"""
from __future__ import annotations

import hashlib

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

    def allow_request(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_active and user.has_perm(MODERATE_PERMISSION):
            return True
        return super().allow_request(request, view)


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


def submission_wait(request: HttpRequest) -> float | None:
    """For the reader form: None when the submission may go ahead, else seconds to wait."""
    waits = []
    for throttle_class in SUBMISSION_THROTTLES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 1.0)
    return max(waits) if waits else None
