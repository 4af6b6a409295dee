"""Measure the review desk with 400 fichas: database queries and server time per page.

Usage (a fresh SQLite file by default; or pass DATABASE_URL of an EMPTY database):
    .venv/bin/python bench/review_desk.py [N_FICHAS]
    .ci/with-postgres .venv/bin/python bench/review_desk.py

Creates N fichas (default 400) across 40 institutions, sends and approves part of them through
``reporting.workflow``, then requests the desk page several ways and prints the figures.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend")
os.environ.setdefault("EMAIL_URL", "locmem://")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def build(n: int):
    from reporting import workflow
    from reporting.models import ObjetivoPMM, Role
    from tests import factories

    ejercicio = factories.ejercicio(2024)
    coordinator = factories.user("coordinacion@bench.gob.mx", role=Role.COORDINADOR)
    actors = []
    for i in range(40):
        if i < 10:
            code = f"{i + 1:02d}"
            actor = factories.actor(f"ESTADO {code}", tipo="estatal", entidad=code)
        else:
            actor = factories.actor(f"DEP{i}", tipo="apf")
        actors.append((actor, factories.user(f"enlace{i}@bench.gob.mx", actor=actor)))
    objectives = list(ObjetivoPMM.objects.all())
    for i in range(n):
        actor, focal = actors[i % len(actors)]
        ficha = factories.ficha(
            actor,
            ejercicio,
            nombre=f"Programa {i} de atención a niñas, niños y adolescentes migrantes",
            propuestos=[1 + i % 23, 1 + (i * 7) % 23],
        )
        if i % 4:
            ficha = workflow.submit(ficha, by=focal)
        if i % 4 == 2:
            workflow.approve(ficha, by=coordinator, objective=objectives[i % 23], note="Bench.")
    return coordinator


def measure(client: Client, params: dict, repeat: int = 7) -> tuple[int, float, float, int]:
    times, sql_times = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get("/fichas/revision/", params)
            times.append(time.perf_counter() - start)
        sql_times.append(sum(float(q["time"]) for q in queries.captured_queries))
        assert response.status_code == 200, response.status_code
    rows = len(response.context["page"].object_list)
    return len(queries), statistics.median(times) * 1000, statistics.median(sql_times) * 1000, rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    setup_test_environment()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    coordinator = build(n)
    print(f"{connection.vendor}: {n} fichas created in {time.perf_counter() - t0:.1f} s")
    client = Client()
    client.force_login(coordinator)
    client.get("/fichas/revision/")  # warm templates and caches
    cases = {
        "default (page 1 of 50)": {},
        "last page": {"page": 8},
        "search «ninos» (accents ignored)": {"q": "ninos"},
        "status enviada + chapter 1": {"status": "enviada", "chapter": 1},
        "objective 7 (proposed or assigned)": {"objective": 7},
        "sorted by institution": {"orden": "institucion"},
    }
    print(f"{'case':40} {'queries':>7} {'median ms':>10} {'of it SQL':>10} {'rows':>5}")
    for label, params in cases.items():
        queries, ms, sql_ms, rows = measure(client, params)
        print(f"{label:40} {queries:7d} {ms:10.1f} {sql_ms:10.1f} {rows:5d}")


if __name__ == "__main__":
    main()
