"""The Compendio General as data, then as HTML (docs/publications.md §C1-C10).

``compendio_context`` turns the approved fichas of an exercise into chapters → objectives →
numbered programs, each with its text already split into blocks (paragraphs, bullets, tables)
and segments (plain text or a footnote). Nothing here builds markup: the print templates render
every piece of user text with autoescaping. Footnotes are numbered through the whole book in
print order, which is also the order WeasyPrint counts its ``float: footnote`` boxes.

Never printed: contact data, the unit, proposed objectives, coordinator notes (docs/ficha.md §R13).
"""

import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from compendium.editions import default_texts, edition_date
from compendium.models import Edicion
from compendium.pdf import STATIC_BASE
from reporting.models import ActorType, Ficha, ObjetivoPMM
from reporting.ordering import numbered_blocks
from reporting.text import fold_spaces, format_number, month_year, spanish_date

NO_ACTIONS = "No se reportaron acciones."
NO_RESULTS = "No se reportaron resultados."

_MARKER_RE = re.compile(r"\[\^([^\]\s]+)\]")
_TABLE_RE = re.compile(r"^\[\[tabla (\d+)\]\]$")
_NUMBER_RE = re.compile(r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?!\d)|\d+")


# --- Data the templates print ----------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of printed text: plain, a web address (``href``) or an acronym.

    The print styles keep addresses and acronyms whole: never hyphenated (static/print/base.css,
    docs/pre-publication-check.md §T1).
    """

    text: str
    href: str = ""
    acronym: bool = False


# A web address in running text; closing punctuation after it is not part of it.
URL_IN_TEXT_RE = re.compile(r"(?:https?://|www\.)[^\s<>«»\"‹›]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?»”'"
# Two or more capitals (digits after the first), as a whole word: «INMUJERES», «COVID», «H2A».
ACRONYM_RE = re.compile(r"(?<![\w.-])([A-ZÁÉÍÓÚÑÜ][A-ZÁÉÍÓÚÑÜ0-9]{1,11})(?![\w-]|\.\w)")
# «1 250» (a space, no-break or thin space between groups) prints «1,250» (publications.md §H1).
_SPACED_NUMBER_RE = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?!\d)")


def _acronym_runs(text: str) -> list[Run]:
    out: list[Run] = []
    position = 0
    for match in ACRONYM_RE.finditer(text):
        if match.start() > position:
            out.append(Run(text[position : match.start()]))
        out.append(Run(match[0], acronym=True))
        position = match.end()
    if position < len(text):
        out.append(Run(text[position:]))
    return out


def runs(text: str) -> list[Run]:
    """``text`` as runs: web addresses become links, acronyms are marked, numbers grouped
    with commas. Only http(s) addresses become links; «www.» ones get «http://»."""
    text = _SPACED_NUMBER_RE.sub(lambda m: format_number(int(re.sub(r"\D", "", m[0]))), text)
    out: list[Run] = []
    position = 0
    for match in URL_IN_TEXT_RE.finditer(text):
        url = match[0].rstrip(_URL_TRAILING)
        if url.count(")") > url.count("("):
            url = url.rstrip(")")
        if len(url) < 8:
            continue
        out += _acronym_runs(text[position : match.start()])
        out.append(Run(url, href=url if "://" in url else f"http://{url}"))
        position = match.start() + len(url)
    out += _acronym_runs(text[position:])
    return out


@dataclass
class Segment:
    """A run of text, or a footnote: ``note`` is the footnote text, ``number`` its number.

    ``repeat`` marks a second call of a footnote that was already printed (superscript only).
    """

    text: str = ""
    number: int | None = None
    note: str = ""
    repeat: bool = False

    @property
    def runs(self) -> list[Run]:
        return runs(self.text)

    @property
    def note_runs(self) -> list[Run]:
        return runs(self.note)


