"""Every computed section of the Informe Ejecutivo, against a small hand-checked exercise.

The fixture (16 approved fichas, counted by hand in the comments) is built so that both ranked
tables end in a tie, a joint program has a co-actor that never leads, a state takes part only
as a co-actor once, and figures are reported by some fichas only.
"""

import xml.etree.ElementTree as ET

import cssselect2
import pytest
import tinyhtml5

from compendium import charts, informe
from compendium.models import Edicion
from reporting.models import ChallengeCategory, Ficha, FichaStatus, ObjetivoPMM, Reto
from tests import factories

APROBADA = FichaStatus.APROBADA
SVG = "{http://www.w3.org/2000/svg}"


def approved(actor, ejercicio, objective, **kw):
    kw.setdefault("retos", [])
    for name in ("personas_atendidas", "mujeres", "hombres", "otras_personas", "num_acciones"):
        kw.setdefault(name, None)
    co_actors = kw.pop("co_actors", [])
    f = factories.ficha(
        actor, ejercicio, status=APROBADA, objetivo_asignado_id=objective, propuestos=[], **kw
    )
    f.co_actors.set(co_actors)
    return f


@pytest.fixture
def world(db):
    e = factories.ejercicio(2024)
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    sre = factories.actor("SRE", tipo="apf", name="Secretaría de Relaciones Exteriores")
    sb = factories.actor("SB", tipo="apf", name="Secretaría de Bienestar")
    nl = factories.actor("NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno de Nuevo León")
    chis = factories.actor("CHIAPAS", tipo="estatal", entidad="07", name="Gobierno de Chiapas")
    cndh = factories.actor("CNDH", tipo="autonomo", name="Comisión Nacional de Derechos Humanos")
    imumi = factories.actor("IMUMI", tipo="osc", name="Instituto para las Mujeres en la Migración")
    f = {}
    # Objective 1: 3 (INM ×2, NUEVO LEÓN).
    f["inm1"] = approved(
        inm,
        e,
        1,
        nombre="Registro de personas extranjeras",
        descripcion=(
            "El programa registra a las personas extranjeras que ingresan por vía terrestre. "
            "Opera en las 32 oficinas de representación del país. "
            "La tercera oración ya no cabe en el resumen porque el límite es de diez palabras."
        ),
        resultados="Se registró a 1,000 personas. Se abrieron dos oficinas.",
        destacada=True,
        personas_atendidas=1000,
        mujeres=400,
        hombres=500,
        otras_personas=100,
        num_acciones=12,
        tipo_acciones="Talleres",
    )
    f["inm1b"] = approved(inm, e, 1, personas_atendidas=245, num_acciones=3)
    f["nl1"] = approved(nl, e, 1)
    # Objectives 2-6: 2 each.
    f["sre2"] = approved(sre, e, 2)
    f["chis2"] = approved(chis, e, 2)
    f["nl3"] = approved(nl, e, 3)
    f["cndh3"] = approved(
        cndh,
        e,
        3,
        nombre="Quejas por discriminación",
        destacada=True,
        resumen_informe="Resumen editado por la Coordinación.",
        resultados="Se atendieron 52 quejas.",
    )
    f["imumi4"] = approved(imumi, e, 4)
    f["inm4"] = approved(inm, e, 4)
    f["chis5"] = approved(chis, e, 5)
    f["nl5"] = approved(nl, e, 5)
    f["sre6"] = approved(sre, e, 6, co_actors=[inm])
    f["sre6b"] = approved(sre, e, 6)
    # Objectives 7-9: 1 each. NUEVO LEÓN's program is joint with CHIAPAS; INM's with SB.
    f["nl7"] = approved(nl, e, 7, co_actors=[chis])
    f["inm8"] = approved(inm, e, 8, co_actors=[sb])
    f["chis9"] = approved(chis, e, 9)
    # Not counted: a draft of this exercise, and an approved ficha of another exercise.
    factories.ficha(inm, e, nombre="Borrador", personas_atendidas=99, destacada=True)
    approved(inm, factories.ejercicio(2023), 10, personas_atendidas=77)

    cats = list(ChallengeCategory.objects.filter(ejercicio=e))
    retos = [
        (f["inm1"], cats[0], "Presupuesto insuficiente para operar. Se recortó en marzo."),
        (f["inm1b"], cats[0], "Recorte de recursos a mitad del año."),
        (f["nl1"], cats[0], "Falta de presupuesto estatal."),
        (f["cndh3"], cats[0], "Sin recursos para visitas."),
        (f["sre2"], cats[1], "Rotación del personal consular."),
        (f["chis2"], cats[1], "Personal sin capacitación."),
        (f["nl3"], cats[2], "Coordinación lenta con municipios."),
        (f["nl5"], cats[2], "Falta de convenios con la federación."),
        (f["imumi4"], None, "Un reto sin categoría."),
    ]
    for i, (ficha, cat, text) in enumerate(retos):
        Reto.objects.create(ficha=ficha, categoria=cat, texto=text, position=i)
    return {"ejercicio": e, "fichas": f, "categories": cats}


