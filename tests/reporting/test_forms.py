"""FichaForm: draft versus submission rules, numbers, words, groups, NUL bytes."""

import pytest
from django.http import QueryDict

from reporting.forms import FichaForm, InvitationForm, RetoFormSet
from reporting.models import Ficha
from reporting.text import WORD_LIMIT
from tests import factories
from tests.reporting.test_fichas_views import form_data

pytestmark = pytest.mark.django_db


def bind(data, ejercicio, *, submitting=False, instance=None):
    qd = QueryDict(mutable=True)
    for key, value in data.items():
        qd.setlist(key, value if isinstance(value, list) else [value])
    instance = instance or Ficha(ejercicio=ejercicio)
    formset = RetoFormSet(qd, instance=instance, prefix="retos")
    form = FichaForm(
        qd, instance=instance, ejercicio=ejercicio, retos_formset=formset, submitting=submitting
    )
    return form, formset


def test_form_never_offers_coordinator_fields(ejercicio):
    form = FichaForm(ejercicio=ejercicio)
    assert set(form.fields) & set(Ficha.COORDINATOR_FIELDS) == set()
    assert "actor" not in form.fields and "ejercicio" not in form.fields


def test_complete_form_is_valid_for_submission(ejercicio):
    form, formset = bind(form_data(), ejercicio, submitting=True)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["personas_atendidas"] == 2500


def test_draft_accepts_incomplete_input(ejercicio):
    form, _ = bind({"nombre": "Sólo el nombre", **_management()}, ejercicio)
    assert form.is_valid(), form.errors


def _management(total=0):
    return {
        "retos-TOTAL_FORMS": str(total),
        "retos-INITIAL_FORMS": "0",
        "retos-MIN_NUM_FORMS": "0",
        "retos-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "El número no puede ser negativo: escriba 0 o una cantidad mayor."),
        ("100000001", "La cifra es demasiado grande (máximo 100,000,000)."),
        ("9" * 40, "La cifra es demasiado grande (máximo 100,000,000)."),
        ("2.5", "Escriba sólo un número entero, sin letras ni decimales (p. ej. 2500)."),
        ("mil", "Escriba sólo un número entero, sin letras ni decimales (p. ej. 2500)."),
    ],
)
def test_numbers_are_checked_even_in_drafts(ejercicio, value, message):
    form, _ = bind(form_data(num_acciones=value), ejercicio)
    assert not form.is_valid()
    assert form.errors["num_acciones"][0].startswith(message)


def test_numbers_accept_thousands_separators(ejercicio):
    form, _ = bind(form_data(personas_atendidas="2 500", mujeres="1,200"), ejercicio)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["personas_atendidas"], form.cleaned_data["mujeres"]) == (2500, 1200)


def test_groups_may_not_exceed_people_served(ejercicio):
    form, _ = bind(form_data(personas_atendidas="100", mujeres="80", hombres="40"), ejercicio)
    assert not form.is_valid()
    assert form.errors["personas_atendidas"] == [
        "Mujeres + hombres + otras personas suman 120, más que las 100 personas atendidas. "
        "Corrija las cifras o marque que los grupos se traslapan y explique por qué."
    ]


def test_overlapping_groups_need_an_explanation_to_be_sent(ejercicio):
    data = form_data(personas_atendidas="100", mujeres="80", hombres="40", grupos_traslapados="on")
    draft, _ = bind(data, ejercicio)
    assert draft.is_valid(), draft.errors
    sent, _ = bind(data, ejercicio, submitting=True)
    assert not sent.is_valid()
    assert sent.errors["traslape_explicacion"] == [
        "Explique por qué una misma persona se cuenta en más de un grupo."
    ]
    data["traslape_explicacion"] = "Una persona recibió dos servicios."
    ok, _ = bind(data, ejercicio, submitting=True)
    assert ok.is_valid(), ok.errors


def test_word_limit_is_enforced_only_on_submission(ejercicio):
    long_text = " ".join(["palabra"] * (WORD_LIMIT + 1))
    data = form_data(resultados=long_text)
    draft, _ = bind(data, ejercicio)
    assert draft.is_valid()
    sent, _ = bind(data, ejercicio, submitting=True)
    assert not sent.is_valid()
    assert sent.errors["resultados"] == [
        "La sección «Resultados» tiene 181 palabras; el máximo es 180. Resuma el texto."
    ]


