"""Answer a request with 503 when the database cannot be reached, instead of a 500 page."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>
<body><h1>Temporarily unavailable</h1>
<p>We cannot reach our database right now. Please try again in a minute.</p>
</body></html>
"""


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection in a view into a 503 the client can retry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # The view's transaction was rolled back when the error left atomic():
        # nothing half-written remains, so the client may simply retry.
        logger.error("database unavailable: %s %s -> 503 (%s)", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {
                    "detail": "The service is temporarily unavailable (database unreachable). Please retry.",
                    "code": "database_unavailable",
                    "errors": {},
                },
                status=503,
            )
        else:
            response = HttpResponse(_HTML, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
