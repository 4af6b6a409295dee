"""Sign-in hardening (reporting/signin.py): lockout, queued and limited password resets, logs."""

import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "login"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password, address="10.0.0.1"):
    return client.post(
        reverse(LOGIN), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, focal_a):
    """The probe: 20 wrong passwords, then the right one logged in."""
    answers = [_login(client, focal_a.email, "equivocada").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = _login(client, focal_a.email, PASSWORD)
    assert response.status_code == 429
    assert "Acceso bloqueado temporalmente" in response.content.decode()
    assert "30 minutos" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # From another address the account is still locked.
    assert _login(client, focal_a.email, PASSWORD, address="10.0.0.2").status_code == 429


def test_repeated_failures_from_one_address_lock_that_address(client, focal_a, focal_b):
    for n in range(5):
        _login(client, f"nadie{n}@prueba.gob.mx", "equivocada", address="10.0.0.9")
    assert _login(client, focal_b.email, PASSWORD, address="10.0.0.9").status_code == 429
    assert _login(client, focal_b.email, PASSWORD, address="10.0.0.10").status_code == 302


def test_a_success_clears_the_count(client, focal_a):
    for _ in range(4):
        _login(client, focal_a.email, "equivocada")
    assert _login(client, focal_a.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, focal_a.email, "equivocada")
    assert _login(client, focal_a.email, PASSWORD).status_code == 302


def test_an_administrator_can_unlock(client, focal_a):
    from axes.utils import reset

    for _ in range(5):
        _login(client, focal_a.email, "equivocada")
    assert _login(client, focal_a.email, PASSWORD).status_code == 429
    reset(username=focal_a.email)
    reset(ip="10.0.0.1")
    assert _login(client, focal_a.email, PASSWORD).status_code == 302


def test_sign_in_logs_name_people_by_id_only(client, focal_a, caplog):
    with caplog.at_level(logging.INFO, logger="pmm.security"):
        for _ in range(5):
            _login(client, focal_a.email, "equivocada")
        _login(client, focal_a.email, PASSWORD)
        client.logout()
        _login(client, focal_a.email, PASSWORD, address="10.0.0.3")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith(("pmm", "axes"))]
    assert any(line.startswith("signin failed") for line in lines)
    assert any(f"signin locked-out user={focal_a.pk}" in line for line in lines)
    assert not any("@" in line for line in lines), lines


def test_password_reset_is_sent_by_the_worker_for_known_addresses_only(client, focal_a):
    known = client.post(reverse("password_reset"), {"email": focal_a.email})
    unknown = client.post(reverse("password_reset"), {"email": "nadie@prueba.gob.mx"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [[focal_a.email]]
    assert "/cuentas/reset/" in mail.outbox[0].body


def test_password_reset_request_does_the_same_work_for_known_and_unknown(
    client, focal_a, settings, django_assert_num_queries
):
    """The timing oracle: the request only queues; looking the account up is the task's work."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    counts = []
    for email in (focal_a.email, "nadie@prueba.gob.mx"):
        with CaptureQueriesContext(connection) as queries:
            client.post(reverse("password_reset"), {"email": email})
        counts.append([q["sql"] for q in queries.captured_queries])
    assert len(counts[0]) == len(counts[1])
    assert not any("reporting_user" in sql for sql in counts[0])
    assert mail.outbox == []


def test_password_reset_is_rate_limited_per_address(client, focal_a, caplog):
    with caplog.at_level(logging.WARNING, logger="pmm.security"):
        for _ in range(5):
            assert (
                client.post(reverse("password_reset"), {"email": focal_a.email}).status_code == 302
            )
    assert len(mail.outbox) == 3
    assert any("password-reset limited" in r.getMessage() for r in caplog.records)
