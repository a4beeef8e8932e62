"""What every API endpoint shares: one error format, its schema, and pagination.

Every error answer, from any endpoint, has the same shape:
`{"detail": "<a sentence>", "code": "<machine code>", "errors": {"<field>": ["<message>", ...]}}`
(`errors` is empty unless fields were at fault). Some errors add fields of
their own (a 409 says who decided first), never remove these three.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.filters import page_size_parameter_schema, page_size_value, single_query_value

VALIDATION_DETAIL = "Some fields are invalid; see errors."


class RequestTooLarge(exceptions.APIException):
    """413: the request body is over DATA_UPLOAD_MAX_MEMORY_SIZE."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        super().__init__(f"The request body is too large (the limit is {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes).")


class BadRequest(exceptions.APIException):
    """400 for a request Django itself refused as malformed."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request is malformed."
    default_code = "bad_request"


class ApiError(exceptions.APIException):
    """An error with a status, code and extra top-level fields chosen by the raiser."""

    def __init__(self, *, status_code: int, detail: str, code: str, **extra: Any) -> None:
        self.status_code = status_code
        self.extra = extra
        super().__init__(detail, code)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler (status, Retry-After, WWW-Authenticate), then the one error shape."""
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = BadRequest()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(exc, response.data)
    return response


def error_body(exc: Exception, data: Any) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return {"detail": VALIDATION_DETAIL, "code": "invalid", "errors": _field_errors(data)}
    detail = data.get("detail", data) if isinstance(data, dict) else data
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    body = {"detail": str(detail), "code": str(code), "errors": {}}
    body.update(getattr(exc, "extra", {}))
    return body


def _field_errors(data: Any) -> dict[str, list[str]]:
    if isinstance(data, dict):
        return {str(field): _messages(value) for field, value in data.items()}
    return {str(settings.REST_FRAMEWORK.get("NON_FIELD_ERRORS_KEY", "non_field_errors")): _messages(data)}


def _messages(value: Any, prefix: str = "") -> list[str]:
    """Flatten nested errors (a list item, a nested object) into readable messages."""
    if isinstance(value, dict):
        return [m for key, item in value.items() for m in _messages(item, f"{prefix}{key}: ")]
    if isinstance(value, (list, tuple)):
        return [m for item in value for m in _messages(item, prefix)]
    return [f"{prefix}{value}"]


def json_error(*, status_code: int, detail: str, code: str) -> JsonResponse:
    """The same error shape for responses made outside DRF views (unknown URL, server error)."""
    return JsonResponse({"detail": detail, "code": code, "errors": {}}, status=status_code)


# --- Schema of the error format -------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every error response: a sentence, a machine code and per-field messages."""

    detail = serializers.CharField()
    code = serializers.CharField()
    # A declared field leaves the class namespace (DRF's metaclass), so Serializer.errors is not shadowed.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


ERROR_DESCRIPTIONS = {
    400: "Invalid input: `errors` lists the messages per field (malformed JSON, wrong types, "
    "unknown fields, bad filter values or cursors).",
    401: "Not authenticated: send `Authorization: Token <key>` or log in (session).",
    403: "Not allowed (for example, no moderation permission).",
    404: "Not found.",
    413: "The request body is over the size limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default).",
    414: "The URL (path and query string) is too long (API_MAX_URL_LENGTH, 2,048 characters).",
    415: "The body is not JSON: send it as `Content-Type: application/json` (forms and multipart are refused).",
    429: "Too many requests: wait the number of seconds in the `Retry-After` header.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the given error status codes, all in the one error format."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


BODY_ERRORS = (400, 413, 415)


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages (`?page=`), `?page_size=` from 1 (more than 100 gives 100); blank, repeated or not a
    whole number of at least 1: 400."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
        return page_size_value(
            request.query_params, self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def get_page_number(self, request, paginator):
        single_query_value(request.query_params, self.page_query_param)  # blank or repeated: 400
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        return page_size_parameter_schema(parameters, self.page_size_query_param, maximum=self.max_page_size)


class IdConverter:
    """URL converter for row ids: 1 to 18 digits, so no id in a URL can overflow a 64-bit column."""

    regex = "[0-9]{1,18}"
    MAX = 10**18 - 1

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