@dataclass
class Block:
    """``kind`` is "p" (``lines`` of segments), "ul" (``items``) or "table"."""

    kind: str
    lines: list[list[Segment]] = field(default_factory=list)
    items: list[tuple[int, list[Segment]]] = field(default_factory=list)
    caption: list[Segment] = field(default_factory=list)
    header: list[list[Segment]] = field(default_factory=list)
    rows: list[list[list[Segment]]] = field(default_factory=list)


@dataclass
class Challenge:
    """One reto as printed: its text and its sub-items («a.», «b.»), a nested list."""

    segments: list[Segment]
    items: list[list[Segment]] = field(default_factory=list)

    @property
    def lettered(self) -> bool:
        """Sub-items that carry their own letters («a. …») print without bullets."""
        return all(_LETTERED_RE.match(" ".join(s.text for s in item[:1])) for item in self.items)


_LETTERED_RE = re.compile(r"^[a-z]\)?\.?\s")


@dataclass
class Programa:
    number: int
    nombre: str
    sigla: str
    heading_notes: list[Segment]
    description: list[Block]
    results: list[Block]
    challenges: list[list[Segment]]
    ficha_id: int
    # The retos as printed: a lead-in paragraph, then one item per reto with its sub-items.
    challenges_intro: list[list[Segment]] = field(default_factory=list)
    challenge_items: list[Challenge] = field(default_factory=list)

    @property
    def heading_end(self) -> str:
        """The final period, unless the sigla already ends in one («… A.C.»)."""
        return "" if self.sigla.endswith(".") else "."

    @property
    def heading(self) -> str:
        """The canonical heading (docs/publications.md §C5): «N. Nombre – SIGLA.»"""
        return f"{self.number}. {self.nombre} – {self.sigla}{self.heading_end}"

    @property
    def printed_heading(self) -> str:
        """``heading`` with no-break spaces around the dash: «– SIGLA.» never starts a line
        alone; it goes with the name's last word (docs/pre-publication-check.md §T1)."""
        return f"{self.number}. {self.nombre}\u00a0–\u00a0{self.sigla}{self.heading_end}"


@dataclass
class ObjectiveSection:
    number: int
    title: str
    programas: list[Programa]

    @property
    def heading(self) -> str:
        return f"Objetivo {self.number}. {self.title}"


@dataclass
class Chapter:
    number: int
    title: str
    objectives: list[ObjectiveSection]

    @property
    def anchor(self) -> str:
        return f"capitulo-{self.number}"


# --- Plain-text helpers ------------------------------------------------------------------------


def period_text(ejercicio) -> str:
    """«del mes de junio de 2022 a junio de 2023» for the introduction's ``{periodo}``."""
    return f"del mes de {month_year(ejercicio.period_start)} a {month_year(ejercicio.period_end)}"


def _numbers_in(text: str) -> set[int]:
    return {int(re.sub(r"\D", "", match)) for match in _NUMBER_RE.findall(text)}


def paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines, stripped; empty ones dropped."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


# --- Footnotes ---------------------------------------------------------------------------------


class Footnotes:
    """Numbers the notes of the whole book in print order."""

    def __init__(self) -> None:
        self.count = 0

    def start_ficha(self, ficha: Ficha, texts: list[str]) -> list[Segment]:
        """Remember the ficha's notes; return the ones printed after the heading.

        Notes without a marker, and notes whose marker appears in none of ``texts``, attach to
        the heading so that no note is ever lost.
        """
        used = {m for text in texts for m in _MARKER_RE.findall(text)}
        self.by_marker: dict[str, str] = {}
        self.printed: dict[str, int] = {}
        heading = []
        for nota in ficha.notas.all():
            key = _MARKER_RE.fullmatch(nota.marker.strip())
            if key and key[1] in used and key[1] not in self.by_marker:
                self.by_marker[key[1]] = nota.texto.strip()
            else:
                heading.append(self._new(nota.texto.strip()))
        return heading

    def _new(self, text: str) -> Segment:
        self.count += 1
        return Segment(number=self.count, note=text)

    def segments(self, text: str) -> list[Segment]:
        """Split a line at its ``[^N]`` markers; unknown markers are dropped."""
        out: list[Segment] = []
        position = 0
        for match in _MARKER_RE.finditer(text):
            if match.start() > position:
                out.append(Segment(text=text[position : match.start()]))
            key = match[1]
            if key in self.printed:
                out.append(Segment(number=self.printed[key], repeat=True))
            elif key in self.by_marker:
                segment = self._new(self.by_marker[key])
                assert segment.number is not None  # _new numbers every note
                self.printed[key] = segment.number
                out.append(segment)
            position = match.end()
        if position < len(text):
            out.append(Segment(text=text[position:]))
        return out