@pytest.fixture
def data(world):
    return informe.compute_informe(world["ejercicio"])


def test_only_approved_fichas_of_the_exercise_are_loaded(world):
    loaded = informe.load_fichas(world["ejercicio"])
    assert len(loaded) == 16
    assert sorted(f.pk for f in loaded) == sorted(f.pk for f in world["fichas"].values())


def test_counts_per_objective_all_federal_state(data):
    rows = {c.number: (c.total, c.federal, c.state) for c in data.counts}
    assert [c.number for c in data.counts] == list(range(1, 24))
    assert rows[1] == (3, 2, 1)
    assert rows[2] == (2, 1, 1)
    assert rows[3] == (2, 0, 1)  # the CNDH is neither federal body nor state
    assert rows[4] == (2, 1, 0)  # IMUMI is an OSC
    assert rows[5] == (2, 0, 2)
    assert rows[6] == (2, 2, 0)  # the joint SRE/INM program counts once
    assert rows[7] == (1, 0, 1)
    assert rows[8] == (1, 1, 0)
    assert rows[9] == (1, 0, 1)
    assert all(rows[n] == (0, 0, 0) for n in range(10, 24))
    assert data.counts[14].title == ObjetivoPMM.objects.get(number=15).title
    assert (data.participation.fichas, data.federal_total, data.state_total) == (16, 7, 7)


def test_most_table_keeps_every_objective_tied_at_the_boundary(data):
    assert data.most.numbers == [1, 2, 3, 4, 5, 6]
    assert [r.count for r in data.most.rows] == [3, 2, 2, 2, 2, 2]
    assert data.most.tied == [2, 3, 4, 5, 6]
    assert data.most.note == (
        "Se muestran 6 objetivos en lugar de 5 porque los objetivos 2, 3, 4, 5 y 6 empatan "
        "con 2 fichas; el empate no se rompe."
    )


def test_fewest_table_starts_with_the_objectives_without_fichas_and_keeps_ties(data):
    # Objectives 10-23 have no fichas: they are the fewest, all tied at zero.
    assert data.fewest.numbers == list(range(10, 24))
    assert [r.count for r in data.fewest.rows] == [0] * 14
    assert data.fewest.tied == list(range(10, 24))
    assert data.fewest.note == (
        "Se muestran 14 objetivos en lugar de 5 porque los objetivos 10, 11, 12, 13, 14, 15, "
        "16, 17, 18, 19, 20, 21, 22 y 23 empatan con 0 fichas; el empate no se rompe."
    )
    assert data.empty_all == list(range(10, 24))
    assert data.empty_federal == [3, 5, 7, 9, *range(10, 24)]
    assert data.empty_state == [4, 6, 8, *range(10, 24)]


