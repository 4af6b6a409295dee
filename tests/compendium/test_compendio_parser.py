"""Tests for the Compendio General text parser, on real data (docs/domain.md §B).

``data/compendio_excerpt.txt`` is cut verbatim from seed 003 (whole objective blocks only,
so that numbering still runs 1..n); the full-seed tests are skipped when the seed is absent.
"""

from collections import Counter
from pathlib import Path

import pytest

from compendium.importers.compendio_text import (
    ParsedChapter,
    ParsedPrograma,
    ParseResult,
    normalise_sigla,
    parse_compendio,
    split_siglas,
)

EXCERPT = Path(__file__).resolve().parent / "data" / "compendio_excerpt.txt"
SEED = Path(__file__).resolve().parents[3] / "shared/seeds/003_e989e04225e3c00d.txt"

STATES_IN_CAPITALS = {
    "AGUASCALIENTES", "BAJA CALIFORNIA", "BAJA CALIFORNIA SUR", "CAMPECHE", "CHIAPAS",
    "CHIHUAHUA", "CIUDAD DE MÉXICO", "COAHUILA", "COLIMA", "DURANGO", "ESTADO DE MÉXICO",
    "GUANAJUATO", "GUERRERO", "HIDALGO", "JALISCO", "MICHOACÁN", "MORELOS", "NAYARIT",
    "NUEVO LEÓN", "OAXACA", "PUEBLA", "QUERÉTARO", "QUINTANA ROO", "SAN LUIS POTOSÍ",
    "SINALOA", "SONORA", "TABASCO", "TAMAULIPAS", "TLAXCALA", "VERACRUZ", "YUCATÁN",
    "ZACATECAS",
}  # fmt: skip


def by_key(result: ParseResult) -> dict[tuple[int, int, int], ParsedPrograma]:
    return {(p.chapter, p.objective, p.number): p for p in result.programas}


def report_unplaced(result: ParseResult) -> None:
    print(f"{len(result.unplaced_lines)} unplaced line(s)")
    for line_number, text in result.unplaced_lines:
        print(f"  L{line_number}: {text[:120]}")


# --- Excerpt --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def excerpt() -> ParseResult:
    return parse_compendio(EXCERPT.read_text(encoding="utf-8"))


def test_excerpt_front_matter_and_chapters(excerpt: ParseResult) -> None:
    assert excerpt.year == 2023
    assert excerpt.date_line == "Ciudad de México a 28 de noviembre de 2023."
    assert excerpt.chapters == [
        ParsedChapter(1, "Dependencias de la Administración Pública Federal"),
        ParsedChapter(2, "Entidades Federativas"),
        ParsedChapter(5, "Organismos Constitucionales Autónomos"),
        ParsedChapter(6, "Organizaciones de la Sociedad Civil"),
    ]
    assert excerpt.empty_objectives == {1: [6, 18, 19], 2: [9, 12, 13]}


def test_excerpt_places_every_line(excerpt: ParseResult) -> None:
    # Front matter and the annex table after «ANEXOS» are skipped on purpose, not unplaced.
    report_unplaced(excerpt)
    assert excerpt.unplaced_lines == []


def test_excerpt_headings_in_source_order(excerpt: ParseResult) -> None:
    upmrip = "SEGOB (UPMRIP)"
    assert [(p.chapter, p.objective, p.number, p.sigla) for p in excerpt.programas] == [
        (1, 1, 1, "CONAHCYT"),
        (1, 1, 2, "CONAHCYT"),
        (1, 1, 3, "CONAHCYT"),
        (1, 1, 4, "INMUJERES"),
        (1, 1, 5, "INM"),
        (1, 1, 6, upmrip),
        (1, 1, 7, upmrip),
        (1, 1, 8, upmrip),
        (1, 1, 9, upmrip),
        (1, 16, 1, "SEGOB"),
        (1, 16, 2, "CEAV"),
        (1, 16, 3, "INPI"),
        (1, 16, 4, upmrip),  # printed «SEGOB (UMPRIP)»
        (1, 17, 1, "SEGOB"),
        (1, 17, 2, "CONAPRED"),
        (2, 6, 1, "CAMPECHE"),
        (2, 10, 1, "CAMPECHE"),
        (2, 10, 2, "QUINTANA ROO"),
        (2, 10, 3, "TABASCO"),
        (2, 11, 1, "CHIAPAS"),
        (5, 1, 1, "CNDH"),
        (5, 1, 2, "INEGI"),
        (5, 1, 3, "INEGI"),
        (5, 1, 4, "INEGI/SRE"),
        (5, 1, 5, "INE"),
        (6, 3, 1, "IMUMI"),
        (6, 4, 1, "CAFAMI"),
        (6, 5, 1, "IMUMI"),
        (6, 16, 1, "UNO DE SIETE MIGRANDO A.C."),
    ]
    lines = EXCERPT.read_text(encoding="utf-8").splitlines()
    for programa in excerpt.programas:
        heading = lines[programa.source_line - 1]
        assert heading.lstrip("- ").startswith(f"{programa.number}."), heading


