"""Request bodies of the API: JSON only, refused by content type before anything reads them.

The API parses only `application/json` (DEFAULT_PARSER_CLASSES): a form or multipart
body gets 415. That also closes cross-site form posts, since a browser sends JSON to
another site only after a CORS preflight (CORS_ALLOWED_ORIGINS). The article page's
HTML form (comments.views, Django's CSRF check) is not under /api/ and unaffected.

`ApiRequestGateMiddleware` makes the refusal happen before any body is read. Left to
the views, a multipart upload could be read and spooled to disk first: by the CSRF
check of a session-authenticated call (it reads request.POST), and before 415 existed,
by the multipart parser itself, whose file parts DATA_UPLOAD_MAX_MEMORY_SIZE does not
count. It also answers 414 for a URL longer than API_MAX_URL_LENGTH.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.mediatypes import media_type_matches

API_PREFIX = "/api/"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing input nested past Python's recursion limit as malformed (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError:
            # json.loads recurses once per bracket: ~1,000 nested brackets (2 KB) would
            # otherwise escape as a RecursionError, a 500 with a full traceback.
            raise ParseError("JSON parse error - the document is nested too deeply") from None


def has_body(request: HttpRequest) -> bool:
    """Whether the request announces a body (a length above zero, or chunked transfer)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 1  # a malformed length: treat it as a body, so its type is checked
    return length > 0 or "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def is_json(content_type: str | None) -> bool:
    return media_type_matches(JSONParser.media_type, content_type or "")


def _error(status: int, detail: str, code: str) -> HttpResponse:
    return JsonResponse({"detail": detail, "code": code, "errors": {}}, status=status)


class ApiRequestGateMiddleware:
    """Under /api/: 414 for an over-long URL, 415 for a POST/PUT/PATCH body that is not JSON.

    Answers from the request line and headers alone: the body is never read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            refused = self.refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse | None:
        limit = settings.API_MAX_URL_LENGTH
        query = request.META.get("QUERY_STRING", "")
        if len(request.path) + (len(query) + 1 if query else 0) > limit:
            return _error(414, f"The URL is too long (the limit is {limit} characters).", "uri_too_long")
        if request.method in BODY_METHODS and has_body(request) and not is_json(request.content_type):
            content_type = request.META.get("CONTENT_TYPE", "")
            return _error(
                415,
                f'Unsupported media type "{content_type}" in request: send the body as application/json.',
                "unsupported_media_type",
            )
        return None
