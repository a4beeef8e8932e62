"""The Celery app: background work (comment rechecks, later notifications).

Configured from Django settings (the CELERY_* names). Without a broker the
tasks run eagerly, in the calling process. Start a worker with:
    celery -A config worker -l info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from config import requestid  # noqa: E402,F401  (carries the request id to the workers)
