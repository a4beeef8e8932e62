"""The request id in Celery tasks: a task queued while handling a request logs under that request's id.

django-guid's middleware keeps the id of the current request (its `X-Request-ID` header, or a new
one); these handlers carry it in the task message's headers to the worker. django-guid ships a
Celery integration doing the same, but it also runs for tasks executed inline (eager mode, the
set-up without a broker), where it replaces the request's id with a new one and clears it when the
task ends, so the rest of the request logged without an id. Inline tasks run in the request's own
context and need nothing.
"""

from __future__ import annotations

from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django_guid import clear_guid, get_guid, set_guid
from django_guid.utils import generate_guid

HEADER = "X-Request-ID"


@before_task_publish.connect(dispatch_uid="config.requestid.publish")
def send_request_id(headers: dict | None = None, **kwargs: Any) -> None:
    request_id = get_guid()
    if request_id and headers is not None:
        headers[HEADER] = request_id


@task_prerun.connect(dispatch_uid="config.requestid.prerun")
def take_request_id(task: Any = None, **kwargs: Any) -> None:
    if task is None or task.request.is_eager:
        return
    # A scheduled task (beat) or one queued outside a request gets an id of its own.
    set_guid(task.request.get(HEADER) or generate_guid())


@task_postrun.connect(dispatch_uid="config.requestid.postrun")
def drop_request_id(task: Any = None, **kwargs: Any) -> None:
    if task is not None and not task.request.is_eager:
        clear_guid()
