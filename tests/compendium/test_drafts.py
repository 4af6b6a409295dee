"""Generated drafts of the Informe's texts (compendium/drafts.py), on a hand-counted fixture.

2024 (10 acciones): objective 1: INM ×3 (federal); 2: NUEVO LEÓN ×3 (state); 3: SRE and CHIAPAS;
4: INM; 5: CNDH (autonomous). Federal 5, state 4, other 1; objectives 1 and 2 tie at the top,
4 and 5 at the bottom, 6-23 have none. 2023 (4 acciones): objective 1: INM ×2; 2: NUEVO LEÓN;
7: SRE. Retos: three on the 2024 fichas, two in «Recursos presupuestales y financieros».
"""

import pytest

from compendium import drafts
from compendium.informe import compute_informe, period_text
from reporting.models import FichaStatus, Reto
from tests import factories

pytestmark = pytest.mark.django_db


def _approved(actor, ejercicio, objective, retos=(), **kw):
    for name in ("personas_atendidas", "mujeres", "hombres", "otras_personas", "num_acciones"):
        kw.setdefault(name, None)
    return factories.ficha(
        actor,
        ejercicio,
        status=FichaStatus.APROBADA,
        objetivo_asignado_id=objective,
        propuestos=[],
        retos=list(retos),
        **kw,
    )


@pytest.fixture
def years(db):
    e23 = factories.ejercicio(2023)
    e24 = factories.ejercicio(2024)
    inm = factories.actor("INM", tipo="desconcentrado")
    sre = factories.actor("SRE", tipo="apf")
    nl = factories.actor("NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno de Nuevo León")
    chis = factories.actor("CHIAPAS", tipo="estatal", entidad="07", name="Gobierno de Chiapas")
    cndh = factories.actor("CNDH", tipo="autonomo")
    for _i in range(3):
        _approved(inm, e24, 1)
        _approved(nl, e24, 2)
    _approved(sre, e24, 3, retos=["Falta de presupuesto para operar."])
    _approved(chis, e24, 3, retos=["Recorte presupuestal.", "Poca difusión del programa."])
    # People reported by 2 of the 10; by sex by one; actions by none.
    _approved(inm, e24, 4, personas_atendidas=10, mujeres=4, hombres=None)
    _approved(cndh, e24, 5, personas_atendidas=5, mujeres=None, hombres=None)
    for _i in range(2):
        _approved(inm, e23, 1)
    _approved(nl, e23, 2)
    _approved(sre, e23, 7)
    category = e24.challenge_categories.get(name="Recursos presupuestales y financieros")
    Reto.objects.filter(ficha__ejercicio=e24, texto__icontains="presupuest").update(
        categoria=category
    )
    return e23, e24


@pytest.fixture
def texts(years):
    _e23, e24 = years
    data = compute_informe(e24)
    previous = drafts.previous_figures(e24)
    return drafts.draft_texts(data, previous, period_text(e24))


def test_previous_edition_counts(years) -> None:
    e23, e24 = years
    previous = drafts.previous_figures(e24)
    assert previous == drafts.Previous(2023, 4, {1: 2, 2: 1, 7: 1}, federal=3, state=1)
    # Before 2023: UPMRIP's published totals (docs/reference-data.md §D7), not split.
    history = drafts.previous_figures(e23)
    assert (history.year, history.total, history.federal) == (2022, 346, None)
    assert history.by_objective[7] == 46


def test_draft_against_published_history(years) -> None:
    e23, _e24 = years
    data = compute_informe(e23)
    texts = drafts.draft_texts(data, drafts.previous_figures(e23), period_text(e23))
    assert (
        "Respecto de 2022 (346 acciones), el número de acciones disminuyó en 342 (98.8%)."
        in (texts["analisis_general"])
    )
    # The history does not split federal and state: no comparison there.
    assert "Respecto de" not in texts["analisis_federal"]


def test_objectives_phrase_keeps_ties_together() -> None:
    phrase = drafts.objectives_phrase([(1, 3), (2, 3), (3, 2), (4, 1), (5, 1)])
    assert phrase == (
        "los objetivos 1 y 2 (3 acciones cada uno), el 3 (2 acciones) y los objetivos 4 y 5 "
        "(1 acción cada uno)"
    )
    assert drafts.objectives_phrase([(15, 48), (7, 43)]) == (
        "el objetivo 15 (48 acciones) y el 7 (43 acciones)"
    )


