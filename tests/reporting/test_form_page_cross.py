"""The form page's remembered blocks never carry one ficha's data into another's page
(docs/load-test.md §L2c): each block's key holds everything its HTML shows. A key that left out
the value, the observations or the word counter would fail here (a reviewer's mutation test
showed the other form-page tests did not catch all of them)."""

import re

import pytest
from django.urls import reverse

from reporting import options, workflow
from reporting.templatetags import ficha_fields
from tests import factories
from tests.reporting.test_fichas_views import form_data

pytestmark = pytest.mark.django_db


def page(client, path, data=None) -> str:
    response = client.post(path, data) if data is not None else client.get(path)
    html = response.content.decode()
    html = re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r'datetime="[^"]+">[^<]*<', "<", html)


def fresh(client, path, data=None) -> str:
    ficha_fields.clear()
    options.clear_options()
    return page(client, path, data)


def test_one_institutions_blocks_never_reach_anothers_page(
    client_a, client_b, actor_a, actor_b, ejercicio, focal_a, coordinator
):
    ficha_a = factories.ficha(actor_a, ejercicio)
    ficha_b = factories.ficha(actor_b, ejercicio)
    path_a = reverse("reporting:ficha_edit", args=[ficha_a.pk])
    path_b = reverse("reporting:ficha_edit", args=[ficha_b.pk])
    secret = {"contacto_nombre": "Ana Secreta", "contacto_correo": "ana@secreto.mx"}
    client_a.post(path_a, form_data(ficha_a, objetivo_programa="uno dos tres", **secret))
    ficha_a.refresh_from_db()
    client_b.post(
        path_b,
        form_data(
            ficha_b,
            contacto_nombre="Beto",
            contacto_correo="beto@b.mx",
            objetivo_programa="cuatro cinco seis siete",
        ),
    )
    ficha_b.refresh_from_db()
    workflow.submit(ficha_a, by=focal_a)
    workflow.return_for_changes(
        ficha_a,
        by=coordinator,
        note="Revise.",
        field_notes={"contacto_correo": "Mal <correo>", "nombre": "El nombre oficial."},
    )
    page(client_b, path_b)  # the messages of the save are shown and gone
    page(client_a, path_a)  # A's blocks are remembered now
    warm_b = page(client_b, path_b)
    assert warm_b == fresh(client_b, path_b)
    assert "Ana Secreta" not in warm_b and "ana@secreto" not in warm_b
    assert "Mal &lt;correo" not in warm_b and "El nombre oficial" not in warm_b

    # A failed save of B, with a different word count in a section: from memory as fresh.
    data = form_data(
        ficha_b, contacto_nombre="Beto", contacto_correo="beto@b.mx", num_acciones="abc"
    )
    data["poblacion_objetivo"] = "a b c d e f g h i j k"
    warm = page(client_b, path_b, data)
    assert warm == fresh(client_b, path_b, data)
    assert "Ana Secreta" not in warm
