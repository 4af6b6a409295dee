"""Fidelity of the rebuilt Compendio General 2023 to the printed edition (issue 5).

Imports seed 003, builds the PDF with the real builder and reads the PDF's text back with
pdftotext (tests/pdf_text.py): every program heading is printed once per program, with its
number, in the seed's order and under the right chapter and objective; objective titles come
from the single ObjetivoPMM table; no contact data is printed; the book is about as long as
the original.

Matching is done on the extracted text with a pattern that ignores white space and hyphens
between any two characters, because line breaks, justification and hyphenation put them
anywhere in a heading. The 356 program headings are looked up in the text with those
characters taken out (``Squeezed``: the same matches as the pattern, tested below, without
compiling and running 356 long patterns over the whole book).
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from compendium.compendio import render_compendio_html
from compendium.importers.compendio_import import import_compendio
from compendium.importers.compendio_text import ParsedPrograma, parse_compendio
from compendium.models import Edicion
from compendium.pdf import render_pdf
from reporting.models import Ficha, ObjetivoPMM
from tests.pdf_text import page_count
from tests.pdf_text import page_texts as page_texts_of

EXCERPT = Path(__file__).resolve().parent / "data" / "compendio_excerpt.txt"

# The 2023 edition: «Anexos» on page 280 of the índice, numbering from the introduction.
ORIGINAL_PAGES_TO_ANNEXES = 280
TOLERANCE = 0.15

CHAPTER_TITLES = {
    1: "Dependencias de la Administración Pública Federal",
    2: "Entidades Federativas",
    3: "Poder Legislativo",
    4: "Poder Judicial",
    5: "Organismos Constitucionales Autónomos",
    6: "Organizaciones de la Sociedad Civil",
}

# Private data put on every ficha before the build: none of it may reach the PDF.
CONTACT = {
    "contacto_nombre": "Eulalia Confidencial Provisoria",
    "contacto_cargo": "Jefatura Confidencial de Enlace",
    "contacto_telefono": "55 9876 5432",
    "contacto_extension": "98765",
    "contacto_correo": "enlace.confidencial@privado.gob.mx",
    "unidad": "Dirección General Confidencial de Pruebas",
}

NO_ACTIONS = "No se reportaron acciones."
# Objective titles as typed in some chapters of 2023 (domain.md §B.3).
TYPOS_2023 = (
    "Utilizar la detención de migrantes sólo",
    "Proporcionar a los migrantes accesos a servicios",
)

_GAP = r"[\s\u00ad\-\u2010\u2011]*"
_GAP_RUN = re.compile(r"[\s\u00ad\-\u2010\u2011]+")
_IGNORED = set("-\u00ad\u2010\u2011")
_DIGIT = re.compile(r"\d")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def flexible(needle: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A pattern for ``needle`` that allows white space and hyphens between any characters."""
    chars = [c for c in normalise(needle) if not c.isspace() and c not in _IGNORED]
    pattern = _GAP.join(re.escape(c) for c in chars)
    if chars[0].isdigit():
        pattern = r"(?<!\d)" + pattern  # «1. X» must not match inside «11. X»
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


def _kept(needle: str) -> str:
    return "".join(c for c in normalise(needle) if not c.isspace() and c not in _IGNORED)


class Squeezed:
    """``text`` without the characters ``flexible`` lets in between (white space, hyphens), and
    where each kept character was: ``starts(needle)`` are the positions in ``text`` where
    ``flexible(needle).finditer(text)`` matches, found with ``str.find`` (a pattern of a
    heading's length, compiled and run over the whole book once per heading, took most of the
    checker's time).
    """

    def __init__(self, text: str):
        self.text = text
        kept: list[str] = []
        self.where: list[int] = []
        at = 0
        for gap in [*_GAP_RUN.finditer(text), None]:
            stop = len(text) if gap is None else gap.start()
            kept.append(text[at:stop])
            self.where.extend(range(at, stop))
            at = stop if gap is None else gap.end()
        self.squeezed = "".join(kept)

    def starts(self, needle: str) -> list[int]:
        chars = _kept(needle)
        after_digit = chars[0].isdigit()  # as flexible: «1. X» must not match inside «11. X»
        found: list[int] = []
        index = self.squeezed.find(chars)
        while index >= 0:
            position = self.where[index]
            if after_digit and position and _DIGIT.match(self.text, position - 1):
                index = self.squeezed.find(chars, index + 1)
                continue
            found.append(position)
            index = self.squeezed.find(chars, index + len(chars))  # finditer: no overlaps
        return found


