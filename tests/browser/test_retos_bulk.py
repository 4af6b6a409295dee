"""A coordinator categorises retos in bulk with the keyboard alone (issue 12).

The table of the Informe workspace (docs/informe-workspace.md §W5): sign in, reach the first
row's category with Tab, accept a suggestion by moving on, override one by typing the
category's first letters, choose one for a row without suggestion, and save the batch with
Enter on «Guardar este lote». No mouse click anywhere.
"""

import pytest
from playwright.sync_api import Page, expect

from compendium.editions import create_edicion
from reporting.models import FichaStatus, Reto, Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _tab_to(page: Page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == (
            element_id
        ):
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_retos_are_categorised_in_bulk_with_the_keyboard(page: Page, live_server) -> None:
    ejercicio = factories.ejercicio(2024)
    actor = factories.actor("INM", tipo="desconcentrado")
    texts = ["Falta de presupuesto para operar.", "Poco personal.", "Un reto sin palabras clave."]
    for number, text in enumerate(texts, start=1):
        factories.ficha(
            actor,
            ejercicio,
            status=FichaStatus.APROBADA,
            objetivo_asignado_id=number,
            retos=[text],
        )
    coordinator = factories.user("coordina.retos@prueba.gob.mx", role=Role.COORDINADOR)
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    r1, r2, r3 = (Reto.objects.get(texto=t) for t in texts)
    page.emulate_media(reduced_motion="reduce")

    # Sign in with the keyboard.
    page.goto("/cuentas/login/")
    page.get_by_label("Correo electrónico").focus()
    page.keyboard.type(coordinator.email)
    page.keyboard.press("Tab")
    page.keyboard.type(factories.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto(f"/ediciones/{edicion.pk}/informe/retos/?filtro=sin-categoria")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retos por categoría")
    # Row 1 comes with its suggestion chosen: moving on accepts it.
    _tab_to(page, f"id_cat-{r1.pk}")
    expect(page.locator(f"#id_cat-{r1.pk}")).to_have_value(str(_category(ejercicio, "Recursos p")))
    # Row 2 suggests «Recursos humanos…»: the coordinator overrides it by typing.
    _tab_to(page, f"id_cat-{r2.pk}")
    expect(page.locator(f"#id_cat-{r2.pk}")).to_have_value(str(_category(ejercicio, "Recursos h")))
    page.keyboard.type("Cob")
    expect(page.locator(f"#id_cat-{r2.pk}")).to_have_value(str(_category(ejercicio, "Cobertura")))
    # Row 3 has no suggestion: it starts «— Sin categoría —».
    _tab_to(page, f"id_cat-{r3.pk}")
    expect(page.locator(f"#id_cat-{r3.pk}")).to_have_value("")
    page.keyboard.type("Otros")
    _tab_to(page, "guardar-lote")
    page.keyboard.press("Enter")

    expect(page.locator("#sin-retos")).to_have_text(
        "Todos los retos de este filtro tienen categoría."
    )
    names = {r.texto: r.categoria.name for r in Reto.objects.select_related("categoria")}
    assert names == {
        texts[0]: "Recursos presupuestales y financieros",
        texts[1]: "Cobertura y alcance territorial",
        texts[2]: "Otros",
    }


def _category(ejercicio, prefix: str) -> int:
    return ejercicio.challenge_categories.get(name__startswith=prefix).pk
