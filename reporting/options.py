"""Model select options remembered per process, keyed by a stamp of their rows.

Used by the review desk's filters and the review page (reporting/views/review.py) and by the
ficha form's objectives and entidades (reporting/templatetags/ficha_fields.py): one mechanism,
one memory (docs/load-test.md §L1, §L2c). A list is read again whenever its rows change (a
renamed institution, a corrected objective title, a new exercise): never a stale list.
"""

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, cast

from django.db import connection
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.utils.translation import get_language

from reporting.models import Actor

_DEFAULT_LABEL = ModelChoiceField.label_from_instance


def read_options(field: ModelChoiceField) -> list[tuple[object, object]]:
    """A model select's options read in one plain query, labelled by the field as usual.

    Django's model choice list counts its rows and then reads them through a server-side cursor
    (DECLARE, FETCH, CLOSE) each time it is read; the desk's four selects cost eight queries
    and more round trips (docs/load-test.md §L1). Validation still asks the field's queryset.
    """
    options: list[tuple[object, object]] = (
        [("", field.empty_label)] if field.empty_label is not None else []
    )
    key = field.to_field_name or "pk"
    objects = cast(QuerySet, field.queryset)
    if objects.model is Actor and type(field).label_from_instance is _DEFAULT_LABEL:
        # Some 300 institutions: plain rows, not model instances (6 ms less per page at 10
        # years of data, docs/load-test.md §L1); the labels are ``str(actor)``'s.
        rows = objects.values_list(key, "name", "sigla")
        options += [(value, Actor.label(name, sigla)) for value, name, sigla in rows]
    else:
        options += [(getattr(obj, key), field.label_from_instance(obj)) for obj in objects]
    return options


class Memory:
    """A bounded memory of this process: at most ``size`` values, the least recently used
    forgotten first; safe for gunicorn's threads (a value is made outside the lock, so two
    threads may both make it once)."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


# The selects' options, remembered per process (docs/load-test.md §L1): at most 64 lists.
_options = Memory(64)


def stamps(querysets: list[QuerySet]) -> list[str | None] | None:
    """For each queryset, a stamp of its rows: md5 of the text of every column of every row,
    in the queryset's order, and the count; all in ONE query (PostgreSQL; None elsewhere).

    Equal stamps mean the same rows with the same values in the same order, so options
    labelled from a row's own columns are the same: a renamed institution, a new exercise or a
    changed status is a new stamp, never a stale list.
    """
    if connection.vendor != "postgresql":
        return None
    parts: list[str] = []
    params: list[Any] = []
    for objects in querysets:
        sql, query_params = _sql(objects)
        parts.append(
            f"(SELECT coalesce(md5(string_agg(r::text, E'\\n')), '') || count(*) FROM ({sql}) r)"
        )
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


_plain_sql: dict[tuple, tuple[str, tuple]] = {}


def _sql(objects: QuerySet) -> tuple[str, tuple]:
    """``objects.query.sql_with_params()``, built once per process when the queryset is a whole
    table in a given order (no filter, join, annotation, slice or deferral): its SQL depends
    only on its model and order, and building it cost as much as running the stamp
    (docs/load-test.md §L2c)."""
    query = objects.query
    if not whole_table(objects):
        return query.sql_with_params()
    key = (
        query.model,
        query.order_by,
        query.extra_order_by,
        query.default_ordering,
        query.standard_ordering,
    )
    sql = _plain_sql.get(key)
    if sql is None:
        sql = _plain_sql[key] = query.sql_with_params()
    return sql


def whole_table(objects: QuerySet) -> bool:
    """Whether ``objects`` is a whole table in some order: no filter, join, annotation, slice
    or deferral (its rows are the table's rows)."""
    query = objects.query
    return not (
        query.where.children
        or query.annotations
        or query.extra
        or query.distinct
        or query.select_related
        or query.select
        or query.group_by
        or query.select_for_update
        or query.combinator
        or query.values_select
        or query.low_mark
        or query.high_mark is not None
        or query.deferred_loading != (frozenset(), True)
    )


def remembered(key: tuple, stamp: str | None, read: Callable[[], list]) -> list:
    """``read()``, or the list it gave for the same ``key`` and rows' ``stamp`` in this process.

    Reading and labelling ~300 institutions, 32 entidades, 23 objectives, the exercises and the
    chapters was about a fifth of the desk's time (docs/load-test.md §L1). Without a stamp
    (SQLite) it reads every time.
    """
    if stamp is None:
        return read()
    return _options.get((get_language(), *key, stamp), read)


def field_key(field: ModelChoiceField) -> tuple:
    """What a model select's options depend on besides its rows and the language. Each label
    is a function of its own row's columns (a label that read another table would need that
    table in the stamp)."""
    model = cast(QuerySet, field.queryset).model
    return (
        model._meta.label,
        type(field).__qualname__,
        field.to_field_name,
        str(field.empty_label),
    )


def clear_options() -> None:
    """Forget the remembered options (tests)."""
    _options.clear()