def test_general_analysis(texts) -> None:
    text = texts["analisis_general"]
    assert text.startswith(
        "La gráfica 1 muestra las 10 acciones reportadas por todos los actores, distribuidas "
        "en 5 de los 23 Objetivos del PMM."
    )
    assert (
        "Los objetivos con más acciones son los objetivos 1 y 2 (3 acciones cada uno), el 3 "
        "(2 acciones) y los objetivos 4 y 5 (1 acción cada uno); juntos suman 100% del total."
    ) in text
    assert "Los objetivos con menos acciones son los objetivos 4 y 5 (1 acción cada uno)" in text
    # Zeros are named apart, all of them.
    zeros = ", ".join(str(n) for n in range(6, 23)) + " y 23"
    assert f"Las instituciones no reportaron acciones en los objetivos {zeros}." in text
    # The previous edition: total and the largest changes, ties together.
    assert "Respecto de 2023 (4 acciones), el número de acciones aumentó en 6 (150%)." in text
    assert (
        "Por objetivo, el mayor aumento, de 2 acciones, fue en los objetivos 2 y 3; la mayor "
        "disminución, de 1 acción, fue en el objetivo 7."
    ) in text


def test_federal_and_state_analyses(texts) -> None:
    federal = texts["analisis_federal"]
    assert federal.startswith(
        "La gráfica 2 muestra las 5 acciones de las dependencias federales, 50% del total, en "
        "3 de los 23 objetivos."
    )
    assert (
        "Sus objetivos con más acciones son el objetivo 1 (3 acciones) y los objetivos 3 y 4 "
        "(1 acción cada uno)."
    ) in federal
    assert "Las dependencias federales no reportaron acciones en los objetivos 2, 5, 6," in federal
    assert "Son más que las 4 acciones de las entidades federativas." in federal
    assert "Respecto de 2023 (3 acciones), el número de acciones aumentó en 2 (66.7%)." in federal
    state = texts["analisis_estatal"]
    assert "las 4 acciones de las entidades federativas, 40% del total, en 2 de los 23" in state
    assert "Son menos que las 5 acciones de las dependencias federales." in state
    assert (
        "Participaron 2 de las 32 entidades; la que más acciones reportó es Nuevo León "
        "(3 acciones)."
    ) in state


def test_preamble_and_conclusions(texts) -> None:
    preamble = texts["preambulo"]
    assert "en el periodo de junio de 2023 a junio de 2024." in preamble
    assert (
        "Esta edición integra 10 acciones, reportadas por 5 instituciones: 5 acciones de "
        "dependencias federales, 4 acciones de entidades federativas y 1 acción de otros actores."
    ) in preamble
    conclusions = texts["conclusiones"]
    assert "En 2024, 5 instituciones reportaron 10 acciones alineadas a 5 de los 23" in conclusions
    assert (
        "Las dependencias federales aportaron 5 acciones (50%) y las entidades federativas "
        "4 acciones (40%); otros actores aportaron 1 acción."
    ) in conclusions
    assert "Las instituciones identificaron 3 retos." in conclusions
    assert (
        "La categoría con más retos es «Recursos presupuestales y financieros» (2)." in conclusions
    )
    assert "De ellos, 1 aún no tiene categoría asignada." in conclusions
    assert (
        "De las 10 acciones, el número de personas atendidas se reporta en 2 (20%); el de "
        "mujeres, en 1; el de hombres, en 0, y un número de acciones realizadas, en 0."
    ) in conclusions


def test_drafts_say_acciones_and_are_deterministic(years, texts) -> None:
    _e23, e24 = years
    again = drafts.draft_texts(compute_informe(e24), drafts.previous_figures(e24), period_text(e24))
    assert again == texts
    assert set(texts) == set(drafts.DRAFT_FIELDS)
    for text in texts.values():
        assert "ficha" not in text.lower()


def test_drafts_of_an_empty_exercise(db) -> None:
    e = factories.ejercicio(2030)
    texts = drafts.draft_texts(compute_informe(e), None, period_text(e))
    assert texts["analisis_general"] == (
        "En este ejercicio no hay acciones aprobadas: la gráfica 1 no muestra valores."
    )
    assert "no reportaron acciones en este ejercicio" in texts["analisis_federal"]
    assert texts["conclusiones"].startswith("En 2030 no se aprobaron acciones")
    assert "Respecto de" not in "".join(texts.values())


def test_equal_counts_are_one_sentence(db) -> None:
    e = factories.ejercicio(2031)
    actor = factories.actor("SRE", tipo="apf")
    for number in (1, 2, 3):
        _approved(actor, e, number)
    text = drafts.analisis_general(compute_informe(e), None)
    assert "Los 3 objetivos con acciones tienen el mismo número: 1 acción cada uno." in text
    assert "con menos acciones" not in text
