# Hand-written (COMMON.md): an index for the review desk's accent-insensitive search
# (docs/load-test.md §L1, issue 18).
#
# PostgreSQL only. ``unaccent()`` is STABLE (its dictionary could change), so it cannot appear in
# an index; ``pmm_fold(text)`` is the usual IMMUTABLE wrapper that names the dictionary and its
# schema. A GIN trigram index (pg_trgm, trusted since PostgreSQL 13) on the exercise and
# ``pmm_fold(nombre || ' ' || descripcion || ' ' || resultados)`` can answer
# ``LIKE '%palabra%'`` within one exercise; at 10 years (3,600 fichas) the planner usually
# prefers the exercise's own index and folds that exercise's fichas once (docs/load-test.md §L1).
# ``reporting.review.FichaSearchText`` writes exactly this expression; the two must not drift
# (tests/reporting/test_desk_search.py checks the plan uses the index). SQLite needs nothing:
# it registers a Python ``pmm_fold`` on each connection.
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION pmm_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1));
"""
# With the exercise as first column (btree_gin, trusted too): a common word («migrantes») then
# rechecks only the exercise's fichas, not every year's.
INDEX = (
    "CREATE INDEX IF NOT EXISTS reporting_ficha_search_trgm ON reporting_ficha USING gin "
    "(ejercicio_id, pmm_fold(nombre || ' ' || descripcion || ' ' || resultados) gin_trgm_ops)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS reporting_ficha_search_trgm")
    schema_editor.execute("DROP FUNCTION IF EXISTS pmm_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_ficha_texto_no_reconocido"),
    ]

    operations = [migrations.RunPython(create, drop)]
