"""Copying fichas into new drafts: «Duplicar» within an exercise, and last year's into this one.

A copy is always a new «borrador» of the same institution. It never takes the coordinator's
fields (assigned objective, classification, order, summary) nor the status or the history: UPMRIP
reviews every ficha afresh.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import audit
from reporting.models import (
    Actor,
    Ejercicio,
    Ficha,
    FichaEventKind,
    Nota,
    Reto,
    User,
)

# A copy carries the program (with the printed sigla and the contact block); only «Duplicar»
# also carries the period's results (docs/ficha.md §R7).
PROGRAM_FIELDS = ("sigla_override", *Ficha.PROGRAM_FIELDS, *Ficha.CONTACT_FIELDS)
PERIOD_FIELDS = Ficha.PERIOD_FIELDS


def _copy(source: Ficha, *, ejercicio: Ejercicio, by: User, fields: Iterable[str]) -> Ficha:
    now = timezone.now()
    copy = Ficha.objects.create(
        ejercicio=ejercicio,
        actor=source.actor,
        copied_from=source,
        created_by=by,
        created_at=now,
        updated_by=by,
        updated_at=now,
        **{name: getattr(source, name) for name in fields},
    )
    for relation in Ficha.PROGRAM_RELATIONS:
        getattr(copy, relation).set(getattr(source, relation).all())
    Reto.objects.bulk_create(
        # Categories belong to one exercise and are the coordinator's: not copied.
        Reto(ficha=copy, position=r.position, texto=r.texto)
        for r in source.retos.all()
    )
    Nota.objects.bulk_create(
        Nota(ficha=copy, position=n.position, marker=n.marker, texto=n.texto)
        for n in source.notas.all()
    )
    audit.record_event(
        copy,
        FichaEventKind.CREATED,
        by=by,
        note=_("Copia de «%(nombre)s» (ejercicio %(year)s).")
        % {"nombre": source.nombre or source.pk, "year": source.ejercicio.year},
    )
    return copy


@transaction.atomic
def duplicate_ficha(ficha: Ficha, *, by: User) -> Ficha:
    """Copy a ficha as a new draft of the same exercise (same program, another component).

    Side effects: creates the ficha, its retos, notas, proposed objectives, states and
    co-actors, and a «creada» audit row. Coordinator fields and status are not copied.
    """
    return _copy(ficha, ejercicio=ficha.ejercicio, by=by, fields=PROGRAM_FIELDS + PERIOD_FIELDS)


@transaction.atomic
def carry_over_fichas(
    actor: Actor,
    *,
    from_ejercicio: Ejercicio,
    to_ejercicio: Ejercicio,
    by: User,
    ids: Iterable[int],
) -> list[Ficha]:
    """Bring the chosen fichas of ``actor`` from last year's exercise into this one as drafts.

    Only fichas of ``actor`` in ``from_ejercicio`` are copied; other ids are ignored. Results of
    the old period are left out. Side effects: as ``duplicate_ficha`` for each copy.
    """
    sources = (
        Ficha.objects.filter(actor=actor, ejercicio=from_ejercicio, pk__in=list(ids))
        .select_related("actor", "ejercicio")
        .order_by("pk")
    )
    return [_copy(s, ejercicio=to_ejercicio, by=by, fields=PROGRAM_FIELDS) for s in sources]
