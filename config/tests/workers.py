"""A real Celery worker thread for tests, and a way to wait for its tasks without touching the database.

Tests used to poll the database until a worker's writes showed up. On SQLite the test database is an
in-memory database in shared-cache mode, where locks are per table and do not wait: a test reading a
table while the worker thread writes it fails one side with "database table is locked" (now and then,
not every run). Waiting on Celery's `task_postrun` signal instead leaves the database to the worker
until its tasks have finished; the test then reads what they wrote.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from config.celery import app as celery_app


class FinishedTasks:
    """The names of the tasks the worker has finished (successfully or not), in order."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._changed = threading.Condition()

    def record(self, sender=None, **kwargs) -> None:
        with self._changed:
            self.names.append(getattr(sender, "name", str(sender)))
            self._changed.notify_all()

    def wait_for(self, count: int, *, name: str | None = None, timeout: float = 60.0) -> bool:
        """Block until `count` tasks (named `name`, if given) have finished; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._count(name) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def _count(self, name: str | None) -> int:
        return sum(1 for n in self.names if name is None or n == name)


@contextmanager
def running_worker() -> Iterator[FinishedTasks]:
    """Run a worker (solo pool) in a thread for the block; yields the tasks it has finished."""
    finished = FinishedTasks()
    task_postrun.connect(finished.record, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield finished
    finally:
        task_postrun.disconnect(finished.record)
