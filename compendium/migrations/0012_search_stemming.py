"""Search stemming of «-ación»/«-ución» words, and the API throttle's shared cache table.

1. The stored search texts get the form ``compendium.public_record.search_form`` now gives
   them («capacitacion» written «capacitaciones», so that the Spanish stemmer, which strips
   «-ación» only with its accent, gives singular and plural one stem), and their vectors are
   rebuilt (PostgreSQL; docs/open-data.md §R5). The pattern is inlined: migrations do not
   import code that may change.
2. The table of Django's database cache that the API's rate limit uses when
   ``API_THROTTLE_CACHE=database`` (the default in production), so that every gunicorn worker
   counts the same requests (docs/data-and-api.md §A4). Created on every database; unused (and
   empty) where the throttle counts in local memory.
"""

import re

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

SINGULAR_CION = re.compile(r"(?<=[au])cion\b")
THROTTLE_TABLE = "api_throttle_cache"


def rewrite_search_texts(apps, schema_editor):
    program = apps.get_model("compendium", "PublishedProgram")
    changed = []
    for row in program.objects.only("pk", "search_text").iterator(chunk_size=1000):
        text = SINGULAR_CION.sub("ciones", row.search_text)
        if text != row.search_text:
            row.search_text = text
            changed.append(row)
    program.objects.bulk_update(changed, ["search_text"], batch_size=500)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE compendium_publishedprogram "
            "SET search_vector = to_tsvector('pmm_es'::regconfig, search_text)"
        )


def create_throttle_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, THROTTLE_TABLE, dry_run=False)


def drop_throttle_table(apps, schema_editor):
    quoted = schema_editor.quote_name(THROTTLE_TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {quoted}")


class Migration(migrations.Migration):
    dependencies = [("compendium", "0011_english_edition")]

    operations = [
        # Backwards: the plural forms stay (they stem as before), nothing to undo.
        migrations.RunPython(rewrite_search_texts, migrations.RunPython.noop),
        migrations.RunPython(create_throttle_table, drop_throttle_table),
    ]