# 5 words for a reader (and for reporting.text.count_words), 7 for ``str.split``.
DASHED = "Talleres - ferias - 2,500 personas atendidas"


@pytest.mark.parametrize(("repeat", "refused"), [(36, False), (37, True)])
def test_word_limit_counts_words_as_a_reader_does(ejercicio, repeat, refused):
    # 36 × 5 = 180 words (252 pieces between spaces): accepted; 185 words: refused.
    sent, _ = bind(form_data(resultados=" ".join([DASHED] * repeat)), ejercicio, submitting=True)
    assert sent.is_valid() is not refused
    assert sent.word_counts()["resultados"] == 5 * repeat


def test_retos_word_limit_counts_all_challenges(ejercicio):
    data = form_data(retos=(" ".join(["reto"] * 100), " ".join(["reto"] * 81)))
    sent, _ = bind(data, ejercicio, submitting=True)
    assert not sent.is_valid()
    assert sent.errors["sin_retos"] == [
        "Los retos suman 181 palabras; el máximo es 180. Resuma el texto."
    ]


def test_results_need_figures_text_or_explanation(ejercicio):
    data = form_data(num_acciones="", personas_atendidas="", mujeres="", hombres="", resultados="")
    sent, _ = bind(data, ejercicio, submitting=True)
    assert not sent.is_valid()
    assert sent.errors["explicacion_sin_cifras"][0].startswith("Sin cifras ni resultados")


def test_sin_retos_and_retos_together_are_refused(ejercicio):
    sent, _ = bind(form_data(sin_retos="on"), ejercicio, submitting=True)
    assert not sent.is_valid()
    assert sent.errors["sin_retos"][0].startswith("Marcó «No se identificaron retos»")


def test_dates_in_wrong_order(ejercicio):
    form, _ = bind(form_data(fecha_inicio="2024-05-01", fecha_conclusion="2023-01-01"), ejercicio)
    assert not form.is_valid()
    assert form.errors["fecha_conclusion"][0].startswith("La fecha de conclusión es anterior")


def test_invalid_date_and_email_messages(ejercicio):
    form, _ = bind(form_data(fecha_inicio="31/02/2024", contacto_correo="maria@"), ejercicio)
    assert not form.is_valid()
    assert form.errors["fecha_inicio"] == [
        "Escriba una fecha válida con el formato dd/mm/aaaa (p. ej. 15/03/2024)."
    ]
    assert form.errors["contacto_correo"] == [
        "Escriba un correo electrónico completo, p. ej. nombre@dependencia.gob.mx."
    ]


def test_unknown_objective_and_state_ids(ejercicio):
    form, _ = bind(form_data(objetivos_propuestos=["99"], entidades=["77"]), ejercicio)
    assert not form.is_valid()
    assert "objetivos_propuestos" in form.errors and "entidades" in form.errors


def test_nul_bytes_are_removed(ejercicio):
    form, formset = bind(
        form_data(nombre="Pro\x00grama", retos=("Re\x00to",), descripcion="a\x00b"), ejercicio
    )
    assert form.is_valid(), form.errors
    assert formset.is_valid()
    assert form.cleaned_data["nombre"] == "Programa"
    assert form.cleaned_data["descripcion"] == "ab"
    assert formset.kept_texts() == ["Reto"]


def test_very_long_textarea_is_refused(ejercicio):
    form, _ = bind(form_data(descripcion="x" * 5001), ejercicio)
    assert not form.is_valid()
    assert form.errors["descripcion"] == ["Este texto tiene 5,001 caracteres; el máximo es 5,000."]


def test_results_heading_uses_the_exercise_years(ejercicio):
    assert FichaForm(ejercicio=ejercicio).results_heading == (
        "RESULTADOS ALCANZADOS EN EL PERIODO DE JUNIO DE 2023 A JUNIO DE 2024"
    )


def test_invitation_form_refuses_existing_account(actor_a, focal_a):
    form = InvitationForm({"email": focal_a.email.upper(), "first_name": "X", "actor": actor_a.pk})
    assert not form.is_valid()
    assert form.errors["email"][0].startswith("Ya existe una cuenta con este correo.")


def test_invitation_form_allows_reinviting_a_pending_person(actor_a):
    pending = factories.user("pendiente@prueba.gob.mx", actor=actor_a)
    pending.set_unusable_password()
    pending.save()
    form = InvitationForm({"email": pending.email, "first_name": "X", "actor": actor_a.pk})
    assert form.is_valid(), form.errors