def test_ranking_without_ties_has_exactly_five_rows_and_no_note():
    counts = [informe.ObjectiveCount(n, f"T{n}", n, 0, 0) for n in range(1, 24)]
    most = informe.rank_objectives(counts)
    fewest = informe.rank_objectives(counts, fewest=True)
    assert (most.numbers, most.note) == ([23, 22, 21, 20, 19], "")
    assert (fewest.numbers, fewest.note) == ([1, 2, 3, 4, 5], "")


def _counts(totals: dict[int, int], default: int) -> list[informe.ObjectiveCount]:
    return [informe.ObjectiveCount(n, f"T{n}", totals.get(n, default), 0, 0) for n in range(1, 24)]


def test_fewest_table_counts_objectives_without_fichas_first():
    fewest = informe.rank_objectives(_counts({4: 0, 9: 0, 1: 1, 2: 1, 3: 2}, 5), fewest=True)
    assert [(r.number, r.count) for r in fewest.rows] == [(4, 0), (9, 0), (1, 1), (2, 1), (3, 2)]
    assert fewest.note == ""


def test_fewest_table_keeps_a_tie_after_the_objectives_without_fichas():
    fewest = informe.rank_objectives(_counts({4: 0, 9: 0, 1: 1, 2: 1, 3: 2, 5: 2}, 5), fewest=True)
    assert [(r.number, r.count) for r in fewest.rows] == [
        (4, 0),
        (9, 0),
        (1, 1),
        (2, 1),
        (3, 2),
        (5, 2),
    ]
    assert fewest.tied == [3, 5]
    assert fewest.note == (
        "Se muestran 6 objetivos en lugar de 5 porque los objetivos 3 y 5 empatan con 2 fichas; "
        "el empate no se rompe."
    )


def test_participation_by_actor_type_and_states(data):
    rows = [(r.chapter, r.title, r.institutions, r.fichas) for r in data.participation.by_chapter]
    assert rows == [
        (1, "Dependencias de la Administración Pública Federal", 3, 7),  # SB only co-signs
        (2, "Entidades Federativas", 2, 7),
        (3, "Poder Legislativo", 0, 0),
        (4, "Poder Judicial", 0, 0),
        (5, "Organismos Constitucionales Autónomos", 1, 1),
        (6, "Organizaciones de la Sociedad Civil", 1, 1),
    ]
    assert data.participation.institutions == 7
    assert [e.name for e in data.participation.states] == ["Chiapas", "Nuevo León"]
    assert (data.participation.states_count, data.participation.states_total) == (2, 32)


def test_period_text(world):
    assert informe.period_text(world["ejercicio"]) == "junio de 2023 a junio de 2024"


def test_fichas_per_state_and_map_classes(data):
    # CHIAPAS leads 3 and co-signs NUEVO LEÓN's objective-7 program.
    assert data.per_state == {"19": 4, "07": 4}
    assert [charts.map_class(n) for n in (0, 1, 3, 4, 10, 11, 48)] == [0, 1, 1, 2, 2, 3, 3]
    legend = charts.map_legend({"19": 22, "07": 4, "04": 2, "06": 1})
    assert [(item["label"], item["states"]) for item in legend] == [
        ("Sin fichas", 28),
        ("Entre 1 y 3", 2),
        ("Entre 4 y 10", 1),
        ("Más de 10", 1),
    ]


def test_key_figures_state_their_coverage_and_never_invent(data):
    figures = {f.key: (f.total, f.reported_in, f.of, f.display, f.coverage) for f in data.figures}
    assert figures["personas_atendidas"] == (1245, 2, 16, "1,245", "reportado en 2 de 16 fichas")
    assert figures["mujeres"] == (400, 1, 16, "400", "reportado en 1 de 16 fichas")
    assert figures["hombres"] == (500, 1, 16, "500", "reportado en 1 de 16 fichas")
    assert figures["otras_personas"] == (100, 1, 16, "100", "reportado en 1 de 16 fichas")
    # Actions are never summed across kinds (workshops + cards issued + services).
    assert "num_acciones" not in figures
    nothing = informe.key_figures([])
    assert [(f.total, f.display) for f in nothing] == [(None, "No reportado")] * 4


