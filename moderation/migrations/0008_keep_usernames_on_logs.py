"""Log rows keep the username of the staff member who wrote them, so deleting the account keeps the log.

Adds the username copies (filled here for existing rows), makes the account links SET NULL through
moderation.models.keep_username_set_null instead of PROTECT; 0009 rebuilds the stats index with the name.
"""

import moderation.models
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# (model, account link, username copy)
LINKS = [
    ("ModerationDecision", "moderator", "moderator_username"),
    ("CheckModelVersion", "created_by", "created_by_username"),
    ("CheckModelActivation", "activated_by", "activated_by_username"),
]


def copy_usernames(apps, schema_editor):
    # Historical models have plain managers: the append-only querysets do not apply here.
    User = apps.get_model(settings.AUTH_USER_MODEL)
    username = User.USERNAME_FIELD if hasattr(User, "USERNAME_FIELD") else "username"
    for model_name, link, copy in LINKS:
        model = apps.get_model("moderation", model_name)
        name = User.objects.filter(pk=OuterRef(f"{link}_id")).values(username)[:1]
        model.objects.filter(**{f"{link}__isnull": False}).update(**{copy: Subquery(name)})


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0007_review_queue_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="moderationdecision",
            name="decision_time_stats",
        ),
        migrations.AddField(
            model_name="checkmodelactivation",
            name="activated_by_username",
            field=moderation.models.UsernameOf(
                blank=True, default="", editable=False, max_length=150, user_field="activated_by"
            ),
        ),
        migrations.AddField(
            model_name="checkmodelversion",
            name="created_by_username",
            field=moderation.models.UsernameOf(
                blank=True, default="", editable=False, max_length=150, user_field="created_by"
            ),
        ),
        migrations.AddField(
            model_name="moderationdecision",
            name="moderator_username",
            field=moderation.models.UsernameOf(
                blank=True, default="", editable=False, max_length=150, user_field="moderator"
            ),
        ),
        migrations.RunPython(copy_usernames, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="checkmodelactivation",
            name="activated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=moderation.models.keep_username_set_null,
                related_name="check_model_activations",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="checkmodelversion",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=moderation.models.keep_username_set_null,
                related_name="check_model_versions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="moderationdecision",
            name="moderator",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=moderation.models.keep_username_set_null,
                related_name="moderation_decisions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
