import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q

from reporting.exercises import create_ejercicio
from reporting.models import ChallengeCategory, Ficha, Membership, Role
from reporting.resources import FichaResource, escape_formula
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_approved_ficha_must_have_an_assigned_objective(ficha_a):
    # Bypass the workflow on purpose: the database itself refuses the state.
    with pytest.raises(IntegrityError), transaction.atomic():
        Ficha.objects.filter(pk=ficha_a.pk).update(status="aprobada", objetivo_asignado=None)
    Ficha.objects.filter(pk=ficha_a.pk).update(status="aprobada", objetivo_asignado=7)
    assert Ficha.objects.get(pk=ficha_a.pk).objetivo_asignado_id == 7


def test_a_ficha_has_at_most_one_assigned_objective():
    # A single foreign key: «exactly one» when approved, never several.
    field = Ficha._meta.get_field("objetivo_asignado")
    assert field.many_to_one and not field.many_to_many


def test_state_government_needs_its_state():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.actor("SIN ESTADO", tipo="estatal")


def test_focal_point_membership_needs_an_actor(db):
    u = factories.user("coord@prueba.gob.mx", role=Role.COORDINADOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=u).update(role=Role.ENLACE)


def test_new_exercise_gets_default_period_and_its_own_categories():
    e = create_ejercicio(2025)
    assert (str(e.period_start), str(e.period_end)) == ("2024-06-01", "2025-06-30")
    names = list(e.challenge_categories.values_list("name", flat=True))
    assert names[0] == "Recursos presupuestales y financieros" and names[-1] == "Otros"
    other = create_ejercicio(2026)
    ChallengeCategory.objects.filter(ejercicio=e, name="Otros").update(name="Otros retos")
    assert other.challenge_categories.filter(name="Otros").exists()


def test_printed_sigla_joins_co_actors(actor_a, ejercicio):
    sre = factories.actor("SRE", name="Secretaría de Relaciones Exteriores")
    f = factories.ficha(actor_a, ejercicio)
    assert f.printed_sigla == "INM"
    f.co_actors.add(sre)
    assert f.printed_sigla == "INM/SRE"


def test_ficha_export_never_contains_contact_data(ficha_a):
    dataset = FichaResource().export()
    headers = [h.lower() for h in dataset.headers]
    assert "nombre" in headers and "resultados" in headers
    assert not any(h.startswith("contacto") or h == "unidad" for h in headers)
    exported = dataset.csv
    assert ficha_a.nombre in exported
    for value in (
        "María Pérez López",
        "maria.perez@prueba.gob.mx",
        "55 4321 8765",
        "Directora de Área",
    ):
        assert value not in exported


@pytest.mark.parametrize("value", ["=1+1", "+52 55", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_export_escapes_formula_prefixes(value):
    assert escape_formula(value) == "'" + value
    assert escape_formula("Texto normal") == "Texto normal"
    assert escape_formula(5) == 5


def test_formula_in_a_ficha_is_escaped_on_export(actor_a, ejercicio):
    factories.ficha(actor_a, ejercicio, nombre='=HYPERLINK("http://x")')
    csv = FichaResource().export().csv
    assert "'=HYPERLINK" in csv
    assert Ficha.objects.filter(~Q(nombre="")).count() == 1


def test_field_groups_cover_the_institution_form_once():
    from reporting.forms import FichaForm
    from reporting.models import Ficha

    groups = [
        *Ficha.PROGRAM_FIELDS,
        *(name for name in Ficha.PERIOD_FIELDS if name != "tablas"),
        *Ficha.CONTACT_FIELDS,
        *(name for name in Ficha.PROGRAM_RELATIONS if name != "co_actors"),
    ]
    assert len(groups) == len(set(groups))
    assert sorted(Ficha.INSTITUTION_FIELDS) == sorted(groups)
    # In the official order as the page and its error summary read them (``field_order``).
    assert set(FichaForm.base_fields) >= set(groups)
    form = FichaForm(ejercicio=None)  # type: ignore[arg-type]
    assert list(form.fields)[: len(groups)] == list(Ficha.INSTITUTION_FIELDS)
    assert not set(groups) & set(Ficha.COORDINATOR_FIELDS)
