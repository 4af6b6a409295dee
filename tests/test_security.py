"""Request-level hardening (config/security.py, settings): issue 17, each attack reproduced."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "pmm.example.gob.mx",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example.gob.mx:587",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/publicaciones/2023/compendio%00-v1.pdf",
        "/publicaciones/2023/compendio%01-v1.pdf",
        "/admin/reporting/ficha/1%00/change/",
        "/fichas/%00/",
    ],
)
def test_control_characters_in_a_path_are_not_found(client, admin_user, path):
    assert client.get(path).status_code == 404
    client.force_login(admin_user)
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_pages_of_a_signed_in_person_are_never_stored(client, client_a):
    anonymous = client.get(reverse("compendium:public_list"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    mine = client_a.get(reverse("reporting:mis_fichas"))
    assert mine.status_code == 200
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]


@pytest.mark.django_db
def test_refusals_are_logged_with_ids_and_no_contact_data(client_b, focal_b, ficha_a, caplog):
    with caplog.at_level(logging.WARNING, logger="pmm.security"):
        response = client_b.get(reverse("reporting:ficha_edit", args=[ficha_a.pk]))
    assert response.status_code == 404
    (line,) = [r.getMessage() for r in caplog.records if r.name == "pmm.security"]
    assert f"user={focal_b.pk}" in line
    assert "route=reporting:ficha_edit" in line and f"object={ficha_a.pk}" in line
    assert "@" not in line and focal_b.first_name not in line


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["membership", "user", "ficha", "actor"])
def test_staff_without_model_permissions_cannot_import_or_export(client, coordinator, model):
    """The probe exported every account's email and imported roles as a staff coordinator."""
    assert client.get(reverse("admin:index")).status_code == 302
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client.force_login(coordinator)
    for action in ("import", "export"):
        name = f"admin:reporting_{model}_{action}"
        try:
            url = reverse(name)
        except Exception:  # noqa: BLE001 - the admin may not offer it at all (ficha import)
            continue
        for response in (client.get(url), client.post(url, {})):
            # Kept out of the admin either way: refused, or sent to the admin's sign-in.
            assert response.status_code in (302, 403), name
            if response.status_code == 302:
                assert response["Location"].startswith("/admin/login/"), name


def _start(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env = base | PROD_ENV | {"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"} | env
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("key", ["x", "django-insecure-" + "a" * 50, "ab" * 30])
def test_production_refuses_a_short_or_weak_secret_key(tmp_path, key):
    result = _start({"SECRET_KEY": key}, tmp_path)
    assert result.returncode != 0 and "SECRET_KEY must be at least 50" in result.stderr


@pytest.mark.parametrize("url", ["console://", "locmem://"])
def test_production_refuses_a_mail_backend_that_logs_or_loses_mail(tmp_path, url):
    result = _start({"EMAIL_URL": url}, tmp_path)
    assert result.returncode != 0 and "EMAIL_URL must be smtp" in result.stderr


def _ficha_state(ficha):
    ficha.refresh_from_db()
    return (ficha.nombre, ficha.contacto_correo, ficha.version, ficha.status, ficha.events.count())


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["borrador", "aprobada"])
def test_a_coordinator_cannot_rewrite_a_ficha_through_the_send_address(
    client, coordinator, focal_a, ficha_a, status
):
    """The probe stored a new name and email through /enviar/ before the refusal (issue 17)."""
    from reporting import workflow
    from reporting.models import ObjetivoPMM

    if status == "aprobada":
        ficha_a = workflow.submit(ficha_a, by=focal_a)
        ficha_a = workflow.approve(
            ficha_a, by=coordinator, objective=ObjetivoPMM.objects.get(number=7)
        )
    before = _ficha_state(ficha_a)
    client.force_login(coordinator)
    response = client.post(
        reverse("reporting:ficha_submit", args=[ficha_a.pk]),
        {
            "version": ficha_a.version,
            "nombre": "Reescrita por la coordinación",
            "contacto_correo": "otra@prueba.gob.mx",
        },
    )
    assert response.status_code == 403
    assert _ficha_state(ficha_a) == before
