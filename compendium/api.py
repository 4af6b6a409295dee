"""The read-only public JSON API, /api/v1/ (django-ninja; docs/data-and-api.md §A1-A6).

Anonymous, GET only, rate-limited per client address. It reads only the public record
(``PublishedProgram`` rows of each edition's current published Compendio version) through
``compendium.public_record`` (the explorer's filters, parsed with the explorer's Spanish
messages) and shapes programs with ``compendium.opendata`` (the same fields as the files).

Why django-ninja and not Django REST framework: a handful of GET endpoints, an OpenAPI document
generated from type hints, pydantic validation of the parameters, and a far smaller dependency
(docs/data-and-api.md §A1). The Swagger page is switched off: it would be a second front end to
keep under the site's strict CSP, and the OpenAPI document is what clients need (§A5).

Errors are JSON with a Spanish ``error`` message: 400 for a malformed or unknown parameter
(never a 500), 404 for what is not published, 405 for any method but GET, 429 when the rate is
exceeded (with ``Retry-After``).
"""

import math
from typing import Any

import pydantic
from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.throttling import AnonRateThrottle

from compendium import opendata, public_record
from compendium.models import PublishedProgram
from compendium.views.data import downloads
from compendium.views.public import published_editions
from reporting.models import ODS, ActorType, EntidadFederativa, ObjetivoPMM

MAX_PER_PAGE = 100


