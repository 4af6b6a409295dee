"""Open data at /datos/: the catalogue, the files, the data package and the dictionary.

Only the public record is read (``PublishedProgram`` rows of each edition's current published
Compendio version, chosen by ``compendium.public_record``); drafts, unpublished editions and live
fichas are unreachable from here by construction. Files are shaped by ``compendium.opendata``
(docs/data-and-api.md). A file changes only when a version is published, so responses carry an
ETag made of the editions' published versions and answer 304 when it matches.
"""

import hashlib
import json
import logging
from dataclasses import replace
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Max, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from compendium import opendata, public_record
from compendium.models import PublishedProgram
from compendium.views.public import published_editions

logger = logging.getLogger(__name__)

CACHE = "public, max-age=3600"
# Where each file is kept once made, in the default storage (MEDIA_ROOT), per published state.
STORED = "datos"


def public_programs(year: int | None = None) -> QuerySet[PublishedProgram]:
    """The published programs of one edition, or of all, in the Compendio's order.

    The filter is ``public_record``'s (the explorer's and the API's); only the order differs:
    files run from the oldest edition to the newest.
    """
    filters = public_record.ProgramFilters(anio=year)
    return public_record.programs_matching(filters).order_by("year", "number")


def editions() -> list[opendata.Edition]:
    """Editions with a public record, newest first, with their version and number of programs."""
    rows = (
        public_programs()
        .order_by()
        .values("year")
        .annotate(
            programs=Count("pk"),
            version=Max("build__version"),
            published_at=Max("build__published_at"),
        )
        .order_by("-year")
    )
    # Every published edition has a page, with or without its PDF (docs/open-data.md §R3).
    with_pdf = {e.year for e in published_editions(without_file=True)}
    return [
        opendata.Edition(
            year=row["year"],
            version=row["version"],
            published_at=row["published_at"],
            programs=row["programs"],
            source_url=edition_page(row["year"], with_pdf),
            source_title=_("Compendio General %(year)s, versión %(version)s")
            % {"year": row["year"], "version": row["version"]},
        )
        for row in rows
    ]


def edition_page(year: int, with_pdf: set[int]) -> str:
    """The edition's public page (an edition published without a PDF has one too, saying so);
    for a year without a published version, its programs in the explorer."""
    if year in with_pdf:
        return reverse("compendium:public_edition", args=[year])
    return reverse("compendium:programs") + f"?anio={year}"


def _etag(items: list[opendata.Edition], *parts: object) -> str:
    # The licence is part of every file and of the package: changing the setting makes new ones.
    parts = (*parts, sorted(opendata.license_terms().items()))
    key = repr([(e.year, e.version, e.programs, e.published_at) for e in items] + list(parts))
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _conditional(request: HttpRequest, etag: str) -> HttpResponseBase | None:
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        response["ETag"] = etag
        response["Cache-Control"] = CACHE
    return response


