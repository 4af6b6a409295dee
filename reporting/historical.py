"""Writing programs of a printed Compendio (an edition made before or outside this system).

``compendium.importers`` parses the printed text; this module is where its results enter
reporting's tables: the exercise, the actors named in the headings and one approved ficha per
program, in a fixed number of queries (bulk inserts). Approval goes through
``workflow.record_imported_approval`` and its audit rows. See docs/workflow.md («Ediciones
históricas»).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from reporting import workflow
from reporting.exercises import create_ejercicio
from reporting.models import Actor, Ejercicio, EjercicioStatus, Ficha, Nota, Reto, User


class ImportRefused(Exception):
    """The import would overwrite or contradict existing data; the message says why (Spanish)."""


@dataclass
class HistoricalFicha:
    """One printed program, cleaned: the ficha's fields, its actors, retos and notes."""

    lead: Actor
    co_actors: list[Actor]
    values: dict[str, object]
    retos: list[str] = field(default_factory=list)
    # (marker in the texts, or "" for a note placed in the heading; text)
    notas: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic(savepoint=False)
def exercise_for_import(year: int, *, replace: bool) -> tuple[Ejercicio, int]:
    """The exercise of ``year`` ready to receive imported fichas, and how many were replaced.

    Creates it «publicado» when missing. One that has fichas is refused, unless ``replace``,
    which deletes them (with their retos, notes and history) first.
    """
    ejercicio = Ejercicio.objects.select_for_update().filter(year=year).first()
    if ejercicio is None:
        return create_ejercicio(year, status=EjercicioStatus.PUBLICADO), 0
    existing = Ficha.objects.filter(ejercicio=ejercicio)
    count = existing.count()
    if count and not replace:
        raise ImportRefused(
            f"El Ejercicio {year} ya tiene {count} fichas. Use --replace para borrarlas "
            "(con sus retos, notas e historial) e importar de nuevo."
        )
    if count:
        existing.delete()
    return ejercicio, count


def create_actors(actors: list[Actor]) -> list[Actor]:
    """Insert new actors named by a printed edition, in one query."""
    return Actor.objects.bulk_create(actors)


@transaction.atomic(savepoint=False)
def create_approved_fichas(
    ejercicio: Ejercicio,
    items: list[HistoricalFicha],
    *,
    by: User | None,
    at: datetime.datetime,
    note: str,
) -> list[Ficha]:
    """Create one approved ficha per item with its co-actors, retos and notes.

    Side effects: bulk inserts; one «aprobada» audit row per ficha saying ``note``.
    """
    fichas = Ficha.objects.bulk_create(
        Ficha(
            ejercicio=ejercicio,
            actor=item.lead,
            created_at=at,
            created_by=by,
            updated_at=at,
            updated_by=by,
            **item.values,
        )
        for item in items
    )
    Ficha.co_actors.through.objects.bulk_create(
        Ficha.co_actors.through(ficha_id=ficha.pk, actor_id=actor.pk)
        for ficha, item in zip(fichas, items, strict=True)
        for actor in item.co_actors
    )
    Reto.objects.bulk_create(
        Reto(ficha=ficha, position=position, texto=texto)
        for ficha, item in zip(fichas, items, strict=True)
        for position, texto in enumerate(item.retos, start=1)
    )
    Nota.objects.bulk_create(
        Nota(ficha=ficha, position=position, marker=marker, texto=texto)
        for ficha, item in zip(fichas, items, strict=True)
        for position, (marker, texto) in enumerate(item.notas, start=1)
    )
    workflow.record_imported_approval(fichas, by=by, note=note)
    return fichas
