"""Sign-in bursts cannot starve saves (issue 18, docs/load-test.md §L3): the password hasher
is Django's PBKDF2 at full strength, but its checks wait in line (one at a time per process) on
a thread of lower CPU priority. Tested by what it does, never by timing."""

import os
import sys
import threading

import pytest
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    get_hasher,
    make_password,
)

from config import settings as project_settings
from reporting import passwords
from reporting.passwords import QueuedPBKDF2PasswordHasher

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
    assert not check_password("otra", django.encode("clave secreta", "sal", 1000))
    assert get_hasher("default").algorithm == "pbkdf2_sha256"
    assert make_password("x", "s").startswith("pbkdf2_sha256$")


def test_checks_wait_in_line_on_a_lower_priority_thread(monkeypatch):
    inside, seen, lock = [0], [], threading.Lock()
    entered, release = threading.Event(), threading.Event()

    def fake_encode(self, password, salt, iterations=None):
        with lock:
            inside[0] += 1
            seen.append(
                (
                    inside[0],
                    threading.current_thread().name,
                    os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
                )
            )
        entered.set()
        release.wait(30)
        with lock:
            inside[0] -= 1
        return f"pbkdf2_sha256$1${salt}$hash"

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", fake_encode)
    hasher = QueuedPBKDF2PasswordHasher()
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(hasher.encode("p", "s", 1)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    assert entered.wait(30)
    release.set()
    for t in threads:
        t.join(30)
    assert len(results) == 4
    assert passwords.PASSWORD_CHECKS_PER_PROCESS == 1
    assert max(count for count, _name, _nice in seen) == 1  # never two at once
    assert all(name.startswith("password-check") for _count, name, _nice in seen)
    if sys.platform == "linux":
        mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert {nice for _c, _n, nice in seen} == {min(19, mine + passwords.NICE_INCREMENT)}


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
