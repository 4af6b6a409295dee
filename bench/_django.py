"""Django start-up for the bench scripts: one function instead of ten lines in each script.

``setup()`` puts the project (this checkout, or ``--tree DIR`` for a child of
bench/alternate.py) on ``sys.path``, sets the environment a benchmark wants (a throwaway SQLite
file unless ``DATABASE_URL`` is given, tasks that never run, mail kept in memory, warnings only),
calls ``django.setup()`` and lets the Django test client in (its host, a fast password hasher,
no second step for staff signed in with ``force_login``).

Not ``setup_test_environment()``: its template instrumentation copies every template's context
for the test client and would be measured too. A script that wants it calls it itself.

    import _django  # bench/ is on sys.path when a script under bench/ runs
    _django.setup()
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_from_argv(argv: list[str]) -> Path:
    """The tree a child imports the project from: ``--tree DIR``, else this checkout."""
    from alternate import child_tree

    return child_tree(argv)


def default_database() -> str:
    """``DATABASE_URL``, set to a fresh SQLite file first when it is not given (children of
    bench/alternate.py inherit it, so both trees measure the same database)."""
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    return os.environ["DATABASE_URL"]


def setup(
    *,
    tree: Path | None = None,
    default_db: str | None = "sqlite",
    env: dict[str, str] | None = None,
    client: bool = True,
) -> None:
    """Set Django up for a benchmark.

    ``tree``: where the project is imported from (default: ``--tree`` in ``sys.argv`` or this
    checkout). ``default_db``: "sqlite" makes a fresh SQLite file when ``DATABASE_URL`` is not
    set; None leaves the settings' default. ``env``: variables set before Django starts
    (overriding the environment). ``client``: allow the test client's host and sign-ins.
    """
    sys.path.insert(0, str(tree or tree_from_argv(sys.argv)))
    if default_db == "sqlite":
        default_database()
    os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend")
    os.environ.setdefault("EMAIL_URL", "locmem://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.update(env or {})
    import django
    from django.conf import settings

    django.setup()
    if client:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # Signed in with force_login: no second step, as in the tests (tests/conftest.py).
        settings.OTP_REQUIRED_FOR_STAFF = False
