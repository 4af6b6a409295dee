"""Password checks that cannot starve the rest of the site (docs/load-test.md §L3, issue 18).

A password check is Django's PBKDF2-SHA256 with its default iterations (1,500,000 in Django
6.1; about half a second of CPU here): deliberately slow, and it must stay so. During a burst
of sign-ins (a morning of the reporting deadline) those checks used every core, and saves and
autosaves waited behind them (p95 1.5-2.6 s). This hasher computes exactly the same hashes
(same algorithm name, same iterations, same format: stored passwords work either way), but

- at most ``PASSWORD_CHECKS_PER_PROCESS`` (default 1) checks run at once in a process; the
  others wait in line, so one process never spends more than that many cores on hashing;
- the check runs on a thread of its own with a lower CPU priority (nice +10 on Linux), so the
  kernel gives the cores to requests first and to sign-ins with what is left. hashlib's PBKDF2
  releases the GIL, so the process's other threads keep serving meanwhile (config/gunicorn.py
  runs threaded workers for that reason).

Sign-ins still succeed, only later under load; the waiting request holds one thread, not a core.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import PBKDF2PasswordHasher

PASSWORD_CHECKS_PER_PROCESS = max(1, int(os.environ.get("PASSWORD_CHECKS_PER_PROCESS", "1")))
# How much lower the hashing thread's priority is (Linux nice increment, 0-19).
NICE_INCREMENT = 10

_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None
_lock = threading.Lock()


def _lower_priority() -> None:
    """Thread initializer: lower this thread's CPU priority (Linux: nice is per thread)."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + NICE_INCREMENT)
    except (AttributeError, OSError):  # not Linux, or not permitted: still queued
        pass


def executor() -> ThreadPoolExecutor:
    """This process's hashing threads (made again after a fork: threads do not survive it)."""
    global _executor, _executor_pid
    with _lock:
        if _executor is None or _executor_pid != os.getpid():
            _executor = ThreadPoolExecutor(
                max_workers=PASSWORD_CHECKS_PER_PROCESS,
                thread_name_prefix="password-check",
                initializer=_lower_priority,
            )
            _executor_pid = os.getpid()
        return _executor


class QueuedPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256, computed in line on a low-priority thread (see the module)."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        parent = super().encode
        return executor().submit(parent, password, salt, iterations).result()
