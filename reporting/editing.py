"""Saving the content of a ficha: optimistic locking and the field-by-field audit of edits.

Both the institution's form and the coordinator's editorial form save through
``save_ficha_form``. A save that started from an older version is refused with
``StaleFicha``, which carries the differences so the page can show them; the caller re-renders
the user's own input, so nothing typed is lost and nothing is overwritten silently.
"""

import copy
import datetime
import logging
from collections.abc import Iterable
from typing import cast

from django import forms
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import audit, rows
from reporting.models import Ficha, FichaEventKind, FichaStatus, User
from reporting.text import yes_no

logger = logging.getLogger(__name__)

# A deleted draft can be restored for this long; ``manage.py purge_deleted_fichas`` then removes it.
RESTORE_WINDOW = datetime.timedelta(days=30)


class StaleFicha(Exception):
    """The ficha changed since the user loaded it."""

    def __init__(self, current: Ficha, differences: dict[str, dict[str, str]]):
        super().__init__("stale ficha")
        self.current = current
        self.differences = differences


def display_value(ficha: Ficha, name: str) -> str:
    """A field's value as a person reads it (choices labelled, relations named, lists joined)."""
    if name == "retos":
        return "\n".join(f"• {r.texto}" for r in ficha.retos.all())
    # Names of the ficha's own fields (form fields, audited names), never reverse relations.
    field = cast(models.Field, ficha._meta.get_field(name))
    if field.many_to_many:
        if ficha.pk is None:
            return ""
        return ", ".join(str(obj) for obj in getattr(ficha, name).all())
    value = getattr(ficha, name)
    if value is None:
        return ""
    if field.choices:
        return str(getattr(ficha, f"get_{name}_display")())
    if isinstance(field, models.BooleanField):
        return yes_no(value)
    if isinstance(field, models.DateField):
        return value.strftime("%d/%m/%Y")
    return str(value)


def snapshot(ficha: Ficha, names: Iterable[str]) -> dict[str, str]:
    return {name: display_value(ficha, name) for name in names}


def _label(name: str) -> str:
    if name == "retos":
        return "Retos"
    return str(cast(models.Field, Ficha._meta.get_field(name)).verbose_name)


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        name: {"label": _label(name), "old": before.get(name, ""), "new": after[name]}
        for name in after
        if before.get(name, "") != after[name]
    }


def form_field_names(form: forms.ModelForm) -> list[str]:
    return [name for name in form.fields if name in {f.name for f in Ficha._meta.get_fields()}]


def _submitted_values(form: forms.ModelForm, locked: Ficha) -> dict[str, str]:
    """What the user submitted, displayed like ``snapshot`` so the two compare field by field."""
    candidate = copy.copy(locked)
    values = {}
    for name in form_field_names(form):
        value = form.cleaned_data.get(name)
        if Ficha._meta.get_field(name).many_to_many:
            values[name] = ", ".join(str(obj) for obj in value or [])
        else:
            setattr(candidate, name, value)
            values[name] = display_value(candidate, name)
    return values


def _save_lists(form: forms.ModelForm, ficha: Ficha, *, created: bool = False) -> None:
    """Write the many-to-many fields a form declares but leaves out of its model's own handling
    (``FichaForm.saved_apart``: a POST then never reads their stored values as initial data;
    docs/load-test.md §L7). The stored ids of all of them are read in one statement (the
    ficha's row is locked, and every save of these lists locks it first); only a list that
    changed is written (``set()``)."""
    names = [n for n in getattr(form, "saved_apart", ()) if n in form.cleaned_data]
    if not names:
        return
    stored = {name: set() for name in names} if created else rows.stored_lists(ficha.pk, names)
    for name in names:
        wanted = form.cleaned_data[name]
        if {str(obj.pk) for obj in wanted} != stored[name]:
            getattr(ficha, name).set(wanted)


def _update(ficha: Ficha, names: list[str]) -> None:
    """``ficha.save(update_fields=names)``, with a statement prepared once per process when
    Django's save would do nothing more (``rows.update_of``): building the UPDATE through the
    ORM was ~1 ms of CPU on every autosave and save (docs/load-test.md §L8b)."""
    statement = rows.update_of(ficha, names)
    if statement is None:
        ficha.save(update_fields=names)
        return
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        if cursor.rowcount != 1:
            # As Django's save with update_fields when the row is gone.
            raise DatabaseError("Save with update_fields did not affect any rows.")


def save_ficha_form(
    form: forms.ModelForm,
    *,
    by: User,
    expected_version: int,
    formsets: Iterable[forms.BaseInlineFormSet] = (),
    record_edit: bool = False,
    note: str = "",
    locked_version: int | None = None,
) -> Ficha:
    """Save a valid ficha form (and its formsets) if nobody saved since ``expected_version``.

    Side effects: bumps ``version``, sets ``updated_at``/``updated_by``; with ``record_edit``
    writes an audit row (kind «edición») holding the field-by-field differences. Only the
    form's own fields are written, so a concurrent status change is never overwritten.
    Raises ``StaleFicha`` when the stored version is newer.

    ``locked_version``: the version the caller read with the row locked (``SELECT … FOR
    UPDATE``) in the transaction this save runs in (``access.get_ficha_for_user(lock=True)``
    inside ``transaction.atomic``). When it is the expected one and the save is not audited,
    the row is not read again, and the save makes no savepoint of its own: nothing can refuse
    it, and the caller's transaction is the one that holds the lock (docs/load-test.md §L7).
    """
    held = (
        locked_version is not None
        and locked_version == expected_version
        and not record_edit
        and form.instance.pk is not None
    )
    if held and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked_version: the row must be locked in the caller's transaction")
    with transaction.atomic(savepoint=not held):
        return _save_form(form, by, expected_version, formsets, record_edit, note, held)


