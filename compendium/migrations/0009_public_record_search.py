"""The public record's filter keys, printed heading, and Spanish full-text search.

PostgreSQL only: the text search configuration ``pmm_es`` (Spanish stemming after unaccent;
the ``unaccent`` extension comes from reporting/0003) and a GIN index on the expression
``compendium.public_record.search`` filters on (docs/open-data.md §R5). SQLite needs neither.
"""

from django.db import migrations, models

CONFIG = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'pmm_es') THEN
    CREATE TEXT SEARCH CONFIGURATION pmm_es (COPY = spanish);
    ALTER TEXT SEARCH CONFIGURATION pmm_es
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
  END IF;
END $$;
"""
# The same expression as SearchVector("search_text", config="pmm_es") compiles to.
INDEX = (
    "CREATE INDEX published_program_search ON compendium_publishedprogram USING gin "
    "(to_tsvector('pmm_es'::regconfig, COALESCE(search_text, '')))"
)


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute(CONFIG)
        schema_editor.execute(INDEX)


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS published_program_search")
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS pmm_es")


class Migration(migrations.Migration):
    dependencies = [
        ("compendium", "0008_series_history"),
        ("reporting", "0003_unaccent_and_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedprogram",
            name="printed_number",
            field=models.PositiveIntegerField(default=1, verbose_name="número impreso"),
        ),
        migrations.AddField(
            model_name="publishedprogram",
            name="printed_sigla",
            field=models.CharField(blank=True, max_length=300, verbose_name="sigla impresa"),
        ),
        migrations.AddField(
            model_name="publishedprogram",
            name="siglas",
            field=models.CharField(
                blank=True, editable=False, max_length=600, verbose_name="siglas"
            ),
        ),
        migrations.AddField(
            model_name="publishedprogram",
            name="state_codes",
            field=models.CharField(
                blank=True, editable=False, max_length=120, verbose_name="claves de entidad"
            ),
        ),
        migrations.RunPython(create_search, drop_search),
    ]
