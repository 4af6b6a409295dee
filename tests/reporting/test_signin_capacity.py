"""Sign-in bursts cannot starve saves (issue 18, docs/load-test.md §L3): the password hasher
is Django's PBKDF2 at full strength, but its checks wait in line (one at a time per process) on
a thread of lower CPU priority. Tested by what it does, never by timing."""

import os
import sys
import threading
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    get_hasher,
)
from django.core.cache import cache
from django.urls import reverse

from config import settings as project_settings
from reporting import passwords
from reporting.passwords import QueuedPBKDF2PasswordHasher
from tests.factories import PASSWORD

HASHER = "reporting.passwords.QueuedPBKDF2PasswordHasher"


def test_the_project_hashes_with_it_at_django_strength():
    # The settings module as written (the suite's fixtures switch to a fast hasher).
    assert project_settings.PASSWORD_HASHERS[0] == HASHER
    hasher = QueuedPBKDF2PasswordHasher()
    assert hasher.algorithm == PBKDF2PasswordHasher.algorithm == "pbkdf2_sha256"
    assert hasher.iterations == PBKDF2PasswordHasher.iterations >= 1_500_000


def test_same_hashes_as_djangos_both_ways(settings):
    settings.PASSWORD_HASHERS = [HASHER]
    ours, django = QueuedPBKDF2PasswordHasher(), PBKDF2PasswordHasher()
    assert ours.encode("clave secreta", "sal", 1000) == django.encode("clave secreta", "sal", 1000)
    assert check_password("clave secreta", django.encode("clave secreta", "sal", 1000))
    # (Not check_password: for a wrong password it hardens the runtime to full strength.)
    assert not ours.verify("otra", django.encode("clave secreta", "sal", 1000))
    assert get_hasher("default").algorithm == "pbkdf2_sha256"
    assert isinstance(get_hasher("default"), QueuedPBKDF2PasswordHasher)
    # (make_password at full strength would cost a second of the suite.)


def _wait_until(predicate) -> None:
    """Poll a condition that other threads make true (never a timed assertion)."""
    idle = threading.Event()
    for _ in range(6000):
        if predicate():
            return
        idle.wait(0.005)
    raise AssertionError("condition never met")


@pytest.fixture
def slow_hasher(monkeypatch):
    """Django's PBKDF2 replaced by a check that waits for ``release``; records who ran it."""
    state = SimpleNamespace(inside=0, seen=[], release=threading.Event())
    lock = threading.Lock()

    def fake_encode(self, password, salt, iterations=None):
        with lock:
            state.inside += 1
            state.seen.append(
                (
                    state.inside,
                    threading.current_thread().name,
                    os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
                )
            )
        state.release.wait(30)
        with lock:
            state.inside -= 1
        return f"pbkdf2_sha256$1${salt}$hash"

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", fake_encode)
    yield state
    state.release.set()


def _fill_the_line():
    """As many checks as the line holds, started on threads and waiting in it (the fake check
    runs until released): the hasher, the threads and the list their results go to."""
    hasher = QueuedPBKDF2PasswordHasher()
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(hasher.encode("p", "s", 1)))
        for _ in range(passwords.capacity())
    ]
    for t in threads:
        t.start()
    _wait_until(lambda: passwords.in_use() == passwords.capacity())
    return hasher, threads, results


def test_checks_wait_in_line_on_a_lower_priority_thread(slow_hasher):
    hasher, threads, results = _fill_the_line()
    slow_hasher.release.set()
    for t in threads:
        t.join(30)
    assert len(results) == passwords.capacity() == 3
    assert passwords.PASSWORD_CHECKS_PER_PROCESS == 1
    seen = slow_hasher.seen
    assert len(seen) == 3
    assert max(count for count, _name, _nice in seen) == 1  # never two at once
    assert all(name.startswith("password-check") for _count, name, _nice in seen)
    assert passwords.in_use() == 0
    if sys.platform == "linux":
        mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert {nice for _c, _n, nice in seen} == {min(19, mine + passwords.NICE_INCREMENT)}


