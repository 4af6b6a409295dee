"""Rows read on every request, with one SQL statement prepared once per process.

Only the default database is supported (the site has one): the statements run on
``django.db.connection`` and ignore database routers.

Django builds the SQL of a queryset again on every evaluation. For the membership that every
signed-in request reads (``User.membership``: the membership, its actor and the actor's type
through two joins, and whether the person has a confirmed authenticator) that took ~3.5 ms of
CPU per request, more than the session, the user and every middleware together
(docs/load-test.md §L7). Here the statement is written once per process from the models'
metadata (tables, columns, quoting by the connection), and its rows become model instances
through ``Model.from_db`` after the same database converters the ORM applies (SQLite's dates
and booleans, for instance). ``tests/reporting/test_rows.py`` compares the result with the
ORM's for every kind of account.
"""

import functools
from collections.abc import Callable, Sequence
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models

from reporting.models import Actor, ActorType, Ejercicio, Ficha, Membership, User

Converter = Callable[[Any, Any, Any], Any]


def quoted(column: str | None) -> str:
    """A column's name quoted for the connection (concrete fields always have one)."""
    if column is None:
        raise ValueError("a field without a column")
    return connection.ops.quote_name(column)


def converters_of(fields, alias: str) -> list[tuple[Any, list[Converter]]]:
    """The ORM's converters of each field's column (``SQLCompiler.get_converters``' sources);
    also page_rows.py's."""
    found: list[tuple[Any, list[Converter]]] = []
    for field in fields:
        col = field.get_col(alias)
        found.append(
            (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        )
    return found


@functools.cache
def _columns(model: type[models.Model], alias: str, vendor: str):
    """The model's concrete fields, their qualified columns and their converters."""
    fields = list(model._meta.concrete_fields)
    columns = [f"{alias}.{quoted(f.column)}" for f in fields]
    return fields, columns, converters_of(fields, alias)


def fits(model: type[models.Model], pk: int) -> bool:
    """Whether ``pk`` fits the model's key column: a larger number matches no row (the ORM's
    lookups say so too, where SQLite's driver would refuse to bind it)."""
    if not isinstance(pk, int):  # not an integer key
        return True
    try:
        low, high = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
    except KeyError:
        return True
    return (low is None or pk >= low) and (high is None or pk <= high)


def _column_of(meta, name: str) -> str:
    """The quoted column of the concrete field ``name``."""
    return quoted(cast(models.Field, meta.get_field(name)).column)


def _instance(model: type[models.Model], alias: str, values: Sequence[Any]) -> models.Model:
    fields, _columns_, converters = _columns(model, alias, connection.vendor)
    converted = []
    for value, (col, field_converters) in zip(values, converters, strict=True):
        for convert in field_converters:
            value = convert(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


@functools.cache
def _membership_statement(vendor: str, with_user: bool = False) -> str:
    """The membership, its actor and type, and whether a confirmed authenticator exists; with
    ``with_user``, the user's row first and the membership joined to it (None when absent)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    quote = connection.ops.quote_name
    device = TOTPDevice._meta
    member = Membership._meta
    actor = Actor._meta
    parts = _USER_PARTS if with_user else _PARTS
    select = ", ".join(
        column for model, alias in parts for column in _columns(model, alias, vendor)[1]
    )
    user_column = quoted(member.get_field("user").column)
    if with_user:
        source = (
            f" FROM {quote(User._meta.db_table)} u LEFT JOIN {quote(member.db_table)} m"
            f" ON m.{user_column} = u.{quoted(User._meta.pk.column)}"
        )
        condition = f" WHERE u.{quoted(User._meta.pk.column)} = %s"
    else:
        source = f" FROM {quote(member.db_table)} m"
        condition = f" WHERE m.{user_column} = %s"
    return (
        f"SELECT {select}, EXISTS (SELECT 1 FROM {quote(device.db_table)} d"
        f" WHERE d.{quoted(device.get_field('user').column)} = m.{user_column}"
        f" AND d.{quoted(device.get_field('confirmed').column)})"
        f"{source}"
        f" LEFT JOIN {quote(actor.db_table)} a"
        f" ON a.{quoted(actor.pk.column)} = m.{quoted(member.get_field('actor').column)}"
        f" LEFT JOIN {quote(ActorType._meta.db_table)} t"
        f" ON t.{quoted(ActorType._meta.pk.column)} = a.{quoted(actor.get_field('tipo').column)}"
        f"{condition}"
    )


def _membership(
    member_values: Sequence[Any], actor_values: Sequence[Any], tipo_values, authenticator
) -> Membership:
    membership = _instance(Membership, "m", member_values)
    assert isinstance(membership, Membership)
    if membership.actor_id is not None:
        membership.actor = _actor(actor_values, tipo_values)
    membership.has_authenticator = bool(authenticator)  # type: ignore[attr-defined]
    return membership


def membership_of(user_id: int) -> Membership | None:
    """The person's membership (or None), with ``actor`` and ``actor.tipo`` loaded and
    ``has_authenticator`` set; as ``Membership.objects.select_related("actor__tipo")
    .annotate(has_authenticator=Exists(confirmed TOTP devices)).filter(user_id=…).first()``."""
    with connection.cursor() as cursor:
        cursor.execute(_membership_statement(connection.vendor), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    (member_values, actor_values, tipo_values), rest = _split(row, _PARTS)
    return _membership(member_values, actor_values, tipo_values, rest[0])


def user_with_membership(user_id: int) -> User | None:
    """The user ``user_id`` (or None) with ``User.membership`` already read (``membership_of``'s
    answer): what every signed-in request loads (``UserManager.get``), in one statement
    instead of two (docs/load-test.md §L8b)."""
    if not fits(User, user_id):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_membership_statement(connection.vendor, True), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    (user_values, member_values, actor_values, tipo_values), rest = _split(row, _USER_PARTS)
    user = _instance(User, "u", user_values)
    assert isinstance(user, User)
    membership = None
    if member_values[_MEMBERSHIP_PK] is not None:
        membership = _membership(member_values, actor_values, tipo_values, rest[0])
        membership.user = user
    user.__dict__["membership"] = membership  # the cached_property, filled
    return user


_PARTS = ((Membership, "m"), (Actor, "a"), (ActorType, "t"))
_USER_PARTS = ((User, "u"), *_PARTS)
_MEMBERSHIP_PK = list(Membership._meta.concrete_fields).index(Membership._meta.pk)


def _split(row: Sequence[Any], parts) -> tuple[list[Sequence[Any]], Sequence[Any]]:
    """A joined row cut into each model's values (``parts``: (model, alias) in select order),
    and what follows them."""
    pieces = []
    for model, alias in parts:
        size = len(_columns(model, alias, connection.vendor)[0])
        pieces.append(row[:size])
        row = row[size:]
    return pieces, row


def _actor(actor_values: Sequence[Any], tipo_values: Sequence[Any]) -> Actor:
    actor = _instance(Actor, "a", actor_values)
    assert isinstance(actor, Actor)
    actor.tipo = _instance(ActorType, "t", tipo_values)  # type: ignore[assignment]
    return actor


@functools.cache
def _ficha_statement(vendor: str, *, mine: bool, lock: bool, with_actor: bool) -> str:
    quote = connection.ops.quote_name
    meta = Ficha._meta
    parts = _ficha_parts(with_actor)
    select = ", ".join(
        column for model, alias in parts for column in _columns(model, alias, vendor)[1]
    )
    column = functools.partial(_column_of, meta)
    sql = (
        f"SELECT {select} FROM {quote(meta.db_table)} f"
        f" INNER JOIN {quote(Ejercicio._meta.db_table)} e"
        f" ON e.{quoted(Ejercicio._meta.pk.column)} = f.{column('ejercicio')}"
    )
    if with_actor:
        sql += (
            f" INNER JOIN {quote(Actor._meta.db_table)} a"
            f" ON a.{quoted(Actor._meta.pk.column)} = f.{column('actor')}"
            f" INNER JOIN {quote(ActorType._meta.db_table)} t"
            f" ON t.{quoted(ActorType._meta.pk.column)}"
            f" = a.{quoted(Actor._meta.get_field('tipo').column)}"
        )
    # Ficha.objects' own condition: a deleted draft is nobody's to open (FichaManager).
    sql += f" WHERE f.{quoted(meta.pk.column)} = %s AND f.{column('deleted_at')} IS NULL"
    if mine:
        sql += f" AND f.{column('actor')} = %s"
    if lock and connection.features.has_select_for_update:
        # As select_for_update(of=("self",)); SQLite has no row locks (and needs none).
        sql += " FOR UPDATE OF f" if connection.features.has_select_for_update_of else " FOR UPDATE"
    return sql


def _ficha_parts(with_actor: bool):
    parts = [(Ficha, "f"), (Ejercicio, "e")]
    return parts + [(Actor, "a"), (ActorType, "t")] if with_actor else parts


def visible_ficha(pk: int, actor_id: int | None, *, lock: bool, with_actor: bool):
    """The ficha ``pk`` if it is not deleted and, with ``actor_id``, belongs to that actor; its
    ``ejercicio`` loaded, and with ``with_actor`` its ``actor.tipo`` too; ``lock`` reads its
    row ``FOR UPDATE``. As ``Ficha.objects.filter(actor_id=…).select_related(…).get(pk=pk)``
    (``access.get_ficha_for_user``, the read of every ficha page, autosave and save:
    docs/load-test.md §L8b). None when there is no such ficha."""
    if not fits(Ficha, pk):
        return None
    statement = _ficha_statement(
        connection.vendor, mine=actor_id is not None, lock=lock, with_actor=with_actor
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [pk] if actor_id is None else [pk, actor_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values, _rest = _split(row, _ficha_parts(with_actor))
    ficha = _instance(Ficha, "f", values[0])
    assert isinstance(ficha, Ficha)
    ficha.ejercicio = _instance(Ejercicio, "e", values[1])  # type: ignore[assignment]
    if with_actor:
        ficha.actor = _actor(values[2], values[3])
    return ficha


@functools.cache
def _lists_statement(vendor: str, names: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    parts = []
    for index, name in enumerate(names):
        field = Ficha._meta.get_field(name)
        assert isinstance(field, models.ManyToManyField)
        through = field.remote_field.through._meta  # type: ignore[union-attr]
        # The list's position as a literal (an untyped parameter in a UNION's select list is
        # refused by PostgreSQL's server-side binding).
        parts.append(
            f"SELECT {index:d}, CAST({quote(field.m2m_reverse_name())} AS TEXT)"
            f" FROM {quote(through.db_table)} WHERE {quote(field.m2m_column_name())} = %s"
        )
    return " UNION ALL ".join(parts)


def stored_lists(ficha_id: int, names: Sequence[str]) -> dict[str, set[str]]:
    """The ids (as text) stored in each of the ficha's many-to-many fields ``names``, in one
    statement: what ``editing.save_ficha_form`` compares the posted lists with, so a list that
    did not change is not written (docs/load-test.md §L7)."""
    found: dict[str, set[str]] = {name: set() for name in names}
    with connection.cursor() as cursor:
        cursor.execute(
            _lists_statement(connection.vendor, tuple(names)),
            [ficha_id for _name in names],
        )
        for index, target in cursor.fetchall():
            found[names[index]].add(target)
    return found


@functools.cache
def _session_statement(vendor: str) -> str:
    from django.contrib.sessions.models import Session

    quote = connection.ops.quote_name
    meta = Session._meta
    return (
        f"SELECT {', '.join(_columns(Session, 's', vendor)[1])}"
        f" FROM {quote(meta.db_table)} s"
        f" WHERE s.{quoted(meta.get_field('session_key').column)} = %s"
        f" AND s.{quoted(meta.get_field('expire_date').column)} > %s"
    )


def live_session(session_key: str, now) -> models.Model | None:
    """The session row with this key that has not expired at ``now``, or None; as
    ``Session.objects.get(session_key=…, expire_date__gt=now)`` (``reporting.sessions``)."""
    from django.contrib.sessions.models import Session

    with connection.cursor() as cursor:
        cursor.execute(
            _session_statement(connection.vendor),
            [session_key, connection.ops.adapt_datetimefield_value(now)],
        )
        row = cursor.fetchone()
    return None if row is None else _instance(Session, "s", row)


@functools.cache
def _rows_statement(model: type[models.Model], vendor: str) -> tuple[str, str] | None:
    """The start and end of ``SELECT <every column> FROM <table> WHERE <pk> IN (…) ORDER BY
    <the model's ordering>``; None when the ordering is not plain local fields."""
    meta = model._meta
    order = []
    for name in meta.ordering or ():
        if not isinstance(name, str) or "__" in name or name.lstrip("-") == "?":
            return None
        try:
            field = cast(models.Field, meta.get_field(name.lstrip("-")))
        except FieldDoesNotExist:
            return None
        if not getattr(field, "concrete", False) or field.many_to_many:
            return None
        order.append(f"r.{quoted(field.column)}{' DESC' if name.startswith('-') else ''}")
    select = ", ".join(_columns(model, "r", vendor)[1])
    start = (
        f"SELECT {select} FROM {connection.ops.quote_name(meta.db_table)} r"
        f" WHERE r.{quoted(meta.pk.column)} IN ("
    )
    return start, ")" + (f" ORDER BY {', '.join(order)}" if order else "")


def rows_with_pks(model: type[models.Model], pks: Sequence[Any]) -> list[models.Model] | None:
    """The rows of ``model`` whose primary key is one of ``pks`` (already of the key's type), in
    the model's order, as ``model.objects.filter(pk__in=pks)`` gives them; None when the model's
    ordering is not plain columns (then ask the ORM). ``forms.ListedChoicesField``."""
    statement = _rows_statement(model, connection.vendor)
    if statement is None:
        return None
    start, end = statement
    with connection.cursor() as cursor:
        cursor.execute(start + ", ".join(["%s"] * len(pks)) + end, list(pks))
        return [_instance(model, "r", row) for row in cursor.fetchall()]


@functools.cache
def _children_statement(
    model: type[models.Model], fk_name: str, order: tuple[str, ...], vendor: str
) -> str:
    meta = model._meta
    columns = [quoted(meta.pk.column) if name == "pk" else _column_of(meta, name) for name in order]
    return (
        f"SELECT {', '.join(_columns(model, 'c', vendor)[1])}"
        f" FROM {connection.ops.quote_name(meta.db_table)} c"
        f" WHERE c.{_column_of(meta, fk_name)} = %s"
        f" ORDER BY {', '.join(f'c.{column}' for column in columns)}"
    )


def children_of(
    model: type[models.Model], fk_name: str, parent_pk: Any, order: Sequence[str]
) -> list[models.Model]:
    """The rows of ``model`` whose foreign key ``fk_name`` is ``parent_pk``, ordered by the
    local fields ``order`` ("pk" for the key): ``model.objects.filter(<fk>=parent_pk)
    .order_by(*order)``. One ficha's retos for its formset (``forms.BaseRetoFormSet``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _children_statement(model, fk_name, tuple(order), connection.vendor), [parent_pk]
        )
        return [_instance(model, "c", row) for row in cursor.fetchall()]


@functools.cache
def _update_statement(model: type[models.Model], vendor: str, names: tuple[str, ...]) -> str:
    meta = model._meta
    columns = ", ".join(f"{_column_of(meta, name)} = %s" for name in names)
    return (
        f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {columns}"
        f" WHERE {quoted(meta.pk.column)} = %s"
    )


def update_of(instance: models.Model, names: Sequence[str]) -> tuple[str, list[Any]] | None:
    """The statement and parameters of ``instance.save(update_fields=names)``: each field's
    ``pre_save`` value prepared for the database as Django prepares it, the statement written
    once per process and set of fields. None when Django would do more than that (signal
    receivers, a field with a placeholder of its own): then save through the ORM. The caller
    executes it, so the write stays in its owner module (tests/write_owners.py)."""
    model = type(instance)
    if models.signals.pre_save.has_listeners(model) or models.signals.post_save.has_listeners(
        model
    ):
        return None
    fields = [cast(models.Field, model._meta.get_field(name)) for name in names]
    if any(
        not getattr(f, "concrete", False)
        or f.primary_key
        or hasattr(f, "get_placeholder")
        or hasattr(f, "get_placeholder_sql")
        for f in fields
    ):
        return None
    values = [f.pre_save(instance, False) for f in fields]
    if any(
        hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save")
        for value in values
    ):
        # An expression (F("version") + 1) or a model instance: Django's compiler handles it.
        return None
    params = [
        f.get_db_prep_save(value, connection) for f, value in zip(fields, values, strict=True)
    ]
    params.append(instance.pk)
    return _update_statement(model, connection.vendor, tuple(names)), params
