"""The public record: the programs each published Compendio version printed, frozen.

Two halves (docs/open-data.md):

* **Writing** (§R1-R3). ``collect`` reads the printed programs of a version (the same
  chapters → objectives → numbered programs as ``compendium.compendio``, so texts, numbers and
  footnote numbers are those of the book) and ``freeze`` stores them as ``PublishedProgram``
  rows, replacing the rows of the edition's earlier version. This module is the only writer of
  ``PublishedProgram`` and its two many-to-many tables (``tests/write_owners.py``). The page of
  each program is read from the final PDF's named destinations (the print template gives each
  program heading an ``id``, ``program_anchor``), so it works whatever renders the PDF.
* **Reading** (§R4-R7): ``ProgramFilters.from_params`` (the explorer's and the API's GET
  parameters, with Spanish messages for bad values), ``programs_matching``, ``facet_counts``,
  ``current_compendio_builds``. Public pages, open data and the API read only through these.

Contact data never enters the record: nothing here reads a contact field.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from compendium import english_names
from compendium.compendio import Block, Footnotes, Segment, chapters
from compendium.models import BuildStatus, Document, PublicationBuild, PublishedProgram
from reporting import reference
from reporting.models import Ficha
from reporting.text import fold

logger = logging.getLogger(__name__)

# The PostgreSQL text search configuration: Spanish stemming after unaccent (created by
# migration compendium/0009, docs/open-data.md §R5).
SEARCH_CONFIG = "pmm_es"
# «-ación»/«-ución» without the accent: the Snowball Spanish stemmer removes these suffixes only
# when accented, but it removes the unaccented plurals «-aciones»/«-uciones». Written as the
# plural in the stored text and in the query, «capacitacion», «capacitación» and
# «capacitaciones» stem alike (docs/open-data.md §R5; migration compendium/0012 rewrote the
# stored texts). The same pattern is inlined in that migration.
_SINGULAR_CION_RE = re.compile(r"(?<=[au])cion\b")
PER_PAGE = 20
MAX_QUERY_CHARS = 200


def program_anchor(chapter_position: int, objective: int, number: int) -> str:
    """The ``id`` of a program heading in the Compendio's HTML, a named destination in its PDF.

    (printed chapter position, objective, printed number) identifies a program in print
    (docs/publications.md §C4).
    """
    return f"programa-{chapter_position}-{objective}-{number}"


# --- Writing -----------------------------------------------------------------------------------


@dataclass
class PrintedProgram:
    """One program's record before it is stored (plain values, no database rows)."""

    anchor: str
    fields: dict[str, Any]
    ods: list[int]
    alcance: list[str]


def _segments_text(segments: Sequence[Segment], notes: list[dict]) -> str:
    """Text of a run of segments; a footnote prints as «[n]» and is added to ``notes``."""
    out = []
    for segment in segments:
        if segment.number is None:
            out.append(segment.text)
            continue
        out.append(f"[{segment.number}]")
        if not segment.repeat:
            notes.append({"number": segment.number, "texto": segment.note})
    return "".join(out)


def _blocks_text(blocks: Sequence[Block], notes: list[dict]) -> str:
    """Paragraphs as lines, bullets as «- » lines, tables as «a | b» rows; blank line between."""
    chunks = []
    for block in blocks:
        if block.kind == "p":
            chunks.append("\n".join(_segments_text(line, notes) for line in block.lines))
        elif block.kind == "ul":
            chunks.append(
                "\n".join(
                    ("  " if level == 2 else "") + "- " + _segments_text(item, notes)
                    for level, item in block.items
                )
            )
        else:
            rows = [_segments_text(block.caption, notes)] if block.caption else []
            for row in [block.header, *block.rows] if block.header else block.rows:
                rows.append(" | ".join(_segments_text(cell, notes) for cell in row))
            chunks.append("\n".join(rows))
    return "\n\n".join(chunk for chunk in chunks if chunk.strip())


