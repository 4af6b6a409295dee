"""Reference names in the language of the page (docs/english-edition.md §E7).

On the English public pages the objectives, SDGs, actor types and chapters are named in English:
the UN's official titles and our chapter names, from the reference tables' English fields
(filled by migration ``reporting/0009_english_reference``; the values the English Informe
prints, §E1). In Spanish, and for anything without an English name (ejes temáticos, subtemas,
states, institutions, programs), the Spanish name is kept; a page marks such Spanish text
``lang="es"``.
"""

import dataclasses
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext

if TYPE_CHECKING:
    from compendium.informe import PublicFigures

# The English names as the reference tables hold them (the English Informe reads the same
# fields, compendium/informe.py), so a correction by a later data migration reaches both. Read
# once per process, on the first English name asked for; an empty table (a test database
# being loaded) is not remembered.
_names: dict[str, dict] = {}


def _english_names() -> dict[str, dict]:
    if not _names:
        from reporting.models import ODS, ActorType, ObjetivoPMM

        names: dict[str, dict] = {
            "objectives": dict(ObjetivoPMM.objects.values_list("number", "title_en")),
            "sdgs": dict(ODS.objects.values_list("number", "short_name_en")),
            "actor_types": dict(ActorType.objects.values_list("code", "name_en")),
            "chapters": dict(ActorType.objects.values_list("code", "chapter_title_en")),
        }
        if all(names.values()):
            _names.update(names)
        return names
    return _names


def _english(kind: str, key, spanish: str) -> str:
    """The English name of ``key`` on English pages (the Spanish one where none is stored)."""
    if not english():
        return spanish
    return _english_names()[kind].get(key) or spanish


def english() -> bool:
    """Whether the active language is English (the /en/ pages, the English Informe)."""
    return (translation.get_language() or "").startswith("en")


def spanish_mark() -> str:
    """The ``lang`` for text that stays Spanish by design (ejes, subtemas, states,
    institutions) on the current page: «es» on English pages, "" on Spanish ones, whose
    ``<html lang>`` says it already (docs/english-edition.md §E7)."""
    return "es" if english() else ""


def objective(number: int, spanish: str) -> str:
    return _english("objectives", number, spanish)


def sdg(number: int, spanish: str) -> str:
    return _english("sdgs", number, spanish)


def actor_type(code: str, spanish: str) -> str:
    return _english("actor_types", code, spanish)


def chapter(code: str, spanish: str) -> str:
    """A chapter's title, by the code of an actor type that prints in it."""
    return _english("chapters", code, spanish)


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
