"""Names for SQL written by hand (where the ORM's query building costs more than the query)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model


def column(model: type[Model], name: str) -> str:
    """The database column of `model`'s concrete field `name` (unquoted)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):  # a reverse relation or a generic foreign key: no column
        raise FieldDoesNotExist(f"{model.__name__}.{name} has no column")
    return field.column