def _finish(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    response["ETag"] = etag
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def file_name(year: int | None, fmt: str) -> str:
    return f"pmm-programas-{year or 'todos'}.{fmt}"


def downloads(request: HttpRequest, year: int | None) -> dict[str, str]:
    """The absolute address of each format of one edition's file (or of all years)."""
    links = {}
    for fmt in opendata.FORMATS:
        if year is None:
            path = reverse("compendium:data_file_all", args=[fmt])
        else:
            path = reverse("compendium:data_file", args=[year, fmt])
        links[fmt] = request.build_absolute_uri(path)
    return links


def catalogue_dataset(request: HttpRequest, items: list[opendata.Edition]) -> dict[str, Any]:
    return opendata.dataset_jsonld(
        name=_("Programas publicados del Pacto Mundial para la Migración en México"),
        description=_(
            "Programas, acciones y buenas prácticas que publicó cada Compendio General de UPMRIP "
            "sobre el Pacto Mundial para una Migración Segura, Ordenada y Regular, con su "
            "Objetivo del PMM, ODS, eje temático, institución y entidad federativa."
        ),
        url=request.build_absolute_uri(reverse("compendium:data")),
        downloads=downloads(request, None),
        years=sorted(e.year for e in items),
        modified=max((e.published_at for e in items if e.published_at), default=None),
    )


def edition_dataset(request: HttpRequest, year: int) -> dict[str, Any] | None:
    """The edition's Dataset, or None when it has no public record (for its public page)."""
    item = next((e for e in editions() if e.year == year), None)
    if item is None:
        return None
    return opendata.dataset_jsonld(
        name=_("Programas del Compendio General %(year)s") % {"year": year},
        description=_(
            "Los %(n)s programas, acciones y buenas prácticas que publicó el Compendio General "
            "%(year)s (versión %(version)s) sobre el Pacto Mundial para la Migración."
        )
        % {"n": item.programs, "year": year, "version": item.version},
        url=request.build_absolute_uri(reverse("compendium:public_edition", args=[year])),
        downloads=downloads(request, year),
        years=[year],
        modified=item.published_at,
    )


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    items = editions()
    context = {
        "editions": items,
        "total": sum(e.programs for e in items),
        "dataset": catalogue_dataset(request, items) if items else None,
        "license": opendata.license_terms(),
        "openapi_url": reverse("api-v1:openapi-json"),
    }
    return render(request, "compendium/data/catalogue.html", context)


@require_safe
def dictionary(request: HttpRequest) -> HttpResponse:
    items = editions()
    fields = [
        {"name": f.name, "type": opendata.type_label(f.type), "description": f.description}
        for f in opendata.FIELDS
    ]
    context = {
        "fields": fields,
        "license": opendata.license_terms(),
        "dataset": catalogue_dataset(request, items) if items else None,
    }
    return render(request, "compendium/data/dictionary.html", context)


@require_safe
def package(request: HttpRequest) -> HttpResponseBase:
    items = editions()
    etag = _etag(items, "datapackage")
    cached = _conditional(request, etag)
    if cached is not None:
        return cached
    items = [replace(e, source_url=request.build_absolute_uri(e.source_url)) for e in items]
    descriptor = opendata.data_package(
        items, homepage=request.build_absolute_uri(reverse("compendium:data"))
    )
    response = JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _finish(response, etag)


def _generate(year: int | None, fmt: str) -> bytes:
    programs = public_programs(year)
    if fmt == "csv":
        return opendata.csv_bytes(programs)
    if fmt == "xlsx":
        title = (
            _("Programas publicados, todos los años")
            if year is None
            else _("Programas del Compendio General %(year)s") % {"year": year}
        )
        return opendata.xlsx_bytes(programs, title=title)
    document = opendata.json_document(programs, year=year)
    return json.dumps(document, ensure_ascii=False).encode()


def stored_file(year: int | None, fmt: str, etag: str) -> str | bytes:
    """The storage name of the file for this state of the record, made on first request.

    A file is made once per published state (the ETag) and kept under ``datos/`` in the
    default storage; the file of an earlier state is deleted when the new one is written
    (docs/data-and-api.md §D2). When the storage cannot be written, the file's bytes instead.
    """
    stem = file_name(year, fmt).removesuffix(f".{fmt}")
    name = f"{STORED}/{stem}-{etag.strip(chr(34))}.{fmt}"
    if default_storage.exists(name):
        return name
    content = _generate(year, fmt)
    try:
        saved = default_storage.save(name, ContentFile(content))
        for old in default_storage.listdir(STORED)[1]:
            if (
                old.startswith(f"{stem}-")
                and old.endswith(f".{fmt}")
                and old != saved.rsplit("/", 1)[-1]
            ):
                default_storage.delete(f"{STORED}/{old}")
    except OSError:
        logger.exception("Open data file %s could not be stored", name)
        return content
    return saved


def _file(request: HttpRequest, year: int | None, fmt: str) -> HttpResponseBase:
    if fmt not in opendata.FORMATS:
        raise Http404
    items = editions()
    if year is not None:
        items = [e for e in items if e.year == year]
        if not items:
            raise Http404
    etag = _etag(items, fmt, year, opendata.HEADER)
    cached = _conditional(request, etag)
    if cached is not None:
        return cached
    name = file_name(year, fmt)
    stored = stored_file(year, fmt, etag)
    response: HttpResponseBase
    if isinstance(stored, bytes):
        response = HttpResponse(stored, content_type=opendata.MEDIA_TYPES[fmt])
        disposition = "inline" if fmt == "json" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    else:
        response = FileResponse(
            default_storage.open(stored, "rb"),
            content_type=opendata.MEDIA_TYPES[fmt],
            as_attachment=fmt != "json",
            filename=name,
        )
    return _finish(response, etag)


@require_safe
def programs_file(request: HttpRequest, year: int, fmt: str) -> HttpResponseBase:
    return _file(request, year, fmt)


@require_safe
def all_programs_file(request: HttpRequest, fmt: str) -> HttpResponseBase:
    return _file(request, None, fmt)
