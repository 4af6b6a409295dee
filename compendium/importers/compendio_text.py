"""Parser for the plain-text export of a printed «Compendio General» (PMM annual report).

The export is a PDF-to-text conversion of a laid-out document, not structured data, so the
parser has to undo layout accidents as well as read the structure (docs/publications.md §C11):

* ``CAPÍTULO N`` + title line, then ``Objetivo N. …`` sub-headings (titles vary between
  chapters, so only the number is kept), then programs numbered ``1..n`` per objective, or
  the placeholder «No se reportaron acciones.».
* Program = heading ``{n}. {name} – {SIGLA}.`` (many typographic variants), description
  paragraphs, ``Resultados`` and ``Retos`` sub-headings.
* Footnotes are printed at the page foot, so in the text they interrupt whatever program
  happens to be on that page; they are lifted out of the line stream first and re-attached
  by marker afterwards.
* Page breaks show up as runs of blank lines and can split a sentence or a bullet in two; the
  halves are joined only when the split is obvious (see ``_continues``).

Pure Python on purpose: the importer that creates database rows builds on ``ParseResult``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "ParseResult",
    "ParsedChapter",
    "ParsedFootnote",
    "ParsedPrograma",
    "normalise_sigla",
    "parse_compendio",
    "split_siglas",
]


@dataclass
class ParsedFootnote:
    number: int
    text: str


@dataclass
class ParsedPrograma:
    chapter: int
    objective: int
    number: int
    name: str
    sigla: str
    actor_siglas: list[str]
    description: str
    results: str
    challenges: list[str]
    footnotes: list[ParsedFootnote]
    source_line: int


@dataclass
class ParsedChapter:
    number: int
    title: str


@dataclass
class ParseResult:
    year: int | None
    date_line: str
    chapters: list[ParsedChapter]
    programas: list[ParsedPrograma]
    empty_objectives: dict[int, list[int]]
    unplaced_lines: list[tuple[int, str]]


# --- Patterns --------------------------------------------------------------------------------

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_TO_ASCII = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPT_DIGITS}]+")

_CHAPTER_RE = re.compile(r"^CAP[ÍI]TULO\s+(\d+)$")
_OBJECTIVE_RE = re.compile(r"^Objetivo\s+(\d+)\.\s*\S")
_ANNEXES = "ANEXOS"
_RESULTS = "Resultados"
_CHALLENGES = "Retos"
_NO_ACTIONS_RE = re.compile(r"^No se reportaron acciones\.?$")
_NO_RESULTS_RE = re.compile(r"^No se report(?:aron|an) resultados\.?$")
_NO_CHALLENGES_RE = re.compile(r"^(?:-\s*)?No se reportaron retos\.?$")
_DATE_LINE_RE = re.compile(r"^Ciudad de México,? a \d{1,2}º? de \w+ de (\d{4})\.?$")
_TITLE_YEAR_RE = re.compile(r"^COMPENDIO GENERAL (\d{4})$")
# A footnote definition: superscript number, space, text (at the start of a line).
_FOOTNOTE_RE = re.compile(rf"^([{_SUPERSCRIPT_DIGITS}]+)\s+(\S.*)$")

# «N. text», also with the «- N. … **» list/bold artefact and «20.PAPEM» (no space).
_HEADING_RE = re.compile(r"^(?:-\s+)?(\d+)\.\s*(\S.*)$")
# A dash with white space on at least one side separates name and actor; «2018-2022» or
# «GT-DFI» (no space on either side) do not.
_ACTOR_DASH_RE = re.compile(r"\s[-–]\s*|[-–]\s")
# «IMSS. a. mexicanos en el extranjero»: actor followed by the first sub-part label.
_ACTOR_SUBPART_RE = re.compile(r"^(.*?\S)\.\s+([a-z]\.\s+\S.*)$")
# «… atención a víctimas. CHIAPAS»: no dash at all, the actor follows the final period.
_UPPER = "A-ZÁÉÍÓÚÜÑ"
_PERIOD_ACTOR_RE = re.compile(rf"^(.*\.)\s+([{_UPPER}][{_UPPER} ]{{2,}}?)\.?$")
_SIGLA_RE = re.compile(
    rf"^[{_UPPER}0-9][{_UPPER}0-9 .()/]*(?: y [{_UPPER}0-9][{_UPPER}0-9 .()/]*)*$"
)
_SUBPART_RE = re.compile(r"^([a-z])\.\s+(\S.*)$")
_HEADING_TRAILER_RE = re.compile(rf"[\s*{_SUPERSCRIPT_DIGITS}]+$")

_BULLET_RE = re.compile(r"^-\s+(\S.*)$")
_NESTED_BULLET_RE = re.compile(r"^\s+-\s+(\S.*)$")
_URL_START_RE = re.compile(r"^<?(?:https?://|www\.)")
# «EE.UU.», «A.C.», «S.A. de C.V.»: a final period that belongs to an abbreviation.
_ABBREVIATION_END_RE = re.compile(r"(?:^|[\s(])(?:[A-Za-zÁÉÍÓÚÑ]{1,3}\.){2,}$")

# Two or more blank lines: a page break in this export (one blank line separates paragraphs).
_PAGE_BREAK_GAP = 2
_SENTENCE_END = (".", ":", "?", "!")
_PARAGRAPH_END = (*_SENTENCE_END, ";", "»", '"', "”", ")", ">")
# A paragraph ending in one of these words cannot be complete: the next one continues it.
_OPEN_ENDINGS = frozenset(
    "a al con como de del e el en entre la las lo los o para por que su sus u un una y".split()
)


# --- Siglas ----------------------------------------------------------------------------------


def _strip_final_period(text: str) -> str:
    text = text.rstrip()
    if text.endswith(".") and not _ABBREVIATION_END_RE.search(text):
        text = text[:-1].rstrip()
    return text


def normalise_sigla(raw: str) -> str:
    """Normalise a printed actor string: spacing, final period, footnote marks, known typos."""
    sigla = _SUPERSCRIPT_RUN.sub("", raw).replace("*", "")
    sigla = " ".join(sigla.split())
    sigla = re.sub(r"\s*/\s*", "/", sigla)
    sigla = re.sub(r"\s*\(\s*", " (", sigla).replace(" )", ")")
    sigla = _strip_final_period(sigla)
    # The 2023 edition prints «SEGOB (UMPRIP)» once for the Unidad de Política Migratoria,
    # Registro e Identidad de Personas.
    sigla = sigla.replace("UMPRIP", "UPMRIP")
    return sigla.strip()


def split_siglas(sigla: str) -> list[str]:
    """Split a joint actor string («SALUD/SRE», «STPS y SRE») into actors, lead first."""
    return [part.strip() for part in re.split(r"/| y ", sigla) if part.strip()]


def _looks_like_sigla(text: str) -> bool:
    return bool(_SIGLA_RE.match(text)) and sum(c.isupper() for c in text) >= 2


# --- Headings --------------------------------------------------------------------------------


@dataclass
class _Heading:
    number: int
    name: str
    sigla: str
    subpart: str | None
    markers: list[int]


def _footnote_numbers(text: str) -> list[int]:
    return [int(run.translate(_SUPERSCRIPT_TO_ASCII)) for run in _SUPERSCRIPT_RUN.findall(text)]


def _parse_heading(line: str) -> _Heading | None:
    """Parse a program heading, or return None when the line has no recognisable actor."""
    # Trailing «**» (bold conversion artefact) and footnote marks after the final period.
    text = _HEADING_TRAILER_RE.sub("", line.strip())
    match = _HEADING_RE.match(text)
    if not match:
        return None
    number, rest = int(match[1]), match[2].strip()
    markers = _footnote_numbers(line)
    rest = _SUPERSCRIPT_RUN.sub("", rest).strip()

    dashes = list(_ACTOR_DASH_RE.finditer(rest))
    if dashes:
        # The name itself may contain « - » («CCN - Código de Conducta…»): the actor is
        # always after the last spaced dash.
        last = dashes[-1]
        name, tail = rest[: last.start()], rest[last.end() :].strip()
        subpart = None
        if subpart_match := _ACTOR_SUBPART_RE.match(tail):
            tail, subpart = subpart_match[1], subpart_match[2].strip()
        sigla = _strip_final_period(tail)
        if _looks_like_sigla(sigla):
            return _Heading(
                number, _strip_final_period(name), normalise_sigla(sigla), subpart, markers
            )
    if period_match := _PERIOD_ACTOR_RE.match(rest):
        sigla = period_match[2].strip()
        if _looks_like_sigla(sigla):
            name = _strip_final_period(period_match[1])
            return _Heading(number, name, normalise_sigla(sigla), None, markers)
    return None


# --- Line stream -----------------------------------------------------------------------------


@dataclass
class _Line:
    number: int  # 1-based line number in the source
    text: str  # right-stripped; leading white space kept (it marks nested bullets)
    gap: int  # blank lines before this one


@dataclass
class _Footnote:
    number: int
    text: str
    line: int  # where the definition starts
    raw: str  # the definition line as printed


def _non_blank_lines(lines: list[str], start: int, stop: int) -> list[_Line]:
    stream: list[_Line] = []
    gap = 0
    for index in range(start, stop):
        text = lines[index].rstrip()
        if not text.strip():
            gap += 1
            continue
        stream.append(_Line(index + 1, text, gap))
        gap = 0
    return stream


def _lift_footnotes(stream: list[_Line]) -> tuple[list[_Line], list[_Footnote]]:
    """Remove footnote definitions from the stream; what follows them starts a new page."""
    kept: list[_Line] = []
    footnotes: list[_Footnote] = []
    index = 0
    while index < len(stream):
        line = stream[index]
        match = _FOOTNOTE_RE.match(line.text.strip())
        if not match:
            kept.append(line)
            index += 1
            continue
        number = int(match[1].translate(_SUPERSCRIPT_TO_ASCII))
        parts = [match[2].strip()]
        index += 1
        # Wrapped note lines follow without a blank line; a note ending in «:» introduces
        # the URL printed as its own paragraph («¹³ El libro puede consultarse en la liga:»).
        while index < len(stream):
            nxt = stream[index]
            nxt_text = nxt.text.strip()
            if _FOOTNOTE_RE.match(nxt_text):
                break
            wrapped = nxt.gap == 0
            url_after_colon = parts[-1].endswith(":") and bool(_URL_START_RE.match(nxt_text))
            if not (wrapped or url_after_colon):
                break
            parts.append(nxt_text)
            index += 1
        footnotes.append(_Footnote(number, " ".join(parts), line.number, line.text.strip()))
        if index < len(stream):
            following = stream[index]
            stream[index] = _Line(following.number, following.text, max(following.gap, 3))
    return kept, footnotes


def _ends_paragraph(text: str) -> bool:
    return _SUPERSCRIPT_RUN.sub("", text).rstrip().endswith(_PARAGRAPH_END)


def _continues(previous: str, current: str, gap: int) -> bool:
    """Whether ``current`` (after ``gap`` blank lines) continues the paragraph ``previous``.

    Conservative on purpose: tables, bullets and URLs never continue a paragraph, and an
    upper-case start only continues across a page break or after an obviously open ending.
    """
    if "\t" in previous or "\t" in current or _BULLET_RE.match(current):
        return False
    if _URL_START_RE.match(current):
        return False
    previous = _SUPERSCRIPT_RUN.sub("", previous).rstrip()
    last_word = previous.rsplit(maxsplit=1)[-1] if previous else ""
    if _URL_START_RE.match(last_word):
        return False
    if current[0].islower():
        return not previous.endswith(_SENTENCE_END)
    if _ends_paragraph(previous):
        return False
    if gap >= _PAGE_BREAK_GAP:
        return True
    return last_word in _OPEN_ENDINGS or previous.count("(") > previous.count(")")


# --- Program builder -------------------------------------------------------------------------

_DESCRIPTION, _RESULTS_SECTION, _CHALLENGES_SECTION = "description", "results", "challenges"


@dataclass
class _ProgramBuilder:
    chapter: int
    objective: int
    heading: _Heading
    source_line: int
    section: str = _DESCRIPTION
    subparts: list[str] = field(default_factory=list)
    description: list[list[str]] = field(default_factory=list)
    results: list[list[str]] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)
    # A lead-in paragraph before the bullets (C5/O10/#2 FGR): not a reto of its own.
    challenge_intro: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.heading.subpart:
            self.subparts.append(self.heading.subpart)
            self.description.append([self.heading.subpart])

    def start_results(self) -> None:
        self.section = _RESULTS_SECTION
        # Sub-parts («a.», «b.») each have their own Resultados: label them in the results.
        if self.subparts:
            self.results.append([self.subparts[-1]])

    def next_subpart_letter(self) -> str | None:
        if not self.subparts:
            return None
        return chr(ord(self.subparts[-1][0]) + 1)

    def start_subpart(self, label: str) -> None:
        self.subparts.append(label)
        self.section = _DESCRIPTION
        self.description.append([label])

    def add_paragraph_line(self, line: _Line) -> None:
        paragraphs = self.description if self.section == _DESCRIPTION else self.results
        text = line.text.strip()
        if paragraphs and line.gap == 0:
            paragraphs[-1].append(text)
        elif paragraphs and _continues(paragraphs[-1][-1], text, line.gap):
            paragraphs[-1][-1] = f"{paragraphs[-1][-1]} {text}"
        else:
            paragraphs.append([text])

    def add_challenge_line(self, line: _Line) -> bool:
        """Add a line of the «Retos» section; False when it cannot be placed."""
        text = line.text.strip()
        if _NO_CHALLENGES_RE.match(text):
            return True  # «No se reportaron retos.»: an empty list says the same
        if (nested := _NESTED_BULLET_RE.match(line.text)) and self.challenges:
            # « - a. …» under «- Internos:»: kept inside the parent challenge.
            self.challenges[-1] += f"\n- {nested[1].strip()}"
            return True
        if bullet := _BULLET_RE.match(text):
            body = bullet[1].strip()
            # «- al año y …» after a page break: the export re-bulleted the second half of a
            # challenge that was cut mid-sentence.
            if (
                self.challenges
                and line.gap >= _PAGE_BREAK_GAP
                and body[0].islower()
                and not _ends_paragraph(self.challenges[-1])
            ):
                self.challenges[-1] += f" {body}"
            else:
                self.challenges.append(body)
            return True
        if self.challenges and _continues(self.challenges[-1].split("\n")[-1], text, line.gap):
            self.challenges[-1] += f" {text}"
            return True
        if not self.challenges:
            # A lead-in paragraph before the bullets (C5/O10/#2 FGR): it introduces the list,
            # so it opens the first reto as a paragraph of its own (``build``).
            if self.challenge_intro and _continues(self.challenge_intro[-1], text, line.gap):
                self.challenge_intro[-1] += f" {text}"
            else:
                self.challenge_intro.append(text)
            return True
        return False

    def challenge_texts(self) -> list[str]:
        """One text per reto; a lead-in opens the first one, followed by a blank line
        (the Compendio prints it as a paragraph before the list, docs/publications.md §C6)."""
        if not self.challenge_intro:
            return list(self.challenges)
        if not self.challenges:
            return ["\n\n".join(self.challenge_intro)]
        first = "\n\n".join([*self.challenge_intro, self.challenges[0]])
        return [first, *self.challenges[1:]]

    def build(self, footnotes: list[ParsedFootnote]) -> ParsedPrograma:
        results = _join_paragraphs(self.results)
        if _NO_RESULTS_RE.match(results):
            results = ""
        return ParsedPrograma(
            chapter=self.chapter,
            objective=self.objective,
            number=self.heading.number,
            name=self.heading.name,
            sigla=self.heading.sigla,
            actor_siglas=split_siglas(self.heading.sigla),
            description=_with_footnote_tokens(_join_paragraphs(self.description)),
            results=_with_footnote_tokens(results),
            challenges=[_with_footnote_tokens(item) for item in self.challenge_texts()],
            footnotes=footnotes,
            source_line=self.source_line,
        )

    def footnote_markers(self) -> set[int]:
        texts = [
            *(line for paragraph in self.description for line in paragraph),
            *(line for paragraph in self.results for line in paragraph),
            *self.challenge_intro,
            *self.challenges,
        ]
        return set(self.heading.markers).union(*(_footnote_numbers(t) for t in texts))


def _join_paragraphs(paragraphs: list[list[str]]) -> str:
    return "\n\n".join("\n".join(lines) for lines in paragraphs)


def _with_footnote_tokens(text: str) -> str:
    return _SUPERSCRIPT_RUN.sub(
        lambda m: f"[^{m[0].translate(_SUPERSCRIPT_TO_ASCII)}]",
        text,
    )


# --- Parser ----------------------------------------------------------------------------------


def _front_matter(lines: list[str]) -> tuple[int | None, str]:
    year: int | None = None
    date_line = ""
    for raw in lines:
        text = raw.strip()
        if year is None and (match := _TITLE_YEAR_RE.match(text)):
            year = int(match[1])
        if not date_line and (match := _DATE_LINE_RE.match(text)):
            date_line = text
            year = year or int(match[1])
    return year, date_line


def parse_compendio(text: str) -> ParseResult:
    """Parse the text export of a Compendio General into chapters and programs."""
    lines = text.splitlines()
    body_start = next((i for i, raw in enumerate(lines) if _CHAPTER_RE.match(raw.strip())), None)
    if body_start is None:
        year, date_line = _front_matter(lines)
        return ParseResult(year, date_line, [], [], {}, [])
    body_stop = next(
        (i for i in range(body_start, len(lines)) if lines[i].strip() == _ANNEXES), len(lines)
    )
    year, date_line = _front_matter(lines[:body_start])
    stream, footnotes = _lift_footnotes(_non_blank_lines(lines, body_start, body_stop))

    chapters: list[ParsedChapter] = []
    builders: list[_ProgramBuilder] = []
    empty_objectives: dict[int, list[int]] = {}
    unplaced: list[tuple[int, str]] = []

    chapter = objective = 0
    # chapter_title -> chapter -> objective -> (program | empty_objective)
    state = "chapter"
    current: _ProgramBuilder | None = None

    def start_program(heading: _Heading, line: _Line) -> _ProgramBuilder:
        builder = _ProgramBuilder(chapter, objective, heading, line.number)
        builders.append(builder)
        return builder

    for line in stream:
        text = line.text.strip()
        if match := _CHAPTER_RE.match(text):
            chapter, objective, current, state = int(match[1]), 0, None, "chapter_title"
            continue
        if state == "chapter_title":
            chapters.append(ParsedChapter(chapter, text))
            state = "chapter"
            continue
        if (match := _OBJECTIVE_RE.match(text)) and int(match[1]) > objective:
            objective, current, state = int(match[1]), None, "objective"
            continue

        if state == "objective":
            heading = _parse_heading(text)
            if _NO_ACTIONS_RE.match(text):
                empty_objectives.setdefault(chapter, []).append(objective)
                state = "empty_objective"
            elif heading is not None and heading.number == 1:
                current, state = start_program(heading, line), "program"
            else:
                unplaced.append((line.number, text))
            continue
        if state != "program" or current is None:
            unplaced.append((line.number, text))
            continue

        if text == _RESULTS:
            if current.section == _DESCRIPTION:
                current.start_results()
            else:
                unplaced.append((line.number, text))
            continue
        if text == _CHALLENGES:
            if current.section != _CHALLENGES_SECTION:
                current.section = _CHALLENGES_SECTION
            else:
                unplaced.append((line.number, text))
            continue
        if current.section != _CHALLENGES_SECTION:
            current.add_paragraph_line(line)
            continue

        # Inside «Retos»: the next program, the next sub-part, or a challenge.
        heading = _parse_heading(text)
        if heading is not None:
            if heading.number == current.heading.number + 1:
                current = start_program(heading, line)
            else:
                # A heading out of sequence means a numbering or structure problem in the
                # source: report it rather than file it as a challenge.
                unplaced.append((line.number, text))
            continue
        subpart = _SUBPART_RE.match(text)
        if subpart and subpart[1] == current.next_subpart_letter():
            current.start_subpart(text)
            continue
        if not current.add_challenge_line(line):
            unplaced.append((line.number, text))

    # Re-attach every note to the program whose text carries its marker.
    markers = [builder.footnote_markers() for builder in builders]
    attached: list[list[ParsedFootnote]] = [[] for _ in builders]
    for note in footnotes:
        owner = next((i for i, found in enumerate(markers) if note.number in found), None)
        if owner is None:
            unplaced.append((note.line, note.raw))
        else:
            attached[owner].append(ParsedFootnote(note.number, note.text))

    programas = [builder.build(notes) for builder, notes in zip(builders, attached, strict=True)]
    unplaced.sort()
    return ParseResult(year, date_line, chapters, programas, empty_objectives, unplaced)