def test_the_line_is_short_and_a_check_beyond_it_is_refused_at_once(slow_hasher):
    hasher, threads, results = _fill_the_line()
    for _ in range(5):  # refused without waiting (the fake check has not been released)
        with pytest.raises(passwords.PasswordChecksBusy) as refused:
            hasher.encode("p", "s", 1)
        assert passwords.RETRY_AFTER <= refused.value.retry_after <= 2 * passwords.RETRY_AFTER
    assert passwords.in_use() == passwords.capacity()
    slow_hasher.release.set()
    for t in threads:
        t.join(30)
    assert len(results) == 3 and len(slow_hasher.seen) == 3  # the refused ones never hashed
    assert passwords.in_use() == 0
    assert hasher.encode("p", "s", 1).startswith("pbkdf2_sha256$")  # room again


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")
def test_a_forked_process_gets_its_own_thread():
    first = passwords.executor()
    assert passwords.executor() is first
    monkey_pid = passwords._executor_pid
    passwords._executor_pid = -1  # as seen from a child after fork
    try:
        assert passwords.executor() is not first
    finally:
        passwords._executor_pid = monkey_pid


# Through the login page: the hasher as in production (at few iterations), the line full.


@pytest.fixture
def real_hasher(settings, monkeypatch, focal_a):
    settings.PASSWORD_HASHERS = [HASHER]
    monkeypatch.setattr(QueuedPBKDF2PasswordHasher, "iterations", 1000)
    focal_a.set_password(PASSWORD)
    focal_a.save(update_fields=["password"])
    cache.clear()
    yield focal_a
    cache.clear()


@pytest.fixture
def line_full():
    """Every place of this process's line taken, as during a burst; freed afterwards."""
    for _ in range(passwords.capacity()):
        passwords.admit()
    yield
    for _ in range(passwords.capacity()):
        passwords.release()


def _login(client, email, password, **extra):
    data = {"username": email, "password": password, **extra}
    return client.post(reverse("login"), data, REMOTE_ADDR="10.0.0.7")


def _failures() -> int:
    return sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))


@pytest.mark.django_db
def test_a_normal_sign_in_still_works_with_it(client, real_hasher):
    assert real_hasher.password.startswith("pbkdf2_sha256$1000$")
    assert _login(client, real_hasher.email, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(real_hasher.pk)
    assert passwords.in_use() == 0


@pytest.mark.django_db
def test_a_busy_sign_in_gets_503_with_the_form_as_typed(client, real_hasher, line_full):
    response = _login(client, real_hasher.email, PASSWORD, next="/fichas/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert passwords.RETRY_AFTER <= int(response["Retry-After"]) <= 2 * passwords.RETRY_AFTER
    page = response.content.decode()
    assert "Muchas personas están entrando en este momento" in page
    assert 'role="alert"' in page
    assert f'value="{real_hasher.email}"' in page  # the address as typed
    assert 'name="next" value="/fichas/"' in page
    assert PASSWORD not in page  # never the password
    assert 'id="id_password"' in page and "autofocus" in page.split('id="id_password"')[1]
    assert "_auth_user_id" not in client.session
    # A foreign «next» is not carried over.
    evil = _login(client, real_hasher.email, PASSWORD, next="https://otro.example/")
    assert evil.status_code == 503 and "otro.example" not in evil.content.decode()


@pytest.mark.django_db
def test_refused_for_capacity_is_not_a_failure_for_axes(client, real_hasher, line_full):
    for _ in range(settings_limit() + 2):  # more than the lockout limit, wrong password
        assert _login(client, real_hasher.email, "equivocada").status_code == 503
    assert _failures() == 0
    for _ in range(passwords.capacity()):  # the burst is over
        passwords.release()
    try:
        assert _login(client, real_hasher.email, "equivocada").status_code == 200
        assert _failures() == 1  # a real failure still counts
        assert _login(client, real_hasher.email, PASSWORD).status_code == 302  # not locked
    finally:
        for _ in range(passwords.capacity()):
            passwords.admit()


@pytest.mark.django_db
def test_an_unknown_address_is_refused_the_same_way(client, real_hasher, line_full):
    # Django hashes the password anyway for an unknown account (same time either way).
    response = _login(client, "nadie@prueba.gob.mx", "equivocada")
    assert response.status_code == 503 and _failures() == 0


@pytest.mark.django_db
def test_a_busy_password_change_gets_the_short_page(client, real_hasher, line_full):
    client.force_login(real_hasher)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Otra-clave-9",
            "new_password2": "Otra-clave-9",
        },
    )
    assert response.status_code == 503 and response["Retry-After"].isdigit()
    page = response.content.decode()
    assert "Muchas personas están entrando en este momento" in page
    assert "Otra-clave-9" not in page and PASSWORD not in page


def test_the_middleware_is_installed():
    assert "reporting.signin.AnswerBusySignIns" in project_settings.MIDDLEWARE


def settings_limit() -> int:
    return project_settings.AXES_FAILURE_LIMIT
