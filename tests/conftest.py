"""Personas shared by the whole suite (conventions.md §12), and the seed texts."""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import caches

from reporting.models import Role
from tests import db_template, factories

# Every SQL write of the suite is checked against its owner module (tests/write_owners.py).
pytest_plugins = ["tests.write_owners"]


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """pytest-django's test database, migrated once per run under xdist (docs/testing.md §T1).

    The same steps as pytest-django's own fixture (``pytest_django.fixtures.django_db_setup``),
    except that an xdist process on PostgreSQL copies the run's migrated template
    (tests/db_template.py) instead of running every migration itself.
    """
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    verbosity = request.config.option.verbose
    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    worker = hasattr(request.config, "workerinput")
    if db_template.applies(worker, keepdb, django_db_use_migrations):
        from django.db import connections

        run_dir = tmp_path_factory.getbasetemp().parent  # shared by the run's xdist processes
        with django_db_blocker.unblock():
            old_name = db_template.clone_from_template(
                run_dir, verbosity, serialize="default" in (serialized_aliases or ())
            )
        yield
        with django_db_blocker.unblock():
            _close_leftover_connections(connections["default"])
            try:
                connections["default"].creation.destroy_test_db(old_name, verbosity)
            except Exception as exc:  # as pytest-django: a connection left open by a thread
                request.node.warn(
                    pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}")
                )
        return
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            **({"keepdb": True} if keepdb else {}),
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            from django.db import connections

            _close_leftover_connections(connections["default"])
            try:
                teardown_databases(db_cfg, verbosity=verbosity)
            except Exception as exc:
                request.node.warn(
                    pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}")
                )


def _close_leftover_connections(connection) -> None:
    """Close what still holds the test database open, before it is dropped (docs/testing.md §T6).

    The live server's request threads keep their database connection between requests
    (``CONN_MAX_AGE``) while Chromium keeps their keep-alive sockets open, and the session's
    browser may be closed after this teardown; an ended thread's connection is left in
    reference cycles until the garbage collector runs. Either made PostgreSQL refuse to drop
    the database ("is being accessed by other users"). Collect the garbage, then end the
    sessions still connected to this run's own test database: nothing else uses it.
    """
    import gc

    gc.collect()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