def _save_form(
    form: forms.ModelForm,
    by: User,
    expected_version: int,
    formsets: Iterable[forms.BaseInlineFormSet],
    record_edit: bool,
    note: str,
    held: bool,
) -> Ficha:
    names = form_field_names(form) + (["retos"] if formsets else [])
    ficha = form.instance
    if ficha.pk is None:
        ficha.created_by = by
        ficha.updated_by = by
        ficha = form.save()
        _save_lists(form, ficha, created=True)
        for formset in formsets:
            formset.instance = ficha
            formset.save()
        audit.record_event(ficha, FichaEventKind.CREATED, by=by)
        return ficha

    if held:
        version, before = expected_version, {}
    else:
        locked = Ficha.objects.select_for_update().get(pk=ficha.pk)
        if locked.version != expected_version:
            current = snapshot(locked, form_field_names(form))
            raise StaleFicha(locked, diff(_submitted_values(form, locked), current))
        # Read only when audited: three queries and every field's display value (every
        # autosave of a draft paid them for nothing; docs/load-test.md §L2b).
        version, before = locked.version, snapshot(locked, names) if record_edit else {}
    ficha = form.save(commit=False)
    ficha.version = version + 1
    ficha.updated_at = timezone.now()
    ficha.updated_by = by
    concrete = [
        name for name in form_field_names(form) if not Ficha._meta.get_field(name).many_to_many
    ]
    _update(ficha, [*concrete, "version", "updated_at", "updated_by"])
    form.save_m2m()
    _save_lists(form, ficha)
    for formset in formsets:
        formset.instance = ficha
        formset.save()
    if record_edit:
        changes = diff(before, snapshot(ficha, names))
        if changes:
            audit.record_event(ficha, FichaEventKind.EDIT, by=by, changes=changes, note=note)
    return ficha


# ---------------------------------------------------------------------------------------------
# Deleting and restoring drafts
# ---------------------------------------------------------------------------------------------


class DraftRefused(Exception):
    """Deleting or restoring a draft is not allowed now; the message is for the user (Spanish)."""


def _deleted_change(old: str, new: str) -> audit.Changes:
    return {"deleted_at": {"label": _("Eliminada"), "old": old, "new": new}}


@transaction.atomic
def delete_draft(ficha: Ficha, *, by: User) -> Ficha:
    """Delete a draft softly: it leaves every list and count, and can be restored for 30 days.

    Only a «borrador» (it never reached UPMRIP: no transition leads back to it) of an open
    exercise. Side effects: sets ``deleted_at`` (the text and version stay as they were, so a
    restore gives back exactly the same draft) and writes one «edición» audit row.
    Raises ``DraftRefused``; ``Ficha.DoesNotExist`` when it is already deleted.
    """
    locked = Ficha.objects.select_for_update().select_related("ejercicio").get(pk=ficha.pk)
    if locked.status != FichaStatus.BORRADOR:
        raise DraftRefused(
            _("Sólo se puede eliminar un borrador. Esta ficha ya se envió a la UPMRIP.")
        )
    if not locked.ejercicio.is_open:
        raise DraftRefused(_("El ejercicio está cerrado: ya no se pueden eliminar fichas."))
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    when = timezone.localtime(locked.deleted_at).strftime("%d/%m/%Y %H:%M")
    audit.record_event(
        locked,
        FichaEventKind.EDIT,
        by=by,
        note=_("Borrador eliminado; se puede restaurar durante 30 días."),
        changes=_deleted_change("", when),
    )
    return locked


@transaction.atomic
def restore_draft(ficha: Ficha, *, by: User) -> Ficha:
    """Bring back a draft deleted less than 30 days ago, as it was.

    Side effects: clears ``deleted_at`` and writes one «edición» audit row. Restoring a draft
    that is not deleted changes nothing. Raises ``DraftRefused`` when the 30 days are over or
    the exercise is closed.
    """
    locked = Ficha.all_objects.select_for_update().select_related("ejercicio").get(pk=ficha.pk)
    if locked.deleted_at is None:
        return locked
    if locked.deleted_at < timezone.now() - RESTORE_WINDOW:
        raise DraftRefused(_("Pasaron más de 30 días: este borrador ya no se puede restaurar."))
    if not locked.ejercicio.is_open:
        raise DraftRefused(_("El ejercicio está cerrado: ya no se pueden restaurar fichas."))
    when = timezone.localtime(locked.deleted_at).strftime("%d/%m/%Y %H:%M")
    locked.deleted_at = None
    locked.save(update_fields=["deleted_at"])
    audit.record_event(
        locked,
        FichaEventKind.EDIT,
        by=by,
        note=_("Borrador restaurado."),
        changes=_deleted_change(when, ""),
    )
    return locked


@transaction.atomic
def purge_deleted_drafts(*, now: datetime.datetime | None = None) -> int:
    """Delete for good the drafts deleted more than 30 days ago; returns how many.

    Side effects: deletes those fichas with their retos, notes and history (a draft has no
    observations and was never published); copies made from them keep their text and lose
    only the ``copied_from`` link. Logs the count, never any content.
    """
    cutoff = (now or timezone.now()) - RESTORE_WINDOW
    expired = Ficha.all_objects.deleted().filter(deleted_at__lt=cutoff, status=FichaStatus.BORRADOR)
    _total, per_model = expired.delete()
    purged = per_model.get(Ficha._meta.label, 0)
    logger.info("purged %d draft(s) deleted before %s", purged, cutoff.isoformat())
    return purged
