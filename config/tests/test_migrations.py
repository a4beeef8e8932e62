"""Migrations: the models match them, and the index migrations on the comments table run both ways
(with CREATE INDEX CONCURRENTLY on PostgreSQL, through the schema editor's public API only)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

COMMENTS_TABLE = "comments_comment"


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def index_columns() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, COMMENTS_TABLE)
    return {name: info["columns"] for name, info in constraints.items() if info["index"] and not info["primary_key"]}


def latest_targets() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_comment_index_migrations_run_backwards_and_forwards():
    try:
        call_command("migrate", "comments", "0002", verbosity=0)
        before = index_columns()
        assert [name for name, cols in before.items() if cols == ["fingerprint"]]  # db_index=True's index(es)
        assert "comment_fingerprint_time" not in before

        call_command("migrate", "comments", "0003", verbosity=0)
        after_0003 = index_columns()
        assert not [name for name, cols in after_0003.items() if cols == ["fingerprint"]]
        assert after_0003["comment_fingerprint_time"] == ["fingerprint", "submitted_at"]

        call_command("migrate", "comments", "0002", verbosity=0)  # and back: the plain index returns
        assert [name for name, cols in index_columns().items() if cols == ["fingerprint"]]
    finally:
        for app_label, name in latest_targets():
            call_command("migrate", app_label, name, verbosity=0)
    final = index_columns()
    assert {"comment_fingerprint_time", "comment_author_email_time", "comment_ip_time"} <= set(final)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_indexes_on_the_comments_table_are_built_concurrently_on_postgresql():
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    try:
        call_command("migrate", "comments", "0005", verbosity=0)
        with connection.execute_wrapper(record):
            call_command("migrate", "comments", "0006", verbosity=0)
    finally:
        for app_label, name in latest_targets():
            call_command("migrate", app_label, name, verbosity=0)
    creates = [s for s in statements if s.upper().startswith("CREATE INDEX")]
    assert len(creates) == 2
    assert all("CONCURRENTLY" in s.upper() for s in creates)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname IN ('comment_author_email_time', 'comment_ip_time')"
        )
        assert sorted(cursor.fetchall()) == [("comment_author_email_time", True), ("comment_ip_time", True)]