def test_actions_are_counted_per_kind_with_the_fichas_that_report_each(data):
    # INM: 12 «Talleres»; INM's second ficha: 3 actions of no stated kind.
    assert data.actions == informe.ActionsByKind(
        kinds=[informe.ActionKind("Talleres", 12, 1)], untyped=1, reported_in=2, of=16
    )
    assert data.actions.note == (
        "Acciones realizadas: no se suman, porque cada ficha cuenta su propio tipo de acción "
        "(talleres, documentos expedidos, servicios…). Fichas que reportan un número de "
        "acciones: 2 de 16 (1 tipo; 1 sin tipo indicado)."
    )


def test_actions_by_kind_match_spellings_and_never_mix_kinds():
    def f(n, kind):
        return Ficha(num_acciones=n, tipo_acciones=kind)

    fichas = [
        f(5, "Talleres"),
        f(12, "  talleres. "),
        f(68_412, "Tarjetas de Visitante Regional expedidas"),
        f(1_532_880, "Servicios de orientación y detección"),
        f(0, "Servicios de ORIENTACION y  detección"),
        f(None, "Foros"),  # a kind without a number is not a figure
        f(7, ""),
        f(None, ""),
    ]
    actions = informe.actions_by_kind(fichas)
    assert [(k.label, k.total, k.display, k.fichas) for k in actions.kinds] == [
        ("Servicios de orientación y detección", 1_532_880, "1,532,880", 2),
        ("Talleres", 17, "17", 2),
        ("Tarjetas de Visitante Regional expedidas", 68_412, "68,412", 1),
    ]
    assert (actions.untyped, actions.reported_in, actions.of) == (1, 6, 8)
    assert actions.note.endswith("acciones: 6 de 8 (3 tipos distintos; 1 sin tipo indicado).")
    assert informe.actions_by_kind([f(None, "Foros")]).note == "Acciones realizadas: No reportado."


def test_highlights_per_objective(data, world):
    by_number = {h.number: h for h in data.highlights}
    assert len(data.highlights) == 23
    [inm] = by_number[1].highlights
    assert (inm.name, inm.institution, inm.sigla) == (
        "Registro de personas extranjeras",
        "Instituto Nacional de Migración",
        "INM",
    )
    # Default summary: whole first sentences; the key result from the structured figures.
    assert inm.summary.startswith("El programa registra a las personas extranjeras")
    assert inm.key_result == "1,000 personas atendidas y 12 acciones."
    [cndh] = by_number[3].highlights
    assert cndh.summary == "Resumen editado por la Coordinación."
    assert cndh.key_result == "Se atendieron 52 quejas."
    assert [n for n, h in by_number.items() if h.highlights] == [1, 3]


def test_first_sentences():
    text = "Uno dos tres. Cuatro cinco seis. Siete ocho nueve."
    assert informe.first_sentences(text, words=6) == "Uno dos tres. Cuatro cinco seis."
    assert informe.first_sentences(text, words=2) == "Uno dos tres."
    assert informe.first_sentences("  ", words=5) == ""
    long_one = " ".join(["palabra"] * 50)
    assert informe.first_sentences(long_one, words=10) == " ".join(["palabra"] * 10) + "…"


