"""Count repeats of a text from one index: (fingerprint, submitted_at) replaces the fingerprint index.

Dropping `db_index` through AlterField would make SQLite copy the whole
comments table; the old index is dropped by name instead (on PostgreSQL also
its `_like` companion), so the migration costs one index build on both.
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
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def restore_fingerprint_index(apps, schema_editor) -> None:
    model = apps.get_model("comments", "Comment")
    field = model._meta.get_field("fingerprint")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
    like = getattr(schema_editor, "_create_like_index_sql", None)
    if like is not None and (statement := like(model, field)) is not None:
        schema_editor.execute(statement)


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
