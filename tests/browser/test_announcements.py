"""What screen readers hear and what stays reachable (issue 11, docs/accessibility.md §S1-§S4):

* the ficha form's autosave is announced once per field left (it said «Guardando…», then
  «Guardado a las…»), and going back under the 180-word limit is announced like going over;
* the recovery banner gives the backup's time in Mexico City, whatever the browser's zone;
* the sticky action bar keeps «Guardar borrador» and «Enviar a revisión» on screen and never
  covers the control that has the focus (WCAG 2.2 SC 2.4.11);
* the PDF build status is read from one live region that htmx never replaces.
"""

import datetime

import pytest
from playwright.sync_api import Page, expect

from compendium.models import BuildStatus, PublicationBuild
from reporting.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Every text written into the autosave's live region, in order.
RECORD_ANNOUNCEMENTS = """() => {
  window.avisos = [];
  const region = document.getElementById('aviso-guardado');
  new MutationObserver(() => window.avisos.push(region.textContent))
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""
# The focused element, when it is outside the action bar, is entirely above the bar.
FOCUS_CLEAR_OF_BAR = """() => {
  const el = document.activeElement;
  const bar = document.querySelector('.ficha-acciones');
  if (!el || el === document.body || bar.contains(el) || !el.closest('#ficha-form')) return null;
  const r = el.getBoundingClientRect();
  const top = bar.getBoundingClientRect().top;
  if (r.bottom <= top + 1 && r.top >= 0) return null;
  return (el.id || el.name) + ' ' + r.top + '-' + r.bottom + ' bar ' + top;
}"""


@pytest.fixture
def tokyo_page(browser, live_server):
    """A browser whose clock is in Tokyo (UTC+9, 15 hours from Mexico City)."""
    context = browser.new_context(
        locale="es-MX", timezone_id="Asia/Tokyo", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, email: str) -> None:
    page.goto("/cuentas/login/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(factories.PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_load_state()


def test_ficha_form_speaks_once_keeps_actions_in_reach_and_uses_mexico_city_time(
    tokyo_page: Page, actor_a, ejercicio
):
    page = tokyo_page
    user = factories.user("enlace.avisos@prueba.gob.mx", actor=actor_a)
    ficha = factories.ficha(actor_a, ejercicio, nombre="Programa con avisos")
    sign_in(page, user.email)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.emulate_media(reduced_motion="reduce")

    # A backup made at 18:05 UTC: 12:05 in Mexico City, 03:05 in Tokyo.
    at = datetime.datetime(2026, 11, 29, 18, 5, tzinfo=datetime.UTC).timestamp() * 1000
    page.goto(f"/fichas/{ficha.pk}/")
    page.evaluate(
        """([key, at]) => localStorage.setItem(key, JSON.stringify(
             {version: '1', at: at, data: [['nombre', 'Texto sin guardar']]}))""",
        [f"pmm:{user.pk}:ficha:{ficha.pk}", at],
    )
    page.reload()
    expect(page.locator("#recuperacion")).to_be_visible()
    expect(page.locator("#recuperacion-detalle")).to_contain_text("12:05")
    expect(page.locator("#recuperacion-detalle")).not_to_contain_text("03:05")
    page.get_by_role("button", name="Descartar").click()

    # The action bar is on screen at the top of a long form.
    expect(page.locator("#guardar-borrador")).to_be_in_viewport()
    expect(page.locator("#enviar-revision")).to_be_in_viewport()

    # Leaving a changed field: one announcement, the outcome.
    page.evaluate(RECORD_ANNOUNCEMENTS)
    page.get_by_label("UNIDAD/DIRECCIÓN GENERAL").fill("Dirección de Atención")
    page.get_by_label("NOMBRE DEL PROGRAMA").focus()
    expect(page.locator("#estado-guardado")).to_contain_text("Guardado a las")
    announced = page.evaluate("window.avisos")
    assert len(announced) == 1 and announced[0].startswith("Guardado a las"), announced

    # Over the limit, then back under it: both are said.
    description = page.get_by_label("Descripción del programa, acción o buena práctica")
    description.fill(" ".join(["palabra"] * 190))
    expect(page.locator("#aviso-palabras")).to_contain_text("180")
    over = page.locator("#aviso-palabras").inner_text()
    description.fill("Ventanilla fija en la oficina de atención.")
    expect(page.locator("#aviso-palabras")).not_to_have_text(over)
    expect(page.locator("#aviso-palabras")).to_contain_text("180 palabras o menos")

    # Tab through the form from its top: no focused control is under the sticky bar.
    page.get_by_label("NOMBRE DEL PROGRAMA").focus()
    hidden = []
    for _ in range(60):
        page.keyboard.press("Tab")
        covered = page.evaluate(FOCUS_CLEAR_OF_BAR)
        if covered:
            hidden.append(covered)
    assert not hidden, f"focused controls under the action bar: {hidden}"


def test_build_status_is_announced_from_one_persistent_region(page: Page, actor_a, ejercicio):
    from compendium.editions import create_edicion

    coordinator = factories.user("coordina.avisos@prueba.gob.mx", role=Role.COORDINADOR)
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    build = PublicationBuild.objects.create(
        edicion=edicion, document="informe", progress="Maquetando las páginas"
    )
    sign_in(page, coordinator.email)
    page.goto(f"/ediciones/{edicion.pk}/")
    region = page.locator("#aviso-informe")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_contain_text("Maquetando las páginas")
    region.evaluate("el => { el.dataset.original = 'sí'; }")
    # Nothing inside the block htmx replaces is a live region.
    assert page.locator("#estado-informe [role=status], #estado-informe [aria-live]").count() == 0

    PublicationBuild.objects.filter(pk=build.pk).update(status=BuildStatus.DONE, pages=12)
    expect(region).to_contain_text("Terminado", timeout=10_000)
    expect(region).to_contain_text("12 páginas")
    # The same element, updated in place (a live region inserted by a swap is usually silent).
    expect(region).to_have_attribute("data-original", "sí")
    expect(page.locator("#estado-informe")).to_contain_text("Terminado")
