"""Reference names in the language of the page (docs/english-edition.md §E7).

On the English public pages the objectives, SDGs, actor types and chapters are named in English:
the UN's official titles and our chapter names, frozen in migration
``reporting/0009_english_reference`` (the same values the English Informe prints, §E1). In
Spanish, and for anything without an English name (ejes temáticos, subtemas, states,
institutions, programs), the Spanish name is kept; a page marks such Spanish text
``lang="es"``.
"""

import dataclasses
import importlib
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext

if TYPE_CHECKING:
    from compendium.informe import PublicFigures

_EN = importlib.import_module("reporting.migrations.0009_english_reference")
OBJECTIVES: dict[int, str] = _EN.OBJECTIVES_EN
SDGS: dict[int, str] = {n: short for n, (short, _long) in _EN.SDGS_EN.items()}
ACTOR_TYPES: dict[str, str] = {code: name for code, (name, _ch) in _EN.ACTOR_TYPES_EN.items()}
CHAPTERS_BY_TYPE: dict[str, str] = {code: ch for code, (_n, ch) in _EN.ACTOR_TYPES_EN.items()}


def english() -> bool:
    """Whether the active language is English (the /en/ pages, the English Informe)."""
    return (translation.get_language() or "").startswith("en")


def objective(number: int, spanish: str) -> str:
    return OBJECTIVES.get(number, spanish) if english() else spanish


def sdg(number: int, spanish: str) -> str:
    return SDGS.get(number, spanish) if english() else spanish


def actor_type(code: str, spanish: str) -> str:
    return ACTOR_TYPES.get(code, spanish) if english() else spanish


def chapter(code: str, spanish: str) -> str:
    """A chapter's title, by the code of an actor type that prints in it."""
    return CHAPTERS_BY_TYPE.get(code, spanish) if english() else spanish


def figures(data: "PublicFigures") -> "PublicFigures":
    """An edition page's frozen ``PublicFigures`` in the active language: in English the
    objectives' UN titles, the rankings (and their notes) made again from those counts, the key
    figures' labels through the catalogue (they were frozen as the Spanish msgids). The counts
    are the frozen ones; nothing is read from the fichas."""
    if not english():
        return data
    from compendium import informe

    counts = [dataclasses.replace(c, title=objective(c.number, c.title)) for c in data.counts]
    return dataclasses.replace(
        data,
        counts=counts,
        most=informe.rank_objectives(counts),
        fewest=informe.rank_objectives(counts, fewest=True),
        figures=[dataclasses.replace(f, label=gettext(f.label)) for f in data.figures],
    )