class PublicThrottle(AnonRateThrottle):
    """Requests per client address; the rate is read from settings at each request.

    ``NINJA_DEFAULT_THROTTLE_RATES["anon"]`` (config/settings.py), so tests and deployments
    change it without rebuilding the API. Counts live in the cache «throttle»: in production
    Django's database cache, so every gunicorn worker counts the same requests; elsewhere
    local memory, per process (docs/data-and-api.md §A4).
    """

    @property
    def cache(self):  # type: ignore[override]
        return caches["throttle"]

    def __init__(self) -> None:
        super().__init__(rate=self._rate())

    @staticmethod
    def _rate() -> str:
        return settings.NINJA_DEFAULT_THROTTLE_RATES["anon"]

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = self._rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class Utf8JSON(JSONRenderer):
    """JSON as UTF-8 text («Quiñones», not «Qui\\u00f1ones»): what the files do too."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="API de datos abiertos del Pacto Mundial para la Migración en México",
    version="1",
    description=(
        "Programas, acciones y buenas prácticas publicados en cada Compendio General de la "
        "Unidad de Política Migratoria, Registro e Identidad de Personas (SEGOB), tal como se "
        "imprimieron. Solo lectura, sin registro, con límite de solicitudes por dirección. "
        "Licencia: {title} ({path}). "
        "No contiene datos de contacto."
    ).format(**opendata.license_terms()),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
    throttle=[PublicThrottle()],
    renderer=Utf8JSON(),
)


# --- errors, in Spanish ---------------------------------------------------------------------

PYDANTIC_MESSAGES = {
    "int_parsing": "Debe ser un número entero.",
    "int_type": "Debe ser un número entero.",
    "greater_than_equal": "Debe ser al menos %(ge)s.",
    "less_than_equal": "Debe ser como máximo %(le)s.",
    "missing": "Falta este dato.",
}


def error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"error": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = {}
    for item in exc.errors:
        name = str(item.get("loc", ["", "?"])[-1])
        template = PYDANTIC_MESSAGES.get(item.get("type", ""), "Valor no válido.")
        try:
            details[name] = _(template) % (item.get("ctx") or {})
        except (KeyError, TypeError, ValueError):
            details[name] = _("Valor no válido.")
    return error(request, 400, _("Parámetros no válidos."), detalles=details)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(
        request, 404, _("No se encontró. La API solo ofrece ediciones y programas publicados.")
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 429:
        wait = getattr(exc, "wait", None)
        seconds = math.ceil(wait) if wait else 60
        return error(
            request,
            429,
            _("Demasiadas solicitudes. Espere %(s)s segundos antes de volver a intentar.")
            % {"s": seconds},
        )
    return error(request, exc.status_code, str(exc.message))


class BadFilters(HttpError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(400, _("Parámetros no válidos."))
        self.errors = errors


@api.exception_handler(BadFilters)
def _bad_filters(request: HttpRequest, exc: BadFilters) -> HttpResponse:
    return error(request, 400, exc.message, detalles=exc.errors)


# --- schemas ---------------------------------------------------------------------------------


class Institucion(Schema):
    nombre: str
    sigla: str


class Reto(Schema):
    texto: str
    categoria: str


class Nota(Schema):
    numero: int | None
    texto: str


LIST_TYPES: dict[str, Any] = {
    "instituciones_participantes": list[Institucion],
    "alcance_entidades": list[str],
    "ods": list[int],
    "retos": list[Reto],
    "notas": list[Nota],
}
SCALAR_TYPES: dict[str, Any] = {"integer": int, "string": str, "boolean": bool}


def _program_schema() -> type[Schema]:
    """The program record as a schema, from ``opendata.FIELDS`` (one list for files and API)."""
    fields: dict[str, Any] = {}
    for f in opendata.JSON_FIELDS:
        kind = LIST_TYPES.get(f.name, SCALAR_TYPES[f.type])
        if not f.required and f.name not in LIST_TYPES and f.type != "boolean":
            kind = kind | None
        fields[f.name] = (kind, pydantic.Field(description=str(f.description)))
    fields["url"] = (str, pydantic.Field(description="Dirección de este programa en la API."))
    return pydantic.create_model("Programa", __base__=Schema, **fields)


Programa = _program_schema()


class PaginaProgramas(Schema):
    total: int
    pagina: int
    paginas: int
    por_pagina: int
    filtros: dict[str, str]
    avisos: dict[str, str]
    anterior: str | None
    siguiente: str | None
    resultados: list[Programa]  # type: ignore[valid-type]


class Documento(Schema):
    documento: str
    nombre: str
    version: int
    publicado: str | None
    pdf: str


class Edicion(Schema):
    anio: int
    programas: int
    version_compendio: int | None
    documentos: list[Documento]
    pagina: str | None
    datos: dict[str, str]


class Objetivo(Schema):
    numero: int
    titulo: str


class Conteo(Schema):
    clave: str
    nombre: str
    programas: int


class AgregadoAnual(Schema):
    anio: int
    programas: int
    por_objetivo: list[Conteo]
    por_ods: list[Conteo]
    por_entidad: list[Conteo]
    por_tipo_actor: list[Conteo]


class Agregados(Schema):
    filtros: dict[str, str]
    anios: list[AgregadoAnual]


class Error(Schema):
    error: str
    detalles: dict[str, str] | None = None


# --- filters ---------------------------------------------------------------------------------


class Filtros(Schema):
    """The explorer's filters (documented here; parsed by ``public_record.ProgramFilters``)."""

    anio: str | None = pydantic.Field(None, description="Año del ejercicio, p. ej. 2023.")
    objetivo: str | None = pydantic.Field(None, description="Objetivo del PMM, 1 a 23.")
    ods: str | None = pydantic.Field(None, description="ODS, 1 a 17.")
    eje: str | None = pydantic.Field(None, description="Eje temático de UPMRIP.")
    entidad: str | None = pydantic.Field(
        None,
        description="Clave INEGI de entidad federativa (01 a 32): la que reporta o el alcance.",
    )
    institucion: str | None = pydantic.Field(None, description="Sigla de la institución.")
    capitulo: str | None = pydantic.Field(None, description="Capítulo del Compendio, 1 a 6.")
    q: str | None = pydantic.Field(
        None, description="Búsqueda de texto (sin distinguir acentos ni mayúsculas)."
    )


class FiltrosPagina(Filtros):
    page: str | None = pydantic.Field(None, description="Página, desde 1.")
    por_pagina: str | None = pydantic.Field(
        None, description="Programas por página, 1 a 100 (20 si no se indica)."
    )


def parse_filters(request: HttpRequest) -> public_record.ProgramFilters:
    filters = public_record.ProgramFilters.from_params(request.GET)
    if filters.errors:
        raise BadFilters(dict(filters.errors))
    return filters


def _per_page(request: HttpRequest) -> int:
    raw = request.GET.get("por_pagina", "").strip()
    if not raw:
        return public_record.PER_PAGE
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PER_PAGE:
        raise BadFilters(
            {"por_pagina": _("Indique un número entero del 1 al %(max)s.") % {"max": MAX_PER_PAGE}}
        )
    return int(raw)


