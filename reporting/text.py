"""Plain-text rules shared by forms, review pages, publications and search.

One home for: accent folding (search, sorting, matching printed names), word counting and
the 180-word limit of each «rubro» (docs/ficha.md), number formatting in the house style of
the printed editions, Spanish dates, and the label a person reads for a ficha field.
The JavaScript word counter of the ficha form follows the same rule; both are checked against
``tests/data/word_count_cases.json``.
"""

import datetime
import re
import unicodedata
from collections.abc import Mapping
from typing import cast

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The official ficha allows at most 180 words in each «rubro» (docs/ficha.md).
WORD_LIMIT = 180

# Text boxes that make up each «rubro» of the official ficha; the limit is per rubro. «retos»
# is the list of challenges (``Reto.texto``), counted together, so it names no ficha field.
WORD_SECTIONS: dict[str, tuple[str, ...]] = {
    "descripcion": ("objetivo_programa", "poblacion_objetivo", "descripcion"),
    "resultados": ("explicacion_sin_cifras", "resultados"),
    "retos": (),
}
SECTION_LABELS = {
    "descripcion": gettext_lazy("Descripción"),
    "resultados": gettext_lazy("Resultados"),
    "retos": gettext_lazy("Retos identificados"),
}

# A word is a run of letters/digits, joined by inner hyphens, apostrophes, periods or commas:
# «2,500», «co-responsabilidad» and «S.R.E.» are one word each, as a reader counts them.
# Python's ``\w`` is exactly JavaScript's ``[\p{L}\p{N}_]``. Two invisible differences of
# encoding must not change the count: accents typed as combining marks (U+0300–U+036F, text
# pasted from macOS or PDFs: «informacio\u0301n») stay inside their word, and the soft hyphen
# and the hyphens U+2010/U+2011 that word processors insert join like «-».
_LETTERS = r"\w[\w\u0300-\u036f]*"
_WORD = re.compile(rf"{_LETTERS}(?:[-'’.,\u00ad\u2010\u2011]{_LETTERS})*")


def count_words(text: str | None) -> int:
    """Words as a reader counts them (see ``_WORD``).

    ``static/js/ficha_form.js`` (``pmmCountWords``) uses the same pattern; both are checked
    against ``tests/data/word_count_cases.json``.
    """
    return len(_WORD.findall(text or ""))


def section_words(values: Mapping[str, object]) -> dict[str, int]:
    """Words in each rubro made of ficha fields, from field name → text (missing counts 0)."""
    return {
        section: sum(count_words(str(values.get(name) or "")) for name in names)
        for section, names in WORD_SECTIONS.items()
        if names
    }


def too_many_words(section: str, words: int) -> str | None:
    """The message that refuses ``words`` in ``section``, or None within the limit."""
    if words <= WORD_LIMIT:
        return None
    if section == "retos":
        return _("Los retos suman %(words)s palabras; el máximo es 180. Resuma el texto.") % {
            "words": words
        }
    return _(
        "La sección «%(section)s» tiene %(words)s palabras; el máximo es 180. Resuma el texto."
    ) % {"section": SECTION_LABELS[section], "words": words}


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` («Niñez» → «ninez»)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_spaces(text: str) -> str:
    """``fold`` with runs of whitespace collapsed to one space (for matching printed text)."""
    return " ".join(fold(text).split())


def format_number(value: int) -> str:
    """Whole numbers the way the printed editions write them: comma thousands («1,245»)."""
    return f"{value:,}"


def spanish_date(value: datetime.date) -> str:
    """«5 de junio de 2023» through Django's es-MX formats (the catalogue lowercases months)."""
    with translation.override("es-mx"):
        return formats.date_format(value, "j \\d\\e F \\d\\e Y")


def month_year(value: datetime.date) -> str:
    """«junio de 2023»."""
    with translation.override("es-mx"):
        return formats.date_format(value, "F \\d\\e Y")


def field_label(name: str) -> str:
    """The label a person reads for a ficha field name (as stored in ``Observacion.field``)."""
    from reporting.models import Ficha

    if name == "retos":
        return str(_("Retos"))
    try:
        # Observed fields are the ficha's own, never reverse relations.
        return str(cast(Field, Ficha._meta.get_field(name)).verbose_name)
    except FieldDoesNotExist:
        return name


def yes_no(value: bool) -> str:
    return str(_("Sí")) if value else str(_("No"))
