"""Import a printed «Compendio General» (its text export) as an exercise of approved fichas.

``import_compendio(text, year=2023)`` builds on ``compendio_text.parse_compendio``: it creates
(or reuses) the Ejercicio, the actors named in the headings and one approved ficha per program,
in one transaction and in a fixed number of queries (bulk inserts; no query per program).

Decisions, so that a second run is never a surprise:

* **Refuse, or replace.** An exercise that already has fichas is left alone and
  ``ImportRefused`` explains why; ``replace=True`` (``--replace``) first deletes that exercise's
  fichas (with their challenges, notes and history) and imports again. Actors are never deleted.
* **Actors** are looked up by printed sigla; an existing actor keeps its name and type. A new one
  gets its type from the chapter of the programs it leads (states: the state whose printed
  name is the sigla; an actor that is only ever a co-actor: a state or a federal body)
  and its official name from annex 1 of the same text (``parse_glossary``), with the known
  errors of 2023 corrected; when no name is found, the sigla is the name.
* **Status.** Historical fichas were approved and published years ago, outside this system:
  ``reporting.historical`` writes them and ``reporting.workflow.record_imported_approval`` marks
  them «aprobada» with one audit event per ficha. This module writes no reporting table itself.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from compendium.importers.compendio_text import ParsedPrograma, parse_compendio
from compendium.models import Edicion
from reporting.historical import (
    HistoricalFicha,
    ImportRefused,
    create_actors,
    create_approved_fichas,
    exercise_for_import,
)
from reporting.models import Actor, ActorType, Ejercicio, EntidadFederativa, User

__all__ = [
    "ANGLE_URL_RE",
    "MARKDOWN_LINK_RE",
    "ImportRefused",
    "ImportReport",
    "import_compendio",
    "parse_glossary",
    "plain_urls",
]

# Actor type of a new actor, by the chapter its first program prints in
# (docs/reference-data.md §D3).
CHAPTER_ACTOR_TYPES = {
    1: "apf",
    2: "estatal",
    3: "legislativo",
    4: "judicial",
    5: "autonomo",
    6: "osc",
}

# Annex 1 of 2023 spells some siglas differently from the headings (docs/publications.md §C11).
_GLOSSARY_SIGLA_FIXES = {"SESNP": "SESNSP", "CIJ": "CIJ A.C."}
# Annex 1 of 2023 expands INEGI with the institute's name before 2008.
_GLOSSARY_NAME_FIXES = {"INEGI": "Instituto Nacional de Estadística y Geografía"}
# Heading actors that neither annex names (docs/publications.md §C11). Not from the seed: the
# official names of these bodies, so that the registry does not start with a sigla as a name.
_NAMES_MISSING_FROM_GLOSSARY = {
    "BANCO DEL BIENESTAR": "Banco del Bienestar, Sociedad Nacional de Crédito",
    "IMSS BIENESTAR": (
        "Servicios de Salud del Instituto Mexicano del Seguro Social para el Bienestar"
    ),
    "CÁMARA DE DIPUTADOS": "Cámara de Diputados del H. Congreso de la Unión",
    "CÁMARA DE SENADORES": "Cámara de Senadores del H. Congreso de la Unión",
    "UNO DE SIETE MIGRANDO A.C.": "Uno de Siete Migrando, A.C.",
}

_ANNEX_TITLE_RE = re.compile(r"^(\d)\.\s+\S")
_HTML_TAG_RE = re.compile(r"<[^>]+>")
_TABLE_PLACEHOLDER = "[[tabla {n}]]"


@dataclass
class ImportReport:
    """What ``import_compendio`` did, for the command (and a log) to print."""

    ejercicio: Ejercicio
    fichas_per_chapter: dict[int, int]
    actors_created: list[str]
    fichas_replaced: int
    # (line number in the text, line) the parser or the importer could not place.
    unplaced_lines: list[tuple[int, str]]
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.fichas_per_chapter.values())


# --- Annexes ---------------------------------------------------------------------------------


def annex_tables(text: str) -> dict[int, list[tuple[str, str]]]:
    """The «Nombre | Sigla» rows of each numbered annex after «ANEXOS», in printed order.

    Known errors of the 2023 annex siglas are corrected. A sigla cell that wrapped onto two
    rows, the first with no name («\tDVV», then «Asociación Alemana…\tInternational»), is
    joined into the next row («DVV International»); other rows with an empty cell are skipped.
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "ANEXOS"), None)
    if start is None:
        return {}
    tables: dict[int, list[tuple[str, str]]] = {}
    annex = 0
    wrapped = ""  # the first half of a sigla whose row had no name
    for line in lines[start + 1 :]:
        if match := _ANNEX_TITLE_RE.match(line):
            annex, wrapped = int(match[1]), ""
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) == 2 and not cells[0] and cells[1]:
            wrapped = f"{wrapped} {cells[1]}".strip()
            continue
        if len(cells) != 2 or cells == ["Nombre", "Sigla"] or not all(cells):
            continue
        name, sigla = cells[0], f"{wrapped} {cells[1]}".strip()
        wrapped = ""
        tables.setdefault(annex, []).append((name, _GLOSSARY_SIGLA_FIXES.get(sigla, sigla)))
    return tables


