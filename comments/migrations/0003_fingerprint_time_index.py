"""Count repeats of a text from one index: (fingerprint, submitted_at) replaces the fingerprint index.

Dropping `db_index` through AlterField would make SQLite copy the whole
comments table; the old index is dropped by name instead (on PostgreSQL also
its `_like` companion), so the migration costs one index build on both.
Only the schema editor's public API is used (add_index / remove_index).
"""

from django.db import migrations, models


def _fingerprint_only_indexes(schema_editor, model) -> list[str]:
    table = model._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == ["fingerprint"]
    ]


def drop_fingerprint_index(apps, schema_editor) -> None:
    model = apps.get_model("comments", "Comment")
    for name in _fingerprint_only_indexes(schema_editor, model):
        # remove_index() drops by the index's name; the fields only describe it.
        schema_editor.remove_index(model, models.Index(fields=["fingerprint"], name=name))


def restore_fingerprint_index(apps, schema_editor) -> None:
    model = apps.get_model("comments", "Comment")
    schema_editor.add_index(model, models.Index(fields=["fingerprint"], name="comment_fingerprint"))
    if schema_editor.connection.vendor == "postgresql":
        # What db_index=True adds for LIKE lookups on PostgreSQL.
        schema_editor.add_index(
            model,
            models.Index(fields=["fingerprint"], name="comment_fingerprint_like", opclasses=["varchar_pattern_ops"]),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_queue_and_flag_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="fingerprint",
                    field=models.CharField(blank=True, max_length=64),
                ),
            ],
            database_operations=[migrations.RunPython(drop_fingerprint_index, restore_fingerprint_index)],
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["fingerprint", "submitted_at"], name="comment_fingerprint_time"),
        ),
    ]