def _figures(ficha: Ficha) -> dict:
    names = ("personas_atendidas", "mujeres", "hombres", "otras_personas", "num_acciones")
    return {
        **{name: getattr(ficha, name) for name in names},
        "tipo_acciones": ficha.tipo_acciones.strip(),
    }


def _keys(values: Iterable[str]) -> str:
    """«|A|B|»: a list as one string that ``contains`` can match whole items of."""
    items = sorted({v for v in values if v})
    return "|" + "|".join(items) + "|" if items else ""


def printed_fichas(ficha_ids: Iterable[int]) -> list[Ficha]:
    """The printed fichas with everything the record needs, in a fixed number of queries."""
    return list(
        Ficha.objects.filter(pk__in=list(ficha_ids))
        .for_print()
        .select_related("eje", "subtema")
        .prefetch_related("entidades", "ods")
        .order_by("pk")
    )


def collect(ficha_ids: Iterable[int]) -> list[PrintedProgram]:
    """The record of the fichas a Compendio printed, as the book prints them. Read-only.

    Call it in the same read snapshot as the render (``compendium.builds``) so the texts are
    those of the PDF. Numbers: ``number`` runs 1.. through the edition in print order (the
    program's permanent address); ``printed_number`` is the heading's number in its block.
    """
    fichas = printed_fichas(ficha_ids)
    by_id = {f.pk: f for f in fichas}
    out: list[PrintedProgram] = []
    for chapter in chapters(fichas, Footnotes()):
        for section in chapter.objectives:
            for programa in section.programas:
                ficha = by_id[programa.ficha_id]
                out.append(_printed(ficha, programa, chapter.number, section.number, len(out) + 1))
    return out


def _printed(ficha: Ficha, programa, chapter_position: int, objective: int, number: int):
    notes: list[dict] = []
    _segments_text(programa.heading_notes, notes)  # heading notes come first in ``notas``
    descripcion = _blocks_text(programa.description, notes)
    resultados = _blocks_text(programa.results, notes)
    challenge_texts = [_segments_text(segs, notes) for segs in programa.challenges]
    categories = [
        r.categoria.name if r.categoria else "" for r in ficha.retos.all() if r.texto.strip()
    ]
    retos = [
        {"texto": text, "categoria": category}
        for text, category in zip(challenge_texts, categories, strict=True)
    ]
    actor = ficha.actor
    co_actors = sorted(ficha.co_actors.all(), key=lambda a: a.sigla)
    co_institutions = [{"name": a.name, "sigla": a.sigla} for a in co_actors]
    tipo = actor.tipo
    entidad = actor.entidad_id if tipo.chapter == 2 else None
    alcance = sorted(e.inegi_code for e in ficha.entidades.all())
    fields = dict(
        number=number,
        printed_number=programa.number,
        printed_sigla=programa.sigla,
        chapter=tipo.chapter,
        chapter_title=tipo.chapter_title,
        objetivo_id=objective,
        institution=actor.name,
        sigla=actor.sigla,
        siglas=_keys([actor.sigla, *(a.sigla for a in co_actors)]),
        co_institutions=co_institutions,
        actor_type_id=tipo.code,
        entidad_id=entidad,
        state_codes=_keys([entidad or "", *alcance]),
        alcance_nacional=ficha.alcance_nacional,
        eje_id=ficha.eje_id,
        subtema_id=ficha.subtema_id,
        nombre=programa.nombre,
        objetivo_programa=ficha.objetivo_programa.strip(),
        poblacion_objetivo=ficha.poblacion_objetivo.strip(),
        descripcion=descripcion,
        resultados=resultados,
        retos=retos,
        notas=notes,
        figures=_figures(ficha),
        ficha_id=ficha.pk,
    )
    words = [
        programa.nombre,
        actor.name,
        programa.sigla,
        *(f"{c['name']} {c['sigla']}" for c in co_institutions),
        fields["objetivo_programa"],
        fields["poblacion_objetivo"],
        descripcion,
        resultados,
        *challenge_texts,
    ]
    fields["search_text"] = search_form(" ".join(w for w in words if w))
    return PrintedProgram(
        anchor=program_anchor(chapter_position, objective, programa.number),
        fields=fields,
        ods=sorted(o.number for o in ficha.ods.all()),
        alcance=alcance,
    )


