"""What the API's filter sets share: date filters, and one non-blank value per parameter.

Date filters for datetime columns:
`<name>_after=YYYY-MM-DD` and `<name>_before=YYYY-MM-DD` are inclusive whole days
in the site's time zone. Each is its own parameter, so an invalid value is
reported under the parameter's own name. They compare the column with day
boundaries (not a `__date` transform), so an index on the column still serves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.exceptions import ValidationError


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


# --- One value per parameter ------------------------------------------------------------------
#
# A query parameter an endpoint knows must be given once and with a value: `?days=` or
# `?page_size=5&page_size=500` is refused (400, under the parameter's name) instead of being
# silently read as "absent" or as its last value. Parameters an endpoint does not know are ignored.

BLANK_MESSAGE = "Give a value, or leave this parameter out."
REPEATED_MESSAGE = "Give this parameter once."


def query_value_errors(query_params: Mapping[str, Any], names: Iterable[str]) -> dict[str, list[str]]:
    """Messages for the parameters among `names` that are repeated or blank in `query_params`."""
    errors: dict[str, list[str]] = {}
    getlist = getattr(query_params, "getlist", None)
    for name in names:
        if name not in query_params:
            continue
        values = getlist(name) if getlist else [query_params[name]]
        if len(values) > 1:
            errors[name] = [REPEATED_MESSAGE]
        elif not str(values[0]).strip():
            errors[name] = [BLANK_MESSAGE]
    return errors


def single_query_value(query_params: Mapping[str, Any], name: str) -> str | None:
    """The one value of parameter `name` (None when absent); 400 when it is repeated or blank."""
    errors = query_value_errors(query_params, [name])
    if errors:
        raise ValidationError(errors)
    return query_params.get(name)


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet whose declared filters each take one non-blank value (else 400 with field messages)."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, messages in query_value_errors(self.data, self.filters).items():
            self.form.errors.pop(name, None)  # one clear message per parameter
            for message in messages:
                self.form.add_error(name if name in self.form.fields else None, message)
            valid = False
        return valid


def page_size_value(query_params: Mapping[str, Any], name: str, *, default: int | None, maximum: int) -> int | None:
    """`?page_size=`: absent gives `default`, above `maximum` gives `maximum`; anything but one
    whole number of at least 1 is a 400 (DRF silently used the default)."""
    value = single_query_value(query_params, name)
    if value is None:
        return default
    value = value.strip()
    if not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise ValidationError({name: [f"Use a whole number from 1 (at most {maximum} are given per page)."]})
    return min(int(value), maximum)


def page_size_parameter_schema(parameters: list[dict], name: str, *, maximum: int) -> list[dict]:
    """The pagination's documented parameters, with `page_size`'s lower bound and cap."""
    for parameter in parameters:
        if parameter.get("name") == name:
            parameter["schema"] = {**parameter.get("schema", {}), "minimum": 1}
            parameter["description"] = f"Results per page (at least 1; more than {maximum} gives {maximum})."
    return parameters
