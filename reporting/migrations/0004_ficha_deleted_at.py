"""Soft delete of drafts: ``Ficha.deleted_at`` (restorable for 30 days, then purged)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_unaccent_and_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="ficha",
            name="deleted_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="eliminada"
            ),
        ),
    ]
