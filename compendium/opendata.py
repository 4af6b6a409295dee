"""The published programs as open data: one list of fields, four ways out (docs/data-and-api.md).

``FIELDS`` is the single description of a program record. The CSV and XLSX files, the JSON file,
the Table Schema of ``datapackage.json``, the data dictionary page and the API's program schema
all follow it, so a column cannot be added to one and forgotten in another.

Everything here reads ``PublishedProgram`` rows (the frozen record of a published Compendio
version) and nothing else: no ficha, no person, no contact field (docs/data-and-api.md §D1).
Which rows are public (the latest published version of each edition) is decided by
``compendium.public_record``; this module only shapes them.

Spreadsheet safety (docs/data-and-api.md §D3): a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is written with a leading apostrophe in CSV and XLSX,
so Excel or LibreOffice never runs it as a formula. JSON and the API keep the text as printed.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compendium.models import PublishedProgram

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Licence and publisher of the data (docs/data-and-api.md §D4). The licence is the setting
# ``OPEN_DATA_LICENSE`` (name, path, title); by default the Mexican federal government's
# open-data terms, which UPMRIP confirms before the first public release.
DEFAULT_LICENSE = {
    "name": "Libre-Uso-MX",
    "path": "https://datos.gob.mx/libreusomx",
    "title": "Términos de Libre Uso MX",
}


def license_terms() -> dict[str, str]:
    """The open data's licence as a Data Package ``licenses`` item: name, path, title."""
    return {**DEFAULT_LICENSE, **getattr(settings, "OPEN_DATA_LICENSE", {})}


PUBLISHER = "Unidad de Política Migratoria, Registro e Identidad de Personas (UPMRIP), SEGOB"
FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# CSV files carry a byte-order mark so that Excel reads them as UTF-8; the Table Schema says so.
CSV_ENCODING = "utf-8-sig"
LIST_SEPARATOR = "; "
PARAGRAPH_SEPARATOR = "\n\n"
YES, NO = "Sí", "No"

# --- spreadsheet escaping ------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters that XML 1.0 (and so XLSX) cannot hold; openpyxl refuses them with an error.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_MAX_CELL = 32_767


