"""Date filters for datetime columns shared by the API's filter sets.

`<name>_after=YYYY-MM-DD` and `<name>_before=YYYY-MM-DD` are inclusive whole days
in the site's time zone. Each is its own parameter, so an invalid value is
reported under the parameter's own name. They compare the column with day
boundaries (not a `__date` transform), so an index on the column still serves them.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django.db.models import QuerySet
from django.utils import timezone


def _day_start(day: date) -> datetime | None:
    try:
        return timezone.make_aware(datetime.combine(day, time.min))
    except (OverflowError, ValueError):
        return None  # a day at the calendar's very edge: no bound


class DateAfterFilter(django_filters.DateFilter):
    """On or after the start of the given day."""

    def filter(self, qs: QuerySet, value: date | None) -> QuerySet:
        start = _day_start(value) if value else None
        return qs.filter(**{f"{self.field_name}__gte": start}) if start else qs


class DateBeforeFilter(django_filters.DateFilter):
    """Before the end of the given day (inclusive)."""

    def filter(self, qs: QuerySet, value: date | None) -> QuerySet:
        if not value or value == date.max:
            return qs
        end = _day_start(value + timedelta(days=1))
        return qs.filter(**{f"{self.field_name}__lt": end}) if end else qs
