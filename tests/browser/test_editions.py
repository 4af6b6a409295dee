"""A coordinator creates an edition, generates a draft and publishes, from the browser.

tests/conftest.py sets the ImmediateBackend: the build task runs inline, inside the request
that queues it, so the page shows the finished build right after the redirect. That the
database backend queues the task and ``db_worker --batch`` runs it is tested separately in
tests/compendium/test_builds.py::test_database_backend_queues_and_db_worker_builds.
"""

import re

import pytest
from playwright.sync_api import expect

from compendium.models import BuildStatus, PublicationBuild
from reporting.models import ObjetivoPMM, Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_coordinator_generates_a_draft_and_publishes(page, login, media):
    ejercicio = factories.ejercicio(2024)
    actor = factories.actor("INM", tipo="desconcentrado")
    factories.ficha(
        actor,
        ejercicio,
        status="aprobada",
        objetivo_asignado=ObjetivoPMM.objects.get(number=4),
        nombre="Programa de documentación",
    )
    factories.user("coordina.ediciones@prueba.gob.mx", role=Role.COORDINADOR)
    login("coordina.ediciones@prueba.gob.mx", factories.PASSWORD)

    page.get_by_role("link", name="Ediciones").click()
    page.get_by_role("link", name="Crear la edición 2024").click()
    expect(page.get_by_label("Título")).to_have_value("Compendio General 2024")
    page.get_by_role("button", name="Crear la edición").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compendio General 2024")

    compendio = page.locator("#documento-compendio")
    # Tasks run inside the request in tests: the click waits for the whole PDF build, which
    # takes longer than the default 15 s when it is the process's first (fonts, WeasyPrint).
    compendio.get_by_role("button", name="Generar borrador").click(timeout=120_000)
    expect(compendio.get_by_role("status").first).to_contain_text("Terminado", timeout=120_000)
    expect(compendio.get_by_role("status").first).to_contain_text(re.compile(r"\d+ páginas"))
    with page.expect_download() as download_info:
        compendio.get_by_role("link", name="Descargar el borrador (PDF)").click()
    assert download_info.value.suggested_filename == "Compendio-General-2024-borrador.pdf"

    compendio.get_by_label(re.compile("Confirmo que esta versión")).check()
    compendio.get_by_role("button", name="Publicar").click(timeout=120_000)
    expect(
        compendio.get_by_role("link", name=re.compile(r"^Versión 1, publicada el"))
    ).to_be_visible(timeout=60_000)
    assert list(PublicationBuild.objects.filter(draft=False).values_list("version", "status")) == [
        (1, BuildStatus.DONE)
    ]


def test_status_panel_follows_a_queued_build(page, login, media):
    """The panel polls every 2 s with htmx and shows the result when the worker finishes."""
    from compendium.editions import create_edicion

    ejercicio = factories.ejercicio(2024)
    coordinator = factories.user("coordina.estado@prueba.gob.mx", role=Role.COORDINADOR)
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    build = PublicationBuild.objects.create(
        edicion=edicion, document="informe", progress="Maquetando las páginas"
    )
    login("coordina.estado@prueba.gob.mx", factories.PASSWORD)
    page.goto(f"/ediciones/{edicion.pk}/")
    informe = page.locator("#documento-informe")
    expect(informe.get_by_role("status")).to_contain_text("Maquetando las páginas")

    PublicationBuild.objects.filter(pk=build.pk).update(
        status=BuildStatus.FAILED, error="RuntimeError: prueba"
    )
    expect(informe.get_by_role("status")).to_contain_text(
        "No se pudo generar el PDF: RuntimeError: prueba", timeout=10_000
    )
