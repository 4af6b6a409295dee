"""The test database migrated once per run and cloned by every xdist process (docs/testing.md §T1).

Each pytest-xdist process used to build its own test database by running every migration
(8-25 s by load). On PostgreSQL under xdist the first process to need a database migrates a
template database (``test_pmm_template_<key>``) and every process, the first included, gets its
own copy with ``CREATE DATABASE … TEMPLATE …`` (about a second). Every migration, data
migrations included, still runs on a fresh database once per run; ``<key>`` hashes the
migration files and the lock file, so a migration added while the suite runs gets a new
template. A file lock under the run's temporary directory (shared by the xdist processes)
makes the others wait for the first. Single-process runs and SQLite keep pytest-django's own
setup, and so does ``--reuse-db``. The controller drops the template at the end of the run.
"""

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]
READY = "db-template-{key}.ready"


def migrations_key() -> str:
    """A hash of every migration file of the project and of the locked dependencies."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("*/migrations/*"))
    for path in [*files, ROOT / "requirements.lock"]:
        if path.is_file() and path.suffix in {".py", ".json", ".lock"}:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def applies(worker: bool, keepdb: bool, use_migrations: bool) -> bool:
    """Only for xdist processes on a single PostgreSQL database that is built by migrating."""
    return (
        worker
        and not keepdb
        and use_migrations
        and list(settings.DATABASES) == ["default"]
        and connections["default"].vendor == "postgresql"
    )


def _quote(name: str) -> str:
    return connections["default"].ops.quote_name(name)


def clone_from_template(run_dir: Path, verbosity: int, serialize: bool) -> str:
    """Point the default connection at a fresh copy of this run's migrated template.

    Returns the database's name before the test one (for ``destroy_test_db``).
    """
    from filelock import FileLock

    connection = connections["default"]
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    target = creation._get_test_db_name()  # test_pmm_gw0: pytest-django adds the suffix
    key = migrations_key()
    template = f"{re.sub(r'_gw[0-9]+$', '', target)}_template_{key}"
    ready = run_dir / READY.format(key=key)
    with FileLock(str(ready) + ".lock"):
        if not ready.exists():
            test_settings = connection.settings_dict.setdefault("TEST", {})
            own_test_name = test_settings.get("NAME")
            test_settings["NAME"] = template
            try:
                # Django's own creation: every migration, then the post-migrate signals.
                creation.create_test_db(verbosity=verbosity, autoclobber=True, keepdb=False)
            finally:
                test_settings["NAME"] = own_test_name
                connection.close()  # a template must have no open connection to be copied
                connection.settings_dict["NAME"] = old_name
                settings.DATABASES["default"]["NAME"] = old_name
            ready.write_text(template)
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(target)}")
            cursor.execute(f"CREATE DATABASE {_quote(target)} TEMPLATE {_quote(template)}")
    connection.close()
    connection.settings_dict["NAME"] = target
    settings.DATABASES["default"]["NAME"] = target
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    return old_name


def drop_templates(run_dir: Path) -> None:
    """The controller, once the processes are done: drop the templates this run made."""
    for ready in run_dir.glob(READY.format(key="*")):
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(ready.read_text())}")