def escape_cell(value: object) -> object:
    """A text that a spreadsheet would read as a formula, with a leading apostrophe.

    Numbers are never escaped (they are written as numbers); ``None`` stays empty.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx_cell(value: object) -> object:
    """``escape_cell`` plus what XLSX cannot store (control characters, over-long cells)."""
    value = escape_cell(value)
    if isinstance(value, str):
        value = XLSX_ILLEGAL.sub("", value)[:XLSX_MAX_CELL]
    return value


def program_page(program: PublishedProgram) -> str:
    """The program's public page (the explorer's), absolute with ``SITE_URL``."""
    path = reverse("compendium:program", args=[program.year, program.number])
    return settings.SITE_URL.rstrip("/") + path


# --- the record ----------------------------------------------------------------------------


def _figure(name: str) -> Callable[[PublishedProgram], Any]:
    def value(p: PublishedProgram) -> Any:
        figure = (p.figures or {}).get(name)
        return figure if figure not in ("", None) else None

    return value


def _institutions(p: PublishedProgram) -> list[dict[str, str]]:
    return [
        {"nombre": str(i.get("name", "")), "sigla": str(i.get("sigla", ""))}
        for i in p.co_institutions or []
    ]


def _retos(p: PublishedProgram) -> list[dict[str, str]]:
    return [
        {"texto": str(r.get("texto", "")), "categoria": str(r.get("categoria") or "")}
        for r in p.retos or []
    ]


def _notas(p: PublishedProgram) -> list[dict[str, Any]]:
    return [{"numero": n.get("number"), "texto": str(n.get("texto", ""))} for n in p.notas or []]


def _join(values: Iterable[object]) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values)


def _flat_institutions(value: list[dict[str, str]]) -> str:
    return _join(f"{i['nombre']} ({i['sigla']})" if i["sigla"] else i["nombre"] for i in value)


def _flat_retos(value: list[dict[str, str]]) -> str:
    return PARAGRAPH_SEPARATOR.join(r["texto"] for r in value)


def _flat_categories(value: list[dict[str, str]]) -> str:
    return _join(r["categoria"] for r in value if r["categoria"])


def _flat_notas(value: list[dict[str, Any]]) -> str:
    return PARAGRAPH_SEPARATOR.join(f"[{n['numero']}] {n['texto']}" for n in value)


def _flat_bool(value: bool) -> str:
    return YES if value else NO


@dataclass(frozen=True)
class Field:
    """One column of the files and one property of the JSON and API records."""

    name: str
    type: str  # Table Schema type of the CSV column: integer, string, boolean
    description: "StrOrPromise"
    value: Callable[[PublishedProgram], Any]
    # The CSV/XLSX cell from the JSON value (lists joined); identity when absent.
    flat: Callable[[Any], Any] | None = None
    # The JSON (and API) value comes from another field's value (``retos_categorias``).
    constraints: dict[str, Any] = field(default_factory=dict)
    required: bool = False
    format: str = ""  # Table Schema format (``uri``)
    json: bool = True  # False: a CSV-only column derived from another JSON property

    def cell(self, record: dict[str, Any]) -> Any:
        value = record[self.name] if self.json else record[self.source]
        if value is None:
            return None
        return self.flat(value) if self.flat else value

    @property
    def source(self) -> str:
        return {"retos_categorias": "retos"}.get(self.name, self.name)


FIELDS: tuple[Field, ...] = (
    Field(
        "anio",
        "integer",
        gettext_lazy(
            "Año del ejercicio reportado: el del Compendio General que publicó el programa."
        ),
        lambda p: p.year,
        required=True,
    ),
    Field(
        "version",
        "integer",
        gettext_lazy("Versión publicada del Compendio General de la que procede el registro."),
        lambda p: p.build.version,
        required=True,
    ),
    Field(
        "numero",
        "integer",
        gettext_lazy(
            "Número del programa en el registro publicado de la edición (1, 2, 3…, en el orden "
            "del Compendio General). Con el año identifica al programa."
        ),
        lambda p: p.number,
        required=True,
    ),
    Field(
        "numero_impreso",
        "integer",
        gettext_lazy(
            "Número con que se imprimió el programa; se reinicia en cada capítulo y objetivo."
        ),
        lambda p: p.printed_number,
        constraints={"minimum": 1},
    ),
    Field(
        "capitulo",
        "integer",
        gettext_lazy("Capítulo del Compendio General (1 a 6), según el tipo de actor."),
        lambda p: p.chapter,
        constraints={"minimum": 1},
        required=True,
    ),
    Field(
        "capitulo_titulo",
        "string",
        gettext_lazy("Título del capítulo, como se imprimió."),
        lambda p: p.chapter_title,
    ),
    Field(
        "objetivo_pmm",
        "integer",
        gettext_lazy("Objetivo del Pacto Mundial para la Migración (1 a 23) asignado por UPMRIP."),
        lambda p: p.objetivo_id,
        constraints={"minimum": 1, "maximum": 23},
        required=True,
    ),
    Field(
        "objetivo_pmm_titulo",
        "string",
        gettext_lazy("Título oficial del Objetivo del PMM."),
        lambda p: p.objetivo.title,
    ),
    Field(
        "institucion",
        "string",
        gettext_lazy("Institución que reporta el programa, como se imprimió."),
        lambda p: p.institution,
        required=True,
    ),
    Field(
        "sigla",
        "string",
        gettext_lazy("Sigla de la institución (o nombre del estado, en el capítulo 2)."),
        lambda p: p.sigla,
    ),
    Field(
        "sigla_impresa",
        "string",
        gettext_lazy(
            "Sigla como se imprimió en el encabezado del programa (puede nombrar a varias "
            "instituciones)."
        ),
        lambda p: p.printed_sigla,
    ),
    Field(
        "instituciones_participantes",
        "string",
        gettext_lazy(
            "Otras instituciones que reportan el programa junto con la principal: «Nombre "
            "(SIGLA)» separados por «; ». En JSON, una lista de objetos con nombre y sigla."
        ),
        _institutions,
        flat=_flat_institutions,
    ),
    Field(
        "tipo_actor",
        "string",
        gettext_lazy(
            "Clave del tipo de actor (apf, desconcentrado, estatal, legislativo, judicial, "
            "autonomo, osc…), que determina el capítulo."
        ),
        lambda p: p.actor_type_id,
        required=True,
    ),
    Field(
        "tipo_actor_nombre",
        "string",
        gettext_lazy("Nombre del tipo de actor."),
        lambda p: p.actor_type.name,
    ),
    Field(
        "entidad_clave",
        "string",
        gettext_lazy(
            "Clave INEGI de dos dígitos de la entidad federativa cuyo gobierno reporta (solo "
            "capítulo 2); vacía para los demás actores."
        ),
        lambda p: p.entidad_id,
        constraints={"pattern": "[0-9]{2}"},
    ),
    Field(
        "entidad_nombre",
        "string",
        gettext_lazy("Nombre de esa entidad federativa."),
        lambda p: p.entidad.name if p.entidad else None,
    ),
    Field(
        "alcance_nacional",
        "boolean",
        gettext_lazy("«Sí» si el programa tiene alcance nacional. En JSON, true o false."),
        lambda p: p.alcance_nacional,
        flat=_flat_bool,
    ),
    Field(
        "alcance_entidades",
        "string",
        gettext_lazy(
            "Claves INEGI de las entidades federativas donde actúa el programa, separadas por "
            "«; ». En JSON, una lista."
        ),
        lambda p: _lists(p)[1],
        flat=_join,
    ),
    Field(
        "ods",
        "string",
        gettext_lazy(
            "Objetivos de Desarrollo Sostenible (1 a 17) con que se alinea el programa, "
            "separados por «; ». En JSON, una lista de números."
        ),
        lambda p: _lists(p)[0],
        flat=_join,
    ),
    Field(
        "eje_tematico",
        "integer",
        gettext_lazy("Número del eje temático de UPMRIP (clasificación interna), si lo tiene."),
        lambda p: p.eje_id,
    ),
    Field(
        "eje_tematico_nombre",
        "string",
        gettext_lazy("Nombre del eje temático."),
        lambda p: p.eje.name if p.eje else None,
    ),
    Field(
        "subtema",
        "string",
        gettext_lazy("Subtema del eje temático."),
        lambda p: p.subtema.name if p.subtema else None,
    ),
    Field(
        "nombre",
        "string",
        gettext_lazy("Nombre del programa, acción o buena práctica, como se imprimió."),
        lambda p: p.nombre,
        required=True,
    ),
    Field(
        "objetivo_programa",
        "string",
        gettext_lazy("Objetivo del programa, como se imprimió."),
        lambda p: p.objetivo_programa,
    ),
    Field(
        "poblacion_objetivo",
        "string",
        gettext_lazy("Población objetivo, como se imprimió."),
        lambda p: p.poblacion_objetivo,
    ),
    Field(
        "descripcion",
        "string",
        gettext_lazy("Descripción del programa; párrafos separados por una línea en blanco."),
        lambda p: p.descripcion,
    ),
    Field(
        "resultados",
        "string",
        gettext_lazy(
            "Resultados del periodo reportado; párrafos separados por una línea en blanco."
        ),
        lambda p: p.resultados,
    ),
    Field(
        "retos",
        "string",
        gettext_lazy(
            "Retos identificados, separados por una línea en blanco. En JSON, una lista de "
            "objetos con el texto y su categoría."
        ),
        _retos,
        flat=_flat_retos,
    ),
    Field(
        "retos_categorias",
        "string",
        gettext_lazy("Categorías de los retos, separadas por «; » (solo CSV y XLSX)."),
        _retos,
        flat=_flat_categories,
        json=False,
    ),
    Field(
        "notas",
        "string",
        gettext_lazy(
            "Notas al pie del programa, «[número] texto», separadas por una línea en blanco. "
            "En JSON, una lista de objetos con número y texto."
        ),
        _notas,
        flat=_flat_notas,
    ),
    Field(
        "personas_atendidas",
        "integer",
        gettext_lazy("Personas atendidas en el periodo, si el programa lo reportó."),
        _figure("personas_atendidas"),
        constraints={"minimum": 0},
    ),
    Field(
        "mujeres",
        "integer",
        gettext_lazy("De ellas, mujeres."),
        _figure("mujeres"),
        constraints={"minimum": 0},
    ),
    Field(
        "hombres",
        "integer",
        gettext_lazy("De ellas, hombres."),
        _figure("hombres"),
        constraints={"minimum": 0},
    ),
    Field(
        "otras_personas",
        "integer",
        gettext_lazy("De ellas, otras personas (otra identidad o sin dato)."),
        _figure("otras_personas"),
        constraints={"minimum": 0},
    ),
    Field(
        "num_acciones",
        "integer",
        gettext_lazy("Número de acciones realizadas, si el programa lo reportó."),
        _figure("num_acciones"),
        constraints={"minimum": 0},
    ),
    Field(
        "tipo_acciones",
        "string",
        gettext_lazy("Tipo de esas acciones, como lo escribió la institución."),
        _figure("tipo_acciones"),
    ),
    Field(
        "pagina",
        "integer",
        gettext_lazy("Página del PDF del Compendio General donde se imprimió el programa."),
        lambda p: p.page,
        constraints={"minimum": 1},
    ),
    Field(
        "pagina_web",
        "string",
        gettext_lazy("Dirección permanente de la página pública del programa."),
        lambda p: program_page(p),
        format="uri",
    ),
)
JSON_FIELDS = tuple(f for f in FIELDS if f.json)
HEADER = [f.name for f in FIELDS]


# Columns no export reads: the search text is the largest of a row, and the build's frozen
# figures (a large JSON document) would be decoded again for every program.
UNREAD = ("search_text", "siglas", "state_codes", "ficha_id", "build__public_figures")
CHUNK = 500
_LISTS = "_opendata_lists"


def with_relations(programs: QuerySet[PublishedProgram]) -> QuerySet[PublishedProgram]:
    """The rows with what ``record`` reads through foreign keys, in the same query."""
    return programs.select_related(
        "build", "objetivo", "actor_type", "entidad", "eje", "subtema"
    ).defer(*UNREAD)


def with_lists(programs: Iterable[PublishedProgram]) -> list[PublishedProgram]:
    """The programs with their ODS numbers and scope states attached: two queries in all.

    Faster than ``prefetch_related`` (no model instance per ODS or state), which matters for
    the all-years files.
    """
    rows = list(programs)
    ids = [p.pk for p in rows]
    ods: dict[int, list[int]] = {pk: [] for pk in ids}
    states: dict[int, list[str]] = {pk: [] for pk in ids}
    if ids:
        for pk, number in PublishedProgram.ods.through.objects.filter(
            publishedprogram_id__in=ids
        ).values_list("publishedprogram_id", "ods_id"):
            ods[pk].append(number)
        for pk, code in PublishedProgram.alcance_entidades.through.objects.filter(
            publishedprogram_id__in=ids
        ).values_list("publishedprogram_id", "entidadfederativa_id"):
            states[pk].append(code)
    for p in rows:
        setattr(p, _LISTS, (sorted(ods[p.pk]), sorted(states[p.pk])))
    return rows


def _lists(program: PublishedProgram) -> tuple[list[int], list[str]]:
    lists = getattr(program, _LISTS, None)
    if lists is None:
        (program,) = with_lists([program])
        lists = getattr(program, _LISTS)
    return lists


def record(program: PublishedProgram) -> dict[str, Any]:
    """One program as JSON (and API) data: native types, lists kept as lists."""
    return {f.name: f.value(program) for f in JSON_FIELDS}


def flat_row(program: PublishedProgram) -> list[Any]:
    """One program as a CSV/XLSX row, in ``HEADER`` order, not yet escaped."""
    data = record(program)
    return [f.cell(data) for f in FIELDS]


def _chunked(programs: QuerySet[PublishedProgram]) -> Iterator[PublishedProgram]:
    """Every program, read ``CHUNK`` at a time: memory stays flat whatever the number."""
    chunk: list[PublishedProgram] = []
    for program in with_relations(programs).iterator(chunk_size=CHUNK):
        chunk.append(program)
        if len(chunk) == CHUNK:
            yield from with_lists(chunk)
            chunk = []
    yield from with_lists(chunk)


# --- CSV -----------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(programs: QuerySet[PublishedProgram]) -> Iterator[str]:
    """The CSV file line by line (for a streaming response): BOM, header, one row per program."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(HEADER)
    for program in _chunked(programs):
        yield writer.writerow(["" if v is None else escape_cell(v) for v in flat_row(program)])


