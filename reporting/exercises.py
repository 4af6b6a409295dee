"""Annual exercises: creating them and changing their state (docs/workflow.md, «Ejercicios»)."""

import datetime

from django.db import transaction

from reporting import audit
from reporting.models import ChallengeCategory, Ejercicio, EjercicioStatus, User
from reporting.reference import DEFAULT_CHALLENGE_CATEGORIES


@transaction.atomic
def create_ejercicio(
    year: int,
    *,
    status: str = EjercicioStatus.PREPARACION,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
) -> Ejercicio:
    """Create the exercise of ``year`` with the default reporting period.

    Side effects: copies the default challenge categories into the exercise, where coordinators
    can edit them without touching other years.
    """
    start, end = Ejercicio.default_period(year)
    ejercicio = Ejercicio.objects.create(
        year=year,
        period_start=start,
        period_end=end,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status,
    )
    ChallengeCategory.objects.bulk_create(
        ChallengeCategory(ejercicio=ejercicio, name=name, definition=definition, position=i)
        for i, (name, definition) in enumerate(DEFAULT_CHALLENGE_CATEGORIES, start=1)
    )
    return ejercicio


def _change_status(
    ejercicio: Ejercicio, to_status: str, *, by: User | None, note: str = ""
) -> Ejercicio:
    """Lock the exercise, set its state and audit the change (old → new, with ``note``)."""
    locked = Ejercicio.objects.select_for_update().get(pk=ejercicio.pk)
    old = locked.get_status_display()
    locked.status = to_status
    locked.save(update_fields=["status"])
    audit.record_change(
        locked,
        by=by,
        changes={
            "status": {
                "label": str(Ejercicio._meta.get_field("status").verbose_name),
                "old": str(old),
                "new": str(locked.get_status_display()),
            }
        },
        note=note,
    )
    ejercicio.status = to_status
    return locked


@transaction.atomic
def close_ejercicio(ejercicio: Ejercicio, *, by: User | None) -> Ejercicio:
    """Stop receiving fichas: an «abierto» exercise becomes «cerrado».

    Side effects: ``Ejercicio.status``; a ``LogEntry`` when a person did it. Raises
    ``ValueError`` when the exercise is not open.
    """
    if ejercicio.status != EjercicioStatus.ABIERTO:
        raise ValueError(f"Exercise {ejercicio.year} is not open")
    return _change_status(ejercicio, EjercicioStatus.CERRADO, by=by)


@transaction.atomic
def mark_exercise_published(ejercicio: Ejercicio, *, by: User | None) -> None:
    """The exercise whose Compendio was published becomes «publicado» (read-only for all).

    Side effects: ``Ejercicio.status``; a ``LogEntry`` when a person did it.
    """
    if ejercicio.status != EjercicioStatus.PUBLICADO:
        _change_status(ejercicio, EjercicioStatus.PUBLICADO, by=by)
