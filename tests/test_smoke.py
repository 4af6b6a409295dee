"""Smoke tests that also run on the embedded SQLite default (`make test` runs them twice)."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_home_page_in_spanish(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es-MX">' in body
    assert "Pacto Mundial para una Migración Segura, Ordenada y Regular" in body
    assert "Iniciar sesión" in body


def test_admin_login_page_is_spanish_even_for_english_browsers(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "Nombre de usuario" in response.content.decode() or "Correo" in response.content.decode()
    assert "Password" not in response.content.decode()


def test_reference_data_is_loaded_by_migrations():
    from reporting.models import ObjetivoPMM

    assert ObjetivoPMM.objects.count() == 23


def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_spanish_dates_use_lower_case_month_names():
    import datetime

    from django.utils import dateformat, translation

    with translation.override("es-mx"):
        text = dateformat.format(datetime.date(2023, 11, 28), r"j \d\e F \d\e Y")
    assert text == "28 de noviembre de 2023"


def test_blank_choice_label_is_spanish():
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("es-mx"):
        assert str(BLANK_CHOICE_LABEL) == "- Seleccione una opción -"
