"""Annual exercises: creating them and changing their state (docs/workflow.md §W10).

Every change locks the exercise row, checks that it is allowed now (``ACTIONS``) and writes
one audit row through ``audit.record_change`` with the old and new values. Publishing an
edition never calls this module: whether institutions may report and which versions of a
document are public are separate facts.
"""

import dataclasses
import datetime
from typing import cast

from django.contrib.admin.models import ADDITION
from django.db import transaction
from django.db.models import Field
from django.utils.translation import gettext as _

from reporting import audit
from reporting.models import (
    ChallengeCategory,
    Ejercicio,
    EjercicioStatus,
    Ficha,
    FichaQuerySet,
    FichaStatus,
    User,
)
from reporting.reference import DEFAULT_CHALLENGE_CATEGORIES
from reporting.text import spanish_date

S = EjercicioStatus

# Action -> (statuses it starts from, status it leads to). Opening the first time and reopening
# lead to the same status; reopening undoes a closing, so it needs a reason.
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({S.PREPARACION}), S.ABIERTO),
    "close": (frozenset({S.ABIERTO}), S.CERRADO),
    "reopen": (frozenset({S.CERRADO, S.PUBLICADO}), S.ABIERTO),
}
# The closing date moves while the exercise is prepared or open; a closed one is reopened first.
DEADLINE_STATUSES = frozenset({S.PREPARACION, S.ABIERTO})


class ExerciseRefused(ValueError):
    """A change the rules do not allow now; the message is for the user (Spanish)."""


def other_open(ejercicio: Ejercicio) -> Ejercicio | None:
    """The exercise open now, when it is not ``ejercicio`` (only one is open at a time)."""
    return Ejercicio.objects.filter(status=S.ABIERTO).exclude(pk=ejercicio.pk).first()


def allowed_actions(ejercicio: Ejercicio) -> frozenset[str]:
    """The actions (``ACTIONS`` and «extend_deadline») possible on ``ejercicio`` now.

    Pages ask this instead of comparing statuses, so they never offer a button the functions
    below would refuse. Only one exercise is open at a time.
    """
    allowed = {action for action, (froms, _to) in ACTIONS.items() if ejercicio.status in froms}
    if allowed & {"open", "reopen"} and other_open(ejercicio) is not None:
        allowed -= {"open", "reopen"}
    if ejercicio.status in DEADLINE_STATUSES:
        allowed.add("extend_deadline")
    return frozenset(allowed)


def fichas_in_progress(ejercicio: Ejercicio) -> FichaQuerySet:
    """Fichas of ``ejercicio`` not approved yet (draft, sent, in review, returned).

    They are in no publication: closing or publishing now leaves them out.
    """
    return (
        Ficha.objects.filter(ejercicio=ejercicio)
        .exclude(status=FichaStatus.APROBADA)
        .select_related("actor")
        .order_by("actor__name", "nombre", "pk")
    )


def previous_ejercicio(year: int) -> Ejercicio | None:
    """The most recent exercise before ``year``."""
    return Ejercicio.objects.filter(year__lt=year).order_by("-year").first()


def _label(field: str) -> str:
    return str(cast(Field, Ejercicio._meta.get_field(field)).verbose_name)


def _date(value: datetime.date | None) -> str:
    return spanish_date(value) if value else "—"


@transaction.atomic
def create_ejercicio(
    year: int,
    *,
    status: str = EjercicioStatus.PREPARACION,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
) -> Ejercicio:
    """Create the exercise of ``year`` (by default with the default reporting period).

    Side effects: copies the challenge categories of the previous exercise (the defaults when
    there is none, or it has none) into the new one, with their definitions and suggestion
    keywords (docs/informe-workspace.md §W5), where coordinators edit them without touching
    other years. Not audited: ``create_next_ejercicio`` is what people use.
    """
    start, end = Ejercicio.default_period(year)
    ejercicio = Ejercicio.objects.create(
        year=year,
        period_start=period_start or start,
        period_end=period_end or end,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status,
    )
    previous = previous_ejercicio(year)
    source = list(previous.challenge_categories.all()) if previous else []
    # (name, definition, keywords); a default category's blank keywords use the built-in list.
    categories = [(c.name, c.definition, c.keywords) for c in source] or [
        (name, definition, "") for name, definition in DEFAULT_CHALLENGE_CATEGORIES
    ]
    ChallengeCategory.objects.bulk_create(
        ChallengeCategory(
            ejercicio=ejercicio, name=name, definition=definition, keywords=keywords, position=i
        )
        for i, (name, definition, keywords) in enumerate(categories, start=1)
    )
    return ejercicio


