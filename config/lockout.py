"""Password guessing: lockout per username and client IP (django-axes), and a per-IP login limit.

After LOGIN_FAILURE_LIMIT failed passwords for one username from one client IP
(`AXES_LOCKOUT_PARAMETERS`), every further attempt for that pair is refused
without the password being checked, the right one included, until
LOGIN_COOLOFF_MINUTES have passed since the last failure (an attempt during the
lockout starts the cool-off again). Other users, and the same user from
another address, are unaffected. It covers the admin login and
`POST /api/auth/token/` alike, since both authenticate through Django with the
request. Attempts are rows in the database (axes' handler), shared by every
process and kept through a cache outage; `manage.py axes_reset_username NAME`
(or deleting the row in admin, Axes › Access attempts) lifts a lockout.

The lockout counts failures after the fact, so a burst sent at once could have
more passwords checked before it applies: the per-IP limits, counted atomically
(config/ratelimit.py), bound that: AUTH_TOKEN_RATE for the token endpoint,
ADMIN_LOGIN_RATE for admin login POSTs.
"""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from rest_framework import exceptions, status

from comments.http import client_ip
from config.api import json_error
from config.ratelimit import AtomicRateThrottle

# axes stores the username in a 255-character column; longer ones cannot be accounts anyway.
USERNAME_MAX = 255
LOCKED_OUT_DETAIL = "Too many failed logins for this username from your address; try again later."


class LockoutBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses a locked-out username + IP before any password check.

    A call to authenticate() without a request (the shell, a management command)
    has no client to count or lock out, and goes straight to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username an attempt is counted under (AXES_USERNAME_CALLABLE), as typed, cut to the column."""
    if credentials:
        value = credentials.get("username")
    else:
        post: Any = getattr(request, "POST", None)
        value = post.get("username") if hasattr(post, "get") else None
    return value[:USERNAME_MAX] if isinstance(value, str) else None


def cool_off_seconds(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    return max(1, int(cool_off.total_seconds())) if cool_off else 3600


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; the API's error JSON under /api/, a page elsewhere."""
    seconds = cool_off_seconds(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = json_error(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS, detail=LOCKED_OUT_DETAIL, code="locked_out"
        )
    else:
        context = {
            "title": "Too many failed logins",
            "failure_limit": get_failure_limit(request, credentials),
            "minutes": max(1, round(seconds / 60)),
            "login_url": reverse("admin:login"),
        }
        response = render(request, "admin/locked_out.html", context, status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(seconds)
    return response


class LockedOut(exceptions.APIException):
    """429 from the token API while the username is locked out from this address."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = LOCKED_OUT_DETAIL
    default_code = "locked_out"

    def __init__(self, request=None) -> None:
        super().__init__()
        self.wait = cool_off_seconds(request)  # DRF's handler turns it into Retry-After


def is_locked_out(request) -> bool:
    """Whether authenticate() was refused for this request (or this failure reached the limit)."""
    return bool(getattr(request, "axes_locked_out", False))


def reset_after_success(request, username: str) -> None:
    """A correct password through the API clears that username's failures from this address,
    as a successful admin login does (AXES_RESET_ON_SUCCESS)."""
    if settings.AXES_ENABLED:
        AxesProxyHandler.reset_attempts(ip_address=client_ip(request), username=username[:USERNAME_MAX])


# --- Admin login: attempts per client IP, counted atomically ----------------------------------------


class AdminLoginThrottle(AtomicRateThrottle):
    """Admin login POSTs per client IP: ADMIN_LOGIN_RATE, read on every request."""

    scope = "admin_login"

    def get_rate(self) -> str | None:
        return getattr(settings, "ADMIN_LOGIN_RATE", None) or None

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class AdminLoginRateLimitMiddleware:
    """Answers 429 (a page, with Retry-After) to admin login POSTs over ADMIN_LOGIN_RATE from one IP."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info == reverse("admin:login"):
            throttle = AdminLoginThrottle()
            if not throttle.allow_request(request, None):
                seconds = max(1, math.ceil(throttle.wait() or 1))
                context = {"title": "Too many login attempts", "seconds": seconds, "login_url": reverse("admin:login")}
                response = render(request, "admin/locked_out.html", context, status=status.HTTP_429_TOO_MANY_REQUESTS)
                response["Retry-After"] = str(seconds)
                return response
        return self.get_response(request)
