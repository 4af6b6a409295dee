"""The people and objects of the access matrix and the form fuzz (issue 17), built once.

Five personas (anonymous, focal point of A, focal point of B, coordinator, administrator) and
the objects whose URLs they try: A's draft and sent fichas, B's draft and approved ones, A's
ficha published in 2023, the 2023 edition with a published and a draft build, a pending
invitation. The coordinator is staff, as ``reporting/demo.py`` makes them (the accounts issue 17
is about); the administrator is a superuser with the «administrador» membership.

Everything here is a test's own setup (``tests/``), so ``tests/write_owners.py`` does not judge
its writes.
"""

import contextlib
import dataclasses
import datetime
import warnings
from collections.abc import Iterator
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks_db.models import DBTaskResult

from compendium import public_record
from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
from reporting.models import (
    Actor,
    Ejercicio,
    EjercicioStatus,
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    Membership,
    Nota,
    Observacion,
    Role,
    User,
)
from tests import factories
from tests.reference import ensure_reference_data

PERSONAS = ("anon", "focal_a", "focal_b", "coord", "admin")


class Figures(UserWarning):
    """Figures a test reports (the access matrix's, the fuzz's): a warning, so that pytest's
    summary shows them also when the test ran in a pytest-xdist worker (``make test``)."""


def report_figures(text: str) -> None:
    warnings.warn(Figures(text), stacklevel=2)


@dataclasses.dataclass
class World:
    ej2023: Ejercicio
    ej2024: Ejercicio
    actor_a: Actor
    actor_b: Actor
    users: dict[str, User]  # persona -> user (no "anon")
    pending: User  # invited focal point of A who has not set a password yet
    fichas: dict[str, Ficha]
    edicion: Edicion  # 2023, published
    builds: dict[str, PublicationBuild]
    group: Group
    task: DBTaskResult
    clients: dict[str, Client] = dataclasses.field(default_factory=dict)

    def client(self, persona: str) -> Client:
        """A client of ``persona`` (a fresh session); 5xx come back as responses."""
        client = Client(raise_request_exception=False)
        if persona != "anon":
            client.force_login(self.users[persona])
        return client