def program_url(request: HttpRequest, program: PublishedProgram) -> str:
    return request.build_absolute_uri(
        reverse("api-v1:programa", args=[program.year, program.number])
    )


def program_data(request: HttpRequest, program: PublishedProgram) -> dict[str, Any]:
    return {**opendata.record(program), "url": program_url(request, program)}


def page_rows(matching: QuerySet[PublishedProgram], start: int, size: int) -> list:
    """One page of programs: the page's ids first (a narrow sort, no joins), then their rows.

    Sorting the full rows with their joins to find an offset page is many times slower on
    PostgreSQL (docs/data-and-api.md §A6).
    """
    ids = list(matching.values_list("pk", flat=True)[start : start + size])
    rows = opendata.with_relations(PublishedProgram.objects.filter(pk__in=ids))
    by_pk = {p.pk: p for p in rows}
    return opendata.with_lists(by_pk[pk] for pk in ids)


# --- endpoints -------------------------------------------------------------------------------

ERRORS: dict[int, Any] = {400: Error, 429: Error}


@api.get(
    "/programas",
    response={200: PaginaProgramas, **ERRORS},
    url_name="programas",
    summary="Programas publicados, con filtros y páginas",
    tags=["programas"],
)
def programas(request: HttpRequest, filtros: Query[FiltrosPagina]):
    """Los filtros son los del buscador de programas; ``page`` es la página (desde 1) y
    ``por_pagina`` su tamaño (1 a 100; 20 si no se indica)."""
    filters = parse_filters(request)
    per_page = _per_page(request)
    matching = public_record.programs_matching(filters)
    total = matching.count()
    pages = max(1, math.ceil(total / per_page))
    start = (filters.page - 1) * per_page
    rows = page_rows(matching, start, per_page) if start < total else []

    def link(page: int) -> str:
        query = filters.query_string(page=page)
        if per_page != public_record.PER_PAGE:
            query += ("" if query == "?" else "&") + f"por_pagina={per_page}"
        return request.build_absolute_uri(reverse("api-v1:programas") + query.rstrip("?"))

    return {
        "total": total,
        "pagina": filters.page,
        "paginas": pages,
        "por_pagina": per_page,
        "filtros": filters.active(),
        "avisos": public_record.unknown(filters),
        "anterior": link(min(filters.page - 1, pages)) if filters.page > 1 else None,
        "siguiente": link(filters.page + 1) if filters.page < pages else None,
        "resultados": [program_data(request, p) for p in rows],
    }


def _year(anio: int) -> public_record.ProgramFilters:
    if not 1900 <= anio <= 2999:
        raise Http404
    return public_record.ProgramFilters(anio=anio)


@api.get(
    "/programas/{anio}/{numero}",
    response={200: Programa, 404: Error, **ERRORS},
    url_name="programa",
    summary="Un programa publicado, por año y número",
    tags=["programas"],
)
def programa(request: HttpRequest, anio: int, numero: int):
    """``numero`` es el número del programa en el registro de la edición (``numero``)."""
    if not 1 <= numero <= 1_000_000:
        raise Http404
    programs = opendata.with_relations(public_record.programs_matching(_year(anio)))
    program = programs.filter(number=numero).first()
    if program is None:
        raise Http404
    return program_data(request, program)


def _program_counts() -> dict[int, int]:
    rows = public_record.published_programs().order_by().values("year").annotate(n=Count("pk"))
    return {row["year"]: row["n"] for row in rows}