# --- Ficha → blocks ---------------------------------------------------------------------------


def text_blocks(text: str, notes: Footnotes, tablas: list) -> list[Block]:
    """Paragraphs, bullet lists («- » lines) and ``[[tabla N]]`` references of a plain text."""
    blocks: list[Block] = []
    for chunk in paragraphs(text):
        current: Block | None = None
        for raw in chunk.split("\n"):
            line = raw.rstrip()
            stripped = line.strip()
            if not stripped:
                continue
            table = _TABLE_RE.match(stripped)
            if table:
                index = int(table[1]) - 1
                if 0 <= index < len(tablas):
                    blocks.append(_table_block(tablas[index], notes))
                current = None
            elif stripped.startswith("- ") or stripped == "-":
                level = 2 if line.startswith((" ", "\t")) else 1
                if current is None or current.kind != "ul":
                    current = Block(kind="ul")
                    blocks.append(current)
                current.items.append((level, notes.segments(stripped[2:].strip())))
            else:
                if current is None or current.kind != "p":
                    current = Block(kind="p")
                    blocks.append(current)
                current.lines.append(notes.segments(stripped))
    return blocks


def _table_block(tabla: dict, notes: "Footnotes") -> Block:
    """A ficha's table; cells are segments, since a header may carry a footnote marker."""

    def cell(value) -> list[Segment]:
        return notes.segments(" ".join(str(value or "").split()))

    return Block(
        kind="table",
        caption=cell(tabla.get("caption")),
        header=[cell(c) for c in tabla.get("header") or []],
        rows=[[cell(c) for c in row] for row in tabla.get("rows") or []],
    )


def _plain_paragraph(text: str) -> Block:
    return Block(kind="p", lines=[[Segment(text=text)]])


def description_extras(ficha: Ficha) -> list[str]:
    """The structured description fields, as sentences, when the description lacks them."""
    described = fold_spaces(ficha.descripcion)
    out = []
    if ficha.objetivo_programa.strip() and fold_spaces(ficha.objetivo_programa) not in described:
        out.append(f"Objetivo del programa: {_sentence(ficha.objetivo_programa)}")
    if ficha.poblacion_objetivo.strip() and fold_spaces(ficha.poblacion_objetivo) not in described:
        out.append(f"Población objetivo: {_sentence(ficha.poblacion_objetivo)}")
    timing = _timing(ficha)
    mentioned = ficha.fecha_inicio and str(ficha.fecha_inicio.year) in ficha.descripcion
    if timing and not mentioned:
        out.append(timing)
    return out


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "»", ":")) else text + "."


def _timing(ficha: Ficha) -> str:
    parts = []
    if ficha.temporalidad:
        parts.append(ficha.get_temporalidad_display().lower())
    if ficha.fecha_inicio:
        parts.append(f"inicio: {spanish_date(ficha.fecha_inicio)}")
    if ficha.fecha_conclusion:
        parts.append(f"conclusión: {spanish_date(ficha.fecha_conclusion)}")
    if not parts:
        return ""
    return "Temporalidad: " + "; ".join(parts) + "."


