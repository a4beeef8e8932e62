"""Keep comment receipts out of the logs.

A receipt is the only key to a comment's status. Clients should send it in the
`X-Comment-Receipt` header; `GET /api/comments/{id}/status/?receipt=…` still works for
older clients, but a URL is written to access logs. So every URL and query string
this app logs has the `receipt` parameter's value replaced by `[redacted]`:

- gunicorn's access log: `logger_class = "config.logfilters.ReceiptRedactingLogger"`
  (gunicorn.conf.py) redacts the request line, path, query string, referer, the raw
  URI and the receipt header, whatever `access_log_format` is used;
- Django's own logging (`runserver`'s request lines, anything else that logs a URL):
  the `RedactReceipts` filter on the handlers in LOGGING.

Proxies in front of the app keep their own logs: another reason to use the header.
No Django imports: gunicorn loads this module before the application.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger as GunicornLogger

SECRET_PARAMETERS = frozenset({"receipt"})
SECRET_HEADERS = frozenset({"x-comment-receipt", "http_x_comment_receipt"})  # {…}i and {…}e atoms
REDACTED = "[redacted]"
_QUERY = re.compile(r"\?([^\s#\"']*)")


def redact_query(query: str) -> str:
    """`a=1&receipt=abc` -> `a=1&receipt=[redacted]` (names compared as Django decodes them)."""
    if not query:
        return query
    parts = []
    for part in query.split("&"):
        name, equals, _value = part.partition("=")
        if unquote_plus(name).strip().lower() in SECRET_PARAMETERS:
            part = f"{name}={REDACTED}"
        parts.append(part)
    return "&".join(parts)


def redact_urls(text: str) -> str:
    """Redact the secret parameters of every query string (`?…`) in a line of text."""
    if "?" not in text:
        return text
    return _QUERY.sub(lambda match: "?" + redact_query(match.group(1)), text)


def _redact_value(value: Any) -> Any:
    return redact_urls(value) if isinstance(value, str) else value


class RedactReceipts(logging.Filter):
    """Logging filter: redacts receipts in a record's message and arguments (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redact_value(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        return True


class ReceiptRedactingLogger(GunicornLogger):
    """gunicorn's logger with receipts redacted from every access-log atom that can carry one."""

    def atoms(self, resp, req, environ, request_time) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            if key == "q" or key == "{query_string}e":
                atoms[key] = redact_query(value)
            elif key[:1] == "{" and key[1:].split("}", 1)[0] in SECRET_HEADERS:
                atoms[key] = REDACTED
            else:
                atoms[key] = redact_urls(value)
        return atoms
