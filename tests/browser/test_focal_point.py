"""A focal point fills a ficha in a real browser: counter, draft, reload, send, read-only."""

import re

import pytest
from playwright.sync_api import expect

from reporting.models import Ficha, FichaStatus
from tests import factories

# tests/conftest.py reloads the reference data that the flush of a transactional test removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_focal_point_creates_saves_and_sends_a_ficha(page, login, actor_a, ejercicio):
    factories.user("enlace.nav@prueba.gob.mx", actor=actor_a)
    login("enlace.nav@prueba.gob.mx", factories.PASSWORD)
    expect(page.get_by_role("heading", name="Mis fichas")).to_be_visible()

    page.get_by_role("link", name="Nueva ficha").click()
    page.get_by_label("NOMBRE DEL PROGRAMA").fill("Ventanilla de orientación migrante")
    page.get_by_label("7. Abordar y reducir las vulnerabilidades en la migración").check()
    page.get_by_label("1. Objetivo del programa (en qué consiste)").fill(
        "Orientar a personas migrantes sobre trámites."
    )
    page.get_by_label("2. A quién va dirigido el programa o acción (población objetivo)").fill(
        "Personas migrantes en tránsito."
    )
    # The word counter follows what is typed, and turns red over 180 words.
    description = page.get_by_label("Descripción del programa, acción o buena práctica")
    description.fill("uno dos tres")
    counter = page.locator("#count_descripcion")
    expect(counter).to_contain_text("13 de 180 palabras")
    description.fill(" ".join(["palabra"] * 190))
    expect(counter).to_contain_text("200 de 180 palabras")
    expect(counter).to_have_class(re.compile("text-danger"))
    description.fill("Ventanilla fija.\nAtiende de lunes a viernes.")

    page.get_by_label("Federal (en todo el país)").check()
    page.locator("#id_personas_atendidas").fill("2500")
    page.locator("#id_retos-0-texto").fill("Falta de personal bilingüe en las oficinas.")
    page.get_by_role("button", name="Agregar otro reto").click()
    page.locator("#id_retos-1-texto").fill("Rotación del personal capacitado.")
    page.get_by_label("Nombre", exact=True).fill("María Pérez")
    page.get_by_label("Correo electrónico", exact=True).fill("maria@prueba.gob.mx")

    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.get_by_text("Borrador guardado")).to_be_visible()
    ficha = Ficha.objects.get()
    assert page.url.endswith(f"/fichas/{ficha.pk}/")

    # Reload: everything typed is there.
    page.reload()
    expect(page.get_by_label("NOMBRE DEL PROGRAMA")).to_have_value(
        "Ventanilla de orientación migrante"
    )
    expect(page.locator("#id_retos-1-texto")).to_have_value("Rotación del personal capacitado.")
    assert [r.texto for r in ficha.retos.all()] == [
        "Falta de personal bilingüe en las oficinas.",
        "Rotación del personal capacitado.",
    ]

    # Autosave on leaving a field, url-encoded as the form's own «Guardar» (the server parses
    # it in a fraction of multipart's time: docs/load-test.md §L8b).
    # A text of two lines is stored as «Guardar» stored the description: CRLF.
    assert ficha.descripcion == "Ventanilla fija.\r\nAtiende de lunes a viernes."
    with page.expect_request(lambda r: r.url.endswith("/autoguardado/")) as autosave:
        page.get_by_label("UNIDAD/DIRECCIÓN GENERAL").fill("Dirección de Atención")
        page.get_by_label("Resultados (redacción)").fill("Línea uno.\nLínea dos.")
        page.get_by_label("NOMBRE DEL PROGRAMA").focus()
    expect(page.locator("#estado-guardado")).to_contain_text("Guardado a las")
    content_type = autosave.value.headers["content-type"]
    assert content_type.startswith("application/x-www-form-urlencoded"), content_type
    ficha.refresh_from_db()
    assert ficha.unidad == "Dirección de Atención"
    assert ficha.resultados == "Línea uno.\r\nLínea dos."
    assert ficha.descripcion == "Ventanilla fija.\r\nAtiende de lunes a viernes."

    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.get_by_text("Ficha enviada a revisión")).to_be_visible()
    expect(page.locator("#solo-lectura")).to_be_visible()
    expect(page.locator("#ficha-form")).to_have_count(0)
    expect(page.get_by_text("Atiende de lunes a viernes.")).to_be_visible()
    ficha.refresh_from_db()
    assert ficha.status == FichaStatus.ENVIADA


def test_failed_autosave_keeps_the_text_for_recovery(page, login, actor_a, ejercicio):
    factories.user("enlace.rec@prueba.gob.mx", actor=actor_a)
    ficha = factories.ficha(actor_a, ejercicio, nombre="Programa a recuperar")
    login("enlace.rec@prueba.gob.mx", factories.PASSWORD)
    page.goto(f"/fichas/{ficha.pk}/")
    # The session ends while the person types: the save fails, the text stays in the browser.
    page.context.clear_cookies()
    page.get_by_label("NOMBRE DEL PROGRAMA").fill("Nombre que no debe perderse")
    page.get_by_label("UNIDAD/DIRECCIÓN GENERAL").focus()
    # Without cookies the CSRF check fails first; either way the page says how to recover.
    expect(page.locator("#estado-guardado")).to_contain_text("Recuperar el texto")
    ficha.refresh_from_db()
    assert ficha.nombre == "Programa a recuperar"

    login("enlace.rec@prueba.gob.mx", factories.PASSWORD)
    page.goto(f"/fichas/{ficha.pk}/")
    expect(page.locator("#recuperacion")).to_be_visible()
    page.get_by_role("button", name="Recuperar el texto").click()
    expect(page.get_by_label("NOMBRE DEL PROGRAMA")).to_have_value("Nombre que no debe perderse")
    expect(page.locator("#estado-guardado")).to_contain_text("Guardado a las")
    ficha.refresh_from_db()
    assert ficha.nombre == "Nombre que no debe perderse"