def test_challenges_counted_ranked_with_examples(data, world):
    rows = [(c.rank, c.name, c.federal, c.state, c.total) for c in data.challenges]
    names = [c.name for c in world["categories"]]
    assert rows[:4] == [
        (1, names[0], 2, 1, 4),
        (2, names[1], 1, 1, 2),
        (2, names[2], 0, 2, 2),
        (4, "Sin categoría asignada", 0, 0, 1),
    ]
    assert [r[0] for r in rows[4:]] == [5] * (len(names) - 3)
    assert all(r[4] == 0 for r in rows[4:])
    # Examples: one per institution first (INM, NUEVO LEÓN, CNDH), in print order (INM's
    # «Programa de atención…» prints before its «Registro…»).
    assert data.challenges[0].examples == [
        "Recorte de recursos a mitad del año.",
        "Falta de presupuesto estatal.",
        "Sin recursos para visitas.",
    ]
    assert data.challenges[3].examples == ["Un reto sin categoría."]


def test_participants_table_counts_joint_programs_for_each_co_actor(data):
    rows = [(r.chapter, r.sigla, r.lead, r.joint, r.total) for r in data.participants]
    assert rows == [
        (1, "INM", 4, 1, 5),
        (1, "SB", 0, 1, 1),
        (1, "SRE", 3, 0, 3),
        (2, "CHIAPAS", 3, 1, 4),
        (2, "NUEVO LEÓN", 4, 0, 4),
        (5, "CNDH", 1, 0, 1),
        (6, "IMUMI", 1, 0, 1),
    ]
    assert data.has_joint is True


# --- Charts ----------------------------------------------------------------------------------


def test_bar_chart_has_title_desc_and_a_label_per_bar(data):
    svg = ET.fromstring(str(charts.objective_bar_chart(data.counts, attr="federal", chart_id="g")))
    assert svg.get("role") == "img"
    # The name is the title only; the values are in the table, not read twice (issue 11).
    assert (svg.get("aria-labelledby"), svg.get("aria-describedby")) == ("g-t", "g-d")
    assert svg.find(f"{SVG}title").text == "Fichas por Objetivo del PMM: dependencias federales"
    assert "Objetivo 1: 2" not in svg.find(f"{SVG}desc").text
    assert len(svg.findall(f"{SVG}rect")) == 5  # objectives 1, 2, 4, 6 and 8
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    # After the axis ticks, each objective prints its value, then its number under the bar.
    pairs = texts[-47:-1]
    assert pairs[1::2] == [str(n) for n in range(1, 24)]
    assert pairs[0::2] == [str(c.federal) for c in data.counts]
    assert texts[-1] == "Objetivo del PMM"


def test_state_map_shades_each_state_by_class():
    svg = str(charts.state_map({"19": 22, "07": 4, "04": 2}, map_id="m"))
    paths = {p.get("data-inegi"): p for p in ET.fromstring(svg).iter(f"{SVG}path")}
    assert len(paths) == 32
    assert paths["19"].get("fill") == charts.MAP_FILLS[3]
    assert paths["07"].get("fill") == charts.MAP_FILLS[2]
    assert paths["04"].get("fill") == charts.MAP_FILLS[1]
    assert paths["09"].get("fill") == charts.MAP_FILLS[0]
    assert paths["19"].find(f"{SVG}title").text == "Nuevo León: 22 fichas"


HOSTILE = 'Coahuila <script>alert("x")</script> & Zaragoza'


def test_state_map_escapes_names_and_ids(monkeypatch):
    # The names come from a vendored file: were one ever edited badly, the SVG must stay inert.
    viewbox, shapes = charts._map_shapes()
    code, _name, path = shapes[0]
    monkeypatch.setattr(charts, "_map_shapes", lambda: (viewbox, ((code, HOSTILE, path),)))
    markup = str(charts.state_map({code: 2}, map_id='m"<b>&'))
    assert "<script" not in markup and "<b>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Zaragoza" in markup
    svg = ET.fromstring(markup)  # well-formed: every «<» and «&» of the data is escaped
    assert svg.get("id") == 'm"<b>&'
    # The description points to the table instead of listing the states (issue 11).
    assert svg.find(f"{SVG}desc").text.startswith("1 de 32 entidades con fichas; las cifras")
    assert next(svg.iter(f"{SVG}path")).find(f"{SVG}title").text == f"{HOSTILE}: 2 fichas"


