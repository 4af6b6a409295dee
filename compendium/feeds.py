"""Atom feed of new publications: one entry per published version (docs/data-and-api.md §D6).

The versions the publications list shows (``views.public.published_editions(without_file=
True)``: finished, not drafts): every version with a PDF, and a version published without a
file (a past edition imported without its PDF, docs/open-data.md §R3) when its document has no
version with one. An entry links to its edition's public page, where the version and the open
data are offered; a version without a file links to the page's note about it, never to a file.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from compendium.models import PublicationBuild
from compendium.views.public import published_editions

FEED_ENTRIES = 30


class PublicationsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Publicaciones del Pacto Mundial para la Migración en México")
    subtitle = gettext_lazy(
        "Nuevas versiones publicadas del Compendio General y del Informe Ejecutivo (UPMRIP, SEGOB)."
    )
    author_name = "UPMRIP, SEGOB"

    @method_decorator(require_safe)  # GET and HEAD only, like every public page
    def __call__(self, request, *args, **kwargs):
        return super().__call__(request, *args, **kwargs)

    def link(self) -> str:
        return reverse("compendium:public_list")

    def items(self) -> list[PublicationBuild]:
        builds = [
            build
            for edition in published_editions(without_file=True)
            for document in [*edition.documents, *edition.without_pdf]
            for build in [document.current, *document.previous]
        ]
        builds.sort(key=lambda b: (b.published_at is not None, b.published_at, b.pk), reverse=True)
        return builds[:FEED_ENTRIES]

    def item_title(self, item: PublicationBuild) -> str:
        return _("%(document)s %(year)s, versión %(version)s") % {
            "document": item.get_document_display(),
            "year": item.edicion.ejercicio.year,
            "version": item.version,
        }

    def item_description(self, item: PublicationBuild) -> str:
        if not item.file:
            return _(
                "Se publicó la versión %(version)s del %(document)s del ejercicio %(year)s, sin "
                "su PDF en este sitio; sus programas, su tablero y sus datos abiertos están en la "
                "página de la edición."
            ) % {
                "version": item.version,
                "document": item.get_document_display(),
                "year": item.edicion.ejercicio.year,
            }
        return _(
            "Se publicó la versión %(version)s del %(document)s del ejercicio %(year)s (PDF) y, "
            "con ella, sus datos abiertos."
        ) % {
            "version": item.version,
            "document": item.get_document_display(),
            "year": item.edicion.ejercicio.year,
        }

    def item_link(self, item: PublicationBuild) -> str:
        page = reverse("compendium:public_edition", args=[item.edicion.ejercicio.year])
        # Without a file: the page's note «El PDF … no está disponible en este sitio».
        return page if item.file else f"{page}#sin-pdf-{item.document}"

    def get_feed(self, obj, request):
        self._request = request
        return super().get_feed(obj, request)

    def item_guid(self, item: PublicationBuild) -> str:
        # Atom ids must be absolute: the version's own download address is unique and stable.
        # A version without a file has no download address: its page, with the version.
        if not item.file:
            page = reverse("compendium:public_edition", args=[item.edicion.ejercicio.year])
            return self._request.build_absolute_uri(f"{page}#{item.document}-v{item.version}")
        return self._request.build_absolute_uri(
            reverse(
                "compendium:public_download",
                args=[item.edicion.ejercicio.year, item.document, item.version],
            )
        )

    def item_pubdate(self, item: PublicationBuild):
        return item.published_at

    def item_updateddate(self, item: PublicationBuild):
        return item.published_at
