"""The audit logs of personal-data erasures and retention purges."""

import moderation.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RetentionPurge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("started_at", models.DateTimeField()),
                ("finished_at", models.DateTimeField()),
                ("cutoff", models.DateTimeField()),
                ("comments_cleared", models.PositiveIntegerField(default=0)),
                ("batches", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "retention purge",
                "ordering": ["-started_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="PersonalDataErasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email_hash", models.CharField(db_index=True, max_length=64)),
                ("placeholder_email", models.CharField(max_length=254)),
                (
                    "requested_by_username",
                    moderation.models.UsernameOf(
                        blank=True, default="", editable=False, max_length=150, user_field="requested_by"
                    ),
                ),
                ("reason", models.TextField()),
                ("erase_rejected_bodies", models.BooleanField(default=False)),
                ("started_at", models.DateTimeField()),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                ("comments_erased", models.PositiveIntegerField(default=0)),
                ("bodies_erased", models.PositiveIntegerField(default=0)),
                ("articles_affected", models.PositiveIntegerField(default=0)),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=moderation.models.keep_username_set_null,
                        related_name="personal_data_erasures",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "personal-data erasure",
                "ordering": ["-started_at", "-id"],
                "permissions": [("erase_personal_data", "Can erase and export commenters' personal data")],
            },
        ),
    ]
