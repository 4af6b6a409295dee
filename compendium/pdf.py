"""The one seam between our HTML and a PDF file (docs/publications.md §P1).

Print templates under ``templates/compendium/print/`` render HTML; ``render_pdf`` turns it into a
tagged PDF (PDF/UA-1, language and title in the metadata). WeasyPrint fetches resources through
``StaticOnlyFetcher``, which serves our own static files under a virtual origin and refuses
everything else: no ``file://``, no ``http(s)://`` to any host, no attachments of local files.
Fichas are plain text and reach the HTML only through autoescaped templates; the fetcher is the
second wall in case a tag ever slips through.
"""

import pathlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from compendium.pdf_fetcher import StaticOnlyFetcher

# WeasyPrint is imported only where a PDF is made (docs/performance.md §F1): importing it costs
# about a second, and every Django process reaches this module through the URLconf. The
# fetcher subclasses WeasyPrint's, so it lives in compendium.pdf_fetcher and is re-exported
# lazily below.

# Print templates refer to static files as STATIC_BASE + logical name ("print/base.css",
# "fonts/montserrat/Montserrat[wght].ttf"). The host is reserved (.invalid, RFC 2606): nothing
# is ever requested from it; the fetcher maps the path to a file found by staticfiles finders.
STATIC_ORIGIN = "https://pmm-static.invalid"
STATIC_BASE = f"{STATIC_ORIGIN}/static/"


class ResourceRefused(ValueError):
    """WeasyPrint asked for a URL outside our static files (logged, never fatal)."""


def __getattr__(name: str) -> Any:
    """``from compendium.pdf import StaticOnlyFetcher`` imports WeasyPrint only then."""
    if name == "StaticOnlyFetcher":
        from compendium.pdf_fetcher import StaticOnlyFetcher

        return StaticOnlyFetcher
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# A draft says so on every page. A fixed box repeats on each page in WeasyPrint; the text stays
# extractable, so a reader of the file (or a test) can tell a draft from a published version.
DRAFT_CSS = """
body::before {
  content: "%(label)s";
  position: fixed;
  top: 45%%;
  left: -3cm;
  right: -3cm;
  text-align: center;
  font-size: 46pt;
  white-space: nowrap;
  font-weight: 700;
  color: rgba(155, 34, 71, 0.13);
  transform: rotate(-35deg);
  z-index: -1;
}
"""


def render_pdf(
    html: str,
    *,
    target: pathlib.Path,
    draft: bool,
    url_fetcher: "StaticOnlyFetcher | None" = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Write ``html`` as a tagged PDF (PDF/UA-1) to ``target``; return the number of pages.

    The HTML must carry ``<html lang>`` and ``<title>`` (PDF/UA metadata) and refer to static
    files through ``STATIC_BASE``. ``draft`` adds the «Versión preliminar» watermark to every
    page. ``progress`` receives a short Spanish status text before each long step.

    Side effects: writes ``target`` (the caller moves it into place).
    """
    from weasyprint import CSS, HTML

    from compendium import pdf_shim
    from compendium.pdf_fetcher import StaticOnlyFetcher

    pdf_shim.apply()

    fetcher = url_fetcher or StaticOnlyFetcher()
    stylesheets = []
    if draft:
        label = _("Versión preliminar").replace('"', "")
        stylesheets.append(CSS(string=DRAFT_CSS % {"label": label}, url_fetcher=fetcher))
    if progress:
        progress(_("Maquetando las páginas"))
    document = HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=fetcher).render(
        stylesheets=stylesheets, pdf_variant="pdf/ua-1"
    )
    if not document.metadata.lang:
        document.metadata.lang = "es-MX"
    pages = len(document.pages)
    if progress:
        progress(_("Escribiendo el PDF (%(pages)s páginas)") % {"pages": pages})
    document.write_pdf(target, pdf_variant="pdf/ua-1")
    return pages
