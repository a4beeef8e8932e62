"""Structured logs: JSON lines with time, level, logger and the request id; moderation actions add the
comment and the moderator; the id travels from a request to the Celery tasks it queues."""

import io
import json
import logging
import logging.config
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from django_guid import clear_guid, get_guid, set_guid

from comments.tests.factories import CommentFactory
from config.celery import app as celery_app
from config.errortracking import scrub_event
from config.logconfig import logging_config
from config.tests.test_degradation import celery_broker
from moderation.tests.factories import ModeratorFactory


@pytest.fixture
def log_lines():
    """Configure logging as a deployment would (format chosen by the test), into a buffer."""
    buffers = {}

    def configure(log_format: str) -> io.StringIO:
        config = logging_config(log_format=log_format, level="INFO")
        buffer = io.StringIO()
        config["handlers"]["console"]["stream"] = buffer
        config["handlers"]["django.server"]["stream"] = buffer
        logging.config.dictConfig(config)
        buffers["current"] = buffer
        return buffer

    yield configure
    logging.config.dictConfig(settings.LOGGING)


def records(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db(transaction=True)  # the line is written when the decision commits, inside the request
def test_a_decision_logs_one_json_line_with_the_request_id_comment_and_moderator(client, log_lines):
    buffer = log_lines("json")
    moderator = ModeratorFactory(username="mia")
    client.force_login(moderator)
    comment = CommentFactory()
    request_id = str(uuid.uuid4())

    response = client.post(
        reverse("api:moderation-approve", args=[comment.pk]),
        {},
        content_type="application/json",
        headers={"X-Request-ID": request_id},
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == request_id
    decided = [r for r in records(buffer) if r["logger"] == "moderation.services"]
    assert len(decided) == 1
    line = decided[0]
    assert line["request_id"] == request_id
    assert (line["comment_id"], line["moderator"], line["verdict"], line["level"]) == (
        comment.pk,
        "mia",
        "approved",
        "INFO",
    )
    assert line["time"].startswith(time.strftime("%Y-"))
    assert "T" in line["time"] and line["message"] == f"comment {comment.pk} approved by mia"


@pytest.mark.django_db
def test_a_request_id_that_is_not_a_uuid_is_replaced_not_logged(client, log_lines):
    buffer = log_lines("json")
    response = client.get("/api/articles/no-such-article/comments/", headers={"X-Request-ID": "evil\ninjected"})

    assert response.status_code == 404
    given = response["X-Request-ID"]
    assert given != "evil\ninjected" and uuid.UUID(given)
    assert "injected" not in buffer.getvalue()
    not_found = [r for r in records(buffer) if r["logger"] == "django.request"]
    assert not_found and {r["request_id"] for r in not_found} == {given}


def test_text_format_is_one_readable_line_with_level_logger_and_request_id(log_lines):
    buffer = log_lines("text")
    set_guid("0123456789abcdef0123456789abcdef")
    try:
        logging.getLogger("moderation.services").warning("something to see")
    finally:
        clear_guid()
    (line,) = buffer.getvalue().splitlines()
    assert "WARNING" in line and "moderation.services" in line and "[0123456789abcdef0123456789abcdef]" in line
    assert line.endswith("something to see")


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")


def test_receipts_stay_redacted_in_json_lines(log_lines):
    buffer = log_lines("json")
    logging.getLogger("django.server").info('"GET /api/comments/4/status/?receipt=s3cr3t HTTP/1.1" 200 80')
    assert "s3cr3t" not in buffer.getvalue() and "[redacted]" in buffer.getvalue()


PROBED: dict[str, str | None] = {}


@celery_app.task(name="config.tests.request_id_probe")
def request_id_probe(label: str = "") -> str | None:
    # Results are not stored (CELERY_TASK_IGNORE_RESULT): a worker's answer comes back through PROBED.
    PROBED[label] = get_guid()
    return PROBED[label]


def probed(label: str, timeout: float = 20.0) -> str | None:
    deadline = time.monotonic() + timeout
    while label not in PROBED and time.monotonic() < deadline:
        time.sleep(0.05)
    return PROBED.get(label)


def test_an_inline_task_keeps_the_request_id_of_the_request_that_ran_it():
    # Without a broker tasks run inline (eager): the request's id is theirs, and still set afterwards.
    set_guid("feedfacefeedfacefeedfacefeedface")
    try:
        assert request_id_probe.delay().get() == "feedfacefeedfacefeedfacefeedface"
        assert get_guid() == "feedfacefeedfacefeedfacefeedface"
    finally:
        clear_guid()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_during_a_request_logs_under_that_request_id_in_the_worker():
    with celery_broker(settings.REDIS_URL):
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            set_guid("abcdefabcdefabcdefabcdefabcdef12")
            try:
                request_id_probe.delay("in-request")
            finally:
                clear_guid()
            request_id_probe.delay("outside")  # queued outside any request
            seen, unrelated = probed("in-request"), probed("outside")
    assert seen == "abcdefabcdefabcdefabcdefabcdef12"
    assert unrelated and unrelated != seen


def test_error_reports_carry_no_personal_data():
    event = {
        "request": {
            "url": "https://news.example/api/articles/a/comments/",
            "data": {"author_email": "reader@example.org", "body": "text"},
            "cookies": {"sessionid": "x"},
            "env": {"REMOTE_ADDR": "198.51.100.7"},
            "query_string": "receipt=abc",
            "headers": {
                "Authorization": "Token t",
                "X-Forwarded-For": "198.51.100.7",
                "Content-Type": "application/json",
                "X-Request-ID": "r1",
            },
        },
        "user": {"ip_address": "198.51.100.7", "email": "mod@example.org"},
    }
    scrubbed = json.dumps(scrub_event(event))
    for secret in ("reader@example.org", "sessionid", "198.51.100.7", "Token t", "receipt=abc", "mod@example.org"):
        assert secret not in scrubbed
    assert '"X-Request-ID": "r1"' in scrubbed and "application/json" in scrubbed
