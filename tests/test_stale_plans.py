"""A prepared statement whose result type a migration changed fails once, not for a minute
(config/database.py, docs/load-test.md §L9)."""

import os

import psycopg
import pytest
from django.db import NotSupportedError, connection, transaction

from reporting import rows
from reporting.models import User

pytestmark = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""), reason="PostgreSQL's prepared statements"
)


def _other_session():
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    return psycopg.connect(autocommit=True, **{k: params[k] for k in keys if params.get(k)})


@pytest.mark.django_db(transaction=True)
def test_a_column_type_changed_under_a_prepared_statement():
    user = User.objects.create(email="ana@example.org", first_name="Ana")
    connection.close()  # a connection of its own: nothing prepared yet
    for _ in range(6):  # prepared after five executions (settings: prepare_threshold)
        assert rows.user_with_membership(user.pk).first_name == "Ana"
    first = connection.connection
    column = User._meta.get_field("first_name")
    with _other_session() as other:
        # What an AlterField of first_name's max_length does, from another process.
        other.execute("ALTER TABLE reporting_user ALTER COLUMN first_name TYPE varchar(200)")
        try:
            # Inside a transaction the rollback makes psycopg forget the statement.
            with pytest.raises(NotSupportedError, match="cached plan"), transaction.atomic():
                rows.user_with_membership(user.pk)
            assert connection.connection is first
            assert rows.user_with_membership(user.pk).first_name == "Ana"
            for _ in range(6):
                rows.user_with_membership(user.pk)
            other.execute(
                "ALTER TABLE reporting_user ALTER COLUMN first_name"
                f" TYPE varchar({column.max_length})"
            )
            # Outside one (autocommit): this statement fails, and its connection is closed...
            with pytest.raises(NotSupportedError, match="cached plan"):
                rows.user_with_membership(user.pk)
            assert connection.connection is None
            # ...so the next one runs on a new connection.
            assert rows.user_with_membership(user.pk).first_name == "Ana"
        finally:
            other.execute(
                "ALTER TABLE reporting_user ALTER COLUMN first_name"
                f" TYPE varchar({column.max_length})"
            )
            connection.close()
