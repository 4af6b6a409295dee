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


@transaction.atomic
def mark_exercise_published(ejercicio: Ejercicio, *, by: User | None) -> None:
    """The exercise whose Compendio was published becomes «publicado» (read-only for all).

    Side effects: ``Ejercicio.status``; a ``LogEntry`` when a person did it.
    """
    if ejercicio.status == EjercicioStatus.PUBLICADO:
        return
    old = ejercicio.get_status_display()
    Ejercicio.objects.filter(pk=ejercicio.pk).update(status=EjercicioStatus.PUBLICADO)
    ejercicio.status = EjercicioStatus.PUBLICADO
    audit.record_change(
        ejercicio,
        by=by,
        changes={
            "status": {
                "label": str(Ejercicio._meta.get_field("status").verbose_name),
                "old": str(old),
                "new": str(ejercicio.get_status_display()),
            }
        },
    )
