"""The series 2018→latest (issue 14, docs/series.md): history, published editions, pages, data.

The 2018-2022 figures are typed below from /work/shared/docs/multiyear.md (Tables A and B of
[DIAG]), independently of the migration's JSON and of compendium.series: every one of them is
checked against what the app serves.
"""

import csv
import importlib
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from compendium import series
from compendium.informe import informe_context
from compendium.models import Edicion, HistoricalFigure
from tests.compendium.published import publish_edition

YEARS = (2018, 2019, 2020, 2021, 2022)

# Table A: acciones per PMM objective, 2018..2022 (multiyear.md, «Decoded table»).
TABLE_A = {
    1: (10, 15, 18, 14, 23),
    2: (5, 3, 5, 6, 4),
    3: (21, 8, 10, 9, 27),
    4: (11, 11, 6, 5, 26),
    5: (8, 6, 8, 4, 10),
    6: (7, 3, 5, 7, 13),
    7: (20, 16, 22, 27, 46),
    8: (6, 7, 6, 3, 16),
    9: (2, 6, 7, 3, 4),
    10: (12, 15, 8, 12, 16),
    11: (6, 4, 4, 4, 8),
    12: (4, 4, 3, 3, 9),
    13: (1, 4, 1, 2, 5),
    14: (10, 5, 5, 6, 9),
    15: (10, 18, 16, 24, 33),
    16: (4, 22, 13, 13, 19),
    17: (9, 15, 17, 11, 24),
    18: (5, 1, 4, 2, 10),
    19: (6, 1, 2, 0, 5),
    20: (7, 4, 5, 6, 10),
    21: (9, 5, 8, 10, 14),
    22: (2, 1, 0, 0, 6),
    23: (11, 3, 5, 7, 9),
}
ROW_SUMS = (186, 177, 178, 178, 346)
PRINTED_TOTALS = (186, 177, 178, 174, 346)

# Table B: acciones con resultados per ODS («–» is 0); ODS 7 and 12-15 never used.
TABLE_B = {
    1: (0, 0, 0, 1, 0),
    2: (3, 1, 0, 5, 4),
    3: (9, 18, 16, 28, 36),
    4: (7, 6, 21, 7, 17),
    5: (11, 11, 7, 7, 23),
    6: (0, 0, 0, 1, 0),
    8: (14, 6, 8, 15, 28),
    9: (0, 0, 7, 0, 2),
    10: (118, 142, 59, 153, 326),
    11: (9, 0, 6, 1, 0),
    16: (9, 8, 68, 46, 34),
    17: (9, 5, 45, 0, 13),
}
ODS_TOTALS = (122, 159, 167, 171, 326)

SEED_003 = Path(__file__).resolve().parents[3] / "shared/seeds/003_e989e04225e3c00d.txt"
# 2023 per objective, [CG2023] (docs/publications.md §C12; multiyear.md «Context»).
Y2023 = (39, 4, 30, 28, 10, 9, 43, 19, 4, 14, 5, 12, 6, 14, 48, 16, 14, 5, 5, 4, 13, 6, 8)


def ods_value(number: int, index: int) -> int:
    return TABLE_B[number][index] if number in TABLE_B else 0


@pytest.fixture(autouse=True)
def _history(db):
    """Transactional tests elsewhere flush every table: load the history again if needed."""
    if not HistoricalFigure.objects.exists():
        importlib.import_module("compendium.migrations.0008_series_history").load(apps, None)


def get_csv(client, name: str) -> list[dict]:
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- History: every figure -------------------------------------------------------------------


def test_the_typed_tables_add_up_as_multiyear_md_says():
    # A check of this file's own typing, before comparing anything with the app.
    assert tuple(sum(TABLE_A[n][i] for n in TABLE_A) for i in range(5)) == ROW_SUMS
    assert tuple(sum(TABLE_B[n][i] for n in TABLE_B) for i in range(5)) == (189, 197, 237, 264, 483)


