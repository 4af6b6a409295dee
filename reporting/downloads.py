"""What a focal point downloads: their institution's fichas of one exercise as a spreadsheet.

The columns are those of the ficha export (``reporting.resources.FichaResource``: the program,
the period's results, the status and the assigned objective), followed by the unit and the
contact block. The general export leaves those two out because it may be handed to anyone;
this file goes only to the institution that typed them (views check it through
``reporting.access``), for its own internal sign-off, so it gets back everything it wrote.
Every text cell is escaped like the export's (``escape_formula``), so a spreadsheet never runs
a formula that a ficha's text happens to start with.
"""

import io
from collections.abc import Iterable

from django.db import models
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from reporting.models import Ficha
from reporting.resources import FichaResource, escape_formula

# Only in the institution's own download (docs/ficha.md §F2, §F8).
OWN_FIELDS = ("unidad", *Ficha.CONTACT_FIELDS)
# The export renders every value as text; counts go back to numbers, so a spreadsheet sums them.
NUMBER_COLUMNS = frozenset(
    f.name for f in Ficha._meta.concrete_fields if isinstance(f, models.IntegerField)
)


def _cell(value: object, column: str = "") -> object:
    if column in NUMBER_COLUMNS and isinstance(value, str) and value.isdecimal():
        return int(value)
    if isinstance(value, str):
        # XLSX cannot hold control characters; a pasted one must not break the download. An
        # escaped value starts with «'», which is no formula prefix: escaping twice is harmless.
        return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def fichas_workbook(fichas: Iterable[Ficha], *, title: str) -> bytes:
    """An XLSX file with one row per ficha, in the given order. No side effects."""
    fichas = list(fichas)
    dataset = FichaResource().export(queryset=fichas)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    # Sheet names: at most 31 characters, none of : \ / ? * [ ].
    sheet.title = "".join(c for c in title if c not in ":\\/?*[]")[:31] or "Fichas"
    header = [*dataset.headers, *OWN_FIELDS]
    sheet.append(header)
    for ficha, row in zip(fichas, dataset, strict=True):
        own = [getattr(ficha, name) for name in OWN_FIELDS]
        # Cleaned, then escaped again: removing a control character may uncover a leading «=».
        sheet.append([_cell(v, c) for v, c in zip((*row, *own), header, strict=True)])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
