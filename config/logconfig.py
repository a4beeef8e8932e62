"""The LOGGING dict: JSON lines in production, readable lines in development.

Every record carries the time, level, logger and the request id (`request_id`): django-guid's
middleware takes it from the request's `X-Request-ID` header (or makes one), returns it in the
response, and its Celery integration hands it to the tasks a request queues, so a worker's lines
carry the id of the request that caused them. Moderation actions add `comment_id` and
`moderator` (moderation/services.py), which the JSON formatter writes as fields of their own.

Comment receipts never reach a log: `?receipt=` values are redacted (config/logfilters.py).
"""

from __future__ import annotations

from typing import Any

JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s"
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger", "correlation_id": "request_id"}
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(correlation_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting for `log_format` "json" or "text"."""
    if log_format not in ("json", "text"):
        raise ValueError(f'LOG_FORMAT must be "json" or "text", not {log_format!r}')
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": JSON_RENAMES,
            # ISO 8601 with the offset, in UTC (settings.TIME_ZONE): sortable and unambiguous.
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    filters = ["request_id", "redact_receipts"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact_receipts": {"()": "config.logfilters.RedactReceipts"},
            # Adds `correlation_id` (the request id, "-" outside a request) to every record.
            "request_id": {"()": "django_guid.log_filters.CorrelationId"},
        },
        "formatters": {
            "app": formatter,
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "app", "filters": filters},
            # runserver's request lines, as Django logs them by default, plus the filters.
            "django.server": {
                "class": "logging.StreamHandler",
                "formatter": "app" if log_format == "json" else "django.server",
                "filters": filters,
            },
        },
        "loggers": {
            "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
            # Django's default "django" logger has a console handler of its own (with DEBUG), so each of
            # its lines (a 404's "Not Found: …", a CSRF failure) printed twice with the root's: here it
            # only passes its records on to the root's handler (one line each, receipts redacted).
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            # django-guid logs every id it makes or reads at INFO: noise in every request's output.
            "django_guid": {"handlers": [], "level": "WARNING", "propagate": True},
            # django-health-check logs each failed probe with a traceback; a load balancer probes every
            # few seconds, so an outage would fill the log. The /readyz answer says what failed.
            "health_check": {"handlers": [], "level": "ERROR", "propagate": True},
        },
        "root": {"handlers": ["console"], "level": level},
    }