def pdf_pages(build: PublicationBuild) -> dict[str, int]:
    """Named destinations of the build's PDF → page number (1-based); {} without a file.

    Read with pypdf from the stored file, so any renderer that keeps the HTML ids as named
    destinations (WeasyPrint does) gives the pages. A file without them gives {}.
    """
    if not build.file:
        return {}
    from pypdf import PdfReader  # noqa: PLC0415 - only publishing needs it

    try:
        with build.file.open("rb") as handle:
            reader = PdfReader(handle)
            pages = {}
            for name, dest in reader.named_destinations.items():
                index = reader.get_destination_page_number(dest)
                if str(name).startswith("programa-") and index is not None:
                    pages[str(name)] = index + 1
            return pages
    except Exception as error:  # noqa: BLE001 - a page number is a convenience; publishing goes on
        logger.warning("No named destinations read from build %s: %s", build.pk, error)
        return {}


@transaction.atomic
def freeze(
    build: PublicationBuild,
    ficha_ids: Iterable[int],
    *,
    printed: list[PrintedProgram] | None = None,
) -> int:
    """Store the public record of a published Compendio version; return the programs stored.

    ``printed``: the record collected in the render's snapshot (``collect``); without it, the
    fichas ``ficha_ids`` are read now. Side effects: deletes the ``PublishedProgram`` rows of the
    edition's other versions (a new version replaces the record as a whole), inserts one row per
    program with its ODS and states, page numbers from the build's PDF when it has one.
    """
    if build.draft or build.document != Document.COMPENDIO:
        raise ValueError("Only a published Compendio version has a public record.")
    if printed is None:
        printed = collect(ficha_ids)
    year = build.edicion.ejercicio.year
    PublishedProgram.objects.filter(build__edicion_id=build.edicion_id).delete()
    pages = pdf_pages(build)
    rows = PublishedProgram.objects.bulk_create(
        PublishedProgram(build=build, year=year, page=pages.get(p.anchor), **p.fields)
        for p in printed
    )
    ods_through = PublishedProgram.ods.through
    states_through = PublishedProgram.alcance_entidades.through
    ods_through.objects.bulk_create(
        ods_through(publishedprogram_id=row.pk, ods_id=number)
        for row, p in zip(rows, printed, strict=True)
        for number in p.ods
    )
    states_through.objects.bulk_create(
        states_through(publishedprogram_id=row.pk, entidadfederativa_id=code)
        for row, p in zip(rows, printed, strict=True)
        for code in p.alcance
    )
    if connection.vendor == "postgresql":
        # The search vector, computed once here (docs/open-data.md §R5).
        PublishedProgram.objects.filter(build=build).update(
            search_vector=RawSQL("to_tsvector(%s::regconfig, search_text)", [SEARCH_CONFIG])
        )
    # Other processes see the new ``record_stamp``; this one forgets at once (and so does a
    # test database whose ids restart after a rollback).
    clear_cache()
    return len(rows)


# --- Reading: which versions are current --------------------------------------------------------


def published_compendio_builds() -> QuerySet[PublicationBuild]:
    """Published, finished Compendio versions (with or without a file; never drafts)."""
    return PublicationBuild.objects.filter(
        document=Document.COMPENDIO,
        draft=False,
        status=BuildStatus.DONE,
        version__isnull=False,
    )


def current_compendio_builds() -> dict[int, PublicationBuild]:
    """Year → the latest published Compendio version of that year's edition. One query.

    The record of a year is the record of this version (``freeze`` replaced the others).
    """
    builds = published_compendio_builds()
    latest = builds.filter(edicion=OuterRef("edicion")).order_by("-version").values("pk")[:1]
    rows = (
        builds.filter(pk=Subquery(latest))
        .select_related("edicion__ejercicio")
        .order_by("edicion__ejercicio__year")
    )
    return {b.edicion.ejercicio.year: b for b in rows}


def published_programs() -> QuerySet[PublishedProgram]:
    """Every program of the public record (only current versions have rows)."""
    return PublishedProgram.objects.all()


