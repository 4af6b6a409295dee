"""Plain-text rules shared by forms, review pages, publications and search.

One home for: accent folding (search, sorting, matching printed names), word counting and
the 180-word limit of each «rubro» (docs/ficha.md), the maximum length of every text box of a
form (``cap_text_fields``), number formatting in the house style of the printed editions,
Spanish dates, and the label a person reads for a ficha field.
The JavaScript word counter of the ficha form follows the same rule; both are checked against
``tests/data/word_count_cases.json``.
"""

import datetime
import re
import unicodedata
from collections.abc import Mapping
from typing import cast

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Field
from django.utils import formats, translation
from django.utils.deconstruct import deconstructible
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

# Characters of one text box. 180 words take about 1,200 and seldom 2,000; the bound only stops
# pasted junk (one 1 MB description made a 457-page PDF that took 91 s to build).
TEXT_MAX_CHARS = 5000
# One challenge: all of them together have 180 words.
RETO_MAX_CHARS = 2000

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


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """At most ``limit_value`` characters, with the numbers in the house style («5,001»).

    A line break counts as the two characters a browser sends (CR LF), as in the database
    column: a browser's ``maxlength`` counts it as one, which only matters within a few
    characters of a limit that real texts never approach.
    """

    message = gettext_lazy(
        "Este texto tiene %(show_value)s caracteres; el máximo es %(limit_value)s."
    )

    def __call__(self, value: str) -> None:
        length = self.clean(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "show_value": format_number(length),
                    "limit_value": format_number(cast(int, self.limit_value)),
                    "value": value,
                },
            )


def cap_text_fields(
    form: forms.BaseForm,
    *,
    default: int = TEXT_MAX_CHARS,
    overrides: Mapping[str, int] | None = None,
) -> None:
    """Give every text field of ``form`` a maximum length; call it at the end of ``__init__``.

    A field's limit is its entry in ``overrides`` (never above a limit it already has, such as
    its database column's), else the limit it already has, else ``default``. The field gets
    ``max_length``, one ``TextLengthValidator`` (its message: «Este texto tiene 5,001
    caracteres; el máximo es 5,000.») in place of Django's. One-line inputs also get the
    ``maxlength`` attribute; text boxes do not, because a browser silently cuts a longer paste
    there, and the text a person pasted must never be lost: the server refuses it with the
    message and the page keeps all of it. ``tests/test_text_limits.py`` checks every form.
    """
    overrides = overrides or {}
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField):
            continue
        limit = overrides.get(name, field.max_length or default)
        if field.max_length is not None:
            limit = min(limit, field.max_length)
        field.max_length = limit
        field.validators = [
            v for v in field.validators if not isinstance(v, MaxLengthValidator)
        ] + [TextLengthValidator(limit)]
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.pop("maxlength", None)
        else:
            field.widget.attrs["maxlength"] = str(limit)


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
