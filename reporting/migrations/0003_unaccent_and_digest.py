"""Accent-insensitive search and the coordinators' digest of sent fichas.

* PostgreSQL gets the ``unaccent`` extension (trusted since PostgreSQL 13, so the database owner
  may create it); ``reporting.review.Folded`` uses it. SQLite gets an equivalent Python function
  registered on each connection by ``Folded`` itself, so nothing is needed here.
* ``FichaEvent.notified_at`` marks the «enviada» events already listed in a digest email.
"""

from django.db import migrations, models


def create_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_reference_data")]

    operations = [
        migrations.RunPython(create_unaccent, migrations.RunPython.noop),
        migrations.AddField(
            model_name="fichaevent",
            name="notified_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
