"""Reflow (WCAG 1.4.10, issue 11): at 320 CSS px no page scrolls sideways, even with a long
unbroken ficha name; a wide table scrolls inside its own container instead."""

import pytest
from playwright.sync_api import Page

from reporting import workflow
from reporting.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Programa" + "Interinstitucional" * 6
# The widest element that sticks out of the window, if the page scrolls sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const out = [...document.querySelectorAll('body *')].filter(
    el => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-responsive'));
  return [document.documentElement.scrollWidth,
          out.slice(-3).map(el => el.tagName + '.' + el.className + ' ' + el.id)];
}"""


def test_no_horizontal_scroll_at_320_px(page: Page, login, actor_a, ejercicio):
    focal = factories.user("enlace.reflow@prueba.gob.mx", actor=actor_a)
    coordinator = factories.user("coord.reflow@prueba.gob.mx", role=Role.COORDINADOR)
    draft = factories.ficha(actor_a, ejercicio, nombre=LONG_NAME)
    sent = factories.ficha(actor_a, ejercicio, nombre=LONG_NAME + "Enviado")
    workflow.submit(sent, by=focal)
    page.set_viewport_size({"width": 320, "height": 640})

    wide = {}

    def visit(label: str, url: str):
        page.goto(url)
        found = page.evaluate(OVERFLOW)
        if found:
            wide[label] = found

    for label, url in [("Inicio", "/"), ("Publicaciones", "/publicaciones/")]:
        visit(label, url)
    visit("Iniciar sesión", "/cuentas/login/")
    login(focal.email, factories.PASSWORD)
    for label, url in [
        ("Mis fichas", "/fichas/"),
        ("Ficha (formulario)", f"/fichas/{draft.pk}/"),
        ("Ficha enviada", f"/fichas/{sent.pk}/"),
        ("Ficha para imprimir", f"/fichas/{draft.pk}/imprimir/"),
    ]:
        visit(label, url)
    login(coordinator.email, factories.PASSWORD)
    for label, url in [
        ("Bandeja", "/fichas/revision/"),
        ("Seguimiento", "/fichas/revision/seguimiento/"),
        ("Revisión", f"/fichas/revision/{sent.pk}/"),
        ("Corrección editorial", f"/fichas/revision/{sent.pk}/editar/"),
        ("Ejercicios", "/fichas/ejercicios/"),
        ("Ediciones", "/ediciones/"),
    ]:
        visit(label, url)
    assert not wide, f"pages wider than 320 px: {wide}"