def test_excerpt_heading_variants(excerpt: ParseResult) -> None:
    programas = by_key(excerpt)
    # Canonical: en dash and final period.
    assert programas[1, 1, 1].name == (
        "Eliminación de prácticas institucionales que vulneran el derecho a la salud de las "
        "personas migrantes y grupos en movilidad"
    )
    # Hyphen instead of en dash.
    assert programas[1, 16, 1].name.endswith("Consejo Consultivo de Política Migratoria (CCPM)")
    # «SEGOB (UMPRIP)» typo normalised.
    assert programas[1, 16, 4].name == "Micrositio sobre Desplazamiento Forzado Interno"
    assert programas[1, 16, 4].actor_siglas == ["SEGOB (UPMRIP)"]
    # No final period.
    assert programas[1, 17, 2].name == (
        "Difusión de información para la prevención de la xenofobia y la discriminación"
    )
    # The name itself contains « - »: the actor is after the last one.
    assert programas[2, 10, 2].name.startswith("CCN - Código de Conducta Nacional para")
    # No dash at all: «… atención a víctimas. CHIAPAS».
    assert programas[2, 11, 1].name.endswith("derechos humanos y atención a víctimas")
    assert programas[2, 11, 1].sigla == "CHIAPAS"
    # Footnote mark after the final period of a joint program.
    assert programas[5, 1, 4].name == (
        "Libro “El sueño mexicano: estudios sobre la migración estadounidense”"
    )
    assert programas[5, 1, 4].actor_siglas == ["INEGI", "SRE"]
    # «- 1. … **» list/bold artefact.
    assert programas[6, 5, 1].name.startswith("Elaboración de una propuesta de política pública")
    assert programas[6, 5, 1].name.endswith("de la Red de la ONU sobre la migración")
    for programa in excerpt.programas:
        assert not any(mark in programa.name for mark in "*¹²³⁴⁵⁶⁷⁸⁹⁰–"), programa.name
        assert not programa.name.endswith("."), programa.name


def test_excerpt_numbered_description_list_is_not_a_heading(excerpt: ParseResult) -> None:
    chapter2_objective6 = [p for p in excerpt.programas if (p.chapter, p.objective) == (2, 6)]
    assert len(chapter2_objective6) == 1
    description = chapter2_objective6[0].description
    assert "Dichas actividades son:\n\n1. Implementar una campaña de difusión" in description
    assert "\n2. Vincular a manera de propuesta" in description
    assert "\n4. Proceder a inspeccionar un centro de trabajo" in description
    # A qualitative «no se reportaron resultados» sentence is real content, not a placeholder.
    assert chapter2_objective6[0].results.startswith("Se atiende a personas migrantes extranjeras")