def heading(programa: ParsedPrograma) -> str:
    # A sigla ending in a period («… A.C.») takes no second one (issue 12).
    end = "" if programa.sigla.endswith(".") else "."
    return f"{programa.number}. {programa.name} – {programa.sigla}{end}"


def last_before(marks: list[tuple[int, int]], position: int) -> int | None:
    """The number of the last (position, number) mark before ``position``."""
    found = [number for at, number in marks if at < position]
    return found[-1] if found else None


@dataclass
class Fidelity:
    problems: list[str]
    pages: int
    annex_page: int | None  # 0-based index of the first annex page = pages before it


def check_compendio_text(
    page_texts: list[str], programas: list[ParsedPrograma], titles: dict[int, str]
) -> Fidelity:
    """Compare the text of a built Compendio with the programs of the printed edition."""
    page_texts = [normalise(page) for page in page_texts]
    starts = []  # offset of each page in ``text``
    offset = 0
    for page_text in page_texts:
        starts.append(offset)
        offset += len(page_text) + 1
    text = "\n".join(page_texts)

    def page_of(position: int) -> int:
        return max(i for i, start in enumerate(starts) if start <= position)

    problems: list[str] = []

    # Every heading, as often as the seed prints it (two headings repeat in two objectives).
    expected_counts = Counter(heading(p) for p in programas)
    squeezed = Squeezed(text)
    matches = {h: squeezed.starts(h) for h in expected_counts}
    for h, count in expected_counts.items():
        if len(matches[h]) != count:
            problems.append(f"printed {len(matches[h])}× (expected {count}×): {h}")

    # Chapter and objective headings as (position, number) marks, índice entries included.
    chapter_marks = sorted(
        (m.start(), number)
        for number, title in CHAPTER_TITLES.items()
        for m in re.finditer(
            flexible(f"Capítulo {number}").pattern + r"[\s.:]*" + flexible(title).pattern,
            text,
            re.IGNORECASE,
        )
    )
    objective_marks = sorted(
        (at, number)
        for number, title in titles.items()
        for at in squeezed.starts(f"Objetivo {number}. {title}")
    )

    # Seed order, each heading under its chapter and objective.
    cursor = 0
    first_program: dict[int, int] = {}
    last_program = 0
    for programa in programas:
        h = heading(programa)
        position = next((at for at in matches[h] if at >= cursor), None)
        if position is None:
            problems.append(f"missing or out of seed order (after offset {cursor}): {h}")
            continue
        cursor = last_program = position + 1
        first_program.setdefault(programa.chapter, position)
        where = (last_before(chapter_marks, position), last_before(objective_marks, position))
        if where != (programa.chapter, programa.objective):
            problems.append(
                f"under chapter/objective {where}, expected "
                f"{(programa.chapter, programa.objective)} (page {page_of(position) + 1}): {h}"
            )

    # Objective sections of each chapter, empty ones included (§B.2: chapters 1 and 2 list
    # all 23 objectives). A chapter starts at its last heading before its first program.
    chapter_starts = {
        chapter: last_before([(at, at) for at, n in chapter_marks if n == chapter], position)
        for chapter, position in first_program.items()
    }
    bounds = sorted(at for at in chapter_starts.values() if at is not None) + [len(text)]
    for chapter, start in chapter_starts.items():
        if start is None:
            problems.append(f"no «Capítulo {chapter}» heading before its first program")
            continue
        stop = next(at for at in bounds if at > start)
        printed = [n for at, n in objective_marks if start <= at < stop]
        printed = [n for i, n in enumerate(printed) if i == 0 or printed[i - 1] != n]
        expected = sorted({p.objective for p in programas if p.chapter == chapter})
        if chapter in (1, 2):
            expected = list(range(1, 24))
        if printed != expected:
            problems.append(f"chapter {chapter} objective headings {printed}, expected {expected}")

    empty_sections = sum(
        23 - len({p.objective for p in programas if p.chapter == chapter})
        for chapter in (1, 2)
        if chapter in first_program
    )
    no_actions = len(flexible(NO_ACTIONS).findall(text))
    if no_actions != empty_sections:
        problems.append(f"«{NO_ACTIONS}» printed {no_actions}×, expected {empty_sections}×")

    # Titles from the one table: the 2023 typos are gone.
    for typo in TYPOS_2023:
        if flexible(typo).search(text):
            problems.append(f"2023 typo printed: «{typo}»")

    # Storage markup never reaches the page: footnote tokens, table placeholders, escapes.
    for token in ("[^", "[[tabla", "\\$"):
        if count := text.count(token):
            problems.append(f"raw «{token}» printed {count}×")

    # No contact data.
    for name, value in CONTACT.items():
        if flexible(value, ignore_case=True).search(text):
            problems.append(f"private field printed: {name}")

    # The annexes start on the first page after the last program that names them.
    annex = flexible("Anexos", ignore_case=True)
    annex_page = next(
        (
            i
            for i in range(page_of(last_program) + 1, len(page_texts))
            if annex.search(page_texts[i])
        ),
        None,
    )
    if annex_page is None:
        problems.append("no «Anexos» page after the last program")
    return Fidelity(problems=problems, pages=len(page_texts), annex_page=annex_page)


