# Hand-written (COMMON.md): the review desk's search reads a STORED folded copy of the searched
# text (docs/load-test.md §L1, issue 18).
#
# PostgreSQL only. With the index of 0008 on the expression ``pmm_fold(nombre || ...)``, every
# candidate row of the trigram index was rechecked by evaluating that expression again: a common
# word («migrantes», «atención») makes every ficha a candidate, and ``unaccent`` over ~3,500
# characters costs about 0.3 ms a row. Worse, the planner cannot estimate ``LIKE`` on such long
# values (they are too wide for the column statistics), believed one row would match and, for
# two words or a word and an institution, left the exercise out of the index condition: every
# year's fichas were rechecked (2.5 s on the loaded machine for «atención FRONTERA» at 10 years).
#
# Now a generated column holds ``pmm_fold(...)``, computed when the row is written (PostgreSQL
# keeps it in sync on every INSERT and UPDATE; no code writes it), compressed with lz4 when the
# server has it (faster to read back than pglz). The desk reads one exercise's fichas through
# the exercise's index and tests the stored text with ``LIKE``: the cost is bounded by the
# fichas of one exercise, whatever the number of years, with no per-row folding and no plan to
# go wrong. The trigram index of 0008 is dropped (it would fold every write once more).
# ``reporting.review.FichaSearchText`` reads the column on PostgreSQL and folds in Python on
# SQLite. The column is not a model field (the model layer never reads or writes it); a
# migration that changes the type of ``nombre``, ``descripcion`` or ``resultados`` must drop and
# re-create it (PostgreSQL refuses otherwise).
from django.db import migrations

COLUMN = "texto_busqueda"
EXPRESSION = "pmm_fold(nombre || ' ' || descripcion || ' ' || resultados)"
OLD_INDEX = (
    "CREATE INDEX IF NOT EXISTS reporting_ficha_search_trgm ON reporting_ficha USING gin "
    f"(ejercicio_id, {EXPRESSION} gin_trgm_ops)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    compression = " COMPRESSION lz4" if row and row[0] else ""
    schema_editor.execute(
        f"ALTER TABLE reporting_ficha ADD COLUMN IF NOT EXISTS {COLUMN} text{compression} "
        f"GENERATED ALWAYS AS ({EXPRESSION}) STORED"
    )
    schema_editor.execute("DROP INDEX IF EXISTS reporting_ficha_search_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE reporting_ficha DROP COLUMN IF EXISTS {COLUMN}")
    schema_editor.execute(OLD_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0009_english_reference"),
    ]

    operations = [migrations.RunPython(create, drop)]
