"""Rows of the focal point's pages (the ficha form, «Mis fichas»), one statement each, written
once per process.

As ``reporting/rows.py`` does for the rows every request reads: Django builds the SQL of a
queryset again on every evaluation, and for the history of the form page (a filter with an
``OR`` of three conditions, a subquery for UPMRIP's people, a join for the names, and a second
query for the observations) that cost more CPU than running it (docs/load-test.md §L8). The
statement here is written from the models' metadata (tables, columns, the connection's
quoting) and its values pass through the database converters the ORM applies (SQLite's
dates, the JSON of ``changes``). «Mis fichas» reads its rows, and its carry-over check with
its count of deleted drafts, the same way. ``tests/reporting/test_form_page_speed.py`` and
``tests/reporting/test_mis_fichas_speed.py`` compare the results with the ORM's. Only the
default database is supported (the site has one), as in ``rows.py``.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from reporting import rows
from reporting.models import (
    Ejercicio,
    Ficha,
    FichaEvent,
    FichaEventKind,
    Membership,
    Observacion,
    Role,
    User,
)

# What _history reads of each event (FichaEvent's fields) and of each of its observations.
EVENT_FIELDS = ("id", "kind", "at", "from_status", "to_status", "note", "changes")
OBSERVATION_FIELDS = ("field", "texto")


def _column(model, name: str, alias: str) -> str:
    column = model._meta.get_field(name).column
    return f"{alias}.{connection.ops.quote_name(column)}"


Converters = list[tuple[Any, list[Callable[..., Any]]]]


def _converters(model, names, alias: str) -> Converters:
    """The ORM's converters of each named column (``rows.converters_of``)."""
    return rows.converters_of([model._meta.get_field(name) for name in names], alias)


def _has_key(column: str) -> str:
    """``changes__has_key=%s`` as Django writes it for the connection's JSON."""
    if connection.vendor == "postgresql":
        return f"{column} ? %s"
    return f"JSON_TYPE({column}, %s) IS NOT NULL"


@functools.cache
def _history_statement(vendor: str) -> tuple[str, Converters]:
    quote = connection.ops.quote_name
    event = lambda name: _column(FichaEvent, name, "e")  # noqa: E731
    member = Membership._meta
    select = [event(name) for name in EVENT_FIELDS]
    select += [_column(User, "first_name", "u"), _column(User, "last_name", "u")]
    select += [_column(Observacion, name, "o") for name in OBSERVATION_FIELDS]
    sql = (
        f"SELECT {', '.join(select)} FROM {quote(FichaEvent._meta.db_table)} e"
        f" LEFT JOIN {quote(User._meta.db_table)} u"
        f" ON u.{rows.quoted(User._meta.pk.column)} = {event('by')}"
        # Observations belong to a return: read only for status changes.
        f" LEFT JOIN {quote(Observacion._meta.db_table)} o"
        f" ON {_column(Observacion, 'event', 'o')} = {event('id')} AND {event('kind')} = %s"
        f" WHERE {event('ficha')} = %s AND ("
        f"{event('kind')} IN (%s, %s)"
        # An editorial correction: by UPMRIP (access.upmrip_users: a superuser, or a
        # coordinator's or an administrator's membership).
        f" OR ({event('kind')} = %s AND ({_column(User, 'is_superuser', 'u')} OR {event('by')}"
        f" IN (SELECT {rows.quoted(member.get_field('user').column)} FROM {quote(member.db_table)}"
        f" WHERE {rows.quoted(member.get_field('role').column)} IN (%s, %s))))"
        # The deleting or restoring of the draft.
        f" OR ({event('kind')} = %s AND {_has_key(event('changes'))}))"
        f" ORDER BY {event('at')}, {event('id')},"
        f" {_column(Observacion, 'created_at', 'o')}, {_column(Observacion, 'id', 'o')}"
    )
    converters = _converters(FichaEvent, EVENT_FIELDS, "e")
    converters += _converters(User, ("first_name", "last_name"), "u")
    converters += _converters(Observacion, OBSERVATION_FIELDS, "o")
    return sql, converters


def _deleted_key() -> str:
    return "deleted_at" if connection.vendor == "postgresql" else '$."deleted_at"'