def test_every_historical_figure_of_the_series():
    by_year = {y.year: y for y in series.annual_series()}
    assert sorted(by_year) == list(YEARS)
    for i, year in enumerate(YEARS):
        figures = by_year[year]
        assert figures.origin == series.HISTORY
        assert figures.objectives == {n: TABLE_A[n][i] for n in range(1, 24)}, year
        assert figures.total == ROW_SUMS[i]
        assert figures.printed_total == PRINTED_TOTALS[i]
        assert figures.ods == {n: ods_value(n, i) for n in range(1, 18)}, year
        assert figures.ods_total == ODS_TOTALS[i]
        assert "[DIAG]" in figures.source and "≈ p. 171" in figures.source
        assert "Objetivos de Desarrollo Sostenible" in figures.ods_source


def test_every_historical_figure_in_the_open_data(client):
    rows = get_csv(client, "compendium:series_objectives_csv")
    assert list(rows[0]) == ["anio", "objetivo", "acciones"]
    served = {(int(r["anio"]), int(r["objetivo"])): int(r["acciones"]) for r in rows}
    assert served == {(y, n): TABLE_A[n][i] for i, y in enumerate(YEARS) for n in range(1, 24)}

    rows = get_csv(client, "compendium:series_ods_csv")
    assert list(rows[0]) == ["anio", "ods", "acciones_con_resultados"]
    served = {(int(r["anio"]), int(r["ods"])): int(r["acciones_con_resultados"]) for r in rows}
    assert served == {(y, n): ods_value(n, i) for i, y in enumerate(YEARS) for n in range(1, 18)}

    data = client.get(reverse("compendium:series_objectives_json")).json()
    assert [(y["anio"], y["acciones"], y["total_impreso"]) for y in data["anios"]] == list(
        zip(YEARS, ROW_SUMS, PRINTED_TOTALS, strict=True)
    )
    assert "174" in " ".join(data["anios"][3]["notas"]) and "178" in data["anios"][3]["notas"][0]
    assert data["fuentes"][0]["anios"] == "2018-2022"

    data = client.get(reverse("compendium:series_ods_json")).json()
    assert [y["acciones_con_resultados"] for y in data["anios"]] == list(ODS_TOTALS)
    assert "varios ODS" in data["descripcion"]


def test_2021_printed_total_and_its_note_wherever_the_figure_appears(client):
    for name in ("compendium:series", "compendium:series_objectives"):
        html = client.get(reverse(name)).content.decode()
        assert "174" in html, name
        assert "suman 178, pero el total impreso es 174" in html, name
    informe_series = series.annual_series()
    assert series.evolution_draft(informe_series).count("(total impreso en la fuente: 174)") == 1


def test_the_ods_pages_say_that_ods_figures_overlap(client):
    html = client.get(reverse("compendium:series_ods")).content.decode()
    assert "una misma acción puede alinearse a varios ODS" in html
    assert "159" in html and "154 acciones con resultados" in html  # 2019's narrative note


# --- Published editions ----------------------------------------------------------------------


def test_a_published_edition_replaces_the_history_of_its_year_and_says_so(client):
    build = publish_edition(2022, programs=7)
    figures = {y.year: y for y in series.annual_series()}[2022]
    assert figures.origin == series.EDITION
    assert figures.total == 7
    assert figures.replaces_history == 346
    assert f"versión {build.version}" in figures.source
    html = client.get(reverse("compendium:series")).content.decode()
    assert "se usan las cifras de la edición publicada" in html
    rows = get_csv(client, "compendium:series_objectives_csv")
    assert sum(int(r["acciones"]) for r in rows if r["anio"] == "2022") == 7


def test_later_years_come_from_the_public_record_only(client):
    publish_edition(2024, programs=6)
    # A ficha approved after publication is not public: the series does not move.
    from reporting.models import Ficha

    before = {y.year: y.total for y in series.annual_series()}
    Ficha.objects.filter(ejercicio__year=2024).update(objetivo_asignado_id=22)
    after = {y.year: y for y in series.annual_series()}
    assert before[2024] == after[2024].total == 6
    assert after[2024].objectives[22] == 0
    # ODS: acciones con resultados, counted once in the total however many ODS each has.
    assert after[2024].ods is not None
    assert after[2024].ods_total == 6
    assert sum(after[2024].ods.values()) == 12  # two ODS each (tests/compendium/published.py)
    # Federal vs state from the record's actor types (INM, SRE, COMAR, CHIAPAS, NUEVO LEÓN, CNDH).
    assert (after[2024].federal, after[2024].state, after[2024].other) == (3, 2, 1)
    html = client.get(reverse("compendium:series")).content.decode()
    assert 'id="g-federal-estatal"' in html


