"""Password hashing that is strong and cannot starve the rest of the site (docs/load-test.md
§L3, issue 18).

**The algorithm.** New passwords are hashed with Argon2id at the parameters the OWASP
Password Storage Cheat Sheet recommends as its first choice (19 MiB of memory, 2 passes, 1
lane; https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html): it is
memory-hard, so a GPU guesses it about as slowly as Django's PBKDF2-SHA256 at 1,500,000
iterations, but a check costs this server ~30 ms of CPU instead of ~550 ms. Before, 300 focal
points signing in on deadline morning needed ~165 s of CPU on two cores; now ~9 s. The
parameters can be raised with ``PASSWORD_ARGON2_MEMORY_KIB`` / ``PASSWORD_ARGON2_TIME_COST``
(never lowered below OWASP's: see ``_at_least``); each stored hash is re-made with the current
parameters at the person's next sign-in (Django's ``must_update``). Passwords stored as
PBKDF2-SHA256 keep working through ``QueuedPBKDF2PasswordHasher`` and become Argon2id at their
next sign-in the same way.

**The line.** Whatever the algorithm, password checks (hashing or verifying) go through a short
line in each process:

- at most ``PASSWORD_CHECKS_PER_PROCESS`` (default 1) checks run at once in a process, on a
  thread of its own with a lower CPU priority (nice +``PASSWORD_CHECK_NICE``, default 10, on
  Linux), so the kernel gives the cores to requests first. argon2-cffi's C call and hashlib's
  PBKDF2 release the GIL, so the process's other threads keep serving meanwhile
  (config/gunicorn.py: threaded workers);
- at most ``PASSWORD_CHECKS_WAITING`` (default 2) more wait in line for it. A check beyond
  that is refused at once with ``PasswordChecksBusy``, before any hashing: the request does
  not hold one of the worker's threads for seconds, and reporting/signin.py answers it with
  a 503 and ``Retry-After`` (the login form, kept as typed without the password). So a burst
  of sign-ins holds at most checks + waiting threads of each process (3 of 8), and saves and
  autosaves never wait for a thread behind them. The refusal raises out of
  ``authenticate()``, so Django sends no ``user_login_failed`` and django-axes counts nothing.

All numbers are per process; environment variables, read at start.
"""

import os
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

PASSWORD_CHECKS_PER_PROCESS = max(1, int(os.environ.get("PASSWORD_CHECKS_PER_PROCESS", "1")))
PASSWORD_CHECKS_WAITING = max(0, int(os.environ.get("PASSWORD_CHECKS_WAITING", "2")))


def _at_least(name: str, default: int, floor: int) -> int:
    """An integer setting from the environment, never below ``floor``."""
    return max(floor, int(os.environ.get(name, str(default))))


# OWASP's Argon2id minimum (19 MiB, t=2, p=1) is also the floor: a deployment may only raise it.
ARGON2_MEMORY_KIB = _at_least("PASSWORD_ARGON2_MEMORY_KIB", 19_456, 19_456)
ARGON2_TIME_COST = _at_least("PASSWORD_ARGON2_TIME_COST", 2, 2)
# How much lower the hashing thread's priority is (Linux nice increment, 0-19).
NICE_INCREMENT = int(os.environ.get("PASSWORD_CHECK_NICE", "10"))
# A refused sign-in is told to come back after this many seconds, plus a random 0..RETRY_AFTER
# (the retries of a burst spread out instead of arriving together).
RETRY_AFTER = 3

_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None
_admitted = 0  # checks running or waiting in this process
_lock = threading.Lock()


class PasswordChecksBusy(Exception):
    """Too many password checks in this process right now: come back in ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"password checks busy, retry after {retry_after} s")
        self.retry_after = retry_after


def _lower_priority() -> None:
    """Thread initializer: lower this thread's CPU priority (Linux: nice is per thread)."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + NICE_INCREMENT)
    except (AttributeError, OSError):  # not Linux, or not permitted: still queued
        pass


def _reset_after_fork() -> None:
    """Caller holds ``_lock``. Threads and the count do not survive a fork: start afresh."""
    global _executor, _executor_pid, _admitted
    _executor = ThreadPoolExecutor(
        max_workers=PASSWORD_CHECKS_PER_PROCESS,
        thread_name_prefix="password-check",
        initializer=_lower_priority,
    )
    _executor_pid = os.getpid()
    _admitted = 0


def executor() -> ThreadPoolExecutor:
    """This process's hashing threads (made again after a fork: threads do not survive it)."""
    with _lock:
        if _executor is None or _executor_pid != os.getpid():
            _reset_after_fork()
        assert _executor is not None
        return _executor


def capacity() -> int:
    """How many checks a process admits at once (running plus waiting)."""
    return PASSWORD_CHECKS_PER_PROCESS + PASSWORD_CHECKS_WAITING


def admit() -> ThreadPoolExecutor:
    """Take a place for one check, or raise ``PasswordChecksBusy`` at once."""
    global _admitted
    with _lock:
        if _executor is None or _executor_pid != os.getpid():
            _reset_after_fork()
        if _admitted >= capacity():
            raise PasswordChecksBusy(RETRY_AFTER + random.randint(0, RETRY_AFTER))
        _admitted += 1
        assert _executor is not None
        return _executor


def release() -> None:
    global _admitted
    with _lock:
        _admitted = max(0, _admitted - 1)


def in_use() -> int:
    """Checks running or waiting in this process now (tests, diagnostics)."""
    with _lock:
        return _admitted if _executor_pid == os.getpid() else 0


def in_line[T](work: Callable[..., T], *args: object) -> T:
    """Run one password check in this process's line (raises ``PasswordChecksBusy``)."""
    pool = admit()
    try:
        return pool.submit(work, *args).result()
    finally:
        release()


class QueuedArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (algorithm «argon2», variety argon2id) at OWASP's parameters, its
    checks in the line (see the module). Lists it first in ``PASSWORD_HASHERS`` and not Django's
    own Argon2 hasher as well: both are «argon2», and Django would pick the later one."""

    time_cost = ARGON2_TIME_COST
    memory_cost = ARGON2_MEMORY_KIB
    parallelism = 1  # one lane: a check uses one core, so checks of several processes add up

    def encode(self, password: str, salt: str) -> str:
        return in_line(super().encode, password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        return in_line(super().verify, password, encoded)


class QueuedPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256, for passwords stored before Argon2id (upgraded at their next
    sign-in), computed in the line; raises ``PasswordChecksBusy`` when the line is full."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        return in_line(super().encode, password, salt, iterations)
