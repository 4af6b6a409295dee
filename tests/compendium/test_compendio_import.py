"""Tests for importing a printed Compendio General as approved fichas (issue 5).

The excerpt (``data/compendio_excerpt.txt``, whole objective blocks cut from seed 003) covers
the details; the full seed checks the 2023 counts of docs/domain.md §B.8 and is skipped with a
message when ``../shared/seeds`` is not beside the repository.
"""

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from compendium.importers.compendio_import import (
    ImportRefused,
    import_compendio,
    parse_glossary,
)
from compendium.importers.compendio_text import parse_compendio
from compendium.models import Edicion
from reporting.models import (
    Actor,
    EjercicioStatus,
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    Nota,
    Reto,
)
from reporting.ordering import numbered_blocks
from tests import factories
from tests.compendium.test_compendio_parser import B8_TABLE

EXCERPT = Path(__file__).resolve().parent / "data" / "compendio_excerpt.txt"
SEED = Path(__file__).resolve().parents[3] / "shared/seeds/003_e989e04225e3c00d.txt"
IMPORT_NOTE = "Importada del Compendio General 2023 publicado"


def excerpt_text() -> str:
    return EXCERPT.read_text(encoding="utf-8")


def printed_key(ficha: Ficha) -> tuple[int, int, int]:
    return (ficha.actor.tipo.chapter, ficha.objetivo_asignado_id, ficha.orden)


def imported(year: int = 2023) -> dict[tuple[int, int, int], Ficha]:
    fichas = Ficha.objects.for_print().filter(ejercicio__year=year)
    return {printed_key(ficha): ficha for ficha in fichas}


@pytest.fixture
def excerpt_report(db):
    return import_compendio(excerpt_text(), year=2023)


# --- Excerpt --------------------------------------------------------------------------------


def test_excerpt_creates_exercise_edition_and_approved_fichas(excerpt_report) -> None:
    report = excerpt_report
    assert report.fichas_per_chapter == {1: 15, 2: 5, 5: 5, 6: 4}
    assert report.total == 29
    assert report.unplaced_lines == []
    assert report.warnings == []
    assert report.fichas_replaced == 0
    ejercicio = report.ejercicio
    assert (ejercicio.year, ejercicio.status) == (2023, EjercicioStatus.PUBLICADO)
    assert (str(ejercicio.period_start), str(ejercicio.period_end)) == ("2022-06-01", "2023-06-30")
    edicion = Edicion.objects.get(ejercicio=ejercicio)
    assert (edicion.title, edicion.date_line) == (
        "Compendio General 2023",
        "Ciudad de México a 28 de noviembre de 2023.",
    )
    fichas = Ficha.objects.filter(ejercicio=ejercicio)
    assert Counter(fichas.values_list("status", flat=True)) == {FichaStatus.APROBADA: 29}
    assert fichas.filter(objetivo_asignado__isnull=True).count() == 0


def test_excerpt_audit_event_per_ficha(excerpt_report) -> None:
    events = FichaEvent.objects.filter(ficha__ejercicio=excerpt_report.ejercicio)
    assert events.count() == 29
    assert set(events.values_list("kind", "from_status", "to_status", "note")) == {
        (FichaEventKind.TRANSITION, FichaStatus.BORRADOR, FichaStatus.APROBADA, IMPORT_NOTE)
    }
    assert Counter(events.values_list("ficha", flat=True)).most_common(1)[0][1] == 1


def test_excerpt_actors_types_and_states(excerpt_report) -> None:
    actors = {a.sigla: a for a in Actor.objects.select_related("tipo", "entidad")}
    assert sorted(excerpt_report.actors_created) == sorted(actors)
    assert len(actors) == 19
    types = {sigla: actor.tipo_id for sigla, actor in actors.items()}
    assert types == {
        "CONAHCYT": "apf",
        "INMUJERES": "apf",
        "INM": "apf",
        "SEGOB (UPMRIP)": "apf",
        "SEGOB": "apf",
        "CEAV": "apf",
        "INPI": "apf",
        "CONAPRED": "apf",
        "CAMPECHE": "estatal",
        "QUINTANA ROO": "estatal",
        "TABASCO": "estatal",
        "CHIAPAS": "estatal",
        "CNDH": "autonomo",
        "INEGI": "autonomo",
        "INE": "autonomo",
        # Only a co-actor of INEGI in chapter 5: a federal body, not an autonomous one.
        "SRE": "apf",
        "IMUMI": "osc",
        "CAFAMI": "osc",
        "UNO DE SIETE MIGRANDO A.C.": "osc",
    }
    # States by their printed name.
    assert actors["CAMPECHE"].entidad.inegi_code == "04"
    assert actors["CAMPECHE"].name == "Gobierno del Estado de Campeche"
    assert actors["QUINTANA ROO"].entidad.name == "Quintana Roo"
    # Names from the annex 1 glossary (the excerpt keeps only its first rows), with the known
    # corrections, else the sigla.
    assert actors["CAFAMI"].name == "Centro de Atención a la familia Migrante Indígena"
    assert actors["UNO DE SIETE MIGRANDO A.C."].name == "Uno de Siete Migrando, A.C."
    assert actors["INM"].name == "INM"
    assert actors["INEGI"].name == "INEGI"