def test_excerpt_footnotes_reattached(excerpt: ParseResult) -> None:
    programas = by_key(excerpt)
    attached = {
        note.number: (p.chapter, p.objective, p.number)
        for p in excerpt.programas
        for note in p.footnotes
    }
    assert attached == {
        1: (1, 1, 2),
        2: (1, 1, 9),
        6: (1, 17, 2),
        13: (5, 1, 4),
        15: (6, 16, 1),
    }
    # ¹ lands in the middle of #2's «Retos»; the bullet after it still belongs to #2.
    assert "2 adolescentes de Venezuela[^1]." in programas[1, 1, 2].results
    assert programas[1, 1, 2].footnotes[0].text.startswith("Quienes fueron apoyadas")
    assert programas[1, 1, 2].challenges[-1].startswith("Heterogeneidad de la población atendida")
    assert len(programas[1, 1, 2].challenges) == 6
    # ² sits in a table header.
    assert "Sección\tTotal de Visitas\tSección\tTotal de impactos potenciales[^2]\n" in (
        programas[1, 1, 9].results
    )
    assert "\nSíntesis mujeres\t2,589" in programas[1, 1, 9].results
    # ¹³ is a heading mark (kept out of the name) and its note continues with a URL paragraph.
    assert programas[5, 1, 4].footnotes[0].text == (
        "El libro puede consultarse en la liga: "
        "https://www.gob.mx/cms/uploads/attachment/file/766771/Libro_INEGI-2022-web.pdf"
    )
    # ¹⁵: the marker is in a sentence split by a page break.
    assert "servicios educativos y laborales[^15] a 62 personas" in programas[6, 16, 1].results
    for programa in excerpt.programas:
        texts = [programa.description, programa.results, *programa.challenges]
        assert not any(mark in text for text in texts for mark in "¹²³⁴⁵⁶⁷⁸⁹⁰")


def test_excerpt_placeholders(excerpt: ParseResult) -> None:
    programas = by_key(excerpt)
    # «No se reportaron resultados.» and «No se reportaron retos.»
    assert programas[1, 16, 2].results == ""
    assert programas[1, 16, 2].challenges == []
    # «No se reportan resultados.»
    assert programas[5, 1, 2].results == ""
    # «No se reportaron retos.» after the results, and as a bullet «- No se reportaron retos.»
    assert programas[1, 17, 2].challenges == []
    assert programas[2, 10, 2].challenges == []
    assert programas[2, 10, 2].results.startswith("Se llevaron a cabo 23 sesiones")


def test_excerpt_page_breaks_joined(excerpt: ParseResult) -> None:
    programas = by_key(excerpt)
    assert "contempla un enfoque de derechos humanos, en el cual se intenta favorecer" in (
        programas[1, 1, 2].results
    )
    assert (
        programas[1, 1, 3]
        .challenges[-1]
        .endswith(
            "organizaciones aliadas y las instituciones gubernamentales locales y estatales que "
            "participan dentro de las actividades de los módulos."
        )
    )
    # A challenge cut by a page break and re-bulleted «- al año …», then nested bullets.
    imumi = programas[6, 3, 1].challenges
    assert len(imumi) == 2
    assert "muchas operan con menos de USD 20,000 al año y tienen poco acceso" in imumi[0]
    assert imumi[1].startswith("Disminución de los programas para otorgar financiamiento")
    assert imumi[1].count("\n- ") == 3
    for programa in excerpt.programas:
        assert "\n\n\n" not in programa.description + programa.results


def test_excerpt_reports_lines_it_cannot_place() -> None:
    lines = EXCERPT.read_text(encoding="utf-8").splitlines()
    # After an empty objective, and a numbered line that skips a number after «Retos».
    empty = lines.index("No se reportaron acciones.")
    lines.insert(empty + 1, "Texto suelto tras un objetivo vacío.")
    retos = lines.index("Retos")
    lines.insert(retos + 1, "7. Programa fuera de secuencia – INM.")
    result = parse_compendio("\n".join(lines))
    assert [text for _, text in result.unplaced_lines] == [
        "7. Programa fuera de secuencia – INM.",
        "Texto suelto tras un objetivo vacío.",
    ]
    assert len(result.programas) == 29


# --- Helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SEGOB (UMPRIP)", "SEGOB (UPMRIP)"),
        ("SEGOB (UPMRIP).", "SEGOB (UPMRIP)"),
        ("INEGI/SRE.¹³", "INEGI/SRE"),
        (" NUEVO  LEÓN. ", "NUEVO LEÓN"),
        ("CIJ A.C.", "CIJ A.C."),
        ("SALUD / SRE", "SALUD/SRE"),
    ],
)
def test_normalise_sigla(raw: str, expected: str) -> None:
    assert normalise_sigla(raw) == expected


@pytest.mark.parametrize(
    ("sigla", "expected"),
    [
        ("SALUD/SRE", ["SALUD", "SRE"]),
        ("STPS y SRE", ["STPS", "SRE"]),
        ("SEGOB (UPMRIP)/SRE", ["SEGOB (UPMRIP)", "SRE"]),
        ("CIJ A.C.", ["CIJ A.C."]),
        ("ESTADO DE MÉXICO", ["ESTADO DE MÉXICO"]),
    ],
)
def test_split_siglas(sigla: str, expected: list[str]) -> None:
    assert split_siglas(sigla) == expected


