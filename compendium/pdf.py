"""The one seam between our HTML and a PDF file (docs/publications.md §P1).

Print templates under ``templates/compendium/print/`` render HTML; ``render_pdf`` turns it into a
tagged PDF (PDF/UA-1, language and title in the metadata). WeasyPrint fetches resources through
``StaticOnlyFetcher``, which serves our own static files under a virtual origin and refuses
everything else: no ``file://``, no ``http(s)://`` to any host, no attachments of local files.
Fichas are plain text and reach the HTML only through autoescaped templates; the fetcher is the
second wall in case a tag ever slips through.
"""

import logging
import mimetypes
import pathlib
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Print templates refer to static files as STATIC_BASE + logical name ("print/base.css",
# "fonts/montserrat/Montserrat[wght].ttf"). The host is reserved (.invalid, RFC 2606): nothing
# is ever requested from it; the fetcher maps the path to a file found by staticfiles finders.
STATIC_ORIGIN = "https://pmm-static.invalid"
STATIC_BASE = f"{STATIC_ORIGIN}/static/"


class ResourceRefused(ValueError):
    """WeasyPrint asked for a URL outside our static files (logged, never fatal)."""


class StaticOnlyFetcher(URLFetcher):
    """Serve only files found by ``django.contrib.staticfiles`` finders; refuse all else.

    ``served`` and ``refused`` keep the URLs asked for, so tests (and logs) can show that a
    document fetched nothing it should not.
    """

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"https", "data"}, allow_redirects=False, **kwargs)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Inline data: the parent's DataHandler decodes it without any I/O.
            return super().fetch(url, headers)
        path = self.static_path(url)
        if path is None:
            self.refused.append(url)
            # Only the scheme and host: a URL from a ficha's text must not land whole in a log.
            parts = urlsplit(url)
            logger.warning("PDF resource refused: %s://%s…", parts.scheme, parts.netloc)
            raise ResourceRefused("not one of our static files")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, path.read_bytes(), headers={"Content-Type": content_type}, status=200
        )

    @staticmethod
    def static_path(url: str) -> pathlib.Path | None:
        """The file behind ``STATIC_BASE + name``, or None if the URL is anything else."""
        if not url.startswith(STATIC_BASE):
            return None
        name = unquote(urlsplit(url).path.removeprefix("/static/"))
        if not name or name.startswith("/") or "\\" in name or ".." in name.split("/"):
            return None
        try:
            found = finders.find(name)
        except SuspiciousFileOperation:
            return None
        if not found:
            return None
        path = pathlib.Path(found)
        return path if path.is_file() else None


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
    url_fetcher: StaticOnlyFetcher | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Write ``html`` as a tagged PDF (PDF/UA-1) to ``target``; return the number of pages.

    The HTML must carry ``<html lang>`` and ``<title>`` (PDF/UA metadata) and refer to static
    files through ``STATIC_BASE``. ``draft`` adds the «Versión preliminar» watermark to every
    page. ``progress`` receives a short Spanish status text before each long step.

    Side effects: writes ``target`` (the caller moves it into place).
    """
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
