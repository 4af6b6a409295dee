"""Personas shared by the whole suite (conventions.md §12)."""

import pytest

from reporting.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # Tasks run inline (emails go to Django's test outbox), so tests see their effects at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # A real password hash costs about a second on these machines; tests do not need one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests flush every table, reference data included: load it again."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        import importlib

        from django.apps import apps

        importlib.import_module("reporting.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def ejercicio(db):
    return factories.ejercicio(2024)


@pytest.fixture
def actor_a(db):
    return factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")


@pytest.fixture
def actor_b(db):
    return factories.actor(
        "NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno del Estado de Nuevo León"
    )


@pytest.fixture
def focal_a(actor_a):
    return factories.user("enlace.a@prueba.gob.mx", actor=actor_a)


@pytest.fixture
def focal_a2(actor_a):
    return factories.user("enlace.a2@prueba.gob.mx", actor=actor_a)


@pytest.fixture
def focal_b(actor_b):
    return factories.user("enlace.b@prueba.gob.mx", actor=actor_b)


@pytest.fixture
def coordinator(db):
    return factories.user("coordinacion@prueba.gob.mx", role=Role.COORDINADOR)


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def client_a(focal_a):
    from django.test import Client

    return _client_for(Client, focal_a)


@pytest.fixture
def client_a2(focal_a2):
    from django.test import Client

    return _client_for(Client, focal_a2)


@pytest.fixture
def client_b(focal_b):
    from django.test import Client

    return _client_for(Client, focal_b)


@pytest.fixture
def client_coord(coordinator):
    from django.test import Client

    return _client_for(Client, coordinator)


@pytest.fixture
def ficha_a(actor_a, ejercicio):
    return factories.ficha(actor_a, ejercicio)