# --- Full seed ------------------------------------------------------------------------------

# docs/domain.md §B.8: programs per (objective, chapter); 0 = printed as «No se reportaron
# acciones.», missing = objective not printed in that chapter.
B8_TABLE = {
    1: {1: 24, 2: 10, 5: 5},
    2: {1: 3, 2: 1},
    3: {1: 15, 2: 13, 4: 1, 6: 1},
    4: {1: 8, 2: 17, 4: 1, 5: 1, 6: 1},
    5: {1: 4, 2: 4, 4: 1, 6: 1},
    6: {1: 0, 2: 9},
    7: {1: 27, 2: 13, 3: 1, 4: 1, 5: 1},
    8: {1: 7, 2: 11, 4: 1},
    9: {1: 3, 2: 0, 5: 1},
    10: {1: 7, 2: 3, 5: 4},
    11: {1: 4, 2: 1},
    12: {1: 10, 2: 0, 3: 2},
    13: {1: 1, 2: 0, 3: 2, 4: 1, 6: 2},
    14: {1: 10, 2: 4},
    15: {1: 18, 2: 30},
    16: {1: 7, 2: 8, 6: 1},
    17: {1: 8, 2: 5, 3: 1},
    18: {1: 0, 2: 5},
    19: {1: 0, 2: 4, 5: 1},
    20: {1: 3, 2: 1},
    21: {1: 7, 2: 5, 4: 1},
    22: {1: 3, 2: 3},
    23: {1: 4, 2: 4},
}


@pytest.fixture(scope="module")
def seed() -> ParseResult:
    if not SEED.exists():
        pytest.skip(f"seed 003 not found at {SEED} (expected ../shared beside the repo root)")
    return parse_compendio(SEED.read_text(encoding="utf-8"))


def test_seed_unplaced_lines(seed: ParseResult) -> None:
    report_unplaced(seed)
    assert len(seed.unplaced_lines) <= 5


def test_seed_front_matter_and_chapters(seed: ParseResult) -> None:
    assert seed.year == 2023
    assert seed.date_line == "Ciudad de México a 28 de noviembre de 2023."
    assert [c.number for c in seed.chapters] == [1, 2, 3, 4, 5, 6]
    assert seed.chapters[5].title == "Organizaciones de la Sociedad Civil"


def test_seed_program_counts(seed: ParseResult) -> None:
    assert len(seed.programas) == 356
    per_chapter = Counter(p.chapter for p in seed.programas)
    assert [per_chapter[c] for c in range(1, 7)] == [173, 151, 6, 7, 13, 6]


def test_seed_b8_table(seed: ParseResult) -> None:
    blocks: dict[tuple[int, int], list[int]] = {}
    for programa in seed.programas:
        blocks.setdefault((programa.chapter, programa.objective), []).append(programa.number)
    expected = {
        (chapter, objective): count
        for objective, row in B8_TABLE.items()
        for chapter, count in row.items()
        if count
    }
    assert {key: len(numbers) for key, numbers in blocks.items()} == expected
    for key, numbers in blocks.items():
        assert numbers == list(range(1, len(numbers) + 1)), key
    # Source order: chapters and objectives ascending, lines increasing.
    keys = [(p.chapter, p.objective, p.number) for p in seed.programas]
    assert keys == sorted(keys)
    lines = [p.source_line for p in seed.programas]
    assert lines == sorted(lines)


def test_seed_empty_objectives(seed: ParseResult) -> None:
    assert seed.empty_objectives == {1: [6, 18, 19], 2: [9, 12, 13]}
    expected = {
        chapter: [objective for objective, row in B8_TABLE.items() if row.get(chapter) == 0]
        for chapter in (1, 2)
    }
    assert seed.empty_objectives == expected


