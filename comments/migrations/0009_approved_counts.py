"""Approved comment counts kept beside the public comments version (article lists read them: no COUNT)."""

from django.db import migrations, models
from django.db.models import Count


def count_approved(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Version = apps.get_model("comments", "PublicCommentsVersion")
    counts = Comment.objects.filter(status="approved").order_by().values("article_id").annotate(n=Count("pk"))
    for row in counts.iterator():
        Version.objects.update_or_create(article_id=row["article_id"], defaults={"approved_count": row["n"]})


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_personal_data_retention_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="publiccommentsversion",
            name="approved_count",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(count_approved, migrations.RunPython.noop),
    ]
