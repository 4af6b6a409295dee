"""The pre-publication check on the imported 2023 edition (issue 12, docs/pre-publication-check.md).

Seed 003 is imported once for the module (rolled back at the end): the check lists the texts
over the 180-word limit and the blank Informe sections, and the command exits non-zero.
"""

import io

import pytest
from django.core.management import call_command

from compendium.checks import broken_urls, check_edition
from compendium.importers.compendio_import import import_compendio
from compendium.models import Edicion
from tests.compendium._module_db import module_transaction

pytestmark = pytest.mark.slow  # imports the whole seed 003 once


@pytest.fixture(scope="module")
def report_2023(django_db_setup, django_db_blocker, seed_003_text):
    with module_transaction(django_db_blocker):
        imported = import_compendio(seed_003_text, year=2023)
        yield check_edition(imported.ejercicio)


def messages(report, kind: str) -> list[str]:
    return [f.message for f in report.findings if f.kind == kind]


def test_2023_lists_the_texts_over_the_limit(report_2023) -> None:
    over = messages(report_2023, "palabras")
    assert len(over) == 37
    assert (
        "CNDH: Programa de Atención a Migrantes — «Resultados» tiene 370 palabras (máximo 180)."
        in (over)
    )
    assert all(
        f.url.startswith("/fichas/revision/") for f in report_2023.findings if f.kind == "palabras"
    )


def test_2023_lists_the_empty_informe_parts(report_2023) -> None:
    empty = messages(report_2023, "informe_vacio")
    assert len(empty) == 5
    assert any("Preámbulo" in m for m in empty)
    assert any("Conclusiones" in m for m in empty)
    assert sum("Análisis de la Gráfica" in m for m in empty) == 3
    # And the other Informe work left undone by an import: retos and highlights.
    assert len(messages(report_2023, "sin_destacada")) == 23
    assert messages(report_2023, "sin_categoria")
    assert len(report_2023.blocking_for("informe")) > len(report_2023.blocking_for("compendio"))


def test_2023_urls_are_clean_after_the_import(report_2023) -> None:
    # The importer removed the «<http…>» and Markdown artefacts (test_import_artefacts.py).
    assert messages(report_2023, "url") == []
    assert any("«COMAR»" in m for m in messages(report_2023, "siglas"))
    assert not any(f.blocking for f in report_2023.findings if f.kind == "siglas")


def test_command_exits_non_zero_with_links(report_2023) -> None:
    # No ``db``: the module fixture keeps its transaction (and database access) open.
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("check_edition", year=2023, base_url="https://pmm.example", stdout=out)
    assert exited.value.code == 1
    text = out.getvalue()
    assert "[BLOQUEA] Textos que pasan de 180 palabras (37)" in text
    assert "[BLOQUEA] Secciones del Informe sin texto (5)" in text
    assert "https://pmm.example/fichas/revision/" in text
    assert "https://pmm.example/ediciones/" in text  # the edition's texts
    edicion = Edicion.objects.get(ejercicio__year=2023)
    assert f"/ediciones/{edicion.pk}/#textos" in text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Ver https://www.gob.mx/inm.", None),
        ("Ver www.gob.mx/inm, y más.", None),
        ("Ver http//www.gob.mx/inm", "le faltan «://»"),
        ("Ver https:/www.gob.mx", "le faltan «://»"),
        ("Ver https://www.gob.mx/", None),
        ("Ver https://gob/inm", "el dominio «gob» no es válido"),
        ("Ver <https://www.gob.mx/inm>", "dirección entre «< >» del documento de origen"),
        ("Ver [aquí](https://www.gob.mx/inm)", "enlace en formato Markdown"),
    ],
)
def test_broken_urls_syntax_only(text, problem) -> None:
    found = broken_urls(text)
    assert [p for _url, p in found] == ([problem] if problem else [])


def test_blocking_only_finds_the_same_blocking_findings(report_2023) -> None:
    # The edition page counts with blocking_only=True (docs/pre-publication-check.md §K1): the
    # same blocking findings as the full check, in the same order, and no warnings.
    quick = check_edition(report_2023.ejercicio, blocking_only=True)
    assert not quick.complete and report_2023.complete
    assert quick.findings == report_2023.blocking
    for document in ("compendio", "informe", "informe_en"):
        assert quick.blocking_for(document) == report_2023.blocking_for(document)


@pytest.mark.django_db
def test_blocking_only_reads_narrow_rows_and_misses_nothing_at_the_edges() -> None:
    """The quick check reads whole only the fichas its narrow rows point at (a rubro long enough
    to pass the limit, «http»/«www» in any printed text, a reto without category, the first
    ficha of an objective without a highlight), and finds what the full check finds: at 181
    one-letter words, in a note, a table cell, «WWW.» in capitals (docs/pre-publication-check.md
    §K1)."""
    from reporting.models import EjercicioStatus, FichaStatus, Nota
    from tests import factories

    year = factories.ejercicio(2031, status=EjercicioStatus.CERRADO)
    actor = factories.actor()
    approved = {"status": FichaStatus.APROBADA, "objetivo_asignado_id": 7}

    def make(**kw):
        return factories.ficha(actor, year, **{**approved, **kw})

    make(objetivo_programa="", poblacion_objetivo="", descripcion=" ".join(["a"] * 181))
    make(objetivo_programa="", poblacion_objetivo="", descripcion=" ".join(["a"] * 180))
    make(retos=[" ".join(["b"] * 90), " ".join(["c"] * 91)])
    make(tablas=[{"caption": "Fuente", "rows": [["ver http//mal.gob.mx"]]}])
    noted = make(destacada=True)
    Nota.objects.create(ficha=noted, texto="Véase WWW.sin-punto")
    make(resultados="Todo en https://www.gob.mx/upmrip.")  # a good address: no finding
    make(objetivo_asignado_id=9)  # objective 9 without highlight

    full = check_edition(year)
    quick = check_edition(year, blocking_only=True)
    assert quick.findings == full.blocking
    kinds = sorted(f.kind for f in quick.findings)
    assert kinds.count("palabras") == 2 and kinds.count("url") == 2, kinds
    assert "sin_categoria" in kinds and "sin_destacada" in kinds
    assert quick.fichas == full.fichas == 7


def test_blocking_only_reads_few_fichas_whole(report_2023, django_assert_max_num_queries) -> None:
    """The imported 2023 edition: most fichas have retos without category, named only; the
    quick check stays within a handful of queries (docs/pre-publication-check.md §K1)."""
    with django_assert_max_num_queries(12):
        quick = check_edition(report_2023.ejercicio, blocking_only=True)
    assert quick.findings == report_2023.blocking
