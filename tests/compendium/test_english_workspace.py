"""The English Informe's texts in the Informe workspace (docs/english-edition.md §E4)."""

import pytest
from django.urls import reverse
from django.utils import translation

from compendium import workspace
from compendium.editions import create_edicion
from compendium.informe import render_informe_html
from compendium.models import Edicion
from reporting.models import FichaEvent, FichaEventKind, FichaStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def edicion(ejercicio, coordinator):
    return create_edicion(ejercicio=ejercicio, by=coordinator)


def test_english_texts_are_listed_and_saved_beside_the_spanish(client_coord, edicion) -> None:
    Edicion.objects.filter(pk=edicion.pk).update(preambulo="Texto del preámbulo.")
    page = client_coord.get(reverse("compendium:informe_workspace", args=[edicion.pk]))
    english = {s.key: s.state for s in page.context["english_sections"]}
    assert english["en-preambulo_en"] == workspace.INCOMPLETE
    assert english["en-conclusiones_en"] == workspace.NOT_APPLICABLE  # no Spanish text either
    assert 'id="secciones-ingles"' in page.content.decode()

    url = reverse("compendium:informe_text", args=[edicion.pk, "preambulo_en"])
    form = client_coord.get(url)
    body = form.content.decode()
    assert form.status_code == 200
    # The generated draft, in English, fills the box until a text is saved.
    assert 'id="aviso-borrador"' in body
    assert form.context["draft"].startswith("The Executive Report 2024 summarizes the programs")
    assert form.context["form"]["text"].value() == form.context["draft"]
    assert (
        '<div class="border rounded p-3 bg-light" lang="es-MX"><p>Texto del preámbulo.</p>' in body
    )
    response = client_coord.post(url, {"text": "The preamble."})
    assert response.status_code == 302
    edicion.refresh_from_db()
    assert (edicion.preambulo, edicion.preambulo_en) == ("Texto del preámbulo.", "The preamble.")
    page = client_coord.get(reverse("compendium:informe_workspace", args=[edicion.pk]))
    english = {s.key: s.state for s in page.context["english_sections"]}
    assert english["en-preambulo_en"] == workspace.COMPLETE


def test_unknown_english_field_is_not_found(client_coord, edicion) -> None:
    url = reverse("compendium:informe_text", args=[edicion.pk, "title_en"])
    assert client_coord.get(url).status_code == 404


def test_english_summary_of_a_highlight_replaces_the_marked_spanish(edicion, actor_a) -> None:
    ficha = factories.ficha(
        actor_a,
        edicion.ejercicio,
        status=FichaStatus.APROBADA,
        objetivo_asignado_id=15,
        retos=[],
    )
    type(ficha).objects.filter(pk=ficha.pk).update(
        destacada=True, resumen_informe="Resumen en español."
    )
    with translation.override("en"):
        html = render_informe_html(edicion, draft=True)
    assert '[Untranslated]</strong> <span lang="es">Resumen en español.</span>' in html
    type(ficha).objects.filter(pk=ficha.pk).update(resumen_informe_en="English summary.")
    with translation.override("en"):
        html = render_informe_html(edicion, draft=True)
    assert "<p>English summary.</p>" in html
    assert "Objective 15. Provide access to basic services for migrants" in html


def test_the_english_summary_is_edited_with_the_classification(client_coord, actor_a, ejercicio):
    ficha = factories.ficha(actor_a, ejercicio, status=FichaStatus.ENVIADA, retos=[])
    url = reverse("reporting:review_classify", args=[ficha.pk])
    page = client_coord.get(reverse("reporting:review_ficha", args=[ficha.pk])).content.decode()
    assert 'name="resumen_informe_en"' in page
    data = {"loaded_version": ficha.version, "destacada": "on", "resumen_informe": "Resumen."}
    response = client_coord.post(url, data | {"resumen_informe_en": "Summary."})
    assert response.status_code == 302
    ficha.refresh_from_db()
    assert (ficha.resumen_informe, ficha.resumen_informe_en) == ("Resumen.", "Summary.")
    event = FichaEvent.objects.get(ficha=ficha, kind=FichaEventKind.CLASSIFY)
    assert event.changes["resumen_informe_en"]["new"] == "Summary."
