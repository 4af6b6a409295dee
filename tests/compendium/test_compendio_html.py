"""The Compendio General's HTML in detail, on a small fixture (domain.md §B)."""

import html as html_lib
import re

import pytest

from compendium.compendio import compendio_context, render_compendio_html
from compendium.editions import create_edicion
from compendium.pdf import STATIC_BASE
from reporting.models import Nota, ObjetivoPMM, Observacion
from tests import factories


def approved(actor, ejercicio, objective: int, **kw):
    return factories.ficha(
        actor,
        ejercicio,
        status="aprobada",
        objetivo_asignado=ObjetivoPMM.objects.get(number=objective),
        **kw,
    )


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment: footnote bodies and tags removed, entities decoded."""
    fragment = re.sub(r'<span class="fn"[^>]*>.*?</span>', "", fragment, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def program_headings(markup: str) -> list[str]:
    # No-break spaces join «– SIGLA.» to the name in print (docs/pre-publication-check.md §T1).
    return [
        html_lib.unescape(re.sub(r'<span class="fn"[^>]*>.*?</span>', "", h, flags=re.S)).replace(
            "\u00a0", " "
        )
        for h in re.findall(r'<h3 class="program">(.*?)</h3>', markup, flags=re.S)
    ]


def sections(markup: str) -> list[tuple[str, list[str]]]:
    """(chapter heading, [objective headings]) in document order."""
    out = []
    for chunk in re.split(r'(?=<section class="chapter")', markup)[1:]:
        chunk = chunk.split('<section class="annexes"')[0]
        h1 = text_of(re.search(r"<h1[^>]*>(.*?)</h1>", chunk, flags=re.S)[1])
        objectives = [text_of(h) for h in re.findall(r"<h2 class=\"objective\">(.*?)</h2>", chunk)]
        out.append((h1, objectives))
    return out


@pytest.fixture
def book(db, ejercicio, coordinator):
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    salud = factories.actor("SALUD", tipo="apf", name="Secretaría de Salud")
    sre = factories.actor("SRE", tipo="apf", name="Secretaría de Relaciones Exteriores")
    nl = factories.actor("NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno de NL")
    chis = factories.actor("CHIAPAS", tipo="estatal", entidad="07", name="Gobierno de Chiapas")
    diputados = factories.actor(
        "CÁMARA DE DIPUTADOS", tipo="legislativo", name="Cámara de Diputados"
    )
    f = {}
    f["inm1"] = approved(
        inm,
        ejercicio,
        1,
        nombre="Tarjeta de Visitante Regional.",
        orden=1,
        descripcion="Primer párrafo con nota[^1].\n\nSegundo párrafo.\n- Viñeta uno\n- Viñeta dos",
        resultados="Se expidieron 1,245 tarjetas.\n\n[[tabla 1]]",
        tablas=[
            {
                "caption": "Tarjetas",
                "header": ["Estado", "Total[^2]"],
                "rows": [["Chiapas", "1,000"]],
            }
        ],
        unidad="Dirección General de Regulación Confidencial",
        nota_asignacion="Nota interna de asignación confidencial",
        propuestos=[9],
    )
    Nota.objects.create(ficha=f["inm1"], marker="[^1]", texto="Nota de la descripción.")
    Nota.objects.create(ficha=f["inm1"], marker="[^2]", texto="Nota de la tabla.")
    f["joint"] = approved(
        salud, ejercicio, 1, nombre="Salud sin fronteras", orden=2, retos=[], resultados=""
    )
    f["joint"].co_actors.set([sre])
    Nota.objects.create(ficha=f["joint"], marker="", texto="Nota del encabezado.")
    f["inm3"] = approved(
        inm,
        ejercicio,
        3,
        nombre="Programa Héroes Paisanos",
        resultados="",
        personas_atendidas=None,
        mujeres=None,
        hombres=None,
        retos=["Reto con nota[^1]."],
    )
    Nota.objects.create(ficha=f["inm3"], marker="[^1]", texto="Nota de un reto.")
    f["nl"] = approved(
        nl,
        ejercicio,
        1,
        nombre="Atención a personas migrantes EE.UU.",
        resultados="Texto sin cifras.",
    )
    f["nl"].entidades.set(["07", "27"])
    f["chis"] = approved(chis, ejercicio, 1, nombre="Casa del migrante")
    f["dip"] = approved(diputados, ejercicio, 12, nombre="Iniciativa de ley")
    # Not approved: never printed.
    factories.ficha(inm, ejercicio, nombre="Borrador que no se imprime")
    Observacion.objects.create(ficha=f["inm1"], texto="Observación confidencial de revisión")
    edicion = create_edicion(
        ejercicio=ejercicio,
        by=coordinator,
        other_acronyms="Virus de la inmunodeficiencia humana | VIH\nAgenda 2030 | A2030",
    )
    return edicion, f


def test_headings_canonical_numbered_per_objective_and_chapter(book) -> None:
    edicion, _f = book
    markup = render_compendio_html(edicion, draft=False)
    assert program_headings(markup) == [
        "1. Tarjeta de Visitante Regional – INM.",
        "2. Salud sin fronteras – SALUD/SRE.",
        "1. Programa Héroes Paisanos – INM.",
        # Chapter 2: alphabetical by state, numbering restarts.
        "1. Casa del migrante – CHIAPAS.",
        "2. Atención a personas migrantes EE.UU. – NUEVO LEÓN.",
        "1. Iniciativa de ley – CÁMARA DE DIPUTADOS.",
    ]
    assert "Borrador que no se imprime" not in markup


def test_chapters_list_all_objectives_only_where_the_type_says_so(book) -> None:
    edicion, _f = book
    markup = render_compendio_html(edicion, draft=False)
    titles = {o.number: o.title for o in ObjetivoPMM.objects.all()}
    all_23 = [f"Objetivo {n}. {titles[n]}" for n in range(1, 24)]
    assert sections(markup) == [
        ("CAPÍTULO 1 Dependencias de la Administración Pública Federal", all_23),
        ("CAPÍTULO 2 Entidades Federativas", all_23),
        # Chapter 3 only has objective 12; the proposed objective 9 of a ficha never shows.
        ("CAPÍTULO 3 Poder Legislativo", [f"Objetivo 12. {titles[12]}"]),
    ]
    # 21 empty objectives in chapter 1 (1 and 3 have programs), 22 in chapter 2.
    assert markup.count("No se reportaron acciones.") == 21 + 22
    assert 'data-bookmark="Capítulo 3. Poder Legislativo"' in markup


def test_placeholders_and_structured_figures(book) -> None:
    edicion, f = book
    context = compendio_context(edicion, draft=False)
    chapter1 = context["chapters"][0]
    joint = chapter1.objectives[0].programas[1]
    heroes = chapter1.objectives[2].programas[0]
    nl = context["chapters"][1].objectives[0].programas[1]

    def texts(blocks):
        return [" ".join(s.text for line in b.lines for s in line) for b in blocks]

    # No narrative but figures: the figures are written out; no retos → placeholder.
    assert texts(joint.results) == [
        "Se atendieron 1,245 personas: 600 mujeres y 645 hombres. Alcance: nacional."
    ]
    assert joint.challenges == []
    # Nothing at all → «No se reportaron resultados.»
    assert texts(heroes.results) == ["No se reportaron resultados."]
    # Narrative without the figures: they are added, with the states of the scope.
    assert texts(nl.results) == [
        "Texto sin cifras.",
        "Se atendieron 1,245 personas: 600 mujeres y 645 hombres. Alcance: nacional. "
        "Entidades: Chiapas, Tabasco.",
    ]
    markup = render_compendio_html(edicion, draft=False)
    assert "<h4>Retos</h4>\n      <p>No se reportaron retos.</p>" in markup
    # Description extras from the structured fields (factory values).
    assert "Población objetivo: Personas migrantes en tránsito y sus familias." in markup


def test_footnotes_numbered_through_the_book_in_print_order(book) -> None:
    edicion, _f = book
    markup = render_compendio_html(edicion, draft=False)
    notes = re.findall(r'<span class="fn" data-n="(\d+)">(.*?)</span>', markup)
    assert notes == [
        ("1", "Nota de la descripción."),
        ("2", "Nota de la tabla."),
        ("3", "Nota del encabezado."),
        ("4", "Nota de un reto."),
    ]
    # The heading note follows the final period of the heading.
    assert (
        '<h3 class="program">2. Salud sin fronteras\u00a0–\u00a0SALUD/SRE.'
        '<span class="fn" data-n="3">' in markup
    )
    assert "[^" not in markup and "[[tabla" not in markup


def test_text_blocks_bullets_and_table(book) -> None:
    edicion, _f = book
    markup = render_compendio_html(edicion, draft=False)
    assert "<ul><li>Viñeta uno</li><li>Viñeta dos</li></ul>" in markup
    table = re.search(r'<table class="data">(.*?)</table>', markup, flags=re.S)[1]
    assert text_of(table) == "Tarjetas Estado Total Chiapas 1,000"


def test_annexes_from_the_data(book) -> None:
    edicion, _f = book
    context = compendio_context(edicion, draft=False)
    assert context["glossary"] == [
        ("Cámara de Diputados", "CÁMARA DE DIPUTADOS"),
        ("Instituto Nacional de Migración", "INM"),
        ("Secretaría de Relaciones Exteriores", "SRE"),
        ("Secretaría de Salud", "SALUD"),
    ]
    assert context["states"] == ["Chiapas", "Nuevo León"]
    assert context["acronyms"] == [
        ("Agenda 2030", "A2030"),
        ("Virus de la inmunodeficiencia humana", "VIH"),
    ]


def test_front_matter_and_toc(book) -> None:
    edicion, _f = book
    markup = render_compendio_html(edicion, draft=False)
    assert "<title>Compendio General 2024</title>" in markup
    assert '<html lang="es-MX">' in markup
    # The print <head> shared with the Informe: fonts first, then the document's own sheets.
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)">', markup) == [
        STATIC_BASE + "print/fonts.css",
        STATIC_BASE + "print/base.css",
        STATIC_BASE + "print/compendio.css",
    ]
    assert "abarca del mes de junio de 2023 a junio de 2024; sin embargo" in markup
    assert re.findall(r'<li><a href="#([\w-]+)">', markup) == [
        "introduccion",
        "capitulo-1",
        "capitulo-2",
        "capitulo-3",
        "anexos",
    ]
    assert "LUISA MARÍA ALCALDE LUJÁN" in markup


def test_blank_front_matter_prints_the_defaults_with_the_edition_date(book) -> None:
    edicion, _f = book
    edicion.credits = edicion.closing_text = ""
    edicion.date_line = "Ciudad de México a 28 de noviembre de 2024."
    markup = render_compendio_html(edicion, draft=False)
    assert "Fecha de última modificación 28 de noviembre de 2024." in markup
    assert "Este Compendio fue elaborado en su edición 2024" in markup


def test_private_and_internal_data_never_printed(book) -> None:
    edicion, _f = book
    markup = render_compendio_html(edicion, draft=False)
    for private in (
        "María Pérez López",
        "Directora de Área",
        "1234",
        "maria.perez@prueba.gob.mx",
        "Dirección General de Regulación Confidencial",
        "Nota interna de asignación confidencial",
        "Observación confidencial de revisión",
    ):
        assert private not in markup


def test_user_text_is_escaped(db, ejercicio, coordinator) -> None:
    inm = factories.actor("INM", tipo="desconcentrado")
    approved(inm, ejercicio, 1, nombre="<b>Negritas</b> & <script>x()</script>")
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    markup = render_compendio_html(edicion, draft=False)
    escaped = "&lt;b&gt;Negritas&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;"
    assert escaped + "\u00a0–\u00a0INM." in markup
    assert "<script>" not in markup


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # A total without a breakdown by sex is allowed (docs/ficha.md §R12): the build used to
        # fail with IndexError on it (found by tests/browser/test_year.py).
        ({"personas_atendidas": 3200}, "Se atendieron 3,200 personas."),
        ({"personas_atendidas": 1}, "Se atendió 1 persona."),
        ({"personas_atendidas": 10, "mujeres": 4}, "Se atendieron 10 personas: 4 mujeres."),
        (
            {"personas_atendidas": 10, "mujeres": 4, "hombres": 6},
            "Se atendieron 10 personas: 4 mujeres y 6 hombres.",
        ),
    ],
)
def test_people_sentence_with_or_without_a_breakdown(values, expected):
    from compendium.compendio import _people_sentence
    from reporting.models import Ficha

    assert _people_sentence(Ficha(resultados="Atención consular.", **values)) == expected
