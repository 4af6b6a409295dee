import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from config.settings import mailer_from_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.smoke
def test_production_settings_pass_check_deploy(tmp_path):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "pmm.example.gob.mx",
        "EMAIL_URL": "smtp://mailer:secret@smtp.example.gob.mx:587",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env |= {"DJANGO_ENV": "production", "EMAIL_URL": "smtp://h:25"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_email_url_parsing():
    smtp = mailer_from_url("smtp://user%40gob.mx:p%21ss@smtp.gob.mx:2525")
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"] | {} == {
        "host": "smtp.gob.mx",
        "port": 2525,
        "username": "user@gob.mx",
        "password": "p!ss",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 20,
    }
    assert mailer_from_url("smtps://h")["OPTIONS"]["port"] == 465
    assert mailer_from_url("console://")["BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ValueError):
        mailer_from_url("ftp://x")


@pytest.mark.django_db
def test_csrf_cookie_is_http_only(client):
    # No script needs the cookie: htmx sends the token from hx-headers on <body> and the
    # autosave posts the form's csrfmiddlewaretoken field.
    response = client.get(reverse("login"))
    cookie = response.cookies["csrftoken"]
    assert (response.status_code, bool(cookie["httponly"])) == (200, True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in response.content.decode()


def test_no_script_reads_the_cookies():
    scripts = sorted((ROOT / "static" / "js").glob("*.js"))
    assert scripts
    assert [s.name for s in scripts if "document.cookie" in s.read_text(encoding="utf-8")] == []
