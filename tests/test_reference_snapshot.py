"""The copy of the reference data (tests/reference.py, docs/testing.md §T6) restores what the
data migrations' loaders write: the same rows in every table of the database, and id sequences
past the restored rows."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from reporting.models import EjeTematico, Subtema
from tests import reference

pytestmark = pytest.mark.django_db(transaction=True)


def every_table() -> dict[str, str]:
    """Each table of the database -> a digest of its rows (in a fixed order)."""
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            name = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                f" FROM {name} t"
            )
            digests[table] = cursor.fetchone()
    return digests


def flush() -> None:
    # As a transactional test's teardown, and the ids counted from 1 again, as in the migrated
    # database the loaders first filled.
    call_command("flush", interactive=False, reset_sequences=True, verbosity=0)


def test_the_copy_restores_what_the_loaders_write():
    if connection.vendor != "postgresql":
        pytest.skip("The copy is PostgreSQL's COPY; SQLite runs the loaders.")
    flush()
    reference.run_loaders()
    by_loaders = every_table()
    snapshot = reference.take_snapshot()
    assert all(data for _table, _columns, data in snapshot), "a reference table was empty"

    flush()
    reference.restore_snapshot(snapshot)
    assert every_table() == by_loaders

    # A row inserted afterwards takes a new id (the sequences were moved past the copy).
    eje = EjeTematico.objects.order_by("number").first()
    new = Subtema.objects.create(eje=eje, name="Subtema de prueba", position=99)
    assert new.pk > max(Subtema.objects.exclude(pk=new.pk).values_list("pk", flat=True))


def test_load_reference_data_uses_the_copy_after_a_flush(django_assert_max_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("The copy is PostgreSQL's COPY; SQLite runs the loaders.")
    reference.load_reference_data()  # takes this process's copy if it has none yet
    before = every_table()
    call_command("flush", interactive=False, verbosity=0)  # as pytest-django's teardown
    # Through Django: the look at the tables, the savepoint and the sequences (the COPYs go
    # through psycopg's cursor); the loaders take some three hundred queries.
    with django_assert_max_num_queries(3 + len(reference.REFERENCE_MODELS)):
        reference.load_reference_data()
    after = every_table()
    for label in reference.REFERENCE_MODELS:
        table = apps.get_model(label)._meta.db_table
        assert after[table] == before[table], table