def csv_bytes(programs: QuerySet[PublishedProgram]) -> bytes:
    return "".join(csv_lines(programs)).encode("utf-8")


# --- XLSX ----------------------------------------------------------------------------------


def xlsx_bytes(programs: QuerySet[PublishedProgram], *, title: str) -> bytes:
    """A workbook with the programs and a «Diccionario» sheet describing each column."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Programas"))
    sheet.append(HEADER)
    for program in _chunked(programs):
        sheet.append([xlsx_cell(v) for v in flat_row(program)])
    dictionary = book.create_sheet(_("Diccionario"))
    dictionary.append([title])
    dictionary.append([_("Columna"), _("Tipo"), _("Descripción")])
    for f in FIELDS:
        dictionary.append([f.name, type_label(f.type), xlsx_cell(str(f.description))])
    dictionary.append([])
    dictionary.append([_("Licencia"), *(license_terms()[k] for k in ("title", "path"))])
    dictionary.append([_("Publica"), PUBLISHER])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- JSON ----------------------------------------------------------------------------------


def json_document(programs: QuerySet[PublishedProgram], *, year: int | None) -> dict[str, Any]:
    rows = [record(p) for p in _chunked(programs)]
    return {
        "anio": year,
        "total": len(rows),
        "licencia": license_terms(),
        "publica": PUBLISHER,
        "programas": rows,
    }


# --- Table Schema and Data Package --------------------------------------------------------

TYPE_LABELS = {
    "integer": gettext_lazy("número entero"),
    "string": gettext_lazy("texto"),
    "boolean": gettext_lazy("sí o no"),
}


def type_label(kind: str) -> str:
    return str(TYPE_LABELS[kind])


def table_schema() -> dict[str, Any]:
    """The Table Schema of the CSV files (https://specs.frictionlessdata.io/table-schema/)."""
    fields = []
    for f in FIELDS:
        entry: dict[str, Any] = {
            "name": f.name,
            "type": f.type,
            "description": str(f.description),
        }
        if f.format:
            entry["format"] = f.format
        if f.type == "boolean":
            entry["trueValues"] = [YES]
            entry["falseValues"] = [NO]
        constraints = dict(f.constraints)
        if f.required:
            constraints["required"] = True
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    return {"fields": fields, "primaryKey": ["anio", "numero"], "missingValues": [""]}


@dataclass(frozen=True)
class Edition:
    """One edition as the catalogue lists it: its year, current Compendio version, programs."""

    year: int
    version: int | None
    published_at: datetime.datetime | None
    programs: int
    source_url: str = ""
    source_title: str = ""


def csv_resource(*, name: str, path: str, title: str, count: int) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": CSV_ENCODING,
        "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
        "schema": table_schema(),
        "stats": {"rows": count} if count else {},
    }