def test_existing_actors_keep_name_and_type(db) -> None:
    sre = factories.actor("SRE", tipo="apf", name="Secretaría de Relaciones Exteriores")
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    # An actor registered under another chapter's type is kept, and reported.
    factories.actor("CNDH", tipo="apf", name="Comisión Nacional de los Derechos Humanos")
    report = import_compendio(excerpt_text(), year=2023)
    assert "SRE" not in report.actors_created
    assert "INM" not in report.actors_created
    sre.refresh_from_db()
    inm.refresh_from_db()
    assert (sre.name, sre.tipo_id) == ("Secretaría de Relaciones Exteriores", "apf")
    assert (inm.name, inm.tipo_id) == ("Instituto Nacional de Migración", "desconcentrado")
    assert Actor.objects.filter(sigla="SRE").count() == 1
    cndh_lines = [
        p.source_line for p in parse_compendio(excerpt_text()).programas if p.sigla == "CNDH"
    ]
    assert report.warnings == [
        f"L{line}: CNDH ya existe como «Dependencia de la Administración Pública Federal» "
        "(capítulo 1); el programa estaba en el capítulo 5."
        for line in cndh_lines
    ]


def test_excerpt_joint_actors_and_sigla_override(db) -> None:
    text = excerpt_text()
    import_compendio(text, year=2023)
    joint = imported()[5, 1, 4]
    assert joint.actor.sigla == "INEGI"
    assert [a.sigla for a in joint.co_actors.all()] == ["SRE"]
    assert joint.sigla_override == ""
    assert joint.printed_sigla == "INEGI/SRE"
    assert joint.nombre == "Libro “El sueño mexicano: estudios sobre la migración estadounidense”"
    # A joint sigla that Ficha.printed_sigla would not produce is kept as printed.
    text = text.replace("- INEGI/SRE.¹³", "- INEGI y SRE.¹³")
    assert "INEGI y SRE" in text
    import_compendio(text, year=2023, replace=True)
    joint = imported()[5, 1, 4]
    assert [a.sigla for a in joint.co_actors.all()] == ["SRE"]
    assert joint.sigla_override == "INEGI y SRE"
    assert joint.printed_sigla == "INEGI y SRE"
    assert Ficha.objects.exclude(sigla_override="").count() == 1


def test_excerpt_footnotes(excerpt_report) -> None:
    fichas = imported()
    notes = {
        (printed_key(n.ficha), n.position, n.marker): n.texto
        for n in Nota.objects.select_related("ficha__actor__tipo")
    }
    assert sorted(notes) == [
        ((1, 1, 2), 1, "[^1]"),
        ((1, 1, 9), 1, "[^2]"),
        ((1, 17, 2), 1, "[^6]"),
        # ¹³ is marked in the heading, which is built from fields: no marker in the texts.
        ((5, 1, 4), 1, ""),
        ((6, 16, 1), 1, "[^15]"),
    ]
    assert notes[(1, 1, 2), 1, "[^1]"].startswith("Quienes fueron apoyadas")
    assert notes[(5, 1, 4), 1, ""] == (
        "El libro puede consultarse en la liga: "
        "https://www.gob.mx/cms/uploads/attachment/file/766771/Libro_INEGI-2022-web.pdf"
    )
    assert "2 adolescentes de Venezuela[^1]." in fichas[1, 1, 2].resultados
    assert "servicios educativos y laborales[^15] a 62 personas" in fichas[6, 16, 1].resultados


