"""PDF page labels that match the printed folios (docs/pre-publication-check.md §T2).

A PDF viewer numbers pages 1..n unless the file says otherwise («/PageLabels»). The Compendio
prints no folio on its cover and front matter and starts at 1 on the Introduction (and the
Informe prints none on its cover), so without labels the viewer's «page 37» is folio 32.

WeasyPrint 70 has no CSS for page labels, so they are written here, two ways:

* ``finisher(ranges)``: for ``Document.write_pdf(..., finisher=...)``: labels go into the
  catalogue as the PDF is written (no second pass, the tagged structure untouched);
* ``label_pdf(path, ranges)``: post-processing of a finished file with pypdf (e.g. parts
  rendered separately and merged), rewriting the file in place.

Ranges come from the rendered pages' CSS page names (``page_names``; static/print/compendio.css:
«cover», «front», «intro», «main», «divider») or, for a finished file, from its named
destinations (``compendio_ranges_from_pdf``: the anchors «introduccion» and «cierre»).

Compendio: cover «Portada»; the rest of the front matter lower-case roman (i, ii, …: unnumbered
in print, so the labels cannot clash with folios); Introduction to the last annex page: 1, 2, …
(divider pages count, as in print); the closing page «Contraportada». Informe: cover
«Portada», then 2, 3, … as printed.
"""

from __future__ import annotations

import importlib
import os
import pathlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

COVER_LABEL = "Portada"
BACK_LABEL = "Contraportada"
BODY_PAGES = frozenset({"intro", "main", "divider"})


@dataclass(frozen=True)
class LabelRange:
    """Pages from ``start`` (0-based index) to the next range: ``style`` "D" (1, 2, …), "r"
    (i, ii, …) or "" (the prefix alone), numbered from ``first``."""

    start: int
    style: str = "D"
    first: int = 1
    prefix: str = ""


def page_names(document: Any) -> list[str]:
    """The CSS page name of each page of a rendered WeasyPrint ``Document`` ("" if none)."""
    return [page._page_box.page_type.name or "" for page in document.pages]


def compendio_ranges(names: Sequence[str]) -> list[LabelRange]:
    """Labels of the Compendio from its page names (see the module docstring)."""
    body = [i for i, name in enumerate(names) if name in BODY_PAGES]
    if not body:
        return [LabelRange(0, "D", 1)]
    return compendio_ranges_from(len(names), body[0], body[-1] + 1)


def compendio_ranges_from(pages: int, body_start: int, body_end: int) -> list[LabelRange]:
    """Labels for ``pages`` pages whose folios run from ``body_start`` to ``body_end`` (excl.)."""
    ranges = [LabelRange(0, "", prefix=COVER_LABEL)]
    if body_start > 1:
        ranges.append(LabelRange(1, "r", 1))
    ranges.append(LabelRange(body_start, "D", 1))
    if body_end < pages:
        ranges.append(LabelRange(body_end, "", prefix=BACK_LABEL))
    return ranges


def informe_ranges(pages: int) -> list[LabelRange]:
    """The Informe's cover is page 1 of its count but prints no number."""
    if pages <= 1:
        return [LabelRange(0, "", prefix=COVER_LABEL)]
    return [LabelRange(0, "", prefix=COVER_LABEL), LabelRange(1, "D", 2)]


def finisher(ranges: Sequence[LabelRange]) -> Callable[[Any, Any], None]:
    """A ``write_pdf`` finisher that writes ``ranges`` as the catalogue's /PageLabels."""
    # Imported with WeasyPrint, only where a PDF is made; pydyf ships no type information.
    pydyf: Any = importlib.import_module("pydyf")

    def add_labels(_document: Any, pdf: Any) -> None:
        numbers: list[Any] = []
        for r in ranges:
            entry = pydyf.Dictionary({"Type": "/PageLabel"})
            if r.style:
                entry["S"] = f"/{r.style}"
                entry["St"] = r.first
            if r.prefix:
                entry["P"] = pydyf.String(r.prefix)
            numbers += [r.start, entry]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(numbers)})

    return add_labels


def compendio_ranges_from_pdf(reader: Any) -> list[LabelRange]:
    """Compendio labels of a finished PDF, from its named destinations «introduccion» (first
    folio) and «cierre» (closing page). ``reader``: a ``pypdf.PdfReader``."""
    pages = len(reader.pages)
    dests = reader.named_destinations
    start = reader.get_destination_page_number(dests["introduccion"])
    end = reader.get_destination_page_number(dests["cierre"]) if "cierre" in dests else pages
    return compendio_ranges_from(pages, start, end)


def label_pdf(path: pathlib.Path, ranges: Sequence[LabelRange]) -> None:
    """Rewrite the PDF at ``path`` with ``ranges`` as its page labels (pypdf), atomically."""
    from pypdf import PdfWriter
    from pypdf.constants import PageLabelStyle

    styles = {style.value[1:]: style for style in PageLabelStyle}
    writer = PdfWriter(clone_from=str(path))
    pages = len(writer.pages)
    bounds = [r.start for r in ranges[1:]] + [pages]
    for r, stop in zip(ranges, bounds, strict=True):
        if stop > r.start:
            writer.set_page_label(
                r.start,
                stop - 1,
                style=styles.get(r.style),
                start=r.first,
                prefix=r.prefix or None,
            )
    fd, staged = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    os.close(fd)
    try:
        with open(staged, "wb") as fh:
            writer.write(fh)
        os.replace(staged, path)
    finally:
        pathlib.Path(staged).unlink(missing_ok=True)
