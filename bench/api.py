"""Measure the public API and the open-data files over ~5,000 published programs (issue 13).

Usage (PostgreSQL, as the target is stated for it; an EMPTY database):
    .ci/with-postgres .venv/bin/python bench/api.py [YEARS] [RUNS]

Imports the 2023 Compendio (seed 003, 356 programs) with ``--publish``, then publishes the same
printed programs as YEARS-1 more editions through ``compendium.public_record.freeze`` (default 15
editions: 5,340 programs, "ten years at today's size and more"). Each case is requested RUNS times
(default 40), the cases taking turns so that a slow moment of the machine hits all of them, and
the server time (Django test client, in process) is printed as min / median / p95 / max with the
number of SQL queries. The queries are also counted with one edition only, before the others are
published, to show that they do not grow with the number of programs.

Target (docs/data-and-api.md §A6): p95 ≤ 100 ms for a filtered, searched page of the API.
«first» is the first request of a case: for a file, the time to make it (later requests are
served from the stored file); the baseline row (a static page) shows how loaded the machine is.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())
# The benchmark is one client asking many times.
_django.setup(env={"API_RATE": "1000000/min"})

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "003_e989e04225e3c00d.txt"
FIRST_YEAR = 2023

API_CASES = {
    "API programas (page 1, all years)": ("/api/v1/programas", {}),
    "API anio=2023 objetivo=7": ("/api/v1/programas", {"anio": 2023, "objetivo": 7}),
    "API q=niñas migrantes": ("/api/v1/programas", {"q": "niñas migrantes"}),
    "API q=migrantes + anio + capitulo (filtered, searched)": (
        "/api/v1/programas",
        {"q": "migrantes", "anio": FIRST_YEAR, "capitulo": 1},
    ),
    "API q=empleo + objetivo, 100 per page": (
        "/api/v1/programas",
        {"q": "empleo", "objetivo": 6, "por_pagina": 100},
    ),
    "API page 200": ("/api/v1/programas", {"page": 200}),
    "API one program": ("/api/v1/programas/2023/100", {}),
    "API agregados (all years)": ("/api/v1/agregados", {}),
    "API agregados anio=2023": ("/api/v1/agregados", {"anio": FIRST_YEAR}),
    "API ediciones": ("/api/v1/ediciones", {}),
    # Not the API: a static page, to show how loaded the machine is.
    "(baseline: privacy notice page)": ("/aviso-de-privacidad/", {}),
}
FILE_CASES = {
    "CSV one edition": ("/datos/2023/programas.csv", {}),
    "XLSX one edition": ("/datos/2023/programas.xlsx", {}),
    "JSON one edition": ("/datos/2023/programas.json", {}),
    "CSV all years": ("/datos/programas.csv", {}),
    "datapackage.json": ("/datos/datapackage.json", {}),
    "catalogue page": ("/datos/", {}),
}


def publish_more(years: int) -> int:
    """Publish the 2023 record again as ``years`` more editions (2008, 2009…)."""
    from compendium import public_record
    from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
    from reporting.models import EjercicioStatus, Ficha
    from tests import factories

    ficha_ids = list(Ficha.objects.filter(ejercicio__year=FIRST_YEAR).values_list("pk", flat=True))
    printed = public_record.collect(ficha_ids)
    for year in range(FIRST_YEAR - years, FIRST_YEAR):
        ejercicio = factories.ejercicio(year, status=EjercicioStatus.PUBLICADO)
        edicion = Edicion.objects.create(ejercicio=ejercicio, title=f"Compendio General {year}")
        build = PublicationBuild.objects.create(
            edicion=edicion,
            document=Document.COMPENDIO,
            draft=False,
            status=BuildStatus.DONE,
            version=1,
        )
        public_record.freeze(build, [], printed=printed)
    return len(printed)


SQL_MS: dict[tuple, list[float]] = {}


def request(client: Client, path: str, params: dict) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(path, params)
        if response.streaming:
            b"".join(response.streaming_content)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, params, response.status_code)
    key = (path, tuple(sorted(params.items())))
    SQL_MS.setdefault(key, []).append(
        sum(float(q["time"]) for q in queries.captured_queries) * 1000
    )
    return elapsed * 1000, len(queries)


def queries_only(client: Client, cases: dict) -> dict[str, int]:
    return {label: request(client, path, params)[1] for label, (path, params) in cases.items()}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


FIRST: dict[str, float] = {}


def run(client: Client, cases: dict, runs: int) -> dict[str, tuple[list[float], int]]:
    times: dict[str, list[float]] = {label: [] for label in cases}
    counts: dict[str, int] = {}
    for label, (path, params) in cases.items():  # warm templates and caches; files are made
        FIRST[label] = request(client, path, params)[0]
    for _ in range(runs):
        for label, (path, params) in cases.items():
            ms, n = request(client, path, params)
            times[label].append(ms)
            counts[label] = n
    return {label: (times[label], counts[label]) for label in cases}


def main() -> None:
    years = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    if not SEED.exists():
        sys.exit(f"seed 003 not found at {SEED}")
    setup_test_environment()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    call_command("import_compendio", str(SEED), "--year", str(FIRST_YEAR), "--publish", verbosity=0)
    client = Client()
    few = queries_only(client, {**API_CASES, **FILE_CASES})
    per_year = publish_more(years - 1)
    from compendium.models import PublishedProgram

    total = PublishedProgram.objects.count()
    print(
        f"{connection.vendor}: {total} published programs in {years} editions "
        f"({per_year} each), built in {time.perf_counter() - t0:.0f} s; {runs} runs per case"
    )
    header = (
        f"{'case':55} {'queries':>11} {'first':>7} {'min':>7} {'median':>7} {'p95':>7} "
        f"{'max':>7} {'SQL med':>8}"
    )
    for title, cases, count in (("API", API_CASES, runs), ("files", FILE_CASES, max(3, runs // 8))):
        print(f"\n{title} (ms; queries with 1 edition → with {years})")
        print(header)
        SQL_MS.clear()
        for label, (times, queries) in run(client, cases, count).items():
            path, params = cases[label]
            sql = statistics.median(SQL_MS[(path, tuple(sorted(params.items())))])
            print(
                f"{label:55} {few[label]:>4} → {queries:>4} {FIRST[label]:7.1f} {min(times):7.1f} "
                f"{statistics.median(times):7.1f} {p95(times):7.1f} {max(times):7.1f} {sql:8.1f}"
            )


if __name__ == "__main__":
    main()
