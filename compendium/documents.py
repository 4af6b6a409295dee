"""The one path from an edition to the HTML of one of its documents.

Background builds (``compendium.builds``) and ``manage.py build_compendio`` / ``build_informe``
both call ``render_document``, so a PDF built from the command line is the PDF the editions page
would publish. Each document's own module fills its print template: ``compendium.compendio``
and ``compendium.informe``.
"""

import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import translation

from compendium.compendio import render_compendio
from compendium.informe import render_informe_html
from compendium.models import Document, Edicion
from compendium.pdf import render_pdf


@dataclass(frozen=True)
class RenderedDocument:
    html: str
    # Fichas printed: a published Compendio marks them as published. Empty for the Informe.
    ficha_ids: list[int] = field(default_factory=list)


def render_document(edicion: Edicion, document: str, *, draft: bool) -> RenderedDocument:
    """HTML of ``document`` (a ``Document`` value) of ``edicion``, for ``compendium.pdf``.

    No side effects: reads the approved fichas of the edition's exercise. ``edicion`` may be
    unsaved (the commands print the default texts of an exercise without an edition).
    """
    if document == Document.COMPENDIO:
        html, ficha_ids = render_compendio(edicion, draft=draft)
        return RenderedDocument(html, ficha_ids)
    if document == Document.INFORME:
        return RenderedDocument(render_informe_html(edicion, draft=draft))
    if document == Document.INFORME_EN:
        # The same Informe in English: catalogue locale/en, UN titles (docs/english-edition.md).
        with translation.override("en"):
            return RenderedDocument(render_informe_html(edicion, draft=draft))
    raise ValueError(f"Unknown document: {document}")


def cache_scope(edicion: Edicion, document: str, *, draft: bool) -> str:
    """Where the parts of the last build of this document are kept (docs/performance.md §F5)."""
    return f"{edicion.ejercicio.year}-{document}-{'borrador' if draft else 'final'}"


def write_document_pdf(
    document: str,
    html: str,
    *,
    target: pathlib.Path,
    draft: bool,
    scope: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Write the PDF of ``html`` (from ``render_document``) to ``target``; return its pages.

    The Compendio is rendered in parts on every core and only its changed parts are rendered
    again when ``scope`` names its cache (``compendium.parallel_pdf``); the Informe, short, in
    one render (``compendium.pdf.render_pdf``).
    """
    if document == Document.COMPENDIO:
        from compendium.parallel_pdf import render_book

        report = render_book(html, target=target, draft=draft, scope=scope, progress=progress)
        return report.pages
    return render_pdf(html, target=target, draft=draft, progress=progress)
