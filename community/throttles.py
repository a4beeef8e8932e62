"""Reader reports per reader's network address (COMMUNITY_REPORT_RATE), shared by the page and the API.

As with comment submissions (comments/throttles.py): a report is first only looked at against the
limit (`report_wait()`, counts nothing), counted atomically once it is valid (`report_take()`), and
the count is given back when nothing was stored after all (`report_give_back()`: an unknown
comment, a repeated report, a service-side error). So only stored reports use up the limit, and a
parallel burst gets exactly the limit through. The rate is read on every request; empty turns it off.

Also who the reader is for the one-report-per-reader rule (`request_reporter_key()`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request

from comments.http import client_ip
from community.reports import reader_network, reporter_key
from config.ratelimit import AtomicRateThrottle


class ReportIPThrottle(AtomicRateThrottle):
    """Reader reports per network address (an IPv4 address, or an IPv6 /64)."""

    scope = "community_report_ip"

    def get_rate(self) -> str | None:
        return settings.COMMUNITY_REPORT_RATE or None

    def get_cache_key(self, request, view) -> str:
        ident = reader_network(client_ip(request)) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def report_wait(request: HttpRequest | Request) -> float | None:
    """None when a report may go ahead, else the seconds to wait. Counts nothing."""
    throttle = ReportIPThrottle()
    if throttle.has_room(request, None):
        return None
    return throttle.wait() or 1.0


def report_take(request: HttpRequest | Request) -> tuple[ReportIPThrottle | None, float | None]:
    """Count a valid report, atomically: (the throttle that counted it, None), or (None, seconds to wait)."""
    throttle = ReportIPThrottle()
    if throttle.allow_request(request, None):
        return throttle, None
    return None, throttle.wait() or 1.0


def report_give_back(counted: ReportIPThrottle | None) -> None:
    """Take back the count of a report that `report_take()` counted but that was not stored."""
    if counted is not None:
        counted.refund()


class ReportPrecheck:
    """A DRF throttle that only looks (the API's `get_throttles()`): refuse at once a reader at the limit."""

    def __init__(self) -> None:
        self.throttle = ReportIPThrottle()

    def allow_request(self, request, view) -> bool:
        return self.throttle.has_room(request, view)

    def wait(self) -> float | None:
        return self.throttle.wait()


def request_reporter_key(request: HttpRequest | Request) -> str:
    """The reporter key of the reader making `request`: from their address, else from their session
    (started here when they have none yet, so the key stays the same on their next report)."""
    address = client_ip(request)
    if reader_network(address):
        return reporter_key(ip_address=address)
    session = request.session
    if not session.session_key:
        session.save()
    return reporter_key(ip_address=None, session_key=session.session_key)