def data_package(editions: list[Edition], *, homepage: str) -> dict[str, Any]:
    """``datapackage.json``: the all-years file and one file per edition, paths relative to it.

    Paths are relative (``2023/programas.csv``) so the descriptor served at
    ``/datos/datapackage.json`` points at the files beside it on any host.
    """
    schema_total = sum(e.programs for e in editions)
    resources = [
        csv_resource(
            name="programas",
            path="programas.csv",
            title=_("Programas publicados, todos los años"),
            count=schema_total,
        )
    ]
    for edition in editions:
        resources.append(
            csv_resource(
                name=f"programas-{edition.year}",
                path=f"{edition.year}/programas.csv",
                title=_("Programas publicados en el Compendio General %(year)s")
                % {"year": edition.year},
                count=edition.programs,
            )
        )
    for resource in resources:
        if not resource["stats"]:
            del resource["stats"]
    latest = max((e.published_at for e in editions if e.published_at), default=None)
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "pmm-mexico-programas",
        "title": _(
            "Programas, acciones y buenas prácticas de México para el Pacto Mundial para la "
            "Migración"
        ),
        "description": _(
            "Los programas que publicó cada Compendio General de la Unidad de Política "
            "Migratoria, Registro e Identidad de Personas sobre el Pacto Mundial para una "
            "Migración Segura, Ordenada y Regular, tal como se imprimieron: institución, "
            "Objetivo del PMM, ODS, eje temático, entidad, textos y cifras. No contiene datos "
            "de contacto."
        ),
        "homepage": homepage,
        "language": "es",
        "keywords": ["migración", "Pacto Mundial para la Migración", "ODS", "México", "PMM"],
        "licenses": [license_terms()],
        "contributors": [{"title": PUBLISHER, "role": "publisher"}],
        "sources": [
            {"title": e.source_title, "path": e.source_url} for e in editions if e.source_url
        ],
        "resources": resources,
    }
    if latest is not None:
        package["created"] = latest.isoformat()
    return package


# --- schema.org Dataset (JSON-LD) ----------------------------------------------------------


def dataset_jsonld(
    *,
    name: str,
    description: str,
    url: str,
    downloads: dict[str, str],
    years: list[int],
    modified: datetime.datetime | None = None,
) -> dict[str, Any]:
    """A schema.org ``Dataset`` (what search engines read), with one DataDownload per format."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": url,
        "inLanguage": "es-MX",
        "isAccessibleForFree": True,
        "license": license_terms()["path"],
        "creator": {"@type": "GovernmentOrganization", "name": PUBLISHER},
        "publisher": {"@type": "GovernmentOrganization", "name": PUBLISHER},
        "spatialCoverage": {"@type": "Place", "name": "México"},
        "keywords": ["migración", "Pacto Mundial para la Migración", "ODS", "México"],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": MEDIA_TYPES[fmt].split(";")[0],
                "contentUrl": link,
            }
            for fmt, link in downloads.items()
        ],
    }
    if years:
        data["temporalCoverage"] = (
            str(years[0]) if len(years) == 1 else f"{min(years)}/{max(years)}"
        )
    if modified is not None:
        data["dateModified"] = modified.date().isoformat()
    return data
