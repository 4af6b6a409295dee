"""Every write to a table has one owner module: checked on every SQL write of the test suite.

A pytest plugin (loaded by ``tests/conftest.py``) wraps every database connection. For each
INSERT, UPDATE or DELETE it finds the *writer*: the innermost frame of the call stack that is
project code (``reporting/``, ``compendium/``, ``config/``). Writes made by a test's own setup
(a ``tests/`` frame before any project frame) and by Django alone are not judged. The writer
must be allowed by ``RULES``; any other write is recorded and fails the test that made it.

The rules (docs/architecture.md):
- only ``reporting/`` writes reporting's tables (compendium calls reporting's functions);
- only ``reporting/workflow.py`` changes a ficha's status or marks it published, and only
  ``reporting/exercises.py`` changes an exercise's state;
- only ``reporting/audit.py`` writes audit rows (``FichaEvent`` and Django's ``LogEntry``);
  the coordinators' digest marks events it reported (``notified_at``).
"""

import dataclasses
import re
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections
from django.db.backends.signals import connection_created

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tuple(str(ROOT / name) + "/" for name in ("reporting", "compendium", "config"))
TESTS = str(ROOT / "tests") + "/"
# Project modules that only wrap other code (middleware) and never write: the stack is read
# past them, as past Django's own frames.
TRANSPARENT = (
    str(ROOT / "config" / "security.py"),
    # The execute wrapper that closes a connection after a stale prepared statement.
    str(ROOT / "config" / "database.py"),
)
# Middleware methods inside a module that also has code of its own that may write: only these
# frames are read past (file, function name).
TRANSPARENT_CODE = frozenset(
    {
        (str(ROOT / "reporting" / "signin.py"), "__call__"),
        (str(ROOT / "compendium" / "language_switch.py"), "middleware"),
    }
)

_WRITE_RE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_SET_COLUMN_RE = re.compile(r'(?<![.\w"])"(\w+)"\s*=')


@dataclasses.dataclass(frozen=True)
class Write:
    verb: str  # INSERT, UPDATE or DELETE
    table: str
    columns: frozenset[str]  # columns an UPDATE sets
    writer: str  # path of the writing module relative to the project root


@dataclasses.dataclass(frozen=True)
class Rule:
    """Writes of ``verb`` to ``table`` (setting one of ``columns``, for UPDATE) belong to
    modules whose path starts with one of ``owners``."""

    table: str
    owners: tuple[str, ...]
    verbs: frozenset[str] = frozenset({"INSERT", "UPDATE", "DELETE"})
    columns: frozenset[str] = frozenset()

    def applies(self, write: Write) -> bool:
        if write.verb not in self.verbs or not _table_matches(self.table, write.table):
            return False
        return not self.columns or bool(self.columns & write.columns)

    def allows(self, write: Write) -> bool:
        return write.writer.startswith(self.owners)


def _table_matches(pattern: str, table: str) -> bool:
    return table.startswith(pattern[:-1]) if pattern.endswith("*") else table == pattern


RULES = (
    Rule("reporting_*", owners=("reporting/",)),
    Rule(
        "reporting_ficha",
        owners=("reporting/workflow.py",),
        verbs=frozenset({"UPDATE"}),
        columns=frozenset({"status", "published_at"}),
    ),  # fmt: skip
    Rule(
        "reporting_ejercicio",
        owners=("reporting/exercises.py",),
        verbs=frozenset({"UPDATE"}),
        columns=frozenset({"status"}),
    ),  # fmt: skip
    Rule("reporting_fichaevent", owners=("reporting/audit.py",), verbs=frozenset({"INSERT"})),
    Rule(
        "reporting_fichaevent", owners=("reporting/notifications.py",), verbs=frozenset({"UPDATE"})
    ),  # fmt: skip
    Rule("django_admin_log", owners=("reporting/audit.py",), verbs=frozenset({"INSERT"})),
    # The public record (docs/open-data.md §R1), its ODS and states included.
    Rule("compendium_publishedprogram*", owners=("compendium/public_record.py",)),
    # Historical figures 2018-2022: reference data, written only by their data migration.
    Rule("compendium_historicalfigure", owners=("compendium/migrations/0008_series_history.py",)),
)


def parse(sql: str) -> tuple[str, str, frozenset[str]] | None:
    """(verb, table, columns set by an UPDATE) of a write statement, or None."""
    match = _WRITE_RE.match(sql)
    if match is None:
        return None
    verb = match[1].split()[0].upper()
    columns: frozenset[str] = frozenset()
    if verb == "UPDATE":
        assignments = re.split(r"\bWHERE\b", sql.split(" SET ", 1)[-1], maxsplit=1)[0]
        columns = frozenset(_SET_COLUMN_RE.findall(assignments))
    return verb, match[2], columns


def current_writer() -> str | None:
    """The project module that is writing, or None for a test's own setup or Django alone."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(TESTS) and "/tests/write_owners.py" not in filename:
            return None
        if (
            filename.startswith(PROJECT)
            and filename not in TRANSPARENT
            and (filename, frame.f_code.co_name) not in TRANSPARENT_CODE
        ):
            return filename[len(str(ROOT)) + 1 :]
        frame = frame.f_back
    return None


def broken_rules(write: Write) -> list[Rule]:
    return [rule for rule in RULES if rule.applies(write) and not rule.allows(write)]


class WriteGuard:
    """``execute_wrapper`` that records writes breaking ``RULES``."""

    def __init__(self) -> None:
        self.violations: list[tuple[Write, Rule]] = []

    def __call__(self, execute, sql, params, many, context):
        parsed = parse(sql) if isinstance(sql, str) else None
        if parsed is not None:
            writer = current_writer()
            if writer is not None:
                write = Write(*parsed, writer=writer)
                self.violations += [(write, rule) for rule in broken_rules(write)]
        return execute(sql, params, many, context)

    def install(self, connection) -> None:
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)

    def report(self) -> str:
        return "\n".join(
            f"{w.writer} wrote {w.verb} {w.table} {sorted(w.columns) or ''}: "
            f"owned by {', '.join(r.owners)}"
            for w, r in self.violations
        )


GUARD = WriteGuard()


def _on_connection_created(sender, connection, **kwargs):
    GUARD.install(connection)


def reporting_tables() -> set[str]:
    """Tables of the reporting app, many-to-many tables included (for the rules' docs/tests)."""
    tables = set()
    for model in apps.get_app_config("reporting").get_models(include_auto_created=True):
        tables.add(model._meta.db_table)
    return tables


@pytest.fixture(autouse=True)
def _write_owners():
    """Fail the test when the code it ran wrote a table it does not own (see ``RULES``)."""
    for connection in connections.all():
        GUARD.install(connection)
    connection_created.connect(_on_connection_created, dispatch_uid="pmm-write-guard")
    GUARD.violations.clear()
    yield GUARD
    report = GUARD.report()
    GUARD.violations.clear()
    if report:
        pytest.fail("Writes outside their owner module:\n" + report, pytrace=False)