# --- Changes ---------------------------------------------------------------------------------


def year(number: int, **objectives: int) -> series.YearFigures:
    values = {n: 0 for n in range(1, 24)}
    values.update({int(k[1:]): v for k, v in objectives.items()})
    return series.YearFigures(year=number, origin=series.HISTORY, source="", objectives=values)


def test_largest_rises_and_falls_keep_ties():
    before = year(2030, o1=10, o2=10, o3=10, o4=10, o5=10, o6=10, o7=10)
    after = year(2031, o1=14, o2=13, o3=13, o4=12, o5=9, o6=8, o7=8)
    items = series.changes(before, after, titles={})
    assert [(c.number, c.delta) for c in series.largest(items, size=2)] == [(1, 4), (2, 3), (3, 3)]
    assert [c.number for c in series.largest(items, falls=True, size=1)] == [6, 7]
    assert [c.number for c in series.largest(items, falls=True, size=5)] == [6, 7, 5]
    assert series.largest(series.changes(before, before, titles={})) == []


def test_the_draft_for_a_fall_and_for_no_change():
    before = year(2030, o1=10, o2=5)
    text = series.evolution_draft([before, year(2031, o1=6, o2=5)])
    assert text == (
        "De 2030 a 2031 se reportaron 26 acciones alineadas al PMM: 2030, 15; 2031, 11. "
        "En 2031 se reportaron 11 acciones, 4 menos que en 2030 (15), una disminución de 26.7 %. "
        "Los que más disminuyeron fueron: 1 (−4)."
    )
    same = series.evolution_draft([before, year(2031, o1=10, o2=5)])
    assert "las mismas que en 2030" in same and "Ningún objetivo cambió respecto de 2030" in same


def test_the_objectives_page_shows_the_change_of_a_chosen_year(client):
    url = reverse("compendium:series_objectives")
    html = client.get(url).content.decode()
    assert "Cambio de 2021 a 2022" in html
    # 2021 → 2022 (Table A): rises 4 (+21), 7 (+19), 3 (+18), 8 and 17 (+13); one fall, 2 (−2).
    by_year = {y.year: y for y in series.annual_series()}
    items = series.changes(by_year[2021], by_year[2022], titles={})
    assert [(c.number, c.delta) for c in series.largest(items)] == [
        (4, 21), (7, 19), (3, 18), (8, 13), (17, 13)
    ]  # fmt: skip
    assert [(c.number, c.delta) for c in series.largest(items, falls=True)] == [(2, -2)]
    assert html.index("4. Velar") < html.index("7. Abordar") < html.index("3. Proporcionar")
    html = client.get(url, {"anio": 2019}).content.decode()
    assert "Cambio de 2018 a 2019" in html
    assert client.get(url, {"anio": 2018}).status_code == 404
    assert client.get(url, {"anio": "x"}).status_code == 200


def test_the_heat_map_classes_and_their_text_contrast():
    assert series.heat(0, 46)["level"] == 0
    assert series.heat(1, 46)["level"] == 1
    assert series.heat(46, 46)["level"] == 5
    assert [series.heat(v, 10)["level"] for v in range(11)] == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    labels = [item["label"] for item in series.heat_legend(46)]
    assert labels == ["0", "1-9", "10-18", "19-27", "28-36", "37-46"]


# --- The Informe's «Evolución 2018-AAAA» -------------------------------------------------------


@pytest.fixture
def two_editions():
    """Two published editions (2024: 5 programs, 2025: 8) through the real record."""
    publish_edition(2024, programs=5)
    publish_edition(2025, programs=8)
    return Edicion.objects.get(ejercicio__year=2025)