@transaction.atomic
def create_next_ejercicio(
    *,
    year: int,
    period_start: datetime.date,
    period_end: datetime.date,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    by: User,
) -> Ejercicio:
    """Create the exercise of ``year`` «en preparación»; nobody sees it until it is opened.

    Side effects: the exercise and its challenge categories (copied from the previous exercise,
    ``create_ejercicio``); one audit row with its year, period and dates. Raises
    ``ExerciseRefused`` for a year that exists or inconsistent dates.
    """
    if Ejercicio.objects.filter(year=year).exists():
        raise ExerciseRefused(_("Ya existe el ejercicio %(year)s.") % {"year": year})
    if period_start >= period_end:
        raise ExerciseRefused(_("El periodo de reporte debe terminar después de empezar."))
    if opens_on and closes_on and closes_on < opens_on:
        raise ExerciseRefused(_("La fecha de cierre no puede ser anterior a la de apertura."))
    ejercicio = create_ejercicio(
        year,
        period_start=period_start,
        period_end=period_end,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    previous = previous_ejercicio(year)
    n = ejercicio.challenge_categories.count()
    if previous is not None and previous.challenge_categories.exists():
        note = _("%(n)s categorías de retos copiadas del ejercicio %(year)s.") % {
            "n": n,
            "year": previous.year,
        }
    else:
        note = _("%(n)s categorías de retos predeterminadas.") % {"n": n}
    values = {
        "year": str(year),
        "period_start": _date(period_start),
        "period_end": _date(period_end),
        "opens_on": _date(opens_on),
        "closes_on": _date(closes_on),
        "status": str(ejercicio.get_status_display()),
    }
    audit.record_change(
        ejercicio,
        by=by,
        changes={k: {"label": _label(k), "old": "", "new": v} for k, v in values.items()},
        note=note,
        action_flag=ADDITION,
    )
    return ejercicio


def _change_status(
    ejercicio: Ejercicio, action: str, *, by: User | None, note: str = ""
) -> Ejercicio:
    """Lock the exercise, check ``action`` against ``ACTIONS``, set the state and audit it.

    The caller's instance gets the new state too. Raises ``ExerciseRefused``.
    """
    froms, to_status = ACTIONS[action]
    locked = Ejercicio.objects.select_for_update().get(pk=ejercicio.pk)
    if locked.status not in froms:
        raise ExerciseRefused(
            _("No es posible pasar el ejercicio %(year)s de «%(from)s» a «%(to)s».")
            % {"year": locked.year, "from": S(locked.status).label, "to": S(to_status).label}
        )
    if to_status == S.ABIERTO and (other := other_open(locked)) is not None:
        raise ExerciseRefused(
            _("El ejercicio %(year)s está abierto: ciérrelo antes de abrir otro.")
            % {"year": other.year}
        )
    old = locked.get_status_display()
    locked.status = to_status
    locked.save(update_fields=["status"])
    audit.record_change(
        locked,
        by=by,
        changes={
            "status": {
                "label": _label("status"),
                "old": str(old),
                "new": str(locked.get_status_display()),
            }
        },
        note=note,
    )
    ejercicio.status = to_status
    return locked


@transaction.atomic
def open_ejercicio(ejercicio: Ejercicio, *, by: User) -> Ejercicio:
    """Start receiving fichas: an exercise «en preparación» becomes «abierto».

    Side effects: ``Ejercicio.status``; one audit row. Raises ``ExerciseRefused`` when it is
    not in preparation or another exercise is open.
    """
    return _change_status(ejercicio, "open", by=by)


@transaction.atomic
def close_ejercicio(ejercicio: Ejercicio, *, by: User | None) -> Ejercicio:
    """Stop receiving fichas: an «abierto» exercise becomes «cerrado».

    Fichas still in progress stay as they are (coordinators may keep reviewing them); the
    institutions can no longer edit or send them. Side effects: ``Ejercicio.status``; one audit
    row when a person did it. Raises ``ExerciseRefused`` when the exercise is not open.
    """
    return _change_status(ejercicio, "close", by=by)


@transaction.atomic
def reopen_ejercicio(ejercicio: Ejercicio, *, by: User, reason: str) -> Ejercicio:
    """Receive fichas again: a closed (or published) exercise becomes «abierto».

    Side effects: ``Ejercicio.status``; one audit row carrying ``reason``. Raises
    ``ExerciseRefused`` without a reason, when the exercise is not closed or another is open.
    """
    if not reason.strip():
        raise ExerciseRefused(_("Indique el motivo para reabrir el ejercicio."))
    return _change_status(ejercicio, "reopen", by=by, note=reason.strip())


@transaction.atomic
def extend_deadline(
    ejercicio: Ejercicio, *, closes_on: datetime.date, by: User, note: str = ""
) -> Ejercicio:
    """Move the closing date («cierre de la recepción») later.

    The date is informative (days left, reminders): it never closes the exercise by itself.
    Side effects: ``Ejercicio.closes_on``; one audit row with the old and new date. Raises
    ``ExerciseRefused`` when the exercise is closed, the date is not later than the current
    one or earlier than the opening date.
    """
    locked = Ejercicio.objects.select_for_update().get(pk=ejercicio.pk)
    if locked.status not in DEADLINE_STATUSES:
        raise ExerciseRefused(
            _("El ejercicio %(year)s está «%(status)s»: reábralo antes de cambiar su cierre.")
            % {"year": locked.year, "status": S(locked.status).label}
        )
    if locked.closes_on and closes_on <= locked.closes_on:
        raise ExerciseRefused(
            _("La nueva fecha de cierre debe ser posterior a la actual (%(date)s).")
            % {"date": spanish_date(locked.closes_on)}
        )
    if locked.opens_on and closes_on < locked.opens_on:
        raise ExerciseRefused(_("La fecha de cierre no puede ser anterior a la de apertura."))
    old = locked.closes_on
    locked.closes_on = closes_on
    locked.save(update_fields=["closes_on"])
    audit.record_change(
        locked,
        by=by,
        changes={
            "closes_on": {"label": _label("closes_on"), "old": _date(old), "new": _date(closes_on)}
        },
        note=note.strip(),
    )
    ejercicio.closes_on = closes_on
    return locked


@dataclasses.dataclass(frozen=True)
class CategoryRow:
    """One challenge category as the coordinator left it: ``pk`` None for a new one."""

    pk: int | None
    name: str
    definition: str = ""
    delete: bool = False


def _categories_text(names: list[str]) -> str:
    return "; ".join(names) or "—"


@transaction.atomic
def save_challenge_categories(
    ejercicio: Ejercicio, rows: list[CategoryRow], *, by: User
) -> Ejercicio:
    """Set the exercise's challenge categories to ``rows``, in that order (docs §D6).

    Existing categories (``pk``) are renamed or redefined in place, so the retos classified with
    them keep their category; new ones are added; those marked ``delete`` are removed (their
    retos become «Sin categoría»). Other years are never touched. Side effects: the
    ``ChallengeCategory`` rows of ``ejercicio``; one audit row on the exercise with every
    change. Raises ``ExerciseRefused`` for a repeated or empty name or a category of another
    exercise.
    """
    locked = Ejercicio.objects.select_for_update().get(pk=ejercicio.pk)
    current = {c.pk: c for c in locked.challenge_categories.order_by("position", "name")}
    before = [c.name for c in current.values()]
    if any(row.pk is not None and row.pk not in current for row in rows):
        raise ExerciseRefused(_("Una de las categorías no es de este ejercicio."))
    kept = [row for row in rows if not row.delete]
    # Categories the list does not mention stay as they are, after the others.
    mentioned = {row.pk for row in rows}
    kept += [
        CategoryRow(c.pk, c.name, c.definition) for c in current.values() if c.pk not in mentioned
    ]
    names = [row.name.strip() for row in kept]
    if not all(names):
        raise ExerciseRefused(_("Cada categoría necesita un nombre."))
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ExerciseRefused(
            _("Hay categorías repetidas: %(names)s.") % {"names": ", ".join(repeated)}
        )
    changes: dict[str, dict[str, str]] = {}
    deleted = [current[row.pk] for row in rows if row.delete and row.pk is not None]
    for category in deleted:
        changes[f"delete-{category.pk}"] = {
            "label": _("Categoría eliminada"),
            "old": category.name,
            "new": "",
        }
        category.delete()
    # Renames go through a temporary name first, so swapping two names never collides.
    renamed = [r.pk for r in kept if r.pk is not None and current[r.pk].name != r.name.strip()]
    for pk in renamed:
        ChallengeCategory.objects.filter(pk=pk).update(name=f"~renombrando-{pk}~")
    for position, row in enumerate(kept, start=1):
        name, definition = row.name.strip(), row.definition.strip()
        if row.pk is None:
            ChallengeCategory.objects.create(
                ejercicio=locked, name=name, definition=definition, position=position
            )
            changes[f"new-{position}"] = {"label": _("Categoría nueva"), "old": "", "new": name}
            continue
        category = current[row.pk]
        if category.name != name:
            changes[f"name-{row.pk}"] = {"label": _("Categoría"), "old": category.name, "new": name}
        if category.definition != definition:
            changes[f"definition-{row.pk}"] = {
                "label": _("Definición de «%(name)s»") % {"name": name},
                "old": category.definition,
                "new": definition,
            }
        ChallengeCategory.objects.filter(pk=row.pk).update(
            name=name, definition=definition, position=position
        )
    # A new order of the categories that were already there (additions go where they were put).
    deleted_pks = {c.pk for c in deleted}
    if [pk for pk in current if pk not in deleted_pks] != [r.pk for r in kept if r.pk is not None]:
        changes["order"] = {
            "label": _("Orden de las categorías"),
            "old": _categories_text(before),
            "new": _categories_text(names),
        }
    audit.record_change(locked, by=by, changes=changes)
    return locked
