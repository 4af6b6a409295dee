"""The demonstration data: loads once, covers every state and actor type, and its accounts work."""

import json

import pytest
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import reverse

from reporting.demo import DATA_FILE, DEMO_PASSWORD, load_demo
from reporting.forms import FichaForm
from reporting.models import (
    Actor,
    ActorType,
    Ejercicio,
    EjercicioStatus,
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    Membership,
    Observacion,
    Reto,
    Role,
    User,
)
from tests.compendium._module_db import module_transaction

pytestmark = pytest.mark.django_db(transaction=False)


# No worker in tests: queued notifications go nowhere. The production hasher takes over a
# second per password; logins are checked many times.
FAST = {
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture
def fast_settings(settings):
    for name, value in FAST.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (about 3 s) and rolled back at its end.

    Each test runs in a transaction of its own inside this one, so what a test writes (a
    sign-in, a used second-factor code) is undone before the next. The tests that need an
    empty database are in test_demo_command.py.
    """
    with module_transaction(django_db_blocker):
        with override_settings(**FAST):
            accounts = load_demo()
        yield accounts


@pytest.fixture
def demo(loaded_demo, fast_settings):
    return loaded_demo


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Actor, User, Membership, Ejercicio, Ficha, FichaEvent, Observacion, Reto)
    }


def test_the_demo_loads_an_open_and_a_closed_exercise(demo):
    assert demo.created
    current = Ejercicio.objects.get(year=2024)
    assert current.status == EjercicioStatus.ABIERTO
    assert 0 < current.days_left() <= 31
    previous = Ejercicio.objects.get(year=2023)
    assert previous.status == EjercicioStatus.CERRADO
    assert 5 <= previous.fichas.approved().count() <= 8
    assert previous.fichas.count() == previous.fichas.approved().count()
    assert 35 <= current.fichas.count() <= 50


def test_loading_twice_creates_nothing_new(demo):
    before = _counts()
    again = load_demo()
    assert not again.created
    assert _counts() == before
    assert again.accounts == demo.accounts
    assert again.second_factor == demo.second_factor


def test_there_are_fichas_in_every_status(demo):
    fichas = Ficha.objects.filter(ejercicio__year=2024)
    for status in FichaStatus.values:
        assert fichas.filter(status=status).exists(), status
    assert sum(demo.fichas_by_status.values()) == fichas.count()


def test_every_state_was_reached_through_the_workflow(demo):
    for ficha in Ficha.objects.exclude(status=FichaStatus.BORRADOR):
        last = ficha.events.filter(to_status__gt="").order_by("at", "pk").last()
        assert last is not None and last.to_status == ficha.status, ficha


def test_every_approved_ficha_has_an_objective(demo):
    approved = Ficha.objects.approved()
    assert approved.exists()
    assert not approved.filter(objetivo_asignado__isnull=True).exists()
    assert approved.filter(destacada=True).exclude(resumen_informe="").exists()
    assert approved.filter(eje__isnull=False, subtema__isnull=False, ods__isnull=False).exists()
    assert Reto.objects.filter(ficha__in=approved, categoria__isnull=False).exists()


def test_returned_fichas_carry_general_and_field_observations(demo):
    observed = Ficha.objects.filter(status=FichaStatus.OBSERVADA)
    assert Observacion.objects.filter(ficha__in=observed, field="").exists()
    assert Observacion.objects.filter(ficha__in=observed, field="resultados").exists()


def test_figures_are_consistent(demo):
    for ficha in Ficha.objects.exclude(personas_atendidas=None):
        parts = (ficha.mujeres or 0) + (ficha.hombres or 0) + (ficha.otras_personas or 0)
        assert parts <= ficha.personas_atendidas, ficha


def test_every_actor_type_has_an_actor(demo):
    for actor_type in ActorType.objects.all():
        assert Actor.objects.filter(tipo=actor_type).exists(), actor_type.code
    for state in Actor.objects.filter(tipo="estatal"):
        assert state.sigla == state.entidad.printed_name


def test_the_demo_has_joint_programs_and_footnotes(demo):
    assert Ficha.objects.filter(co_actors__isnull=False).distinct().count() >= 2
    assert Ficha.objects.filter(notas__isnull=False).distinct().count() >= 2


def test_the_data_file_holds_only_what_an_enlace_types_in_the_form():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    records = [r for year in ("2023", "2024") for r in data["fichas"][year]]
    assert len(records) == 50
    for record in records:
        assert set(record["content"]) <= set(FichaForm.base_fields), record["content"]["nombre"]
        assert not set(record["content"]) & set(Ficha.COORDINATOR_FIELDS)


def test_corrections_classifications_and_carry_over_leave_their_trace(demo):
    edits = FichaEvent.objects.filter(kind=FichaEventKind.EDIT)
    # The enlace's correction after a return, and the coordinator's edit of a joint program.
    fix = edits.filter(by__email="enlace.nuevoleon@demo.gob.mx", changes__has_key="resultados")
    assert fix.exists()
    joint = edits.filter(by__email="coordinacion@demo.gob.mx", changes__has_key="co_actors")
    assert joint.exists()
    for ficha in Ficha.objects.approved().exclude(eje=None):
        assert ficha.events.filter(kind=FichaEventKind.CLASSIFY).exists(), ficha
    carried = Ficha.objects.get(ejercicio__year=2024, copied_from__isnull=False)
    assert carried.copied_from.ejercicio.year == 2023
    assert carried.copied_from.nombre == carried.nombre
    assert carried.events.order_by("at", "pk").first().note.startswith("Copia de")


def test_every_printed_account_can_log_in(demo, client):
    emails = [email for _role, email, _institution in demo.accounts]
    for required in (
        "coordinacion@demo.gob.mx",
        "admin@demo.gob.mx",
        "enlace.inm@demo.gob.mx",
        "enlace2.inm@demo.gob.mx",
        "enlace.nuevoleon@demo.gob.mx",
        "enlace.imumi@demo.gob.mx",
    ):
        assert required in emails
    assert demo.password == DEMO_PASSWORD
    for email in emails:
        # django-axes needs the request to judge a sign-in.
        assert client.login(request=HttpRequest(), username=email, password=demo.password), email
        client.logout()


def test_roles_of_the_demo_accounts(demo):
    coordinator = User.objects.get(email="coordinacion@demo.gob.mx")
    assert coordinator.is_staff and coordinator.is_coordinator
    assert coordinator.membership.role == Role.COORDINADOR
    admin = User.objects.get(email="admin@demo.gob.mx")
    assert admin.is_superuser and admin.membership.role == Role.ADMINISTRADOR
    inm = Actor.objects.get(sigla="INM")
    assert Membership.objects.filter(actor=inm, role=Role.ENLACE).count() == 2
    assert all(u.first_name and u.last_name for u in User.objects.all())


def test_the_demo_coordinator_and_administrator_sign_in_with_a_printed_code(demo, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    assert set(demo.second_factor) == {"coordinacion@demo.gob.mx", "admin@demo.gob.mx"}
    for email, (_secret, codes) in demo.second_factor.items():
        client = Client()
        client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD})
        assert client.get("/fichas/revision/")["Location"].startswith(reverse("twofactor_verify"))
        response = client.post(reverse("twofactor_verify"), {"code": codes[0]})
        assert response.status_code == 302, email
        assert client.get("/fichas/revision/").status_code == 200
    # A used code is not printed again; once all are used, a new set is.
    assert codes[0] not in load_demo().second_factor[email][1]
