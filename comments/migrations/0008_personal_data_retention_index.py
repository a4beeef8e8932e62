"""The retention purge's partial index: comments still holding an IP address or user agent, oldest first."""

from django.conf import settings
from django.db import migrations, models

from config.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built without blocking writes on the large comments table (CREATE INDEX CONCURRENTLY on PostgreSQL).
    atomic = False

    dependencies = [
        ("articles", "0001_initial"),
        ("comments", "0007_notify_author"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="comment",
            index=models.Index(
                condition=models.Q(
                    ("ip_address__isnull", False), models.Q(("user_agent", ""), _negated=True), _connector="OR"
                ),
                fields=["submitted_at", "id"],
                name="comment_personal_data_time",
            ),
        ),
    ]
