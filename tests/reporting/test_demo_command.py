"""The demo's command and its refusal in production: tests that start from an empty database.

The other demo tests share one load for their module (test_demo.py).
"""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from reporting import twofactor
from reporting.demo import DEMO_PASSWORD, load_demo
from reporting.models import User
from tests.reporting.test_demo import FAST

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def fast_settings(settings):
    for name, value in FAST.items():
        setattr(settings, name, value)
    return settings


def test_the_command_prints_the_accounts_and_is_idempotent(fast_settings):
    first = StringIO()
    call_command("load_demo", stdout=first)
    assert "Datos de demostración cargados." in first.getvalue()
    assert "enlace.nuevoleon@demo.gob.mx" in first.getvalue()
    assert DEMO_PASSWORD in first.getvalue()
    second = StringIO()
    call_command("load_demo", stdout=second)
    assert "Los datos de demostración ya existen." in second.getvalue()
    assert "coordinacion@demo.gob.mx" in second.getvalue()
    # The second factor of the coordinator and the administrator, printed with the accounts.
    for output in (first.getvalue(), second.getvalue()):
        for email in ("coordinacion@demo.gob.mx", "admin@demo.gob.mx"):
            user = User.objects.get(email=email)
            secret = twofactor.secret_for_typing(twofactor.authenticator_of(user).key)
            codes = twofactor.backup_codes_left(user)
            assert len(codes) == 10
            block = output.split(f"  {email}\n", 1)[1]
            assert f"clave de la app autenticadora: {secret}" in block
            printed = block.split("códigos de respaldo: ", 1)[1].split("\n", 1)[0].split()
            assert printed == [f"{c[:4]}-{c[4:]}" for c in codes]


def test_the_demo_is_refused_in_production(fast_settings):
    fast_settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        load_demo()
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.filter(email="coordinacion@demo.gob.mx").exists()