def staff_user(email: str, role: str, *, superuser: bool = False) -> User:
    user = factories.user(email, role=role)
    user.is_staff = True
    user.is_superuser = superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def token_path(user: User) -> tuple[str, str]:
    """(uidb64, token) of a set-password link for ``user``."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def build_world() -> World:
    """All the objects, written directly (test setup). Files go to the current MEDIA_ROOT."""
    ej2023 = factories.ejercicio(2023, status=EjercicioStatus.PUBLICADO)
    ej2024 = factories.ejercicio(2024)
    actor_a = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    actor_b = factories.actor(
        "NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno del Estado de Nuevo León"
    )
    users = {
        "focal_a": factories.user("enlace.a@prueba.gob.mx", actor=actor_a),
        "focal_b": factories.user("enlace.b@prueba.gob.mx", actor=actor_b),
        "coord": staff_user("coordinacion@prueba.gob.mx", Role.COORDINADOR),
        "admin": staff_user("administracion@prueba.gob.mx", Role.ADMINISTRADOR, superuser=True),
    }
    pending = User.objects.create_user("invitada@prueba.gob.mx", None, first_name="Invitada")
    Membership.objects.create(user=pending, role=Role.ENLACE, actor=actor_a)

    approved = {"status": FichaStatus.APROBADA, "objetivo_asignado_id": 7}
    fichas = {
        "draft_a": factories.ficha(actor_a, ej2024),
        "sent_a": factories.ficha(actor_a, ej2024, status=FichaStatus.ENVIADA),
        "draft_b": factories.ficha(actor_b, ej2024),
        "approved_b": factories.ficha(actor_b, ej2024, **approved),
        "published_a": factories.ficha(
            actor_a, ej2023, published_at=timezone.now() - datetime.timedelta(days=300), **approved
        ),
        # A draft its institution deleted yesterday (restorable for 30 days).
        "deleted_a": factories.ficha(
            actor_a, ej2024, deleted_at=timezone.now() - datetime.timedelta(days=1)
        ),
    }
    for ficha in fichas.values():
        FichaEvent.objects.create(ficha=ficha, kind=FichaEventKind.CREATED, by=users["focal_a"])
    event = FichaEvent.objects.create(
        ficha=fichas["published_a"],
        kind=FichaEventKind.TRANSITION,
        from_status=FichaStatus.ENVIADA,
        to_status=FichaStatus.OBSERVADA,
    )
    Observacion.objects.create(ficha=fichas["published_a"], event=event, texto="Complete.")
    Nota.objects.create(ficha=fichas["published_a"], marker="[^1]", texto="Nota al pie.")

    edicion = Edicion.objects.create(
        ejercicio=ej2023, title="Compendio General 2023", date_line="Ciudad de México."
    )
    builds = {
        "published": _build(edicion, Document.COMPENDIO, draft=False, version=1),
        "draft": _build(edicion, Document.INFORME, draft=True, version=None),
    }
    # The published version's public record (docs/open-data.md §R1), as publishing leaves it.
    public_record.freeze(builds["published"], [fichas["published_a"].pk])
    # One row of each of django-axes' tables, from an address no test signs in from.
    attempt = {"user_agent": "prueba", "ip_address": "192.0.2.1", "username": "nadie@prueba.mx"}
    attempt |= {"http_accept": "*/*", "path_info": "/cuentas/login/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [builds["draft"].pk], "kwargs": {}},
        task_path="compendium.builds.run_build",
        backend_name="default",
        run_after=timezone.now(),
    )
    return World(
        ej2023=ej2023,
        ej2024=ej2024,
        actor_a=actor_a,
        actor_b=actor_b,
        users=users,
        pending=pending,
        fichas=fichas,
        edicion=edicion,
        builds=builds,
        group=Group.objects.create(name="Lectura"),
        task=task,
    )


@contextlib.contextmanager
def module_world(django_db_blocker, media_root: Path) -> Iterator[World]:
    """``build_world()`` for a whole test module, rolled back when the module is done.

    Tests that use it take pytest-django's ``db`` as well: each test is then a savepoint
    inside this transaction (pytest-django supports wrapping tests in wider transactions).
    """
    # The suite's hasher (tests/conftest.py), so the personas' passwords verify in the tests.
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=hashers),
    ):
        with transaction.atomic():
            ensure_reference_data()  # a transactional test may have flushed it
            yield build_world()
            transaction.set_rollback(True)


def _build(edicion: Edicion, document: str, *, draft: bool, version: int | None):
    content = b"%PDF-1.7 prueba"
    build = PublicationBuild(
        edicion=edicion,
        document=document,
        draft=draft,
        status=BuildStatus.DONE,
        version=version,
        pages=3,
        size=len(content),
        published_at=None if draft else timezone.now() - datetime.timedelta(days=200),
    )
    name = f"{document}-{edicion.ejercicio.year}-{version or 'borrador'}.pdf"
    build.file.save(name, ContentFile(content))
    return build


def ficha_form_data(ficha: Ficha, **changes) -> dict:
    """A complete POST of the institution's form that saves ``ficha`` as it is (with retos)."""
    data: dict = {"version": ficha.version}
    for name in Ficha.INSTITUTION_FIELDS:
        field = Ficha._meta.get_field(name)
        value = getattr(ficha, name)
        if field.many_to_many:
            data[name] = [obj.pk for obj in value.all()]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = "" if value is None else value
    retos = list(ficha.retos.all())
    data |= {
        "retos-TOTAL_FORMS": len(retos),
        "retos-INITIAL_FORMS": len(retos),
        "retos-MIN_NUM_FORMS": 0,
        "retos-MAX_NUM_FORMS": 1000,
    }
    for i, reto in enumerate(retos):
        data |= {
            f"retos-{i}-id": reto.pk,
            f"retos-{i}-ficha": ficha.pk,
            f"retos-{i}-texto": reto.texto,
            f"retos-{i}-position": reto.position,
        }
    return data | changes