def _editions(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    """Editions with a published PDF or a public record (an edition imported with
    ``--publish`` and no PDF has only the record), newest first."""
    counts = _program_counts()
    compendio = public_record.current_compendio_builds()
    documents = {e.year: e for e in published_editions(year=year)}
    years = sorted(set(counts) | set(documents), reverse=True)
    out = []
    for y in years if year is None else [y for y in years if y == year]:
        docs = []
        for document in documents[y].documents if y in documents else []:
            build = document.current
            link = reverse("compendium:public_download", args=[y, document.document, build.version])
            docs.append(
                {
                    "documento": document.document,
                    "nombre": str(document.label),
                    "version": build.version,
                    "publicado": build.published_at.isoformat() if build.published_at else None,
                    "pdf": request.build_absolute_uri(link),
                }
            )
        page = reverse("compendium:public_edition", args=[y]) if y in documents else None
        out.append(
            {
                "anio": y,
                "programas": counts.get(y, 0),
                "version_compendio": compendio[y].version if y in compendio else None,
                "documentos": docs,
                "pagina": request.build_absolute_uri(page) if page else None,
                "datos": downloads(request, y) if y in counts else {},
            }
        )
    return out


@api.get(
    "/ediciones",
    response={200: list[Edicion], **ERRORS},
    url_name="ediciones",
    summary="Ediciones publicadas",
    tags=["ediciones"],
)
def ediciones(request: HttpRequest):
    """Cada ejercicio con un documento publicado o con su registro público: las versiones
    vigentes de sus documentos (PDF) y sus archivos de datos."""
    return _editions(request)


@api.get(
    "/ediciones/{anio}",
    response={200: Edicion, 404: Error, **ERRORS},
    url_name="edicion",
    summary="Una edición publicada",
    tags=["ediciones"],
)
def edicion(request: HttpRequest, anio: int):
    _year(anio)
    found = _editions(request, anio)
    if not found:
        raise Http404
    return found[0]


@api.get(
    "/objetivos",
    response={200: list[Objetivo], **ERRORS},
    url_name="objetivos",
    summary="Los 23 Objetivos del PMM",
    tags=["referencia"],
)
def objetivos(request: HttpRequest):
    return [{"numero": o.number, "titulo": o.title} for o in ObjetivoPMM.objects.all()]


def _by_year(rows: QuerySet, year: str, key: str) -> dict[int, dict[Any, int]]:
    out: dict[int, dict[Any, int]] = {}
    for row in rows.order_by().values(year, key).annotate(n=Count("pk")):
        if row[key] is not None:
            out.setdefault(row[year], {})[row[key]] = row["n"]
    return out


@api.get(
    "/agregados",
    response={200: Agregados, **ERRORS},
    url_name="agregados",
    summary="Conteos de programas por año: objetivo, ODS, entidad y tipo de actor",
    tags=["agregados"],
)
def agregados(request: HttpRequest, filtros: Query[Filtros]):
    """Con los mismos filtros que ``/programas``. ``por_entidad`` cuenta los programas que
    reporta el gobierno de cada entidad federativa (capítulo 2); ``por_ods``, los programas
    alineados con cada ODS (un programa puede tener varios)."""
    filters = parse_filters(request)
    matching = public_record.programs_matching(filters)
    totals = {
        row["year"]: row["n"] for row in matching.order_by().values("year").annotate(n=Count("pk"))
    }
    by_objective = _by_year(matching, "year", "objetivo_id")
    by_state = _by_year(matching, "year", "entidad_id")
    by_type = _by_year(matching, "year", "actor_type_id")
    through = PublishedProgram.ods.through.objects.filter(
        publishedprogram_id__in=matching.order_by().values("pk")
    )
    by_ods = _by_year(through, "publishedprogram__year", "ods_id")

    objectives = {o.number: o.title for o in ObjetivoPMM.objects.all()}
    ods_names = {o.number: o.short_name for o in ODS.objects.all()}
    states = dict(EntidadFederativa.objects.values_list("inegi_code", "name"))
    types = dict(ActorType.objects.values_list("code", "name"))

    def counts(values: dict[Any, int], labels: dict[Any, str], *, every: bool) -> list[dict]:
        keys = labels if every else [k for k in labels if k in values]
        return [{"clave": str(k), "nombre": labels[k], "programas": values.get(k, 0)} for k in keys]

    years = []
    for year in sorted(totals, reverse=True):
        years.append(
            {
                "anio": year,
                "programas": totals[year],
                "por_objetivo": counts(by_objective.get(year, {}), objectives, every=True),
                "por_ods": counts(by_ods.get(year, {}), ods_names, every=True),
                "por_entidad": counts(by_state.get(year, {}), states, every=False),
                "por_tipo_actor": counts(by_type.get(year, {}), types, every=False),
            }
        )
    return {"filtros": filters.active(), "anios": years}


# The API's URL patterns. config/urls.py mounts this module by its dotted name, so django-ninja
# and pydantic are imported at the first request under /api/v1/ or the first reverse of an
# «api-v1:» name, not when a web process loads the URLconf (docs/data-and-api.md §A1).
urlpatterns = api.urls[0]
