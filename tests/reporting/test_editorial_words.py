"""The coordinators' editorial page counts words like the institutions' form and refuses alike.

Both use ``reporting.text``: one word rule, the 180-word limit per rubro (not per text box).
The editorial page used to count ``len(text.split())`` box by box and never refused.
"""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse

from reporting import workflow
from reporting.forms import FichaForm
from reporting.models import FichaEvent, FichaEventKind
from reporting.review_forms import EditorialForm
from tests import factories
from tests.reporting.test_fichas_views import form_data

pytestmark = pytest.mark.django_db

# 5 words for a reader and for the form; ``len(text.split())`` made it 7 on the editorial page.
DASHED = "Talleres - ferias - 2,500 personas atendidas"


def words(n: int) -> str:
    """``n`` words by the rule (``n`` a multiple of 5), with more pieces between spaces."""
    return " ".join([DASHED] * (n // 5))


@pytest.fixture
def sent(actor_a, ejercicio, focal_a):
    ficha = factories.ficha(
        actor_a, ejercicio, objetivo_programa="", poblacion_objetivo="", descripcion=DASHED
    )
    return workflow.submit(ficha, by=focal_a)


_edit_data = factories.editorial_post


def _url(ficha):
    return reverse("reporting:review_edit", args=[ficha.pk])


def test_editorial_page_counts_the_dashed_text_like_the_form(client_coord, sent):
    assert len(DASHED.split()) == 7
    institution = FichaForm(instance=sent, ejercicio=sent.ejercicio).word_counts()
    editorial = {c["label"]: c["words"] for c in EditorialForm(instance=sent).word_counts()}
    assert institution["descripcion"] == editorial["Descripción"] == 5
    assert institution["resultados"] == editorial["Resultados"] == 7

    page = client_coord.get(_url(sent)).content.decode()
    assert "Descripción: 5 / 180" in page
    assert "Retos identificados: 9 / 180" in page


def test_editorial_page_refuses_a_rubro_over_180_words_and_keeps_what_was_typed(client_coord, sent):
    version, nombre = sent.version, sent.nombre
    typed = words(185)
    response = client_coord.post(
        _url(sent),
        _edit_data(sent, nombre="Nombre corregido", resultados=typed, edit_note="Recorte."),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["resultados"] == [
        "La sección «Resultados» tiene 185 palabras; el máximo es 180. Resuma el texto."
    ]
    page = response.content.decode()
    assert "La sección «Resultados» tiene 185 palabras" in page
    assert "Resultados: 185 / 180 (excede el límite)" in page
    # Everything typed is still on the page.
    assert typed in page
    assert 'value="Nombre corregido"' in page
    assert 'value="Recorte."' in page
    sent.refresh_from_db()
    assert (sent.version, sent.nombre) == (version, nombre)
    assert sent.resultados == "Se brindaron 1,245 atenciones en el periodo."
    assert not FichaEvent.objects.filter(ficha=sent, kind=FichaEventKind.EDIT).exists()


def test_editorial_page_accepts_180_words_that_split_into_more_pieces(client_coord, sent):
    text = words(180)
    assert len(text.split()) == 252
    response = client_coord.post(_url(sent), _edit_data(sent, resultados=text))
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.resultados == text


def test_the_limit_is_per_rubro_not_per_text_box(client_coord, sent):
    # 90 + 60 + 35 = 185 words in «Descripción»: each box alone is well under 180.
    data = _edit_data(
        sent, objetivo_programa=words(90), poblacion_objetivo=words(60), descripcion=words(35)
    )
    response = client_coord.post(_url(sent), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "descripcion": [
            "La sección «Descripción» tiene 185 palabras; el máximo es 180. Resuma el texto."
        ]
    }


def test_the_stored_explanation_without_figures_counts_in_results(client_coord, sent):
    sent.explicacion_sin_cifras = words(100)
    sent.save(update_fields=["explicacion_sin_cifras"])
    page = client_coord.get(_url(sent)).content.decode()
    assert "Resultados: 107 / 180" in page
    assert "incluye 100 palabras de «Explicación cualitativa (si no hay cifras)»" in page

    response = client_coord.post(_url(sent), _edit_data(sent, resultados=words(85)))
    assert response.status_code == 400
    assert response.context["form"].errors["resultados"] == [
        "La sección «Resultados» tiene 185 palabras; el máximo es 180. Resuma el texto."
    ]


def test_editorial_page_refuses_challenges_over_180_words_together(client_coord, sent):
    reto = sent.retos.get()
    sent.retos.create(position=1, texto=words(100))
    data = _edit_data(sent, **{"retos-0-texto": words(90)})
    response = client_coord.post(_url(sent), data)
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors() == [
        "Los retos suman 190 palabras; el máximo es 180. Resuma el texto."
    ]
    page = response.content.decode()
    assert "Los retos suman 190 palabras" in page
    assert words(90) in page
    reto.refresh_from_db()
    assert reto.texto == "Falta de personal capacitado en las oficinas de atención."


@pytest.mark.parametrize("field", ["descripcion", "resultados"])
@pytest.mark.parametrize("n", [180, 185])
def test_editorial_and_institution_forms_refuse_the_same_texts(sent, field, n):
    # The same text in every box of both rubros, on both forms.
    texts = {
        "objetivo_programa": sent.objetivo_programa,
        "poblacion_objetivo": sent.poblacion_objetivo,
        "descripcion": sent.descripcion,
        "explicacion_sin_cifras": sent.explicacion_sin_cifras,
        "resultados": sent.resultados,
        field: words(n),
    }
    editorial = EditorialForm(_edit_data(sent, **texts), instance=sent)
    institution = FichaForm(
        QueryDict(urlencode(form_data(**texts), doseq=True)),
        ejercicio=sent.ejercicio,
        submitting=True,
    )
    # (The institution's form also wants the boxes that this ficha leaves empty.)
    institution.is_valid()
    assert editorial.is_valid() is (n <= 180)
    assert editorial.errors.get(field) == institution.errors.get(field)
