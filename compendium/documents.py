"""The one path from an edition to the HTML of one of its documents.

Background builds (``compendium.builds``) and ``manage.py build_compendio`` / ``build_informe``
both call ``render_document``, so a PDF built from the command line is the PDF the editions page
would publish. Each document's own module fills its print template: ``compendium.compendio``
and ``compendium.informe``.
"""

from dataclasses import dataclass, field

from compendium.compendio import render_compendio
from compendium.informe import render_informe_html
from compendium.models import Document, Edicion


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
    raise ValueError(f"Unknown document: {document}")
