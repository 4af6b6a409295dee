"""The order of fichas inside a publication: chapter, objective, then position.

Inside one (chapter, objective) block a coordinator-set ``orden`` wins; fichas without it
follow, chapter 2 alphabetically by state and the other chapters by institution name, then by
program name (docs/publications.md §C4). The printed number is the position in the block, from 1.
"""

from collections.abc import Iterable
from itertools import groupby

from reporting.models import Ficha
from reporting.text import fold


def block_key(ficha: Ficha) -> tuple:
    """Position of a ficha inside its (chapter, objective) block."""
    actor = ficha.actor
    if actor.tipo.chapter == 2 and actor.entidad is not None:
        who = actor.entidad.name
    else:
        who = actor.name
    # Spanish alphabetical order close enough for headings: accents sort with their letter.
    return (
        ficha.orden is None,
        ficha.orden or 0,
        fold(who),
        fold(ficha.nombre),
        ficha.pk or 0,
    )


def print_key(ficha: Ficha) -> tuple:
    return (ficha.actor.tipo.chapter, ficha.objetivo_asignado_id or 0, *block_key(ficha))


def numbered_blocks(fichas: Iterable[Ficha]) -> dict[tuple[int, int], list[Ficha]]:
    """Group approved fichas by (chapter, objective) in print order.

    Fichas need ``actor__tipo``, ``actor__entidad`` and ``objetivo_asignado`` loaded
    (``Ficha.objects.for_print()``); the printed number of a ficha is its index + 1.
    """
    ordered = sorted(fichas, key=print_key)
    return {
        key: list(group)
        for key, group in groupby(
            ordered, key=lambda f: (f.actor.tipo.chapter, f.objetivo_asignado_id)
        )
    }