def parse_glossary(text: str) -> dict[str, str]:
    """Official names by sigla: annex 1 (institutions) wins over annex 3 (which names IMSS)."""
    tables = annex_tables(text)
    glossary: dict[str, str] = {}
    for annex in (1, 3):
        for name, sigla in tables.get(annex, []):
            glossary.setdefault(sigla, name)
    return {sigla: _GLOSSARY_NAME_FIXES.get(sigla, name) for sigla, name in glossary.items()}


def _official_name(sigla: str, glossary: dict[str, str]) -> str:
    if sigla in glossary:
        return glossary[sigla]
    if sigla in _NAMES_MISSING_FROM_GLOSSARY:
        return _NAMES_MISSING_FROM_GLOSSARY[sigla]
    # «SEGOB (UPMRIP)»: a unit of a ministry, both in the glossary.
    if (match := re.fullmatch(r"(.+?) \((.+)\)", sigla)) and {
        match[1],
        match[2],
    } <= glossary.keys():
        return f"{glossary[match[2]]} de la {glossary[match[1]]}"
    return sigla


def _state_actor_name(entidad: EntidadFederativa) -> str:
    name = entidad.name
    if name.startswith("Estado de "):
        return f"Gobierno del {name}"
    if name == "Ciudad de México":
        return f"Gobierno de la {name}"
    return f"Gobierno del Estado de {name}"


# --- Texts and tables ------------------------------------------------------------------------


# Export artefacts around web addresses (docs/publications.md §C11): «<http…>» and the
# Markdown link «[texto](http…)».
ANGLE_URL_RE = re.compile(r"[<‹]\s*((?:https?://|www\.)[^>›\s]+)\s*[>›]")
MARKDOWN_LINK_RE = re.compile(r"\[([^\]\n]*)\]\(\s*((?:https?://|www\.)[^)\s]*)\s*\)")
_URL_PUNCTUATION = ".,;:"


def _markdown_link(match: re.Match[str]) -> str:
    """«[url.](url)» → «url.»; «[@conapred](https://twitter.com/conapred)» → «@conapred
    (https://twitter.com/conapred)»: the address always prints in full."""
    label, url = match[1].strip(), match[2]
    bare = label.rstrip(_URL_PUNCTUATION)
    if not label or bare == url.rstrip(_URL_PUNCTUATION):
        return url.rstrip(_URL_PUNCTUATION) + label[len(bare) :]
    return f"{label} ({url})"


def plain_urls(text: str) -> str:
    """Web addresses as plain text: export artefacts removed, the address itself unchanged."""
    text = MARKDOWN_LINK_RE.sub(_markdown_link, text)
    return ANGLE_URL_RE.sub(lambda m: m[1], text)