def figure_sentences(ficha: Ficha) -> list[str]:
    """Structured results as sentences, only for figures the narrative does not already give."""
    narrative = ficha.resultados
    present = _numbers_in(narrative)
    out = []
    if ficha.num_acciones is not None and ficha.num_acciones not in present:
        n = ficha.num_acciones
        verb, noun = ("Se realizó", "acción") if n == 1 else ("Se realizaron", "acciones")
        kind = (
            f" ({ficha.tipo_acciones.strip().rstrip('.')})" if ficha.tipo_acciones.strip() else ""
        )
        out.append(f"{verb} {format_number(n)} {noun}{kind}.")
    people = [ficha.personas_atendidas, ficha.mujeres, ficha.hombres, ficha.otras_personas]
    if any(v is not None and v not in present for v in people):
        out.append(_people_sentence(ficha))
    out.extend(_scope_sentences(ficha, narrative))
    return out


def _people_sentence(ficha: Ficha) -> str:
    groups = []
    if ficha.mujeres is not None:
        groups.append(f"{format_number(ficha.mujeres)} mujeres")
    if ficha.hombres is not None:
        groups.append(f"{format_number(ficha.hombres)} hombres")
    if ficha.otras_personas is not None:
        groups.append(
            f"{format_number(ficha.otras_personas)} personas de otro sexo o sexo no especificado"
        )
    if len(groups) > 1:
        listed = ", ".join(groups[:-1]) + " y " + groups[-1]
    else:
        listed = "".join(groups)  # one group, or none: a total without a breakdown is allowed
    total = ficha.personas_atendidas
    if total is None:
        return f"Se atendieron {listed}."
    head = (
        "Se atendió 1 persona" if total == 1 else f"Se atendieron {format_number(total)} personas"
    )
    return f"{head}: {listed}." if groups else f"{head}."


def _scope_sentences(ficha: Ficha, narrative: str) -> list[str]:
    folded = fold_spaces(narrative)
    out = []
    where = []
    # Lower-case «nacional» only: «Instituto Nacional de…» says nothing about scope.
    national = "nacional" in narrative or "todo el pais" in folded
    if ficha.alcance_nacional and not national:
        where.append("nacional")
    if ficha.alcance_extranjero and "extranjero" not in folded:
        where.append("en el extranjero")
    if where:
        out.append("Alcance: " + " y ".join(where) + ".")
    states = [e.name for e in ficha.entidades.all()]
    if states and not all(fold_spaces(name) in folded for name in states):
        out.append("Entidades: " + ", ".join(states) + ".")
    regions = ficha.alcance_regiones.strip()
    if regions and fold_spaces(regions) not in folded:
        out.append(f"Regiones: {_sentence(regions)}")
    return out


def results_blocks(ficha: Ficha, notes: Footnotes) -> list[Block]:
    tablas = ficha.tablas or []
    blocks = text_blocks(ficha.resultados, notes, tablas)
    extra = ficha.explicacion_sin_cifras.strip()
    if extra and fold_spaces(extra) not in fold_spaces(ficha.resultados):
        blocks += text_blocks(extra, notes, tablas)
    if not blocks and not ficha.has_figures:
        return [_plain_paragraph(NO_RESULTS)]
    sentences = figure_sentences(ficha)
    if sentences:
        blocks.append(_plain_paragraph(" ".join(sentences)))
    return blocks


def program_name(nombre: str) -> str:
    """The name as printed before the dash: one line, no final period of its own.

    A period that belongs to an abbreviation («EE.UU.», «A.C.») stays.
    """
    name = " ".join(nombre.split())
    last_word = name.rsplit(" ", 1)[-1]
    if name.endswith(".") and "." not in last_word[:-1]:
        name = name[:-1].rstrip()
    return name or "Programa sin nombre"


