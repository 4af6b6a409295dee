import pytest
import tablib

from reporting.models import Actor, Membership, Role, User
from reporting.resources import ActorResource, MembershipResource

pytestmark = pytest.mark.django_db


def _dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


def test_actor_import_dry_run_reports_row_errors_and_writes_nothing():
    data = _dataset(
        ["name", "sigla", "tipo", "entidad", "active"],
        ["Secretaría de Relaciones Exteriores", "SRE", "apf", "", "1"],
        ["Gobierno de Tabasco", "TABASCO", "estatal", "27", "1"],
        ["Tipo inexistente", "XYZ", "no-existe", "", "1"],
    )
    result = ActorResource().import_data(data, dry_run=True)
    assert result.has_errors() or result.has_validation_errors()
    assert Actor.objects.count() == 0


def test_actor_import_matches_by_sigla_not_by_id():
    Actor.objects.create(name="Nombre viejo", sigla="SRE", tipo_id="apf")
    data = _dataset(
        ["name", "sigla", "tipo", "entidad", "active"],
        ["Secretaría de Relaciones Exteriores", "SRE", "apf", "", "1"],
        ["Gobierno de Tabasco", "TABASCO", "estatal", "27", "1"],
    )
    result = ActorResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Actor.objects.get(sigla="SRE").name == "Secretaría de Relaciones Exteriores"
    assert Actor.objects.get(sigla="TABASCO").entidad_id == "27"
    assert Actor.objects.count() == 2


def test_membership_import_creates_focal_points_without_usable_password():
    Actor.objects.create(
        name="Instituto Nacional de Migración", sigla="INM", tipo_id="desconcentrado"
    )
    data = _dataset(
        ["correo", "nombre", "apellidos", "rol", "institucion"],
        ["Enlace.INM@prueba.gob.mx", "Ana", "García", "enlace", "INM"],
    )
    result = MembershipResource().import_data(data, dry_run=False)
    assert not result.has_errors(), [e.error for row in result.row_errors() for e in row[1]]
    enlace = User.objects.get(email="enlace.inm@prueba.gob.mx")
    assert (enlace.first_name, enlace.has_usable_password()) == ("Ana", False)
    assert enlace.actor.sigla == "INM"


def _row_errors(result) -> list[str]:
    return [str(e.error) for _number, errors in result.row_errors() for e in errors]


def test_membership_import_never_creates_coordinators_or_administrators():
    data = _dataset(
        ["correo", "nombre", "apellidos", "rol", "institucion"],
        ["coordinacion@prueba.gob.mx", "Luis", "Ramos", "coordinador", ""],
        ["admin@prueba.gob.mx", "Eva", "Luna", "administrador", ""],
    )
    result = MembershipResource().import_data(data, dry_run=False)
    errors = _row_errors(result)
    assert len(errors) == 2 and all("sólo se dan de alta enlaces" in e for e in errors)
    assert not User.objects.filter(email__in=["coordinacion@prueba.gob.mx", "admin@prueba.gob.mx"])


def test_membership_import_never_changes_an_existing_account(focal_a):
    """The probe made a focal point a coordinator by importing a row with their email."""
    data = _dataset(
        ["correo", "nombre", "apellidos", "rol", "institucion"],
        [focal_a.email, "Otra", "Persona", "coordinador", ""],
    )
    result = MembershipResource().import_data(data, dry_run=False)
    assert ["ya existe" in e for e in _row_errors(result)] == [True]
    membership = Membership.objects.get(user=focal_a)
    assert (membership.role, membership.actor.sigla) == (Role.ENLACE, "INM")
    focal_a.refresh_from_db()
    assert focal_a.first_name == "Persona"


def test_membership_import_dry_run_creates_no_user():
    data = _dataset(
        ["correo", "nombre", "apellidos", "rol", "institucion"],
        ["nuevo@prueba.gob.mx", "Ana", "García", "enlace", ""],
    )
    MembershipResource().import_data(data, dry_run=True)
    assert not User.objects.filter(email="nuevo@prueba.gob.mx").exists()
