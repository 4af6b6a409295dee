"""Reference data for tests that set up a database outside a test function.

Transactional tests flush every table, reference data included (tests/conftest.py reloads it
before each database test). A module- or session-scoped fixture runs before that reload, so it
calls ``ensure_reference_data`` itself.

On PostgreSQL the reload is a copy (docs/testing.md §T6): the first time an xdist process loads
the data, the loaders run and the rows of ``REFERENCE_MODELS`` are kept in memory (``COPY …
TO STDOUT``); after a flush they are put back with ``COPY … FROM STDIN`` (a few milliseconds
instead of the loaders' few hundred queries, about a quarter of a second). The loaders still run
whenever those tables are not all empty (a partial state), and on SQLite.
tests/test_reference_snapshot.py checks that the copy restores the rows the loaders write, in
every table.
"""

import importlib

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

# The data migrations that fill reference tables, in order (docs/reference-data.md §D0).
LOADERS = (
    "reporting.migrations.0002_reference_data",
    # The 2018-2022 figures of the series (docs/series.md §S1).
    "compendium.migrations.0008_series_history",
    # The English titles of the reference tables (docs/english-edition.md §E1).
    "reporting.migrations.0009_english_reference",
)

# The tables the loaders write (``app_label.Model``), parents before children.
REFERENCE_MODELS = (
    "reporting.ObjetivoPMM",
    "reporting.ODS",
    "reporting.EjeTematico",
    "reporting.Subtema",
    "reporting.EntidadFederativa",
    "reporting.ActorType",
    "compendium.HistoricalFigure",
)

# This process's copy of the reference rows: (table, columns, COPY text), once taken.
_snapshot: list[tuple[str, str, bytes]] | None = None


def _tables() -> list[tuple[str, str]]:
    """(quoted table, quoted column list) of each reference model."""
    quote = connection.ops.quote_name
    result = []
    for label in REFERENCE_MODELS:
        meta = apps.get_model(label)._meta
        columns = ", ".join(quote(f.column) for f in meta.concrete_fields)
        result.append((quote(meta.db_table), columns))
    return result


def run_loaders() -> None:
    """The data migrations' loaders (each inserts whatever rows are missing)."""
    for name in LOADERS:
        importlib.import_module(name).load(apps, None)


def take_snapshot() -> list[tuple[str, str, bytes]]:
    """The rows of the reference tables as they are now, in COPY's text format."""
    snapshot = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's cursor under Django's wrappers
        for table, columns in _tables():
            with raw.copy(f"COPY {table} ({columns}) TO STDOUT") as copy:
                data = b"".join(bytes(block) for block in copy)
            snapshot.append((table, columns, data))
    return snapshot


def restore_snapshot(snapshot: list[tuple[str, str, bytes]]) -> None:
    """Put the rows of ``snapshot`` back into the (empty) reference tables, and move each
    table's id sequence past them, so that rows inserted later never take one of their ids."""
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        for table, columns, data in snapshot:
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(data)
        # Django's own statements that move each serial key's sequence past its rows.
        models = [apps.get_model(label) for label in REFERENCE_MODELS]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _all_empty() -> bool:
    checks = " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table, _columns in _tables())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {checks}")
        return not cursor.fetchone()[0]


def load_reference_data() -> None:
    """Insert whatever reference rows are missing (safe to call again)."""
    global _snapshot
    if connection.vendor != "postgresql":
        run_loaders()
        return
    if _snapshot is not None and _all_empty():
        restore_snapshot(_snapshot)
        return
    run_loaders()
    if _snapshot is None:
        _snapshot = take_snapshot()


def ensure_reference_data() -> None:
    """Load the reference data if a flush has emptied it."""
    from reporting.models import ObjetivoPMM

    if not ObjetivoPMM.objects.exists():
        load_reference_data()