def test_bar_chart_escapes_its_id(data):
    markup = str(charts.objective_bar_chart(data.counts, chart_id=HOSTILE))
    assert "<script" not in markup
    svg = ET.fromstring(markup)
    assert svg.get("id") == HOSTILE
    assert svg.find(f"{SVG}title").get("id") == f"{HOSTILE}-t"


# --- The rendered HTML -----------------------------------------------------------------------


def parse(html: str) -> cssselect2.ElementWrapper:
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html))


def text(element: cssselect2.ElementWrapper) -> str:
    return " ".join("".join(element.etree_element.itertext()).split())


def rows_of(root, selector: str) -> list[list[str]]:
    return [[text(cell) for cell in row.query_all("th, td")] for row in root.query_all(selector)]


@pytest.fixture
def edicion(world):
    return Edicion.objects.create(
        ejercicio=world["ejercicio"],
        title="Compendio General 2024",
        date_line="Ciudad de México a 28 de noviembre de 2024.",
        preambulo="Primer párrafo del preámbulo.\n\nSegundo <b>párrafo</b>.",
        analisis_general="La gráfica general muestra…",
        conclusiones="Conclusión única.",
    )


def test_html_sections_in_order_and_editable_texts_escaped(edicion):
    html = informe.render_informe_html(edicion, draft=False)
    root = parse(html)
    assert [text(h) for h in root.query_all("h1")][1:] == [
        "I. Preámbulo",
        "II. Conformación del informe",
        "III. Evaluación general",
        "IV. Principales acciones, programas y buenas prácticas",
        "V. Retos identificados",
        "VI. Conclusiones",
        "VII. Anexos",
    ]
    assert [text(p) for p in root.query_all("#preambulo p")] == [
        "Primer párrafo del preámbulo.",
        "Segundo <b>párrafo</b>.",
    ]
    assert "<b>párrafo" not in html
    assert [text(p) for p in root.query_all("#conclusiones p")] == ["Conclusión única."]
    # Empty editable texts print nothing in a final version (the draft marks them pending).
    assert root.query("#evaluacion .pending") is None
    assert parse(informe.render_informe_html(edicion, draft=True)).query("#retos") is not None


def test_html_tables_match_the_computations(edicion):
    root = parse(informe.render_informe_html(edicion, draft=False))
    assert rows_of(root, "#tabla-participacion tbody tr")[0] == [
        "Dependencias de la Administración Pública Federal",
        "3",
        "7",
    ]
    assert rows_of(root, "#tabla-participacion tfoot tr") == [["Total", "7", "16"]]
    assert text(root.query("#entidades-participantes")) == (
        "Entidades federativas participantes (2 de 32)"
    )
    assert text(root.query("#lista-entidades")) == "Chiapas, Nuevo León."
    objetivos = rows_of(root, "#tabla-objetivos tbody tr")
    assert len(objetivos) == 23
    # Federal, state, other actor types (issue 12), total; one total row.
    assert objetivos[0][1:] == ["2", "1", "0", "3"]
    assert len(rows_of(root, "#tabla-objetivos tfoot tr")) == 1
    assert [r[1] for r in rows_of(root, "#tabla-mas tbody tr")] == ["3", "2", "2", "2", "2", "2"]
    assert text(root.query("#tabla-mas + .tie-note")).startswith("Se muestran 6 objetivos")
    menos = rows_of(root, "#tabla-menos tbody tr")
    assert [row[1] for row in menos] == ["0"] * 14
    assert menos[0][0] == "Objetivo 10. " + ObjetivoPMM.objects.get(number=10).title
    assert text(root.query("#tabla-menos + .tie-note")).startswith("Se muestran 14 objetivos")
    assert text(root.query("#sin-fichas")) == (
        "Objetivos sin fichas: 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23."
    )
    assert text(root.query("#sin-fichas-federal")).startswith(
        "Objetivos sin fichas de dependencias federales: 3, 5, 7, 9, 10,"
    )
    assert len(list(root.query_all("figure svg"))) == 5  # with «Evolución» (docs/series.md)
    assert "CC BY 4.0" in text(root.query("#evaluacion .credit"))
    assert rows_of(root, "#tabla-entidades tbody tr") == [["Chiapas", "4"], ["Nuevo León", "4"]]
    assert rows_of(root, "#cifra-personas_atendidas") == [
        ["Personas atendidas", "1,245", "reportado en 2 de 16 fichas"]
    ]
    assert [row[0] for row in rows_of(root, "#tabla-cifras tr")] == [
        "Personas atendidas",
        "Mujeres",
        "Hombres",
        "Otras personas o sexo no especificado",
    ]
    assert text(root.query("#acciones-nota")).endswith(
        "acciones: 2 de 16 (1 tipo; 1 sin tipo indicado)."
    )
    assert rows_of(root, "#tabla-retos tbody tr")[0][2:] == ["2", "1", "4"]
    participants = rows_of(root, "#tabla-participantes tbody tr")
    assert participants[0] == ["Dependencias de la Administración Pública Federal"]
    assert participants[1] == ["Instituto Nacional de Migración", "INM", "4", "1", "5"]
    assert len(list(root.query_all("#lista-objetivos li"))) == 23


