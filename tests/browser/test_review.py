"""End to end: a coordinator returns a ficha with a field note, the focal point fixes and resends
it, the coordinator approves it, and the history shows every step."""

import pytest
from playwright.sync_api import expect

from reporting import workflow
from reporting.models import Ficha, FichaStatus, Observacion
from tests import factories

# tests/conftest.py reloads the reference data that the flush of a transactional test removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def test_return_fix_resend_approve(page, login, actor_a, ejercicio):
    focal = factories.user("enlace.rev@prueba.gob.mx", actor=actor_a)
    coordinator = factories.user("coord.rev@prueba.gob.mx", role="coordinador")
    ficha = factories.ficha(actor_a, ejercicio, nombre="Atención a niñas y niños migrantes")
    factories.ficha(actor_a, ejercicio, nombre="Otro programa en borrador")
    workflow.submit(ficha, by=focal)

    # Coordinator: filter the desk (accents ignored), open the sent ficha, return it.
    login(coordinator.email, factories.PASSWORD)
    page.goto("/fichas/revision/")
    page.get_by_label("Buscar").fill("NINAS")
    page.get_by_label("Estado", exact=True).select_option("enviada")
    page.get_by_role("button", name="Filtrar").click()
    rows = page.locator("#bandeja tbody tr")
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Atención a niñas y niños migrantes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atención a niñas y niños migrantes")

    field_note = page.get_by_label("Observación sobre «Resultados alcanzados»")
    page.locator("details.obs", has=field_note).locator("summary").click()
    field_note.fill("Desagregue las cifras por sexo y edad.")
    page.get_by_label("Observación general").fill("Gracias; falta un dato.")
    page.get_by_role("button", name="Devolver con observaciones").click()
    expect(page.locator("#estado")).to_have_text("Observada")

    # Focal point: sees the note, fixes the results, sends again.
    login(focal.email, factories.PASSWORD)
    page.goto(f"/fichas/{ficha.pk}/")
    expect(page.get_by_text("Desagregue las cifras por sexo y edad.").first).to_be_visible()
    results = page.locator("textarea[name=resultados]")
    results.fill("Se brindaron 1,245 atenciones: 600 mujeres y 645 hombres, 20% menores de edad.")
    # Let the form's autosave finish first (see the report: clicking «Enviar» while an autosave
    # is in flight was refused as stale by the focal-point form).
    results.blur()
    expect(page.locator("#estado-guardado")).not_to_be_empty()
    page.wait_for_load_state("networkidle")
    page.locator("#enviar-revision:not([hidden])").click()
    expect(page.get_by_text("Ficha enviada a revisión").first).to_be_visible()
    ficha.refresh_from_db()
    assert ficha.status == FichaStatus.ENVIADA

    # Coordinator: approves with the proposed objective (prefilled) and reads the history.
    login(coordinator.email, factories.PASSWORD)
    page.goto(f"/fichas/revision/{ficha.pk}/")
    expect(page.get_by_label("Objetivo del PMM asignado")).to_have_value("7")
    page.get_by_role("button", name="Aprobar", exact=True).click()
    expect(page.locator("#estado")).to_have_text("Aprobada")

    history = page.locator("#historial")
    expect(history).to_contain_text("Borrador → Enviada")
    expect(history).to_contain_text("Enviada → Observada")
    expect(history).to_contain_text("Resultados alcanzados: Desagregue las cifras por sexo y edad.")
    expect(history).to_contain_text("Observada → Enviada")
    expect(history).to_contain_text("Enviada → Aprobada")
    expect(history).to_contain_text("Gracias; falta un dato.")

    ficha.refresh_from_db()
    assert (ficha.status, ficha.objetivo_asignado_id) == (FichaStatus.APROBADA, 7)
    assert list(Observacion.objects.filter(ficha=ficha).values_list("field", flat=True)) == [
        "",
        "resultados",
    ]
    assert Ficha.objects.get(pk=ficha.pk).resultados.endswith("20% menores de edad.")