# --- Reading: filters ---------------------------------------------------------------------------

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIGITS_RE = re.compile(r"[0-9]{1,9}")
_SIGLA_RE = re.compile(r"[^|\x00-\x1f\x7f]{1,120}")

FILTER_NAMES = ("anio", "objetivo", "ods", "eje", "entidad", "institucion", "capitulo", "q")


@functools.cache
def _reference_sets() -> dict[str, frozenset]:
    return {
        "objetivo": frozenset(n for n, _t in reference.OBJETIVOS_PMM),
        "ods": frozenset(n for n, *_rest in reference.ODS),
        "eje": frozenset(n for n, *_rest in reference.EJES_TEMATICOS),
        "entidad": frozenset(code for code, *_rest in reference.ENTIDADES),
        "capitulo": frozenset(row[2] for row in reference.ACTOR_TYPES),
    }


def _range_text(values: frozenset) -> str:
    return _("del %(low)s al %(high)s") % {"low": min(values), "high": max(values)}


@dataclass(frozen=True)
class ProgramFilters:
    """The filters of the explorer and the API, parsed from GET parameters.

    Bad values are dropped from the filter and explained in ``errors`` (name → Spanish
    message); the caller shows them (the explorer: a page with the message, status 400; the
    API: a 400 JSON error). Unknown parameter names are ignored.
    """

    anio: int | None = None
    objetivo: int | None = None
    ods: int | None = None
    eje: int | None = None
    entidad: str | None = None
    institucion: str | None = None
    capitulo: int | None = None
    q: str = ""
    page: int = 1
    errors: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ProgramFilters:
        """Parse a QueryDict (or a plain dict of strings). Never raises for user input."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        getlist = getattr(params, "getlist", None)
        for name in (*FILTER_NAMES, "page"):
            raw_values = getlist(name) if getlist else [params[name]] if name in params else []
            raw_values = [str(v) for v in raw_values if str(v).strip() != ""]
            if not raw_values:
                continue
            if len(raw_values) > 1:
                errors[name] = _("Indique un solo valor de «%(name)s».") % {"name": name}
                continue
            raw = raw_values[0].strip()
            if _CONTROL_RE.search(raw):
                errors[name] = _("El valor de «%(name)s» contiene caracteres no válidos.") % {
                    "name": name
                }
                continue
            try:
                values[name] = cls._parse(name, raw)
            except ValueError as error:
                errors[name] = str(error)
        return cls(**values, errors=errors)

    @staticmethod
    def _parse(name: str, raw: str) -> Any:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        sets = _reference_sets()
        if name == "q":
            if len(raw) > MAX_QUERY_CHARS:
                raise ValueError(
                    _("La búsqueda admite hasta %(max)s caracteres; se recibieron %(n)s.")
                    % {"max": MAX_QUERY_CHARS, "n": len(raw)}
                )
            return " ".join(raw.split())
        if name == "institucion":
            if not _SIGLA_RE.fullmatch(raw):
                raise ValueError(_("«%(v)s» no es una sigla válida.") % {"v": shown})
            return raw
        if name == "entidad":
            if not _DIGITS_RE.fullmatch(raw) or raw.zfill(2) not in sets["entidad"]:
                raise ValueError(
                    _("«%(v)s» no es una clave INEGI de entidad federativa (01 a 32).")
                    % {"v": shown}
                )
            return raw.zfill(2)
        if not _DIGITS_RE.fullmatch(raw):
            messages = {
                "anio": _("«%(v)s» no es un año: escriba cuatro cifras, p. ej. 2023."),
                "page": _("«%(v)s» no es un número de página: escriba un número entero desde 1."),
            }
            default = _("«%(v)s» no es un número válido para «%(name)s».")
            raise ValueError(messages.get(name, default) % {"v": shown, "name": name})
        number = int(raw)
        if name == "page":
            if number < 1:
                raise ValueError(_("La página debe ser un número entero desde 1."))
            return number
        if name == "anio":
            if not 1900 <= number <= 2999:
                raise ValueError(_("«%(v)s» no es un año válido.") % {"v": shown})
            return number
        labels = {
            "objetivo": _("un Objetivo del PMM"),
            "ods": _("un ODS"),
            "eje": _("un eje temático"),
            "capitulo": _("un capítulo del Compendio"),
        }
        if number not in sets[name]:
            raise ValueError(
                _("«%(v)s» no es %(what)s: indique un número %(range)s.")
                % {"v": shown, "what": labels[name], "range": _range_text(sets[name])}
            )
        return number

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def active(self) -> dict[str, str]:
        """The filters set (not the page), as the strings a URL carries, in a fixed order."""
        out = {}
        for name in FILTER_NAMES:
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = str(value)
        return out

    def replace(self, **changes: Any) -> ProgramFilters:
        """A copy with ``changes`` (None clears a filter); the page goes back to 1."""
        return dataclasses.replace(self, **{"page": 1, **changes, "errors": {}})

    def query_string(self, **changes: Any) -> str:
        """«?anio=2023&objetivo=7» of these filters with ``changes``: a shareable URL."""
        target = self.replace(**changes) if changes else self
        params = target.active()
        if target.page > 1:
            params["page"] = str(target.page)
        return "?" + urlencode(params) if params else "?"


# --- Reading: queries ---------------------------------------------------------------------------


def search_form(text: str) -> str:
    """``text`` as search stores and matches it: folded, «-acion»/«-ucion» as plurals (§R5)."""
    return _SINGULAR_CION_RE.sub("ciones", fold(text))


def search(programs: QuerySet[PublishedProgram], text: str) -> QuerySet[PublishedProgram]:
    """Programs matching ``text``: accent- and case-insensitive (docs/open-data.md §R5).

    PostgreSQL: full-text search with Spanish stemming (``websearch_to_tsquery`` on the
    ``pmm_es`` configuration against the stored, GIN-indexed ``search_vector``). SQLite
    (development): every folded word must occur in ``search_text``.
    """
    if not text.strip():
        return programs
    if connection.vendor == "postgresql":
        return programs.filter(search_vector__matches=search_form(text))
    for word in search_form(text).split():
        programs = programs.filter(search_text__contains=word)
    return programs


def _filtered(filters: ProgramFilters, *, skip: str = "") -> QuerySet[PublishedProgram]:
    programs = published_programs()
    if filters.anio is not None and skip != "anio":
        programs = programs.filter(year=filters.anio)
    if filters.objetivo is not None and skip != "objetivo":
        programs = programs.filter(objetivo_id=filters.objetivo)
    if filters.ods is not None and skip != "ods":
        through = PublishedProgram.ods.through.objects.filter(ods_id=filters.ods)
        programs = programs.filter(pk__in=through.values("publishedprogram_id"))
    if filters.eje is not None and skip != "eje":
        programs = programs.filter(eje_id=filters.eje)
    if filters.entidad and skip != "entidad":
        programs = programs.filter(state_codes__contains=f"|{filters.entidad}|")
    if filters.institucion and skip != "institucion":
        programs = programs.filter(siglas__contains=f"|{filters.institucion}|")
    if filters.capitulo is not None and skip != "capitulo":
        programs = programs.filter(chapter=filters.capitulo)
    if filters.q:
        programs = search(programs, filters.q)
    return programs


def programs_matching(filters: ProgramFilters) -> QuerySet[PublishedProgram]:
    """The programs of the public record that match ``filters``, newest edition first.

    Bad values (``filters.errors``) are not applied. Related rows for a list
    (objective, institution type, eje, subtema, entidad) are selected; the search columns
    (``search_text``, ``search_vector``) are deferred: never public, and large.
    """
    return (
        _filtered(filters)
        .select_related("objetivo", "eje", "subtema", "entidad", "actor_type")
        .defer("search_text", "search_vector")
        .order_by("-year", "number")
    )


# What a list of results shows of each program (the explorer's cards): the long texts stay in
# the database, and no related row is joined (docs/open-data.md §R7).
LIST_FIELDS = ("id", "year", "number", "nombre", "printed_sigla", "sigla", "objetivo_id")


def program_list(filters: ProgramFilters) -> QuerySet[PublishedProgram]:
    """``programs_matching`` with only ``LIST_FIELDS`` loaded, in the same order."""
    return _filtered(filters).only(*LIST_FIELDS).order_by("-year", "number")


@dataclass(frozen=True)
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool


def _grouped(programs: QuerySet, column: str) -> dict[Any, int]:
    rows = programs.order_by().values(column).annotate(n=Count("pk")).values_list(column, "n")
    return {value: n for value, n in rows if value is not None}


def _facet_labels() -> dict[str, dict[Any, str]]:
    """Labels of the fixed lists (reporting/reference.py, equal to the migrated tables), in
    the active language (docs/english-edition.md §E7)."""
    return _facet_labels_in(translation.get_language() or "")


@functools.cache
def _facet_labels_in(language: str) -> dict[str, dict[Any, str]]:
    return {
        "objetivo": {
            n: f"{n}. {english_names.objective(n, title)}" for n, title in reference.OBJETIVOS_PMM
        },
        "ods": {n: f"{n}. {english_names.sdg(n, short)}" for n, short, _long in reference.ODS},
        "eje": {n: f"{n}. {name}" for n, name, *_rest in reference.EJES_TEMATICOS},
        "entidad": {
            code: name
            for code, name, _printed in sorted(reference.ENTIDADES, key=lambda e: fold(e[1]))
        },
        "capitulo": {
            row[2]: f"{row[2]}. {english_names.chapter(row[0], row[3])}"
            for row in reference.ACTOR_TYPES
        },
    }


# Facet → the column it counts; «|A|B|» columns are split.
_FACET_COLUMNS = {
    "anio": "year",
    "objetivo": "objetivo_id",
    "eje": "eje_id",
    "capitulo": "chapter",
    "entidad": "state_codes",
    "institucion": "siglas",
}
_SPLIT = {"state_codes", "siglas"}


def _count_rows(rows: Iterable[tuple], columns: Sequence[str]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {column: Counter() for column in columns}
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            if column in _SPLIT:
                counts[column].update(k for k in value.split("|") if k)
            elif value is not None:
                counts[column][value] += 1
    return counts


def _facet_counters(filters: ProgramFilters) -> tuple[dict[str, Counter], int]:
    """Portable counting (SQLite): the facet columns read and counted in Python."""
    active = {name for name in _FACET_COLUMNS if getattr(filters, name) not in (None, "")}
    columns = list(_FACET_COLUMNS.values())
    rows = list(_filtered(filters).order_by().values_list(*columns))
    counts = _count_rows(rows, columns)
    by_facet: dict[str, Counter] = {}
    for name, column in _FACET_COLUMNS.items():
        if name in active:
            own = _filtered(filters, skip=name).order_by().values_list(column)
            by_facet[name] = _count_rows(own, [column])[column]
        else:
            by_facet[name] = counts[column]
    through = PublishedProgram.ods.through.objects.filter(
        publishedprogram_id__in=_filtered(filters, skip="ods").values("pk")
    )
    by_facet["ods"] = Counter(_grouped(through, "ods_id"))
    return by_facet, len(rows)


def _facet_counters_sql(filters: ProgramFilters) -> tuple[dict[str, Counter], int]:
    """PostgreSQL: every facet and the total in one query, counted by the database.

    One CTE per distinct filter set (all filters; all but one set filter, for that facet), each
    the SQL of ``_filtered`` itself, then one GROUP BY per facet joined by UNION ALL; the «|A|B|»
    columns are split with ``unnest(string_to_array(…))``.
    """
    active = [name for name in (*_FACET_COLUMNS, "ods") if getattr(filters, name) not in (None, "")]
    ctes: list[str] = []
    params: list[Any] = []
    selects: list[str] = []

    def cte(skip: str) -> str:
        name = f"b_{skip or 'all'}"
        sql, cte_params = (
            _filtered(filters, skip=skip)
            .order_by()
            .values("id", *_FACET_COLUMNS.values())
            .query.sql_with_params()
        )
        ctes.append(f"{name} AS MATERIALIZED ({sql})")
        params.extend(cte_params)
        return name

    base = cte("")
    selects.append(f"SELECT 'total', '', COUNT(*) FROM {base}")
    for name in (*_FACET_COLUMNS, "ods"):
        source = cte(name) if name in active else base
        if name == "ods":
            selects.append(
                f"SELECT 'ods', t.ods_id::text, COUNT(*) FROM compendium_publishedprogram_ods t "
                f"JOIN {source} ON t.publishedprogram_id = {source}.id GROUP BY t.ods_id"
            )
            continue
        column = _FACET_COLUMNS[name]
        if column in _SPLIT:
            selects.append(
                f"SELECT '{name}', k, COUNT(*) FROM {source}, "
                f"unnest(string_to_array(btrim({column}, '|'), '|')) AS k "
                f"WHERE {column} <> '' GROUP BY k"
            )
        else:
            selects.append(
                f"SELECT '{name}', {column}::text, COUNT(*) FROM {source} "
                f"WHERE {column} IS NOT NULL GROUP BY {column}"
            )
    sql = "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_facet: dict[str, Counter] = {name: Counter() for name in (*_FACET_COLUMNS, "ods")}
    total = 0
    numeric = {"anio", "objetivo", "eje", "capitulo", "ods"}
    for facet, value, count in rows:
        if facet == "total":
            total = count
        else:
            by_facet[facet][int(value) if facet in numeric else value] = count
    return by_facet, total


# --- Reading: a cache of what only publishing changes ------------------------------------------
#
# The public record changes only when a version is frozen (or an edition's record removed), so
# facet counts, totals and «nothing published for this year/sigla» messages are kept per filter
# set, keyed by ``record_stamp()``: one cheap query that changes with every freeze (new rows get
# new ids; a removal changes the count). Django's cache «public_record» (config/settings.py
# CACHES: local memory, bounded, least recently used first out); each worker process fills its
# own, and a stamp that changes makes every old entry unreachable (docs/open-data.md §R7).

CACHE_ALIAS = "public_record"
_bypass: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "public_record_bypass", default=False
)


def record_stamp() -> str:
    """«count-max id» of the public record: one aggregate query over its primary key."""
    row = PublishedProgram.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return f"{row['n']}-{row['last']}"


def _cache_key(key: tuple) -> str:
    # Cache keys are short ASCII text; the tuple holds the search text and the sigla.
    digest = hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
    return f"{key[0]}:{digest}"


def _cached(key: tuple, compute: Callable[[], Any]) -> Any:
    if _bypass.get():
        return compute()
    store = caches[CACHE_ALIAS]
    cache_key = _cache_key(key)
    value = store.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        store.set(cache_key, value)
    return value


_MISSING = object()


@contextlib.contextmanager
def uncached() -> Iterator[None]:
    """Compute without reading or filling the cache (the benchmark's «no cache» rows)."""
    token = _bypass.set(True)
    try:
        yield
    finally:
        _bypass.reset(token)


def clear_cache() -> None:
    """Forget every cached count (``freeze``; never needed for correctness)."""
    caches[CACHE_ALIAS].clear()


def _filters_key(filters: ProgramFilters) -> tuple:
    return (connection.alias, *(getattr(filters, name) for name in FILTER_NAMES))


@dataclass(frozen=True)
class Summary:
    """What a page of results shows beside its rows: facets, the total, unknown values."""

    facets: dict[str, list[FacetItem]]
    total: int
    unknown: dict[str, str]


def summary(filters: ProgramFilters, *, stamp: str | None = None) -> Summary:
    """``facets_and_total`` and ``unknown_values`` of ``filters``, cached per record stamp.

    One query (the stamp) when cached; otherwise 2 to 4 more on PostgreSQL. The page number is
    not part of the key: every page of one search shares the entry. The result is shared: do
    not modify it.
    """
    stamp = stamp if stamp is not None else record_stamp()

    def compute() -> Summary:
        facets, total = facets_and_total(filters)
        return Summary(facets, total, unknown_values(filters))

    # The labels and messages are in the page's language (docs/english-edition.md §E7).
    key = ("summary", stamp, translation.get_language(), *_filters_key(filters))
    return _cached(key, compute)


def facets_and_total(filters: ProgramFilters) -> tuple[dict[str, list[FacetItem]], int]:
    """``facet_counts`` and the number of programs matching ``filters``, uncached.

    Each facet is counted over the programs matching every filter but its own. PostgreSQL:
    one query (``_facet_counters_sql``); SQLite: 2 to 9 (``_facet_counters``). Never more with
    more programs (docs/open-data.md §R4). Pages use ``summary``, which caches it.
    """
    labels = _facet_labels()
    if connection.vendor == "postgresql":
        by_facet, total = _facet_counters_sql(filters)
    else:
        by_facet, total = _facet_counters(filters)

    facets: dict[str, list[FacetItem]] = {}
    for name in FILTER_NAMES:
        if name == "q":
            continue
        chosen = getattr(filters, name)
        found = by_facet[name]
        if name == "anio":
            names = {y: str(y) for y in sorted(found, reverse=True)}
        elif name == "institucion":
            names = {s: s for s in sorted({*found, *([chosen] if chosen else [])}, key=fold)}
        else:
            names = labels[name]
        if chosen is not None and chosen not in names:
            names = {**names, chosen: str(chosen)}
        facets[name] = [
            FacetItem(str(value), label, found.get(value, 0), value == chosen)
            for value, label in names.items()
            if found.get(value, 0) or value == chosen
        ]
    return facets, total


def facet_counts(filters: ProgramFilters) -> dict[str, list[FacetItem]]:
    """For each filter, its values with the number of programs each would give.

    Each facet is counted with every other filter applied but not its own, so the counts say
    what choosing another value gives. Values without programs are left out (a selected value
    stays, with 0). Labels: «7. Abordar…» (objective), «3. Salud y bienestar» (ODS), the state's
    name, the sigla, the year. Queries: see ``facets_and_total``.
    """
    return facets_and_total(filters)[0]


def unknown_values(filters: ProgramFilters) -> dict[str, str]:
    """Messages for well-formed values that name nothing published (a year, a sigla). 2 queries."""
    errors = {}
    if filters.anio is not None and not published_programs().filter(year=filters.anio).exists():
        errors["anio"] = _("No hay un Compendio General publicado de %(year)s.") % {
            "year": filters.anio
        }
    if filters.institucion and not (
        published_programs().filter(siglas__contains=f"|{filters.institucion}|").exists()
    ):
        errors["institucion"] = _(
            "Ninguna institución con la sigla «%(sigla)s» tiene programas publicados."
        ) % {"sigla": filters.institucion}
    return errors


def unknown(filters: ProgramFilters, *, stamp: str | None = None) -> dict[str, str]:
    """``unknown_values`` of ``filters``, cached per record stamp like ``summary`` (the API's
    «avisos»): no query without a year or a sigla, one (the stamp) once checked."""
    if filters.anio is None and not filters.institucion:
        return {}
    stamp = stamp if stamp is not None else record_stamp()
    key = (
        "unknown",
        stamp,
        translation.get_language(),
        connection.alias,
        filters.anio,
        filters.institucion,
    )
    return _cached(key, lambda: unknown_values(filters))


def latest_year() -> int | None:
    return published_programs().aggregate(y=Max("year"))["y"]


__all__ = [
    "FILTER_NAMES",
    "PER_PAGE",
    "FacetItem",
    "PrintedProgram",
    "ProgramFilters",
    "Summary",
    "clear_cache",
    "collect",
    "current_compendio_builds",
    "facet_counts",
    "freeze",
    "latest_year",
    "pdf_pages",
    "program_anchor",
    "program_list",
    "programs_matching",
    "published_compendio_builds",
    "published_programs",
    "record_stamp",
    "search",
    "search_form",
    "summary",
    "uncached",
    "unknown",
    "unknown_values",
]
