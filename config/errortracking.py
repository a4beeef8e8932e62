"""Optional error tracking with Sentry (SENTRY_DSN), without personal data.

The SDK is told not to send personal data, and `scrub_event` drops what could still carry it:
the request body (a comment, an email address), cookies, the client address and headers that
identify the reader or hold a secret (authorization, receipts, forwarded addresses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentry_sdk._types import Event, Hint

KEEP_HEADERS = frozenset({"content-type", "content-length", "accept", "host", "x-request-id", "user-agent-family"})


def scrub_event(event: Event, hint: Hint | None = None) -> Event:
    """Sentry's before_send: the event without request bodies, cookies, user, IP or secret headers."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        request.pop("env", None)
        query_string = request.get("query_string")
        if isinstance(query_string, str) and "receipt" in query_string:
            request["query_string"] = "[redacted]"
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEEP_HEADERS}
    event.pop("user", None)
    return event


def init_error_tracking(*, dsn: str, environment: str) -> bool:
    """Start Sentry when a DSN is given; True when it was started."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        before_send=scrub_event,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=0.0,
    )
    return True
