"""A coordinator builds and publishes both documents; an anonymous visitor downloads them.

Tasks run inline in tests (tests/conftest.py), so each «Publicar» click returns once the PDF is
stored; the timeouts are generous because WeasyPrint shares two cores with other work.
"""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from compendium.editions import create_edicion
from compendium.models import PublicationBuild
from reporting.models import FichaStatus
from tests import factories
from tests.reference import load_reference_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    # A transactional test before this one flushed the tables the data migrations fill.
    load_reference_data()


@pytest.fixture
def edition(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ejercicio = factories.ejercicio(2024)
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    nl = factories.actor("NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno de Nuevo León")
    for actor, objective, destacada in ((inm, 15, True), (inm, 7, False), (nl, 15, False)):
        factories.ficha(
            actor,
            ejercicio,
            status=FichaStatus.APROBADA,
            objetivo_asignado_id=objective,
            destacada=destacada,
        )
    coordinator = factories.user("coordinacion.pub@prueba.gob.mx", role="coordinador")
    return create_edicion(ejercicio=ejercicio, by=coordinator)


def test_coordinator_publishes_both_documents_and_anonymous_downloads_them(page, login, edition):
    page.set_default_timeout(120_000)
    login("coordinacion.pub@prueba.gob.mx", factories.PASSWORD)
    page.goto("/ediciones/")
    page.get_by_role("link", name="Abrir la edición 2024").click()

    informe = page.locator("#documento-informe")
    informe.get_by_role("button", name="Generar borrador").click()
    page.locator("#documento-informe").get_by_text("Terminado").first.wait_for()
    for document in ("informe", "compendio"):
        panel = page.locator(f"#documento-{document}")
        panel.get_by_label(re.compile("Confirmo que esta versión")).check()
        # The Informe of this small edition has blocking findings (no texts, retos without a
        # category): publishing it anyway asks for a reason (docs/pre-publication-check.md §K4).
        reason = panel.get_by_label(re.compile("Para publicar de todos modos"))
        assert reason.count() == (1 if document == "informe" else 0)
        if document == "informe":
            reason.fill("Prueba de publicación sin textos del Informe.")
        panel.get_by_role("button", name="Publicar").click()
        page.locator(f"#documento-{document}").get_by_text("Versión 1, publicada el").wait_for()

    published = {b.document: b for b in PublicationBuild.objects.filter(draft=False)}
    assert sorted(published) == ["compendio", "informe"]
    assert all(b.status == "done" and b.version == 1 for b in published.values())
    draft = PublicationBuild.objects.get(draft=True)
    assert draft.status == "done"

    page.get_by_role("button", name="Cerrar sesión").click()
    page.goto("/")
    assert page.get_by_role("heading", name="Publicaciones del ejercicio 2024").is_visible()
    page.goto("/publicaciones/")
    for document, label, filename in (
        ("informe", "Descargar Informe Ejecutivo (PDF)", "informe-ejecutivo-2024-v1.pdf"),
        ("compendio", "Descargar Compendio General (PDF)", "compendio-general-2024-v1.pdf"),
    ):
        with page.expect_download() as info:
            page.get_by_role("link", name=label).click()
        download = info.value
        assert download.suggested_filename == filename
        content = download.path().read_bytes()
        assert content == published[document].file.open("rb").read()
        assert len(PdfReader(io.BytesIO(content)).pages) == published[document].pages
    # The draft is nowhere on the public pages, and its file name is never linked.
    assert "borrador" not in page.content()
    assert draft.file.name not in page.content()

    page.get_by_role("link", name="Ver cifras y gráficas del ejercicio 2024").click()
    # Waits for the page the link opens (is_visible would read the old one).
    expect(
        page.get_by_role("heading", name="Fichas por Objetivo del PMM", exact=True)
    ).to_be_visible()
    assert page.locator("svg.chart").count() == 4
    assert page.get_by_role("img", name="Fichas por Objetivo del PMM: todos los actores").count()