def programa(ficha: Ficha, number: int, notes: Footnotes) -> Programa:
    challenges = [r.texto.strip() for r in ficha.retos.all() if r.texto.strip()]
    tablas = ficha.tablas or []
    cells = [
        str(cell)
        for tabla in tablas
        for cell in [tabla.get("caption"), *(tabla.get("header") or [])]
        + [c for row in tabla.get("rows") or [] for c in row]
    ]
    texts = [ficha.descripcion, ficha.resultados, ficha.explicacion_sin_cifras, *challenges, *cells]
    heading_notes = notes.start_ficha(ficha, texts)
    description = text_blocks(ficha.descripcion, notes, tablas)
    description += [_plain_paragraph(s) for s in description_extras(ficha)]
    results = results_blocks(ficha, notes)
    intro, items = challenge_items(challenges, notes)
    return Programa(
        number=number,
        nombre=program_name(ficha.nombre),
        sigla=ficha.printed_sigla,
        heading_notes=heading_notes,
        description=description,
        results=results,
        # Each reto as one run of segments (lead-in and sub-items included), as stored.
        challenges=[
            [
                *(s for line in (intro if index == 0 else []) for s in [*line, Segment(text=" ")]),
                *item.segments,
                *(s for sub in item.items for s in [Segment(text=" "), *sub]),
            ]
            for index, item in enumerate(items)
        ],
        ficha_id=ficha.pk,
        challenges_intro=intro,
        challenge_items=items,
    )


def challenge_items(
    texts: list[str], notes: Footnotes
) -> tuple[list[list[Segment]], list[Challenge]]:
    """The retos of a ficha as printed (docs/pre-publication-check.md §T3).

    One item per reto. In a reto's text, lines starting «- » are its sub-items («a.», «b.»);
    a first reto that starts with a paragraph of its own (a blank line after it) has a lead-in
    sentence, printed as a paragraph before the list, so the list has one bullet per reto.
    """
    intro: list[list[Segment]] = []
    items: list[Challenge] = []
    for index, text in enumerate(texts):
        parts = paragraphs(text)
        if index == 0 and len(parts) > 1:
            intro = [notes.segments(" ".join(p.split())) for p in parts[:-1]]
            parts = parts[-1:]
        main: list[str] = []
        subs: list[str] = []
        for line in "\n".join(parts).split("\n"):
            stripped = line.strip()
            if stripped.startswith("- "):
                subs.append(stripped[2:].strip())
            elif subs:
                subs[-1] += " " + stripped
            elif stripped:
                main.append(stripped)
        items.append(
            Challenge(
                segments=notes.segments(" ".join(" ".join(main).split())),
                items=[notes.segments(" ".join(sub.split())) for sub in subs],
            )
        )
    return intro, items


# --- The book ----------------------------------------------------------------------------------


def print_fichas(ejercicio) -> list[Ficha]:
    """Approved fichas of the exercise with everything the Compendio prints."""
    return list(
        Ficha.objects.filter(ejercicio=ejercicio)
        .for_print()
        .prefetch_related("entidades")
        .order_by("pk")
    )


def chapters(fichas: list[Ficha], notes: Footnotes) -> list[Chapter]:
    """Chapters in order, numbered 1.. among those present, with their objective sections."""
    blocks = numbered_blocks(fichas)
    objetivos = {o.number: o.title for o in ObjetivoPMM.objects.all()}
    types = list(ActorType.objects.order_by("chapter", "code"))
    titles: dict[int, str] = {}
    list_all: dict[int, bool] = {}
    for t in types:
        titles.setdefault(t.chapter, t.chapter_title)
        list_all[t.chapter] = list_all.get(t.chapter, False) or t.lists_all_objectives
    present = sorted({chapter for chapter, _objective in blocks})
    out = []
    for position, chapter in enumerate(present, start=1):
        sections = []
        for number, title in objetivos.items():
            group = blocks.get((chapter, number), [])
            if not group and not list_all.get(chapter):
                continue
            sections.append(
                ObjectiveSection(
                    number=number,
                    title=title,
                    programas=[programa(f, i, notes) for i, f in enumerate(group, start=1)],
                )
            )
        out.append(Chapter(number=position, title=titles.get(chapter, ""), objectives=sections))
    return out


