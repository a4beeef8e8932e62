"""Migration operations shared by the apps.

`AddIndexConcurrently`: an index on a table that may hold millions of rows (comments) is built with
PostgreSQL's CREATE INDEX CONCURRENTLY, which does not block writes while it runs (a plain CREATE
INDEX locks the table against inserts for the whole build: no reader could post meanwhile). Other
databases (SQLite, the embedded default) build it the ordinary way. A migration using it must say
`atomic = False`: PostgreSQL refuses a concurrent build inside a transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAddIndexConcurrently
from django.db.migrations import AddIndex


class AddIndexConcurrently(PostgresAddIndexConcurrently):
    """AddIndex, concurrently on PostgreSQL."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_backwards(app_label, schema_editor, from_state, to_state)
