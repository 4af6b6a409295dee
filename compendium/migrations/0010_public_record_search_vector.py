"""The public record's stored ``tsvector`` (PostgreSQL), GIN-indexed, instead of an index on an
expression: a search then never runs ``to_tsvector`` per row, whatever plan PostgreSQL picks
(docs/open-data.md §R5). Rows frozen before get their vector here."""

from django.db import migrations

import compendium.models


def to_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS published_program_search")
        schema_editor.execute(
            "UPDATE compendium_publishedprogram "
            "SET search_vector = to_tsvector('pmm_es'::regconfig, search_text)"
        )
        schema_editor.execute(
            "CREATE INDEX published_program_vector ON compendium_publishedprogram "
            "USING gin (search_vector)"
        )


def back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS published_program_vector")


class Migration(migrations.Migration):
    dependencies = [("compendium", "0009_public_record_search")]

    operations = [
        migrations.AddField(
            model_name="publishedprogram",
            name="search_vector",
            field=compendium.models.TextSearchVector(
                editable=False, null=True, verbose_name="vector de búsqueda"
            ),
        ),
        migrations.RunPython(to_vectors, back),
    ]