def test_html_highlights_and_no_contact_data(edicion, world):
    html = informe.render_informe_html(edicion, draft=False)
    root = parse(html)
    first = root.query("#objetivo-1 + .highlight")
    assert text(first.query("h3")) == "Registro de personas extranjeras"
    assert text(first.query(".who")) == "Instituto Nacional de Migración (INM)"
    assert text(root.query("#objetivo-2 + .empty")) == (
        "2 fichas reportadas; ninguna seleccionada como destacada."
    )
    assert text(root.query("#objetivo-10 + .empty")) == "No se reportaron acciones."
    for field in ("María Pérez López", "maria.perez@prueba.gob.mx", "55 4321 8765", "Directora"):
        assert field not in html


def test_html_refers_only_to_static_files(edicion):
    from compendium.pdf import STATIC_BASE

    root = parse(informe.render_informe_html(edicion, draft=False))
    assert [link.etree_element.get("href") for link in root.query_all("link")] == [
        STATIC_BASE + "print/fonts.css",
        STATIC_BASE + "print/informe.css",
    ]
    assert all(
        i.etree_element.get("src", "").startswith(STATIC_BASE) for i in root.query_all("img")
    )


@pytest.mark.slow
def test_draft_pdf_is_marked_and_fetches_only_static_files(edicion, tmp_path):
    from pypdf import PdfReader

    from compendium.pdf import StaticOnlyFetcher, render_pdf

    fetcher = StaticOnlyFetcher()
    target = tmp_path / "informe.pdf"
    html = informe.render_informe_html(edicion, draft=True)
    pages = render_pdf(html, target=target, draft=True, url_fetcher=fetcher)
    reader = PdfReader(target)
    assert len(reader.pages) == pages
    # The watermark is rotated: plain extraction drops it, the text visitor sees its runs.
    # Each page is read once (pypdf is slow): the call returns the plain text as well.
    plain = []
    for page in reader.pages:
        runs: list[str] = []
        plain.append(
            page.extract_text(visitor_text=lambda text, *args, runs=runs: runs.append(text))
        )
        assert "Versión preliminar" in " ".join(runs)
    assert fetcher.refused == []
    assert any(url.endswith("print/informe.css") for url in fetcher.served)
    assert any("Montserrat" in url for url in fetcher.served)
    text = " ".join(" ".join(plain).split())
    assert "Registro de personas extranjeras" in text
    assert "María Pérez López" not in text
