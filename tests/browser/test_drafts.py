"""Issue 10 in a real browser: what only JavaScript does on the focal point's and reviewer's pages.

A refused «Enviar a revisión» shows the ficha's own address (a reload never meets a 405); the
observations summary focuses the observed field; deleting a draft asks first and «Fichas
eliminadas» brings it back; the classification offers only the subtemas of the chosen eje.
"""

import pytest
from playwright.sync_api import expect

from reporting import workflow
from reporting.models import Ficha, Subtema
from tests import factories

# tests/conftest.py reloads the reference data that the flush of a transactional test removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_refused_submit_and_observation_links(page, login, actor_a, ejercicio):
    focal = factories.user("enlace.borr@prueba.gob.mx", actor=actor_a)
    coordinator = factories.user("coord.borr@prueba.gob.mx", role="coordinador")
    draft = factories.ficha(actor_a, ejercicio, nombre="")
    login(focal.email, factories.PASSWORD)

    page.goto(f"/fichas/{draft.pk}/")
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator("#resumen-errores")).to_contain_text("Escriba el nombre del programa")
    # The page came from /fichas/N/enviar/, but the address bar shows the ficha.
    expect(page).to_have_url(f"{page.url.split('/fichas/')[0]}/fichas/{draft.pk}/")
    response = page.reload()
    assert response is not None and response.status == 200
    expect(page.get_by_role("button", name="Enviar a revisión")).to_be_visible()

    sent = factories.ficha(actor_a, ejercicio, nombre="Programa observado")
    workflow.submit(sent, by=focal)
    workflow.return_for_changes(
        sent, by=coordinator, note="Revise.", field_notes={"entidades": "Faltan estados."}
    )
    page.goto(f"/fichas/{sent.pk}/")
    page.locator("#observaciones-campos").get_by_role("link", name="Entidades federativas").click()
    expect(page.locator("#id_entidades_0")).to_be_focused()
    expect(page.locator("#obs_entidades")).to_be_in_viewport()


def test_delete_confirm_and_restore(page, login, actor_a, ejercicio):
    focal = factories.user("enlace.elim@prueba.gob.mx", actor=actor_a)
    draft = factories.ficha(actor_a, ejercicio, nombre="Borrador por eliminar")
    login(focal.email, factories.PASSWORD)

    page.goto("/fichas/")
    page.get_by_role("link", name="Eliminar «Borrador por eliminar»").click()
    page.get_by_role("button", name="Sí, eliminar el borrador").click()
    expect(page.get_by_text("Se eliminó el borrador «Borrador por eliminar»")).to_be_visible()
    expect(page.locator("table")).to_have_count(0)
    page.get_by_role("link", name="Fichas eliminadas (1)").click()
    page.get_by_role("button", name="Restaurar «Borrador por eliminar»").click()
    expect(page.get_by_text("Se restauró el borrador «Borrador por eliminar».")).to_be_visible()
    assert page.url.endswith(f"/fichas/{draft.pk}/")
    assert Ficha.objects.filter(pk=draft.pk).exists()


def test_classification_offers_only_the_subtemas_of_the_eje(page, login, actor_a, ejercicio):
    focal = factories.user("enlace.sub@prueba.gob.mx", actor=actor_a)
    coordinator = factories.user("coord.sub@prueba.gob.mx", role="coordinador")
    ficha = factories.ficha(actor_a, ejercicio)
    workflow.submit(ficha, by=focal)
    login(coordinator.email, factories.PASSWORD)

    page.goto(f"/fichas/revision/{ficha.pk}/")
    subtema = page.locator("#form-clasificar select[name=subtema]")
    enabled = subtema.locator("option:not([disabled])")
    expect(enabled).to_have_count(Subtema.objects.count() + 1)
    page.locator("#form-clasificar select[name=eje]").select_option("2")
    expect(enabled).to_have_count(Subtema.objects.filter(eje=2).count() + 1)
    first_of_2 = Subtema.objects.filter(eje=2).first()
    subtema.select_option(str(first_of_2.pk))
    # Another eje: the subtema chosen no longer fits and is cleared.
    page.locator("#form-clasificar select[name=eje]").select_option("1")
    expect(subtema).to_have_value("")
