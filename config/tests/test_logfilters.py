"""Comment receipts never reach a log line, from gunicorn or from Django (#11 item 15, the receipt)."""

import io
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from config.logfilters import redact_query, redact_urls

SECRET = "6f1e0c2d9a8b7c6d5e4f3a2b1c0d9e8f"
CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"receipt={SECRET}", "receipt=[redacted]"),
        (f"a=1&receipt={SECRET}&b=2", "a=1&receipt=[redacted]&b=2"),
        (f"%72eceipt={SECRET}", "%72eceipt=[redacted]"),  # the name as Django decodes it
        (f"RECEIPT={SECRET}", "RECEIPT=[redacted]"),
        ("receipts=1&order=oldest", "receipts=1&order=oldest"),
        ("", ""),
    ],
)
def test_redact_query(query, expected):
    assert redact_query(query) == expected


def test_redact_urls_in_a_line_of_text():
    line = f'"GET /api/comments/7/status/?receipt={SECRET} HTTP/1.1" 200 52'

    assert redact_urls(line) == '"GET /api/comments/7/status/?receipt=[redacted] HTTP/1.1" 200 52'
    assert redact_urls("no query here") == "no query here"


def _gunicorn_access_line(environ_overrides=None, access_log_format=None):
    settings = runpy.run_path(str(CONF))
    cfg = Config()
    cfg.set("logger_class", settings["logger_class"])
    cfg.set("accesslog", "-")
    if access_log_format:
        cfg.set("access_log_format", access_log_format)
    logger = cfg.logger_class(cfg)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/comments/7/status/?receipt={SECRET}",
        "PATH_INFO": "/api/comments/7/status/",
        "QUERY_STRING": f"receipt={SECRET}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://news.example.org/api/comments/7/status/?receipt={SECRET}",
        "HTTP_X_COMMENT_RECEIPT": SECRET,
        **(environ_overrides or {}),
    }
    response = SimpleNamespace(status="200 OK", sent=52, headers=[])
    request = SimpleNamespace(headers=[("X-COMMENT-RECEIPT", SECRET)])
    logger.access(response, request, environ, timedelta(milliseconds=3))
    assert SECRET not in stream.getvalue()
    return stream.getvalue().splitlines()[-1]  # (the access logger is process-wide: one line per handler)


def test_gunicorns_access_log_redacts_the_receipt_query():
    line = _gunicorn_access_line()

    assert "/api/comments/7/status/?receipt=[redacted]" in line
    assert SECRET not in line
    assert '" 200 52 ' in line  # the rest of the default format is intact


def test_gunicorns_access_log_redacts_every_atom_that_can_carry_a_receipt():
    line = _gunicorn_access_line(
        access_log_format="%(r)s|%(q)s|%(f)s|%({x-comment-receipt}i)s|%({raw_uri}e)s|%({http_x_comment_receipt}e)s"
    )

    assert SECRET not in line
    assert line.count("[redacted]") == 6


def test_django_logs_redact_receipts(settings):
    # runserver's request lines go to the `django.server` logger.
    handler = logging.getLogger("django.server").handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /api/comments/7/status/?receipt={SECRET} HTTP/1.1", "200", "52"
        )
    finally:
        handler.setStream(previous)

    assert "?receipt=[redacted]" in stream.getvalue()
    assert SECRET not in stream.getvalue()
    # Every other log line goes through LOGGING's console handler, which carries the same filter.
    # (Read from the setting: other tests and libraries may add root handlers of their own.)
    assert "redact_receipts" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["root"]["handlers"] == ["console"]
    assert settings.LOGGING["filters"]["redact_receipts"]["()"] == "config.logfilters.RedactReceipts"
