"""Sign-in bursts cannot starve saves (issue 18, docs/load-test.md §L3): new passwords are
Argon2id at OWASP's parameters, older PBKDF2 ones still work and are re-made as Argon2id, and
every check (either algorithm) waits in line (one at a time per process) on a thread of lower
CPU priority. Tested by what it does, never by timing."""

import os
import sys
import threading
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    check_password,
    get_hasher,
    make_password,
)
from django.core.cache import cache
from django.urls import reverse

from config import settings as project_settings
from reporting import passwords
from reporting.passwords import QueuedArgon2PasswordHasher, QueuedPBKDF2PasswordHasher
from tests.factories import PASSWORD

HASHER = "reporting.passwords.QueuedArgon2PasswordHasher"
OLD_HASHER = "reporting.passwords.QueuedPBKDF2PasswordHasher"


def test_the_project_hashes_new_passwords_with_argon2id_at_owasp_strength():
    # The settings module as written (the suite's fixtures switch to a fast hasher).
    assert project_settings.PASSWORD_HASHERS[:2] == [HASHER, OLD_HASHER]
    # Django's own Argon2 hasher has the same algorithm name: listed too, it would be the one
    # Django picks for stored «argon2$» hashes, outside the line.
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" not in (
        project_settings.PASSWORD_HASHERS
    )
    hasher = QueuedArgon2PasswordHasher()
    assert hasher.algorithm == "argon2"
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19_456, 2, 1)
    encoded = hasher.encode(PASSWORD, hasher.salt())  # at full strength: ~30 ms
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(PASSWORD, encoded) and not hasher.verify("otra", encoded)
    # Passwords stored before keep Django's PBKDF2 at Django's strength until re-made.
    old = QueuedPBKDF2PasswordHasher()
    assert old.algorithm == PBKDF2PasswordHasher.algorithm == "pbkdf2_sha256"
    assert old.iterations == PBKDF2PasswordHasher.iterations >= 1_500_000


def test_argon2_parameters_can_be_raised_but_never_below_owasp(monkeypatch):
    monkeypatch.setenv("PASSWORD_ARGON2_MEMORY_KIB", "4096")
    assert passwords._at_least("PASSWORD_ARGON2_MEMORY_KIB", 19_456, 19_456) == 19_456
    monkeypatch.setenv("PASSWORD_ARGON2_MEMORY_KIB", "65536")
    assert passwords._at_least("PASSWORD_ARGON2_MEMORY_KIB", 19_456, 19_456) == 65_536


def test_same_argon2_hashes_as_djangos_both_ways():
    ours, django = QueuedArgon2PasswordHasher(), Argon2PasswordHasher()
    for hasher in (ours, django):
        hasher.memory_cost, hasher.time_cost, hasher.parallelism = 64, 1, 1
    assert ours.encode("clave secreta", "salsalsal") == django.encode("clave secreta", "salsalsal")
    assert ours.verify("clave secreta", django.encode("clave secreta", "salsalsal"))
    assert django.verify("clave secreta", ours.encode("clave secreta", "salsalsal"))
    assert not ours.verify("otra", django.encode("clave secreta", "salsalsal"))


def test_same_pbkdf2_hashes_as_djangos_both_ways(settings):
    settings.PASSWORD_HASHERS = [OLD_HASHER]
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


@pytest.fixture(params=["argon2", "pbkdf2"])
def slow_hasher(request, monkeypatch):
    """Django's check (Argon2 verify, or PBKDF2, whose verify is its encode) replaced by one
    that waits for ``release`` and records who ran it; ``check(hasher)`` runs one check."""
    state = SimpleNamespace(inside=0, seen=[], release=threading.Event())
    lock = threading.Lock()

    def fake_check(*_args, **_kwargs):
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
        return True

    if request.param == "argon2":
        monkeypatch.setattr(Argon2PasswordHasher, "verify", fake_check)
        state.hasher = QueuedArgon2PasswordHasher()
        state.check = lambda hasher: hasher.verify("p", "argon2$argon2id$v=19$m=8,t=1,p=1$c2Fs$h")
    else:
        monkeypatch.setattr(PBKDF2PasswordHasher, "encode", fake_check)
        state.hasher = QueuedPBKDF2PasswordHasher()
        state.check = lambda hasher: hasher.encode("p", "s", 1)
    yield state
    state.release.set()


def _fill_the_line(slow):
    """As many checks as the line holds, started on threads and waiting in it (the fake check
    runs until released): the hasher, the threads and the list their results go to."""
    hasher = slow.hasher
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(slow.check(hasher)))
        for _ in range(passwords.capacity())
    ]
    for t in threads:
        t.start()
    _wait_until(lambda: passwords.in_use() == passwords.capacity())
    return hasher, threads, results


def test_checks_wait_in_line_on_a_lower_priority_thread(slow_hasher):
    hasher, threads, results = _fill_the_line(slow_hasher)
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
    hasher, threads, results = _fill_the_line(slow_hasher)
    for _ in range(5):  # refused without waiting (the fake check has not been released)
        with pytest.raises(passwords.PasswordChecksBusy) as refused:
            slow_hasher.check(hasher)
        assert passwords.RETRY_AFTER <= refused.value.retry_after <= 2 * passwords.RETRY_AFTER
    assert passwords.in_use() == passwords.capacity()
    slow_hasher.release.set()
    for t in threads:
        t.join(30)
    assert len(results) == 3 and len(slow_hasher.seen) == 3  # the refused ones never hashed
    assert passwords.in_use() == 0
    assert slow_hasher.check(hasher) is True  # room again


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


# Through the login page: the hashers as in production (at low cost), the line full.


@pytest.fixture
def real_hasher(settings, monkeypatch, focal_a):
    settings.PASSWORD_HASHERS = [HASHER, OLD_HASHER]
    monkeypatch.setattr(QueuedArgon2PasswordHasher, "memory_cost", 64)
    monkeypatch.setattr(QueuedArgon2PasswordHasher, "time_cost", 1)
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
    assert real_hasher.password.startswith("argon2$argon2id$v=19$m=64,t=1,p=1$")
    assert _login(client, real_hasher.email, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(real_hasher.pk)
    assert passwords.in_use() == 0


@pytest.mark.django_db
def test_a_password_stored_as_pbkdf2_signs_in_and_is_remade_as_argon2id(client, real_hasher):
    real_hasher.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    real_hasher.save(update_fields=["password"])
    assert real_hasher.password.startswith("pbkdf2_sha256$1000$")
    assert _login(client, real_hasher.email, "equivocada").status_code == 200  # still checked
    assert _login(client, real_hasher.email, PASSWORD).status_code == 302
    real_hasher.refresh_from_db()
    assert real_hasher.password.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, real_hasher.password)
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