def test_the_informe_section_on_two_published_editions(two_editions):
    context = informe_context(two_editions, draft=True)
    section = context["evolucion"]
    assert section["title"] == "Evolución 2018-2025"
    assert [(y.year, y.total) for y in section["series"]] == [
        *zip(YEARS, ROW_SUMS, strict=True),
        (2024, 5),
        (2025, 8),
    ]
    assert section["series"][-1].origin == series.INFORME
    text = section["text"]
    assert section["generated"]
    assert "De 2018 a 2025 se reportaron 1,078 acciones alineadas al PMM" in text
    assert "En 2025 se reportaron 8 acciones, 3 más que en 2024 (5)" in text
    assert "2021, 178 (total impreso en la fuente: 174)" in text
    # publish_edition's objectives cycle 7, 15, 1, 3, 23: one each in 2024; 7, 15 and 1 twice in
    # 2025. Three rises of one (by objective number), no fall.
    assert "más crecieron respecto de 2024 fueron: 1 (+1), 7 (+1) y 15 (+1)." in text
    assert "disminuyeron" not in text
    assert series.evolution_draft(section["series"]) == text  # deterministic

    from django.template.loader import render_to_string

    html = render_to_string("compendium/print/informe.html", context)
    assert '<h2 id="evolucion">Evolución 2018-2025</h2>' in html
    assert 'id="g-evolucion"' in html and 'role="img"' in html
    assert 'id="tabla-evolucion"' in html
    assert "suman 178, pero el total impreso es 174" in html


def test_the_informe_section_is_optional_and_its_text_editable(two_editions, client_coord):
    two_editions.evolucion_texto = "Texto propio de la coordinación."
    two_editions.save()
    html = informe_context(two_editions, draft=True)
    assert html["evolucion"]["text"] == "Texto propio de la coordinación."
    assert not html["evolucion"]["generated"]
    two_editions.evolucion_incluida = False
    two_editions.save()
    assert informe_context(two_editions, draft=True)["evolucion"] is None


def test_the_edition_form_offers_the_generated_paragraph_and_saves_the_switch(
    two_editions, client_coord
):
    from compendium.editions import TEXT_FIELDS

    url = reverse("compendium:edition_edit", args=[two_editions.pk])
    page = client_coord.get(url).content.decode()
    assert "En blanco se imprime el párrafo generado" in page
    assert "En 2025 se reportaron 8 acciones" in page
    data = {name: getattr(two_editions, name) for name in TEXT_FIELDS}
    data.pop("evolucion_incluida")  # an unticked box is not sent
    data["evolucion_texto"] = "Evolución corregida."
    assert client_coord.post(url, data).status_code == 302
    two_editions.refresh_from_db()
    assert two_editions.evolucion_incluida is False
    assert two_editions.evolucion_texto == "Evolución corregida."


# --- Done means: migrations plus 2023 imported with --publish ----------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not SEED_003.exists(), reason=f"seed 003 not found at {SEED_003}")
def test_with_2023_imported_and_published(client):
    call_command("import_compendio", str(SEED_003), "--year", "2023", "--publish", verbosity=0)
    rows = get_csv(client, "compendium:series_objectives_csv")
    assert len(rows) == 6 * 23
    sums: dict[str, int] = {}
    for row in rows:
        sums[row["anio"]] = sums.get(row["anio"], 0) + int(row["acciones"])
    assert sums == {
        "2018": 186, "2019": 177, "2020": 178, "2021": 178, "2022": 346, "2023": 356
    }  # fmt: skip
    assert [int(r["acciones"]) for r in rows if r["anio"] == "2023"] == list(Y2023)
    html = client.get(reverse("compendium:series")).content.decode()
    assert "Serie anual 2018-2023" in html
    assert '<td class="text-end">174 <strong>(difiere)</strong></td>' in html
    assert "suman 178, pero el total impreso es 174" in html
    html = client.get(reverse("compendium:series_objectives")).content.decode()
    assert "Cambio de 2022 a 2023" in html
    json_data = json.loads(client.get(reverse("compendium:series_objectives_json")).content)
    assert json_data["anios"][-1]["anio"] == 2023
    assert json_data["anios"][-1]["origen"] == series.EDITION