# --- The checker on a synthetic text --------------------------------------------------------


def synthetic_pages(programas: list[ParsedPrograma], titles: dict[int, str]) -> list[str]:
    """What a faithful build would print, one chapter per page, headings broken across lines."""
    pages = [
        "Índice\n" + "\n".join(f"Capítulo {n}. {t} ....... {n}" for n, t in CHAPTER_TITLES.items())
    ]
    for chapter in sorted({p.chapter for p in programas}):
        lines = [f"CAPÍTULO {chapter}", CHAPTER_TITLES[chapter]]
        objectives = sorted({p.objective for p in programas if p.chapter == chapter})
        for objective in range(1, 24) if chapter in (1, 2) else objectives:
            lines.append(f"Objetivo {objective}. {titles[objective]}")
            block = [p for p in programas if (p.chapter, p.objective) == (chapter, objective)]
            for programa in block:
                words = heading(programa).split()
                lines += [" ".join(words[:3]), " ".join(words[3:])]
                lines.append("Texto de la descripción con 2,500 personas atendidas.")
            if not block:
                lines.append("No se reportaron acciones.")
        pages.append("\n".join(lines))
    pages.append("ANEXOS\n1. Glosario")
    return pages


@pytest.fixture
def excerpt_programas() -> list[ParsedPrograma]:
    return parse_compendio(EXCERPT.read_text(encoding="utf-8")).programas


def test_checker_accepts_a_faithful_text(db, excerpt_programas) -> None:
    titles = {o.number: o.title for o in ObjetivoPMM.objects.all()}
    result = check_compendio_text(
        synthetic_pages(excerpt_programas, titles), excerpt_programas, titles
    )
    assert result.problems == []
    assert (result.pages, result.annex_page) == (6, 5)


def test_squeezed_text_finds_what_the_flexible_pattern_finds(db, excerpt_programas) -> None:
    titles = {o.number: o.title for o in ObjetivoPMM.objects.all()}
    text = "\n".join(synthetic_pages(excerpt_programas, titles))
    # Headings split over lines, «1.» beside «11.» and «21.», hyphens and soft hyphens.
    text += "\n11. Uno\n21.Uno 1.\u00adUno 1 1. Uno 1-\n1. Uno A. A. A."
    needles = [heading(p) for p in excerpt_programas]
    needles += [f"Objetivo {n}. {t}" for n, t in titles.items()]
    needles += ["1. Uno", "11. Uno", "Uno", "A. A.", "Capítulo 1", NO_ACTIONS]
    squeezed = Squeezed(text)
    for needle in needles:
        expected = [m.start() for m in flexible(needle).finditer(text)]
        assert squeezed.starts(needle) == expected, needle
    assert len(squeezed.starts("1. Uno")) == 3