def _clean(text: str) -> str:
    # The export escapes «$» as in Markdown («\$2,339,083,975 pesos»).
    return plain_urls(text.replace("\\$", "$"))


def _table_cell(cell: str) -> str:
    # One table of 2023 (C5/O10/#2 FGR) was exported as raw «<ul>» HTML with «•» bullets.
    cell = " ".join(_HTML_TAG_RE.sub(" ", cell).split())
    if "•" in cell:
        items = [item.strip() for item in cell.split("•") if item.strip()]
        cell = "\n".join(f"• {item}" for item in items)
    return cell


def _table(rows: list[str]) -> dict:
    cells = [[_table_cell(cell) for cell in row.split("\t")] for row in rows]
    # Trailing empty cells were stripped with the line's trailing white space: pad rows.
    width = max(len(row) for row in cells)
    cells = [row + [""] * (width - len(row)) for row in cells]
    return {"caption": "", "header": cells[0], "rows": cells[1:]}


def _extract_tables(text: str, tablas: list[dict]) -> str:
    """Move tab-separated rows into ``tablas`` and leave a ``[[tabla N]]`` paragraph instead.

    Rows separated only by blank lines (a page break) stay in one table. N counts through the
    whole ficha, so ``tablas[N - 1]`` is the table of the placeholder.
    """
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if "\t" not in lines[index]:
            out.append(lines[index])
            index += 1
            continue
        rows: list[str] = []
        while index < len(lines):
            if "\t" in lines[index]:
                rows.append(lines[index])
                index += 1
                continue
            following = next((line for line in lines[index:] if line.strip()), "")
            if not lines[index].strip() and "\t" in following:
                index += 1
                continue
            break
        tablas.append(_table(rows))
        if out and out[-1]:
            out.append("")
        out.append(_TABLE_PLACEHOLDER.format(n=len(tablas)))
        if index < len(lines) and lines[index]:
            out.append("")
    return "\n".join(out)


def _printed_sigla(lead: Actor, co_actors: list[Actor]) -> str:
    # Same rule as ``Ficha.printed_sigla``, without a query for the co-actors.
    return "/".join([lead.sigla, *sorted(actor.sigla for actor in co_actors)])


# --- Import ----------------------------------------------------------------------------------


def _actors_for(
    programas: list[ParsedPrograma], glossary: dict[str, str], report: ImportReport
) -> dict[str, Actor]:
    """Every actor of the headings by sigla; creates the missing ones with one bulk insert."""
    # A new actor's chapter is the one of the first program it leads. An actor that is only
    # ever a co-actor («INEGI/SRE» in chapter 5) is typed by its own name: a state, or else a
    # federal body (every co-actor of 2023 is), never by its partner's chapter.
    first_chapter: dict[str, int] = {}
    for programa in programas:
        first_chapter.setdefault(programa.actor_siglas[0], programa.chapter)
    states = {e.printed_name: e for e in EntidadFederativa.objects.all()}
    for programa in programas:
        for sigla in programa.actor_siglas[1:]:
            first_chapter.setdefault(sigla, 2 if sigla in states else 1)
    actors = {
        actor.sigla: actor
        for actor in Actor.objects.select_related("tipo").filter(sigla__in=first_chapter)
    }
    types = {t.code: t for t in ActorType.objects.all()}
    new: list[Actor] = []
    for sigla, chapter in first_chapter.items():
        if sigla in actors:
            continue
        tipo = types[CHAPTER_ACTOR_TYPES[chapter]]
        if tipo.code == "estatal":
            entidad = states.get(sigla)
            if entidad is None:
                continue  # reported with its programs in ``import_compendio``
            new.append(
                Actor(name=_state_actor_name(entidad), sigla=sigla, tipo=tipo, entidad=entidad)
            )
        else:
            new.append(Actor(name=_official_name(sigla, glossary), sigla=sigla, tipo=tipo))
    create_actors(new)
    report.actors_created = [actor.sigla for actor in new]
    actors.update((actor.sigla, actor) for actor in new)
    return actors