def test_excerpt_tables_become_structured(excerpt_report) -> None:
    fichas = imported()
    segob = fichas[1, 1, 9]
    assert len(segob.tablas) == 1
    table = segob.tablas[0]
    assert table["caption"] == ""
    assert table["header"] == [
        "Sección",
        "Total de Visitas",
        "Sección",
        "Total de impactos potenciales[^2]",
    ]
    assert table["rows"][0] == [
        "Infografías",
        "7,832",
        "Encuestas de Migración en las Fronteras Norte y Sur",
        "1,210",
    ]
    # Rows that ended in blank cells are padded to the header's width.
    assert table["rows"][-1] == ["Síntesis mujeres", "2,589", "", ""]
    assert len(table["rows"]) == 7
    paragraphs = segob.resultados.split("\n\n")
    assert paragraphs.count("[[tabla 1]]") == 1
    for ficha in fichas.values():
        assert "\t" not in ficha.descripcion + ficha.resultados
        if ficha.pk != segob.pk:
            assert ficha.tablas == []
            assert "[[tabla" not in ficha.resultados + ficha.descripcion


def test_excerpt_texts_placeholders_and_challenges(excerpt_report) -> None:
    fichas = imported()
    ceav = fichas[1, 16, 2]
    assert (ceav.resultados, ceav.sin_retos, ceav.retos.count()) == ("", True, 0)
    assert fichas[5, 1, 2].resultados == ""
    assert fichas[1, 17, 2].sin_retos is True
    campeche = fichas[2, 6, 1]
    assert "Dichas actividades son:\n\n1. Implementar una campaña de difusión" in (
        campeche.descripcion
    )
    assert campeche.resultados.startswith("Se atiende a personas migrantes extranjeras")
    retos = list(fichas[1, 1, 2].retos.values_list("position", "texto"))
    assert [position for position, _ in retos] == [1, 2, 3, 4, 5, 6]
    assert retos[-1][1].startswith("Heterogeneidad de la población atendida")
    assert fichas[1, 1, 2].sin_retos is False
    imumi = list(fichas[6, 3, 1].retos.values_list("texto", flat=True))
    assert len(imumi) == 2
    assert imumi[1].count("\n- ") == 3
    parsed = parse_compendio(excerpt_text())
    assert Reto.objects.count() == sum(len(p.challenges) for p in parsed.programas)
    # Contact data is never in a printed source, and the import invents none.
    for ficha in fichas.values():
        assert [getattr(ficha, name) for name in Ficha.CONTACT_FIELDS] == [""] * 5


def test_excerpt_order_and_numbering(excerpt_report) -> None:
    parsed = parse_compendio(excerpt_text())
    blocks = numbered_blocks(Ficha.objects.for_print().filter(ejercicio=excerpt_report.ejercicio))
    printed = [
        (chapter, objective, index, ficha.nombre, ficha.printed_sigla)
        for (chapter, objective), fichas in blocks.items()
        for index, ficha in enumerate(fichas, start=1)
    ]
    assert printed == [
        (p.chapter, p.objective, p.number, p.name, p.sigla) for p in parsed.programas
    ]
    # Chapter 2, objective 10 keeps the printed order.
    assert [f.actor.sigla for f in blocks[2, 10]] == ["CAMPECHE", "QUINTANA ROO", "TABASCO"]


def test_second_import_is_refused_unless_replace(excerpt_report) -> None:
    with pytest.raises(ImportRefused, match="ya tiene 29 fichas. Use --replace"):
        import_compendio(excerpt_text(), year=2023)
    assert Ficha.objects.count() == 29
    report = import_compendio(excerpt_text(), year=2023, replace=True)
    assert report.fichas_replaced == 29
    assert report.actors_created == []
    assert report.total == 29
    assert Ficha.objects.count() == 29
    assert FichaEvent.objects.count() == 29
    assert Actor.objects.count() == 19
    assert Edicion.objects.count() == 1


def test_other_years_text_is_refused(db) -> None:
    with pytest.raises(ImportRefused, match="El texto es del Compendio 2023, no de 2024."):
        import_compendio(excerpt_text(), year=2024)
    with pytest.raises(ImportRefused, match="No se encontró ningún programa"):
        import_compendio("COMPENDIO GENERAL 2023\n\nSólo una portada.\n", year=2023)
    assert Ficha.objects.count() == 0


