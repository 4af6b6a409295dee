"""Keyboard use (issue 11, docs/accessibility.md §T1): the review panel's controls are in view
when they get focus, and every form that can fail (login, review return, desk filter, editorial
correction, order, new edition, ficha, password change, invitation, new exercise) moves focus to
its error summary and says «Error:» in the page title."""

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from reporting import workflow
from reporting.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# A focused control must not be entirely hidden (WCAG 2.2 SC 2.4.11, focus not obscured):
# inside the window and, for the panel's own scrolling, inside the panel. Chromium does not
# scroll to a control that is already partly visible, so «partly» is what a browser gives.
IN_VIEW = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  const box = el.closest('.review-panel').getBoundingClientRect();
  const top = Math.max(r.top, 0, box.top);
  const bottom = Math.min(r.bottom, window.innerHeight, box.bottom);
  const left = Math.max(r.left, 0, box.left);
  const right = Math.min(r.right, window.innerWidth, box.right);
  return bottom - top >= Math.min(r.height, 8) && right - left >= Math.min(r.width, 8);
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  return {
    inPanel: !!el.closest('.review-panel'),
    label: (el.labels && el.labels[0] ? el.labels[0].innerText : el.innerText || el.name || el.id)
      .trim().slice(0, 60),
  };
}"""


@pytest.fixture
def review_setup(actor_a, ejercicio):
    focal = factories.user("enlace.tec@prueba.gob.mx", actor=actor_a)
    coordinator = factories.user("coord.tec@prueba.gob.mx", role=Role.COORDINADOR)
    ficha = factories.ficha(
        actor_a, ejercicio, retos=["Falta de personal.", "Poco presupuesto.", "Sin intérpretes."]
    )
    workflow.submit(ficha, by=focal)
    workflow.start_review(ficha, by=coordinator)
    return coordinator, ficha


def test_every_control_of_the_review_panel_is_in_view_when_focused(page: Page, login, review_setup):
    coordinator, ficha = review_setup
    page.set_viewport_size({"width": 1280, "height": 900})
    # Instant scrolling (Bootstrap scrolls smoothly unless motion is reduced): the check then
    # does not depend on how fast a busy machine animates.
    page.emulate_media(reduced_motion="reduce")
    login(coordinator.email, factories.PASSWORD)
    page.goto(f"/fichas/revision/{ficha.pk}/")
    # Start at the panel's heading, then Tab through every control of the panel.
    page.locator("#panel-titulo").evaluate(
        "h => { h.tabIndex = -1; h.focus(); h.removeAttribute('tabindex'); }"
    )
    seen, hidden = [], []
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inPanel"]:
            break
        seen.append(focused["label"])
        try:  # give the browser a moment to scroll the control into view
            page.wait_for_function(IN_VIEW, timeout=2_000)
        except PlaywrightTimeoutError:
            hidden.append(focused["label"])
    assert len(seen) >= 10, f"the panel should have many controls; reached {seen}"
    assert "Guardar clasificación" in seen
    assert not hidden, f"{len(hidden)} of {len(seen)} focused controls off-screen: {hidden}"


def _expect_error_focus(page: Page):
    summary = page.locator("#resumen-errores, .error-summary").first
    # Generous: a ficha's submission first waits for an autosave in flight (busy machines).
    expect(summary).to_be_visible(timeout=15_000)
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))


def test_login_errors_take_focus(page: Page, db):
    page.goto("/cuentas/login/")
    page.get_by_label("Correo electrónico").fill("nadie@prueba.gob.mx")
    page.get_by_label("Contraseña").fill("equivocada")
    page.get_by_role("button", name="Iniciar sesión").click()
    _expect_error_focus(page)


def test_coordinator_forms_errors_take_focus(page: Page, login, review_setup, actor_a, ejercicio):
    coordinator, ficha = review_setup
    approved = factories.ficha(actor_a, ejercicio, nombre="Programa aprobado uno")
    other = factories.ficha(actor_a, ejercicio, nombre="Programa aprobado dos")
    sender = factories.user(actor=actor_a)
    for f in (approved, other):
        workflow.submit(f, by=sender)
        workflow.approve(f, by=coordinator, objective=f.objetivos_propuestos.first())
    login(coordinator.email, factories.PASSWORD)

    # Review page: a return without any observation.
    page.goto(f"/fichas/revision/{ficha.pk}/")
    page.get_by_role("button", name="Devolver con observaciones").click()
    _expect_error_focus(page)

    # Desk: a filter with an unknown status (an edited or old link).
    page.goto("/fichas/revision/?status=nada")
    _expect_error_focus(page)

    # Editorial correction: a rubro over the 180-word limit.
    page.goto(f"/fichas/revision/{ficha.pk}/editar/")
    page.locator("[name=descripcion]").fill(" ".join(["palabra"] * 400))
    page.get_by_role("button", name="Guardar correcciones").click()
    _expect_error_focus(page)

    # Order page: a position of 0.
    page.goto(f"/fichas/revision/{ejercicio.year}/orden/{actor_a.tipo.chapter}/7/")
    page.locator("input.position-input").first.fill("0")
    page.get_by_role("button", name="Guardar orden").click()
    _expect_error_focus(page)

    # A new edition without a title.
    page.goto(f"/ediciones/{ejercicio.year}/nueva/")
    page.get_by_label("Título").fill("")
    page.get_by_role("button", name="Crear la edición").click()
    _expect_error_focus(page)


def test_other_forms_errors_take_focus(page: Page, login, actor_a, ejercicio):
    """The focal point's ficha form and password change, the coordinators' invitation and new
    exercise: each refused submission lands on its error summary."""
    focal = factories.user("enlace.errores@prueba.gob.mx", actor=actor_a)
    coordinator = factories.user("coord.errores@prueba.gob.mx", role=Role.COORDINADOR)
    draft = factories.ficha(actor_a, ejercicio)
    login(focal.email, factories.PASSWORD)

    # Ficha form: sent to review without a name.
    page.goto(f"/fichas/{draft.pk}/")
    page.locator("[name=nombre]").fill("")
    page.locator("#enviar-revision:not([hidden])").click()
    _expect_error_focus(page)

    # Password change with nothing typed.
    page.goto("/cuentas/password_change/")
    page.get_by_role("button", name="Cambiar contraseña").click()
    _expect_error_focus(page)

    login(coordinator.email, factories.PASSWORD)
    # An invitation without any data.
    page.goto("/fichas/invitaciones/")
    page.get_by_role("button", name="Enviar invitación").click()
    _expect_error_focus(page)

    # A new exercise without its year.
    page.goto("/fichas/ejercicios/nuevo/")
    page.get_by_label("Año del ejercicio").fill("")
    page.get_by_role("button", name="Crear el ejercicio").click()
    _expect_error_focus(page)
