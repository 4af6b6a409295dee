"""The resource fetcher of every PDF: only our static files (docs/publications.md §P1).

Kept apart from ``compendium.pdf`` because it subclasses WeasyPrint's fetcher: importing this
module imports WeasyPrint, which only a process that makes a PDF should pay for
(docs/performance.md §F1).
"""

import logging
import mimetypes
import pathlib
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcher, URLFetcherResponse

from compendium.pdf import STATIC_BASE, ResourceRefused

# The log name stays "compendium.pdf": operators (and tests) look for refusals there.
logger = logging.getLogger("compendium.pdf")


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