def pytest_sessionfinish(session):
    """The xdist controller drops the run's template database (tests/db_template.py)."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        db_template.drop_templates(config._tmp_path_factory.getbasetemp())
        connections.close_all()


@pytest.fixture(scope="session")
def _pdf_parts_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pdf-parts")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, _pdf_parts_dir):
    # Compendio parts (docs/performance.md §F3-F5): each xdist process keeps its own cache, and
    # builds render in the test's process. Forking a process that runs a live server and
    # Playwright threads can deadlock; tests/compendium/test_pdf_parallel.py forks on purpose.
    settings.PDF_PARTS_DIR = _pdf_parts_dir
    settings.PDF_BUILD_PROCESSES = 1
    # Tasks run inline (emails go to Django's test outbox), so tests see their effects at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # A real password hash costs about a second on these machines; tests do not need one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Coordinators are signed in with force_login (or the login page) all over the suite: the
    # second factor is not required of them here; tests/reporting/test_twofactor.py turns it on.
    settings.OTP_REQUIRED_FOR_STAFF = False


@pytest.fixture(autouse=True)
def _fresh_default_cache():
    """The default cache (local memory, one per xdist process) holds the password-reset and
    sign-in counters (reporting/signin.py): a test must not inherit the counts of the tests that
    ran before it in the same process (the access matrix posts the reset form many times)."""
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests flush every table, reference data included: load it again.

    A test that runs after one in the same process (pytest-xdist interleaves them) would find
    the reference tables empty too, so every database test checks and reloads when needed.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    from reporting.models import ObjetivoPMM
    from tests.reference import load_reference_data

    if transactional or not ObjetivoPMM.objects.exists():
        load_reference_data()


# The files that take longest, longest first (docs/testing.md §T2): the sums of each file's test
# times in the full run of 2026-11-30 08:31-08:43 UTC (2 xdist processes, load 4.4-3.6, other
# agents working; /work/team/suite_durations_s26.txt). `make test` hands whole files to the
# pytest-xdist processes (`--dist loadfile`) in collection order (`--no-loadscope-reorder`; xdist
# would otherwise send the files with most tests first and these one- or two-test files last, so
# the run ended with one of them running alone).
LONGEST_FIRST = (
    "tests/browser/test_accessibility.py",
    "tests/compendium/test_fidelity.py",
    "tests/compendium/test_pdf_parallel.py",
    "tests/test_access_matrix_fichas.py",
    "tests/compendium/test_builds.py",
    "tests/browser/test_year.py",
    "tests/browser/test_publications.py",
    "tests/test_access_matrix_admin.py",
    "tests/test_access_matrix.py",
    "tests/test_form_fuzz.py",
    "tests/browser/test_keyboard.py",
    "tests/test_run_script.py",
    "tests/compendium/test_edition_views.py",
    "tests/browser/test_editions.py",
    "tests/browser/test_idle.py",
    "tests/browser/test_focal_point.py",
    "tests/compendium/test_explorer_privacy.py",
    "tests/test_gunicorn_config.py",
)


def pytest_collection_modifyitems(config, items):
    """Whole files, the longest first: those above, then files with slow or browser tests.

    The order of tests inside a file is kept (pytest-django's, database tests first), and so
    is the order of the files in each band apart from putting files with more tests first.
    """
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def weight(entry):
        index, (path, tests) = entry
        slow = any(t.get_closest_marker("slow") or t.get_closest_marker("browser") for t in tests)
        listed = LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)
        return (listed, not slow, -len(tests), index)

    items[:] = [
        item
        for _i, (_path, tests) in sorted(enumerate(files.items()), key=weight)
        for item in tests
    ]


# The printed sources live in ../shared/seeds beside the repository; CI lays a copy there.
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_003 = SEEDS / "003_e989e04225e3c00d.txt"
# Every test that needs a seed skips with a reason that starts like this.
MISSING_SEED = re.compile(r"\bseed \S+ not found\b")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="session")
def seed_003_text() -> str:
    """Seed 003 (Compendio General 2023); skipped when absent, which fails in CI (see below)."""
    if not SEED_003.exists():
        pytest.skip(f"seed 003 not found at {SEED_003} (expected ../shared beside the repo root)")
    return SEED_003.read_text(encoding="utf-8")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With ``CI`` set, a test skipped for a missing seed fails: CI must run the full-seed tests.

    Checked here, on the report, so that it holds for every way a test skips for a seed (this
    file's fixture, a module's own ``skipif`` or ``pytest.skip``). Locally they still skip.
    """
    report = yield
    if report.skipped and _in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        if MISSING_SEED.search(reason):
            report.outcome = "failed"
            report.longrepr = f"{reason}; CI is set, so the seeds must be present"
    return report


@pytest.fixture
def ejercicio(db):
    return factories.ejercicio(2024)


@pytest.fixture
def actor_a(db):
    return factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")


@pytest.fixture
def actor_b(db):
    return factories.actor(
        "NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno del Estado de Nuevo León"
    )


@pytest.fixture
def focal_a(actor_a):
    return factories.user("enlace.a@prueba.gob.mx", actor=actor_a)


@pytest.fixture
def focal_a2(actor_a):
    return factories.user("enlace.a2@prueba.gob.mx", actor=actor_a)


@pytest.fixture
def focal_b(actor_b):
    return factories.user("enlace.b@prueba.gob.mx", actor=actor_b)


@pytest.fixture
def coordinator(db):
    return factories.user("coordinacion@prueba.gob.mx", role=Role.COORDINADOR)


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def client_a(focal_a):
    from django.test import Client

    return _client_for(Client, focal_a)


@pytest.fixture
def client_a2(focal_a2):
    from django.test import Client

    return _client_for(Client, focal_a2)


@pytest.fixture
def client_b(focal_b):
    from django.test import Client

    return _client_for(Client, focal_b)


@pytest.fixture
def client_coord(coordinator):
    from django.test import Client

    return _client_for(Client, coordinator)


@pytest.fixture
def ficha_a(actor_a, ejercicio):
    return factories.ficha(actor_a, ejercicio)