def test_checker_reports_what_a_faulty_build_gets_wrong(db, excerpt_programas) -> None:
    titles = {o.number: o.title for o in ObjetivoPMM.objects.all()}
    programas = excerpt_programas

    def problems_of(printed: list[ParsedPrograma], printed_titles=titles, extra="") -> list[str]:
        pages = synthetic_pages(printed, printed_titles)
        pages[1] += extra
        return check_compendio_text(pages, programas, titles).problems

    # Two programs printed in each other's place.
    swapped = [programas[1], programas[0], *programas[2:]]
    [problem] = problems_of(swapped)
    assert problem.startswith("missing or out of seed order (after offset ")
    assert problem.endswith(f"): {heading(programas[1])}")
    # A program printed under another objective.
    moved = [replace(programas[0], objective=2), *programas[1:]]
    assert any(
        p.startswith("under chapter/objective (1, 2), expected (1, 1)") for p in problems_of(moved)
    )
    # The 2023 typo, contact data, a heading printed twice.
    typo = {**titles, 13: titles[13].replace(" solo ", " sólo ")}
    extra = f"\n{CONTACT['contacto_correo']}\n{heading(programas[16])}\nTotal[^2]"
    assert problems_of(programas, typo, extra) == [
        f"printed 2× (expected 1×): {heading(programas[16])}",
        # The misspelt title is not one of the table's: objective 13 has no heading.
        f"chapter 1 objective headings {[n for n in range(1, 24) if n != 13]}, "
        f"expected {list(range(1, 24))}",
        f"chapter 2 objective headings {[n for n in range(1, 24) if n != 13]}, "
        f"expected {list(range(1, 24))}",
        "2023 typo printed: «Utilizar la detención de migrantes sólo»",
        "raw «[^» printed 1×",
        "private field printed: contacto_correo",
    ]


# --- The real build -------------------------------------------------------------------------


@pytest.mark.slow
def test_compendio_2023_pdf_reproduces_the_printed_edition(db, seed_003_text, tmp_path) -> None:
    report = import_compendio(seed_003_text, year=2023)
    assert report.total == 356
    # Private data on every ficha: none of it may reach the PDF.
    Ficha.objects.filter(ejercicio=report.ejercicio).update(**CONTACT)
    edicion = Edicion.objects.get(ejercicio=report.ejercicio)

    html = render_compendio_html(edicion, draft=False)
    target = tmp_path / "compendio-2023.pdf"
    pages = render_pdf(html, target=target, draft=False)
    # pdftotext, not pypdf: pypdf took as long to read the book as WeasyPrint to make it.
    page_texts = page_texts_of(target)
    # The page count of the file itself (poppler's pdfinfo; pypdf's page tree took seconds).
    assert len(page_texts) == page_count(target) == pages

    titles = {o.number: o.title for o in ObjetivoPMM.objects.all()}
    result = check_compendio_text(page_texts, parse_compendio(seed_003_text).programas, titles)
    low = round(ORIGINAL_PAGES_TO_ANNEXES * (1 - TOLERANCE))
    high = round(ORIGINAL_PAGES_TO_ANNEXES * (1 + TOLERANCE))
    print(
        f"Compendio 2023 rebuilt: {result.pages} pages, {result.annex_page} before the annexes "
        f"(original: {ORIGINAL_PAGES_TO_ANNEXES} numbered pages before them, plus front matter)"
    )
    problems = list(result.problems)
    if result.annex_page is not None and not low <= result.annex_page <= high:
        problems.append(f"{result.annex_page} pages before the annexes, expected {low}-{high}")
    assert problems == [], "\n".join(problems[:60])
