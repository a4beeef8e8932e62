"""Periodic personal-data work for Celery: the retention purge.

Run by Celery beat every PERSONAL_DATA_PURGE_HOURS (config/settings.py,
CELERY_BEAT_SCHEDULE). Idempotent: a message delivered twice finds nothing
left to clear the second time (acks_late is the project default).
"""

from __future__ import annotations

from celery import shared_task

from privacy.services import personal_data_purge


@shared_task(name="privacy.purge_personal_data")
def purge_personal_data() -> int:
    """Clear IP addresses and user agents older than PERSONAL_DATA_RETENTION_DAYS; how many comments."""
    return personal_data_purge().cleared