def _historical(programa: ParsedPrograma, lead: Actor, co_actors: list[Actor]) -> HistoricalFicha:
    tablas: list[dict] = []
    descripcion = _extract_tables(_clean(programa.description), tablas)
    resultados = _extract_tables(_clean(programa.results), tablas)
    values: dict[str, object] = {
        "objetivo_asignado_id": programa.objective,
        "orden": programa.number,
        "nombre": _clean(programa.name),
        "descripcion": descripcion,
        "resultados": resultados,
        "tablas": tablas,
        "sin_retos": not programa.challenges,
    }
    if _printed_sigla(lead, co_actors) != programa.sigla:
        values["sigla_override"] = programa.sigla
    texts = _texts(programa)
    return HistoricalFicha(
        lead=lead,
        co_actors=co_actors,
        values=values,
        retos=[_clean(texto) for texto in programa.challenges],
        # A note whose marker is in the heading has no place in the texts: marker "".
        notas=[
            (marker if marker in texts else "", _clean(note.text))
            for note in programa.footnotes
            for marker in [f"[^{note.number}]"]
        ],
    )


@transaction.atomic
def import_compendio(
    text: str, *, year: int, by: User | None = None, replace: bool = False
) -> ImportReport:
    """Import the text export of a Compendio General as the approved fichas of ``year``.

    Side effects, in one transaction: creates the Ejercicio (status «publicado») unless it
    exists, its Edicion (title, date line, annex 3 acronyms) unless it exists, the missing
    actors, and one ficha per program with its Reto and Nota rows, co-actors and one audit
    event; with ``replace``, first deletes the exercise's fichas. Raises ``ImportRefused`` when the
    exercise already has fichas (without ``replace``) or the text is of another year.
    """
    parsed = parse_compendio(text)
    if parsed.year is not None and parsed.year != year:
        raise ImportRefused(f"El texto es del Compendio {parsed.year}, no de {year}.")
    if not parsed.programas:
        raise ImportRefused("No se encontró ningún programa en el texto.")

    ejercicio, replaced = exercise_for_import(year, replace=replace)
    Edicion.objects.get_or_create(
        ejercicio=ejercicio,
        defaults={
            "title": f"Compendio General {year}",
            "date_line": parsed.date_line,
            # Annex 3 («Otras siglas y abreviaturas») is an editable list of the edition.
            "other_acronyms": "\n".join(
                f"{name} | {sigla}" for name, sigla in annex_tables(text).get(3, [])
            ),
        },
    )
    report = ImportReport(
        ejercicio=ejercicio,
        fichas_per_chapter={},
        actors_created=[],
        fichas_replaced=replaced,
        unplaced_lines=list(parsed.unplaced_lines),
    )
    actors = _actors_for(parsed.programas, parse_glossary(text), report)

    placed: list[tuple[ParsedPrograma, HistoricalFicha]] = []
    for programa in parsed.programas:
        missing = [sigla for sigla in programa.actor_siglas if sigla not in actors]
        if missing:
            report.unplaced_lines.append(
                (programa.source_line, f"Entidad federativa desconocida: {', '.join(missing)}")
            )
            continue
        lead, *co_actors = (actors[sigla] for sigla in programa.actor_siglas)
        if lead.tipo.chapter != programa.chapter:
            report.warnings.append(
                f"L{programa.source_line}: {lead.sigla} ya existe como «{lead.tipo}» "
                f"(capítulo {lead.tipo.chapter}); el programa estaba en el capítulo "
                f"{programa.chapter}."
            )
        placed.append((programa, _historical(programa, lead, co_actors)))

    create_approved_fichas(
        ejercicio,
        [item for _, item in placed],
        by=by,
        at=timezone.now(),
        note=f"Importada del Compendio General {year} publicado",
    )
    report.fichas_per_chapter = dict(sorted(Counter(p.chapter for p, _ in placed).items()))
    report.unplaced_lines.sort()
    return report


def _texts(programa: ParsedPrograma) -> str:
    return "\n".join([programa.description, programa.results, *programa.challenges])