def test_seed_footnotes(seed: ParseResult) -> None:
    numbers = [note.number for p in seed.programas for note in p.footnotes]
    assert sorted(numbers) == list(range(1, 16))
    owners = {
        note.number: (p.chapter, p.objective, p.number)
        for p in seed.programas
        for note in p.footnotes
    }
    assert owners[3] == (1, 3, 4)  # «4. Programa Héroes Paisanos – INM.³»
    assert owners[8] == (1, 22, 2)  # IMSS PTI
    assert owners[13] == (5, 1, 4)  # «… - INEGI/SRE.¹³»
    assert owners[14] == (5, 10, 2)  # FGR, marker in a challenge
    for programa in seed.programas:
        for note in programa.footnotes:
            tokens_or_heading = f"[^{note.number}]" in (
                programa.description + programa.results + "".join(programa.challenges)
            ) or note.number in (3, 13)
            assert tokens_or_heading, (note.number, programa.source_line)


def test_seed_placeholders(seed: ParseResult) -> None:
    no_challenges = [p for p in seed.programas if not p.challenges]
    assert len(no_challenges) == 67
    per_chapter = Counter(p.chapter for p in no_challenges)
    assert [per_chapter[c] for c in range(1, 7)] == [18, 37, 4, 4, 4, 0]
    assert sum(1 for p in seed.programas if not p.results) == 26
    for programa in seed.programas:
        assert "No se reportaron retos" not in " ".join(programa.challenges)


def test_seed_siglas(seed: ParseResult) -> None:
    counts = Counter(p.sigla for p in seed.programas)
    assert counts["INM"] == 30
    assert counts["SRE"] == 30
    assert counts["SEGOB (UPMRIP)"] == 26
    assert counts["NUEVO LEÓN"] == 22
    assert counts["SEGOB"] == 2
    assert "SEGOB (UMPRIP)" not in counts
    assert len(counts) == 67
    actors = Counter(actor for p in seed.programas for actor in p.actor_siglas)
    assert actors["SRE"] == 37
    assert actors["SEGOB (UPMRIP)"] == 27
    assert len(actors) == 61
    chapter2 = {p.sigla for p in seed.programas if p.chapter == 2}
    assert chapter2 <= STATES_IN_CAPITALS
    assert len(chapter2) == 17
    joint = {p.sigla: p.actor_siglas for p in seed.programas if len(p.actor_siglas) > 1}
    assert joint["STPS y SRE"] == ["STPS", "SRE"]
    assert joint["SEGOB (UPMRIP)/SRE"] == ["SEGOB (UPMRIP)", "SRE"]
    assert sum(1 for p in seed.programas if len(p.actor_siglas) > 1) == 8


def test_seed_heading_variants(seed: ParseResult) -> None:
    programas = by_key(seed)
    # «20.PAPEM: …» (no space after the number) and «Salud- NUEVO LEÓN.» (no space before).
    assert programas[2, 15, 20].name.startswith("PAPEM: Programa de Atención Educativa")
    assert programas[2, 15, 20].sigla == "NUEVO LEÓN"
    assert programas[2, 15, 21].name == "Programa Cuidar tu Salud"
    # Period before the dash; an abbreviation's final period is kept.
    assert programas[1, 1, 14].name == "Cooperación con organismos internacionales"
    assert programas[2, 15, 25].name.endswith("niños y adolescentes migrantes")
    assert programas[2, 4, 2].name.endswith("por alguna autoridad en EE.UU.")
    # A name with its own numbered list.
    assert programas[2, 1, 3].name.startswith("Observatorio Migrante: 1. Se realizan")
    assert programas[2, 1, 3].sigla == "HIDALGO"
    # «- 1. … **» artefacts, each the first program of its objective.
    assert programas[2, 16, 1].sigla == "CAMPECHE"
    assert programas[3, 13, 1].sigla == "CÁMARA DE DIPUTADOS"
    assert programas[6, 5, 1].sigla == "IMUMI"


def test_seed_imss_subparts_are_one_program(seed: ParseResult) -> None:
    imss = by_key(seed)[1, 22, 2]
    assert imss.source_line == 3141
    assert imss.name == "Personas Trabajadoras Independientes (PTI)"
    assert imss.sigla == "IMSS"
    assert imss.description.startswith("a. mexicanos en el extranjero\n\n")
    assert "\n\nb. Extranjeros migrantes en México\n\n" in imss.description
    assert imss.results.startswith("a. mexicanos en el extranjero\n\n")
    assert "\n\nb. Extranjeros migrantes en México\n\n" in imss.results
    assert len(imss.challenges) == 4
    assert [note.number for note in imss.footnotes] == [8]
    assert by_key(seed)[1, 22, 3].name.startswith("Expansión de la Cobertura del Servicio")
