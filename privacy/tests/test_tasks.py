"""The periodic retention purge: a Celery task on the beat schedule."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from privacy.models import RetentionPurge
from privacy.tasks import purge_personal_data

pytestmark = pytest.mark.django_db


def test_the_task_clears_old_connection_data(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    old = CommentFactory(submitted_at=timezone.now() - timedelta(days=91))
    recent = CommentFactory(submitted_at=timezone.now() - timedelta(days=1))

    assert purge_personal_data.delay().get() == 1

    assert (Comment.objects.get(pk=old.pk).ip_address, Comment.objects.get(pk=old.pk).user_agent) == (None, "")
    assert Comment.objects.get(pk=recent.pk).ip_address == "203.0.113.7"
    assert RetentionPurge.objects.get().comments_cleared == 1


def test_the_task_is_on_the_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-personal-data"]
    assert entry["task"] == purge_personal_data.name == "privacy.purge_personal_data"
    assert entry["schedule"] == timedelta(hours=django_settings.PERSONAL_DATA_PURGE_HOURS)
