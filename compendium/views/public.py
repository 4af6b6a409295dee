"""Pages anyone can see: the home page, the published editions and their PDF files.

Only published versions (``PublicationBuild`` with ``draft=False``, finished, with a file) are
reachable from here; drafts answer 404 whatever URL is tried. Files are served from storage as
they were frozen at publication, never rebuilt, with long-lived caching headers (a published
version never changes: a correction is a new version number).

What the public sees is what was published: the edition page's figures and charts are read from
the frozen record of one published version (``PublicationBuild.public_figures``, stored when it
was published), never counted from the live fichas (docs/publications.md §V2).
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from compendium import charts, english_names
from compendium.informe import PublicFigures
from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
from reporting.models import ObjetivoPMM

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

IMMUTABLE = "public, max-age=31536000, immutable"

# The edition page shows the figures of the Informe Ejecutivo's current version: the Informe is
# the document that presents them, so page and PDF agree. An edition without a published Informe
# shows those of the Compendio General's current version (the same figures, over the fichas it
# printed). The page names the version they come from.
FIGURES_FROM = (Document.INFORME, Document.COMPENDIO)


def published_builds():
    """Published, finished PDF versions (never drafts)."""
    return (
        PublicationBuild.objects.filter(draft=False, status=BuildStatus.DONE)
        .exclude(file="")
        .exclude(version__isnull=True)
        .select_related("edicion__ejercicio")
    )


def download_name(build: PublicationBuild) -> str:
    """«compendio-general-2023-v1.pdf», «informe-ejecutivo-2023-v2.pdf»."""
    label = slugify(Document(build.document).label)
    return f"{label}-{build.edicion.ejercicio.year}-v{build.version}.pdf"


@dataclass
class PublishedDocument:
    document: str
    label: "StrOrPromise"
    current: PublicationBuild
    previous: list[PublicationBuild] = field(default_factory=list)


@dataclass
class PublishedEdition:
    edicion: Edicion
    documents: list[PublishedDocument]
    # Published versions without a file (an edition imported with ``--publish`` and no
    # ``--pdf``): the page says their PDF is not available here (docs/open-data.md §R3).
    without_pdf: list[PublishedDocument] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.edicion.ejercicio.year


def published_editions(
    *, year: int | None = None, without_file: bool = False
) -> list[PublishedEdition]:
    """Editions with at least one published document, newest first; versions newest first.

    ``without_file``: also the editions whose published versions have no file (their
    documents in ``without_pdf``, when no version of that document has one).
    """
    builds = published_builds().order_by("-edicion__ejercicio__year", "document", "-version")
    if year is not None:
        builds = builds.filter(edicion__ejercicio__year=year)
    editions: dict[int, PublishedEdition] = {}
    if without_file:
        fileless = (
            PublicationBuild.objects.filter(draft=False, status=BuildStatus.DONE, file="")
            .exclude(version__isnull=True)
            .select_related("edicion__ejercicio")
            .order_by("-edicion__ejercicio__year", "document", "-version")
        )
        if year is not None:
            fileless = fileless.filter(edicion__ejercicio__year=year)
        with_file = set(builds.values_list("edicion_id", "document"))
        for build in fileless:
            entry = editions.setdefault(build.edicion_id, PublishedEdition(build.edicion, []))
            if (build.edicion_id, build.document) in with_file or any(
                d.document == build.document for d in entry.without_pdf
            ):
                continue
            label = Document(build.document).label
            entry.without_pdf.append(PublishedDocument(build.document, label, build))
    for build in builds:
        entry = editions.setdefault(build.edicion_id, PublishedEdition(build.edicion, []))
        same = [d for d in entry.documents if d.document == build.document]
        if same:
            same[0].previous.append(build)
        else:
            label = Document(build.document).label
            entry.documents.append(PublishedDocument(build.document, label, build))
    found = [e for e in editions.values() if e.documents or e.without_pdf]
    return sorted(found, key=lambda e: e.year, reverse=True)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        if user.is_coordinator:
            return redirect("reporting:bandeja")
        if user.actor is not None:
            return redirect("reporting:mis_fichas")
    # The latest published edition, never «the current exercise»: opening, closing or creating
    # an exercise changes nothing on the public home.
    editions = published_editions()
    latest = editions[0] if editions else None
    context = {
        "ejercicio": latest.edicion.ejercicio if latest else None,
        "objetivos": ObjetivoPMM.objects.all(),
        "latest": latest,
    }
    return render(request, "compendium/home.html", context)


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    editions = published_editions(without_file=True)
    return render(request, "compendium/public/publication_list.html", {"editions": editions})


def figures_source(edition: PublishedEdition) -> PublicationBuild:
    """The published version whose figures the edition page shows (``FIGURES_FROM``)."""
    current = {d.document: d.current for d in [*edition.without_pdf, *edition.documents]}
    return next(current[document] for document in FIGURES_FROM if document in current)


def figures_context(build: PublicationBuild) -> dict:
    """The figures, tables and charts of one published version, from its frozen record.

    A version published before the figures were kept has none (``data`` is None): the page
    says so and points to its PDF. Nothing here reads a ficha.
    """
    if build.public_figures is None:
        return {"data": None}
    # In English: UN titles and translated labels (docs/english-edition.md §E7).
    data = english_names.figures(PublicFigures.from_json(build.public_figures))
    return {
        "data": data,
        "period": data.period,
        "objectives_with_fichas": data.objectives_with_fichas,
        "chart_all": charts.objective_bar_chart(data.counts, attr="total", chart_id="g-todos"),
        "chart_federal": charts.objective_bar_chart(
            data.counts, attr="federal", chart_id="g-federal"
        ),
        "chart_state": charts.objective_bar_chart(data.counts, attr="state", chart_id="g-estatal"),
        "state_map": charts.state_map(data.per_state, map_id="mapa-estados"),
        "map_legend": charts.map_legend(data.per_state),
        "map_credit": charts.MAP_CREDIT,
        "state_rows": data.state_rows,
    }


@require_safe
def public_edition(request: HttpRequest, year: int) -> HttpResponse:
    editions = published_editions(year=year, without_file=True)
    if not editions:
        raise Http404
    edition = editions[0]
    source = figures_source(edition)
    context = {
        "published": edition,
        "ejercicio": edition.edicion.ejercicio,
        "source": source,
        **figures_context(source),
    }
    return render(request, "compendium/public/edition_detail.html", context)


def _cache_headers(build: PublicationBuild) -> dict[str, str]:
    headers = {
        "ETag": f'"{build.pk}-v{build.version}-{build.size or 0}"',
        "Cache-Control": IMMUTABLE,
    }
    if build.published_at:
        headers["Last-Modified"] = http_date(build.published_at.timestamp())
    return headers


@require_safe
def public_download(
    request: HttpRequest, year: int, document: str, version: int
) -> HttpResponseBase:
    build = get_object_or_404(
        published_builds(), edicion__ejercicio__year=year, document=document, version=version
    )
    headers = _cache_headers(build)
    published = int(build.published_at.timestamp()) if build.published_at else None
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=headers["ETag"], last_modified=published
    )
    if response is None:
        try:
            handle = build.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        # «?ver=1»: shown in the browser (inline), so that «#page=N» links open the right page
        # (the program pages' «ver en el PDF», docs/open-data.md §R2); otherwise a download.
        response = FileResponse(
            handle,
            as_attachment=request.GET.get("ver") != "1",
            filename=download_name(build),
            content_type="application/pdf",
        )
    for name, value in headers.items():
        response[name] = value
    return response


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """«Aviso de privacidad»: the focal points' contact data, under the LGPDPPSO."""
    return render(request, "compendium/public/privacy_notice.html")


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """«Declaración de accesibilidad»: the standard met, how it is checked, known gaps."""
    return render(request, "compendium/public/accessibility_statement.html")


@require_safe
def favicon(request: HttpRequest) -> HttpResponseBase:
    """/favicon.ico, which browsers request on their own: the SVG icon that base.html links."""
    return redirect(static("favicon.svg"), permanent=True)
