"""Issue 16 in a real browser: a focal point downloads the Word template, fills it, uploads it,
finds the draft, fixes a text over the 180-word limit and sends the ficha."""

import re

import pytest
from playwright.sync_api import expect

from reporting.models import Ficha, FichaStatus
from tests import factories
from tests.browser.test_accessibility import violations
from tests.reporting.test_docx import ANSWERS, filled_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_template_to_sent_ficha(page, login, actor_a, ejercicio, tmp_path):
    focal = factories.user("enlace.word@prueba.gob.mx", actor=actor_a)
    login(focal.email, factories.PASSWORD)

    page.goto("/fichas/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Plantilla de Word (.docx)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "ficha-tecnica-pmm-2024.docx"

    # Filled in Word: the description is 200 words, over the limit of its rubro.
    long_text = " ".join(["orientación"] * 200)
    filled = tmp_path / "ficha-llena.docx"
    # «Fecha de inicio» in words: kept in the «Texto no reconocido» note of the draft.
    answers = {"descripcion": long_text, "fecha_inicio": "desde hace años"}
    filled.write_bytes(filled_template(ejercicio, answers, template=template.read_bytes()))
    other = tmp_path / "otra-version.docx"
    other.write_bytes(
        filled_template(
            ejercicio, {**answers, "unidad": "Otra unidad"}, template=template.read_bytes()
        )
    )

    found = []
    page.get_by_role("link", name="Importar desde Word").click()
    found += violations(page, "importar")
    page.get_by_label("Archivos de Word (.docx)").set_input_files(str(filled))
    page.get_by_role("button", name="Importar").click()
    results = page.locator("#resultado-importacion")
    expect(results).to_contain_text("Se creó 1 borrador.")
    expect(results).to_contain_text("La sección «Descripción» tiene")
    found += violations(page, "resultado")
    results.get_by_role("link", name=ANSWERS["nombre"]).click()

    expect(page.locator("#texto-no-reconocido")).to_contain_text("desde hace años")
    found += violations(page, "borrador con nota")
    # A second version of the file: the preview compares, «Cancelar» changes nothing.
    page.get_by_role("link", name="Actualizar desde Word").click()
    page.get_by_label("Archivos de Word (.docx)").set_input_files(str(other))
    page.get_by_role("button", name="Importar").click()
    expect(page.locator("#cambios")).to_contain_text("Otra unidad")
    found += violations(page, "vista previa")
    page.get_by_role("link", name="Cancelar").click()
    assert found == [], "\n".join(found)

    descripcion = page.get_by_label("Descripción del programa, acción o buena práctica")
    expect(descripcion).to_have_value(long_text)
    counter = page.locator("#count_descripcion")
    expect(counter).to_contain_text("de 180 palabras")
    expect(counter).to_have_class(re.compile("text-danger"))
    descripcion.fill("Orientación en los puntos de internación durante todo el año.")
    expect(counter).not_to_have_class(re.compile("text-danger"))
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.get_by_text("Ficha enviada a revisión.")).to_be_visible()
    ficha = Ficha.objects.get(actor=actor_a)
    assert ficha.status == FichaStatus.ENVIADA
    assert ficha.descripcion.startswith("Orientación en los puntos")
    assert ficha.unidad == ANSWERS["unidad"]  # the preview was cancelled