def test_unknown_state_is_reported_not_imported(db) -> None:
    text = excerpt_text().replace("Personas - TABASCO.", "Personas - ATLANTIS.")
    report = import_compendio(text, year=2023)
    assert report.unplaced_lines == [(428, "Entidad federativa desconocida: ATLANTIS")]
    assert report.fichas_per_chapter == {1: 15, 2: 4, 5: 5, 6: 4}
    assert not Actor.objects.filter(sigla="ATLANTIS").exists()


def test_existing_exercise_without_fichas_is_kept_and_used(db) -> None:
    ejercicio = factories.ejercicio(2023, status=EjercicioStatus.CERRADO)
    report = import_compendio(excerpt_text(), year=2023)
    assert report.ejercicio.pk == ejercicio.pk
    ejercicio.refresh_from_db()
    assert ejercicio.status == EjercicioStatus.CERRADO
    assert ejercicio.fichas.count() == 29


def test_import_runs_in_a_fixed_number_of_queries(db, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(25):
        import_compendio(excerpt_text(), year=2023)


# --- Glossary -------------------------------------------------------------------------------

GLOSSARY_TEXT = """\
Retos
- Uno.

ANEXOS

1. Glosario con las dependencias de la APF, Órganos desconcentrados…

Nombre\tSigla
Centros de Integración Juvenil\tCIJ
Instituto Nacional de Estadística, Geografía e Informática\tINEGI
Secretaría de Gobernación\tSEGOB

Secretariado Ejecutivo del Sistema Nacional de Seguridad Pública\tSESNP
Unidad de Política Migratoria, Registro e Identidad de Personas\tUPMRIP

2. Entidades federativas de la República Mexicana que colaboraron para el informe.

Estados

Campeche\tGuerrero\tNuevo León\tSonora

3. Otras siglas y abreviaturas.

Nombre\tSigla
\tDVV
Asociación Alemana para Jóvenes y Adultos\tInternational
Instituto Mexicano del Seguro Social\tIMSS
Secretaría de Gobernación (otra forma)\tSEGOB
"""


def test_parse_glossary_tolerates_the_known_errors() -> None:
    assert parse_glossary(GLOSSARY_TEXT) == {
        "CIJ A.C.": "Centros de Integración Juvenil",
        "INEGI": "Instituto Nacional de Estadística y Geografía",
        "SEGOB": "Secretaría de Gobernación",
        "SESNSP": "Secretariado Ejecutivo del Sistema Nacional de Seguridad Pública",
        "UPMRIP": "Unidad de Política Migratoria, Registro e Identidad de Personas",
        # Annex 3 fills what annex 1 lacks; the sigla the export wrapped onto two rows is
        # joined («DVV International», issue 12), annex 1 wins where both name a sigla.
        "DVV International": "Asociación Alemana para Jóvenes y Adultos",
        "IMSS": "Instituto Mexicano del Seguro Social",
    }
    assert parse_glossary("Sin anexos.") == {}


@pytest.mark.slow
def test_seed_annex_3_becomes_the_editions_acronym_list(db, seed_text) -> None:
    report = import_compendio(seed_text, year=2023)
    lines = report.ejercicio.edicion.other_acronyms.splitlines()
    assert len(lines) == 119
    assert lines[0] == "Administración Pública Federal | APF"
    assert lines[-1] == "Virus de la inmunodeficiencia humana | VIH"


# --- Command --------------------------------------------------------------------------------


def test_command_prints_counts_and_unplaced_lines(db, tmp_path) -> None:
    lines = excerpt_text().splitlines()
    empty = lines.index("No se reportaron acciones.")
    lines.insert(empty + 1, "Texto suelto tras un objetivo vacío.")
    path = tmp_path / "compendio.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    out = StringIO()
    call_command("import_compendio", str(path), "--year", "2023", stdout=out)
    output = out.getvalue()
    assert "Ejercicio 2023: 29 fichas aprobadas importadas." in output
    assert "  Capítulo 1. Dependencias de la Administración Pública Federal: 15\n" in output
    assert "  Capítulo 6. Organizaciones de la Sociedad Civil: 4\n" in output
    assert "Instituciones nuevas (19): CONAHCYT, INMUJERES, INM," in output
    assert f"Líneas sin ubicar: 1\n  L{empty + 2}: Texto suelto tras un objetivo vacío.\n" in (
        output
    )
    # --strict: the import is done, but the command fails; a second run is refused.
    with pytest.raises(CommandError, match="ya tiene 29 fichas"):
        call_command("import_compendio", str(path), "--year", "2023", stdout=StringIO())
    with pytest.raises(CommandError, match=r"Hay líneas sin ubicar \(--strict\)"):
        call_command(
            "import_compendio", str(path), "--year", "2023", "--replace", "--strict",
            stdout=StringIO(),
        )  # fmt: skip
    assert Ficha.objects.count() == 29


def test_command_reports_an_unreadable_file(db, tmp_path) -> None:
    with pytest.raises(CommandError, match="No se pudo leer"):
        call_command("import_compendio", str(tmp_path / "no.txt"), "--year", "2023")


# --- Full seed ------------------------------------------------------------------------------


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed 003 not found at {SEED} (expected ../shared beside the repo root)")
    return SEED.read_text(encoding="utf-8")


@pytest.mark.slow
def test_seed_import_counts(db, seed_text, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(30):
        report = import_compendio(seed_text, year=2023)
    assert report.unplaced_lines == []
    assert report.warnings == []
    assert report.total == 356
    assert report.fichas_per_chapter == {1: 173, 2: 151, 3: 6, 4: 7, 5: 13, 6: 6}
    assert len(report.actors_created) == 61
    fichas = Ficha.objects.for_print().filter(ejercicio=report.ejercicio)
    assert fichas.count() == 356
    # §B.8, per objective and chapter.
    counts = Counter((f.actor.tipo.chapter, f.objetivo_asignado_id) for f in fichas)
    assert counts == {
        (chapter, objective): count
        for objective, row in B8_TABLE.items()
        for chapter, count in row.items()
        if count
    }
    assert (
        Ficha.objects.filter(ejercicio=report.ejercicio)
        .exclude(status=FichaStatus.APROBADA)
        .count()
        == 0
    )
    assert FichaEvent.objects.filter(note=IMPORT_NOTE).count() == 356
    assert sum(1 for f in fichas if f.sin_retos) == 67
    assert sum(1 for f in fichas if not f.resultados) == 26
    assert sum(1 for f in fichas if f.co_actors.all()) == 8
    assert [f.sigla_override for f in fichas if f.sigla_override] == ["STPS y SRE"]
    assert sum(len(f.tablas) for f in fichas) == 3
    assert sorted(n.marker for f in fichas for n in f.notas.all()) == sorted(
        ["", ""] + [f"[^{n}]" for n in range(1, 16) if n not in (3, 13)]
    )
    for ficha in fichas:
        assert [getattr(ficha, name) for name in Ficha.CONTACT_FIELDS] == [""] * 5
        assert "\\$" not in ficha.resultados + ficha.descripcion


@pytest.mark.slow
def test_seed_import_reproduces_numbering_and_order(db, seed_text) -> None:
    report = import_compendio(seed_text, year=2023)
    parsed = parse_compendio(seed_text)
    blocks = numbered_blocks(Ficha.objects.for_print().filter(ejercicio=report.ejercicio))
    printed = [
        (chapter, objective, index, ficha.nombre, ficha.printed_sigla)
        for (chapter, objective), fichas in blocks.items()
        for index, ficha in enumerate(fichas, start=1)
    ]
    assert printed == [
        (p.chapter, p.objective, p.number, p.name, p.sigla) for p in parsed.programas
    ]
    # Chapter 2, objective 3: Quintana Roo printed last, after Veracruz (not alphabetical).
    assert [f.actor.sigla for f in blocks[2, 3]][-2:] == ["VERACRUZ", "QUINTANA ROO"]
    actors = {a.sigla: a for a in Actor.objects.select_related("tipo")}
    assert actors["SESNSP"].name == (
        "Secretariado Ejecutivo del Sistema Nacional de Seguridad Pública"
    )
    assert actors["CIJ A.C."].name == "Centros de Integración Juvenil"
    assert actors["IMSS"].name == "Instituto Mexicano del Seguro Social"
    assert actors["SEGOB (UPMRIP)"].name == (
        "Unidad de Política Migratoria, Registro e Identidad de Personas de la Secretaría "
        "de Gobernación"
    )
    assert actors["INEGI"].name == "Instituto Nacional de Estadística y Geografía"
    assert actors["ESTADO DE MÉXICO"].name == "Gobierno del Estado de México"
    assert Counter(a.tipo_id for a in actors.values()) == {
        "apf": 33,
        "estatal": 17,
        "legislativo": 2,
        "judicial": 1,
        "autonomo": 4,
        "osc": 4,
    }