def institutions_glossary(fichas: list[Ficha]) -> list[tuple[str, str]]:
    """Annex 1: (name, sigla) of every non-state institution printed, alphabetical by name."""
    actors = {}
    for ficha in fichas:
        for actor in [ficha.actor, *ficha.co_actors.all()]:
            if not actor.entidad_id:
                actors[actor.pk] = (actor.name, actor.sigla)
    return sorted(actors.values(), key=lambda pair: fold_spaces(pair[0]))


def reporting_states(fichas: list[Ficha]) -> list[str]:
    """Annex 2: the states whose governments have a printed ficha, alphabetical."""
    names = {f.actor.entidad.name for f in fichas if f.actor.entidad is not None}
    return sorted(names, key=fold_spaces)


def other_acronyms(edicion: Edicion) -> list[tuple[str, str]]:
    """Annex 3: the edition's «Nombre | Sigla» lines, alphabetical by name."""
    rows = []
    for line in edicion.other_acronyms.splitlines():
        if "|" in line:
            name, sigla = (part.strip() for part in line.split("|", 1))
            if name and sigla:
                rows.append((name, sigla))
    return sorted(rows, key=lambda pair: fold_spaces(pair[0]))


def authorities(text: str) -> list[tuple[str, str]]:
    """(NAME, position) rows; a line without «|» is a heading (position empty)."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _sep, position = line.partition("|")
        rows.append((name.strip(), position.strip()))
    return rows


def compendio_context(edicion: Edicion, *, draft: bool) -> dict:
    """Everything the print template needs; ``ficha_ids`` lists the fichas printed."""
    ejercicio = edicion.ejercicio
    fichas = print_fichas(ejercicio)
    notes = Footnotes()
    book = chapters(fichas, notes)
    periodo = period_text(ejercicio)
    glossary = institutions_glossary(fichas)
    glossary_siglas = {sigla for _name, sigla in glossary}
    # An edition saved before its texts were written (e.g. by an importer) prints the defaults.
    fallback = default_texts(ejercicio, date=edition_date(edicion))
    texts = {
        name: getattr(edicion, name).strip() or fallback[name]
        for name in ("introduction", "credits", "authorities", "closing_text")
    }
    return {
        "edicion": edicion,
        "year": ejercicio.year,
        "draft": draft,
        "static_base": STATIC_BASE,
        "chapters": book,
        "introduction": [
            p.replace("{periodo}", periodo) for p in paragraphs(texts["introduction"])
        ],
        # Paragraphs of (line, runs): web addresses in these texts are links too.
        "credits": [[(ln, runs(ln)) for ln in p.split("\n")] for p in paragraphs(texts["credits"])],
        "authorities": authorities(texts["authorities"]),
        "closing": [
            [(ln, runs(ln)) for ln in p.split("\n")] for p in paragraphs(texts["closing_text"])
        ],
        "glossary": glossary,
        "states": reporting_states(fichas),
        # An institution of annex 1 is not repeated in annex 3 (2023 listed IMSS in both).
        "acronyms": [row for row in other_acronyms(edicion) if row[1] not in glossary_siglas],
        "ficha_ids": [f.pk for f in fichas],
        "programs": sum(len(s.programas) for c in book for s in c.objectives),
        "footnotes": notes.count,
    }


def render_compendio(edicion: Edicion, *, draft: bool) -> tuple[str, list[int]]:
    """The whole Compendio General as one HTML document for ``compendium.pdf.render_pdf``,
    and the ids of the fichas it prints (a published version marks them as published).

    Builds and commands reach it through ``compendium.documents.render_document``.
    """
    context = compendio_context(edicion, draft=draft)
    return render_to_string("compendium/print/compendio.html", context), context["ficha_ids"]


def render_compendio_html(edicion: Edicion, *, draft: bool) -> str:
    """The HTML of ``render_compendio`` alone (tests and the benchmark)."""
    return render_compendio(edicion, draft=draft)[0]
