"""The moderation stats index again, now carrying the stored username (dropped in 0008).

The decision log grows with every comment: the index is built without blocking writes (CREATE INDEX
CONCURRENTLY on PostgreSQL, config.migration_ops), which cannot run inside a transaction.
"""

from django.db import migrations, models

from config.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("moderation", "0008_keep_usernames_on_logs"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="moderationdecision",
            index=models.Index(
                fields=["decided_at", "moderator", "moderator_username", "verdict", "previous_status", "comment"],
                name="decision_time_stats",
            ),
        ),
    ]