def history_rows(ficha_id: int) -> list[dict]:
    """The events the institution reads of a ficha, oldest first, as plain values: ``pk``,
    ``kind``, ``at``, ``from_status``, ``to_status``, ``note``, ``changes``,
    ``by__first_name``, ``by__last_name`` and ``observaciones`` (``field``, ``texto``; only
    a status change has them). The same rows as ``views.fichas._history``'s condition:
    creation, status changes, UPMRIP's editorial corrections and the draft's deleting or
    restoring; one statement (docs/load-test.md §L8)."""
    sql, converters = _history_statement(connection.vendor)
    params: list[Any] = [
        FichaEventKind.TRANSITION,
        ficha_id,
        FichaEventKind.CREATED,
        FichaEventKind.TRANSITION,
        FichaEventKind.EDIT,
        Role.COORDINADOR,
        Role.ADMINISTRADOR,
        FichaEventKind.EDIT,
        _deleted_key(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    events: list[dict] = []
    for row in rows:
        values = _converted(row, converters)
        pk = values[0]
        if not events or events[-1]["pk"] != pk:
            events.append(
                {
                    "pk": pk,
                    **dict(zip(EVENT_FIELDS[1:], values[1:7], strict=True)),
                    "by__first_name": values[7],
                    "by__last_name": values[8],
                    "observaciones": [],
                }
            )
        if row[9] is not None or row[10] is not None:
            events[-1]["observaciones"].append({"field": values[9], "texto": values[10]})
    return events


# ---------------------------------------------------------------------------------------------
# «Mis fichas»
# ---------------------------------------------------------------------------------------------

ROW_FIELDS = ("id", "nombre", "status", "updated_at")


@dataclass(slots=True)
class FichaRow:
    """One row of «Mis fichas»: what the table shows of a ficha, worked out before the
    template (docs/load-test.md §L8). ``name`` is ``str(ficha)``, ``by_name`` the full name
    of whoever saved it last (empty for none), ``editable`` ``is_editable_by_institution``."""

    pk: int
    name: str
    status: str
    status_label: str
    updated_at: datetime.datetime
    by_name: str
    editable: bool
    draft: bool


@functools.cache
def _fichas_statement(vendor: str) -> tuple[str, Converters]:
    quote = connection.ops.quote_name
    ficha = lambda name: _column(Ficha, name, "f")  # noqa: E731
    select = [ficha(name) for name in ROW_FIELDS]
    select += [_column(User, "first_name", "u"), _column(User, "last_name", "u")]
    sql = (
        f"SELECT {', '.join(select)} FROM {quote(Ficha._meta.db_table)} f"
        f" LEFT JOIN {quote(User._meta.db_table)} u"
        f" ON u.{rows.quoted(User._meta.pk.column)} = {ficha('updated_by')}"
        # Ficha.objects' own condition: a deleted draft is in no list (FichaManager).
        f" WHERE {ficha('actor')} = %s AND {ficha('ejercicio')} = %s"
        f" AND {ficha('deleted_at')} IS NULL"
        f" ORDER BY {ficha('updated_at')} DESC, {ficha('id')}"
    )
    converters = _converters(Ficha, ROW_FIELDS, "f")
    converters += _converters(User, ("first_name", "last_name"), "u")
    return sql, converters


def _converted(row, converters: Converters) -> list:
    values = []
    for value, (col, found) in zip(row, converters, strict=True):
        for convert in found:
            value = convert(value, col, connection)
        values.append(value)
    return values


def ficha_rows(actor_id: int, ejercicio: Ejercicio) -> list[tuple]:
    """The fichas of ``actor_id`` in ``ejercicio`` (not deleted), last saved first: ``(pk,
    nombre, status, updated_at, first_name, last_name)`` of each, the names of whoever saved
    it last (None for none). For a focal point, ``fichas_visible_to(user)`` is exactly
    ``Ficha.objects.filter(actor_id=…)`` (reporting/access.py); one statement."""
    sql, converters = _fichas_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [actor_id, ejercicio.pk])
        return [tuple(_converted(row, converters)) for row in cursor.fetchall()]


@functools.cache
def _counts_statement(vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(Ficha._meta.db_table)
    ficha = lambda name: _column(Ficha, name, "f")  # noqa: E731
    year = rows.quoted(Ejercicio._meta.get_field("year").column)
    return (
        # «Traer fichas del ejercicio anterior»: fichas (not deleted) in the exercise just
        # before this year's (Ejercicio's order is newest first).
        f"SELECT EXISTS (SELECT 1 FROM {table} f WHERE {ficha('actor')} = %s"
        f" AND {ficha('deleted_at')} IS NULL AND {ficha('ejercicio')} = ("
        f"SELECT {rows.quoted(Ejercicio._meta.pk.column)} FROM {quote(Ejercicio._meta.db_table)}"
        f" WHERE {year} < %s ORDER BY {year} DESC LIMIT 1)),"
        # access.deleted_drafts_of(actor).count(): deleted drafts still restorable.
        f" (SELECT COUNT(*) FROM {table} f WHERE {ficha('deleted_at')} IS NOT NULL"
        f" AND {ficha('actor')} = %s AND {ficha('deleted_at')} >= %s)"
    )


def carry_over_and_deleted(actor_id: int, year: int, cutoff: datetime.datetime) -> tuple[bool, int]:
    """Whether the institution has fichas in the exercise before ``year``, and how many of
    its drafts were deleted at ``cutoff`` or later: one statement for two questions."""
    with connection.cursor() as cursor:
        cursor.execute(
            _counts_statement(connection.vendor),
            [actor_id, year, actor_id, connection.ops.adapt_datetimefield_value(cutoff)],
        )
        exists, deleted = cursor.fetchone()
    return bool(exists), int(deleted)
