"""The one repair that prepared statements need (docs/load-test.md §L9).

PostgreSQL keeps a prepared statement's result type. After a migration changes the type of a
column that a prepared statement returns (``ALTER COLUMN … TYPE``, as an ``AlterField`` of a
``max_length`` does), every connection that prepared it gets «cached plan must not change
result type» for it (SQLSTATE 0A000), and in autocommit nothing makes psycopg forget it: the
connection passes Django's health check and would fail the same statement on every request
until it ages out (``DB_CONN_MAX_AGE``). A rollback does clear it, so inside a transaction the
error ends there. Outside one, the connection is closed here: that statement fails once, and
the next request opens a new connection. Restarting the web processes and the worker after
``migrate`` avoids even that (README, «Procesos»).
"""

from django.db import NotSupportedError
from django.db.backends.signals import connection_created

FEATURE_NOT_SUPPORTED = "0A000"


def forget_stale_plans(execute, sql, params, many, context):
    """A ``connection.execute_wrappers`` entry: close the connection when PostgreSQL refuses a
    statement prepared before a column's type changed, outside a transaction."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as error:
        connection = context["connection"]
        if (
            getattr(error.__cause__, "sqlstate", None) == FEATURE_NOT_SUPPORTED
            and "cached plan" in str(error)
            and not connection.in_atomic_block
        ):
            connection.close()
        raise


def _install(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql" and forget_stale_plans not in connection.execute_wrappers:
        connection.execute_wrappers.append(forget_stale_plans)


def connect() -> None:
    """Install ``forget_stale_plans`` on every PostgreSQL connection as it is opened."""
    connection_created.connect(_install, dispatch_uid="config.database.forget_stale_plans")
