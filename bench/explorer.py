"""Measure the program explorer at 500 and 5,000 published programs: server time and queries.

Usage (PostgreSQL, the target; an EMPTY database):
    .ci/with-postgres .venv/bin/python bench/explorer.py [ROUNDS]

Imports seed 003 (the 2023 Compendio, not published) as a source of real program texts, then
publishes ten synthetic editions (2011-2020) of 500 programs each, cloned from those texts and
classified at random (objective, ODS, eje and subtema, states), through the real path
(``compendium.public_record.freeze``). After the first edition (500 programs) and after the tenth
(5,000) it requests explorer pages with filters and searches, alternating the variants in each
round, and prints per page kind: queries per page, and server time (Django test client, the
whole request) as p50 and p95 over all requests, with min/median/max of the per-round p95, and
the median time spent in SQL (as the client sees it). A static page is measured alongside as
a baseline: on a loaded machine every figure grows with it.
Target (issue 13): p95 ≤ 100 ms for a filtered, searched page; queries per page the same at 500
and 5,000 programs (docs/open-data.md §R7).
"""

import contextlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import _django  # noqa: E402

_django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "003_e989e04225e3c00d.txt"
PER_EDITION = 500
BASELINE = "(baseline: privacy notice)"
COLD = "filtered + searched, no cache"
YEARS = list(range(2011, 2021))
WORDS = ["migrantes", "niñas", "salud", "documentación", "empleo", "refugio", "frontera", "mujeres"]
COPY = (
    "nombre",
    "objetivo_programa",
    "poblacion_objetivo",
    "descripcion",
    "resultados",
    "num_acciones",
    "tipo_acciones",
    "personas_atendidas",
    "mujeres",
    "hombres",
    "otras_personas",
    "alcance_nacional",
    "tablas",
    "actor_id",
    "objetivo_asignado_id",
)


def clone_edition(year: int, sources: list, rng: random.Random) -> None:
    """An edition of ``year`` with PER_EDITION programs cloned from ``sources``, published."""
    from compendium.models import Edicion
    from reporting.models import EjercicioStatus, Ficha, FichaStatus, Reto, Subtema
    from tests import factories
    from tests.compendium.published import publish_version

    ejercicio = factories.ejercicio(year, status=EjercicioStatus.PUBLICADO)
    subtemas = list(Subtema.objects.all())
    states = [f"{n:02d}" for n in range(1, 33)]
    picked = [sources[(i * 7 + year) % len(sources)] for i in range(PER_EDITION)]
    fichas = []
    for source in picked:
        subtema = rng.choice(subtemas)
        values = {name: getattr(source, name) for name in COPY}
        fichas.append(
            Ficha(
                ejercicio=ejercicio,
                status=FichaStatus.APROBADA,
                eje_id=subtema.eje_id,
                subtema=subtema,
                **values,
            )
        )
    fichas = Ficha.objects.bulk_create(fichas)
    Reto.objects.bulk_create(
        Reto(ficha=new, position=i, texto=reto.texto)
        for new, source in zip(fichas, picked, strict=True)
        for i, reto in enumerate(source.retos.all())
    )
    Ficha.ods.through.objects.bulk_create(
        Ficha.ods.through(ficha_id=f.pk, ods_id=n)
        for f in fichas
        for n in rng.sample(range(1, 18), rng.randint(1, 3))
    )
    Ficha.entidades.through.objects.bulk_create(
        Ficha.entidades.through(ficha_id=f.pk, entidadfederativa_id=code)
        for f in fichas
        for code in rng.sample(states, rng.randint(0, 3))
    )
    edicion = Edicion.objects.create(
        ejercicio=ejercicio, title=f"Compendio General {year}", date_line="Ciudad de México."
    )
    publish_version(edicion)


def variants(rng: random.Random, years: list[int]) -> dict[str, list[dict]]:
    """Per page kind, the parameter sets one round cycles through (alternated)."""
    return {
        "filtered + searched": [
            {"anio": rng.choice(years), "q": word, "ods": rng.randint(1, 17)} for word in WORDS
        ],
        # The same pages with the summary cache emptied before each request: what the first
        # visitor of a filter set waits (docs/open-data.md §R7).
        COLD: [{"anio": rng.choice(years), "q": word, "ods": rng.randint(1, 17)} for word in WORDS],
        "searched, all years": [{"q": word} for word in WORDS],
        "filtered (year, objective)": [
            {"anio": rng.choice(years), "objetivo": n} for n in (1, 3, 7, 15, 23, 4, 10, 12)
        ],
        "state + institution, page 2": [
            {"entidad": f"{n:02d}", "institucion": "SRE", "page": 2} for n in (7, 9, 19, 30)
        ],
        "no filter, page 40": [{"page": 40}],
        # Not the explorer: a static page, to show how loaded the machine is.
        BASELINE: [{}],
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(client: Client, kinds: dict[str, list[dict]], rounds: int) -> dict[str, dict]:
    from compendium import public_record

    results: dict[str, dict] = {
        kind: {"times": [], "round_p95": [], "queries": set(), "sql": []} for kind in kinds
    }
    for _round in range(rounds):
        per_round: dict[str, list[float]] = {kind: [] for kind in kinds}
        # Alternate: one request of each kind in turn, cycling through each kind's variants.
        longest = max(len(v) for v in kinds.values())
        for i in range(longest * 2):
            for kind, params_list in kinds.items():
                params = params_list[i % len(params_list)]
                # «no cache»: the summary is computed, neither read from nor put in the cache
                # (the other kinds keep their entries).
                cold = public_record.uncached() if kind == COLD else contextlib.nullcontext()
                with cold, CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    url = "/aviso-de-privacidad/" if kind == BASELINE else "/programas/"
                    response = client.get(url, params)
                    elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, (params, response.status_code)
                per_round[kind].append(elapsed)
                results[kind]["queries"].add(len(queries))
                results[kind]["sql"].append(
                    sum(float(q["time"]) for q in queries.captured_queries) * 1000
                )
        for kind, times in per_round.items():
            results[kind]["times"].extend(times)
            results[kind]["round_p95"].append(percentile(times, 95))
    return results


def report(label: str, results: dict[str, dict]) -> None:
    print(f"\n{label}")
    print(
        f"{'page':30} {'queries':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'round p95 min/median/max':>26} {'SQL p50':>8} {'n':>5}"
    )
    for kind, r in results.items():
        rp = r["round_p95"]
        queries = "/".join(str(q) for q in sorted(r["queries"]))
        spread = f"{min(rp):.1f}/{statistics.median(rp):.1f}/{max(rp):.1f}"
        print(
            f"{kind:30} {queries:>8} {percentile(r['times'], 50):7.1f} "
            f"{percentile(r['times'], 95):7.1f} {spread:>26} "
            f"{percentile(r['sql'], 50):8.1f} {len(r['times']):5d}"
        )


def explain_search() -> str:
    from compendium.public_record import ProgramFilters, programs_matching

    query = programs_matching(ProgramFilters(q="niñas migrantes")).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return "uses the GIN index" if "published_program_vector" in plan else "NO index:\n" + plan


def profile(client: Client, params_list: list[dict]) -> None:
    """BENCH_PROFILE=1: where a filtered, searched page spends its time (cProfile, top 30)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for params in params_list * 3:
        client.get("/programas/", params)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    from compendium.importers.compendio_import import import_compendio
    from compendium.models import PublishedProgram
    from reporting.models import Ficha

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    setup_test_environment()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    import_compendio(SEED.read_text(encoding="utf-8"), year=2023)
    sources = list(Ficha.objects.filter(ejercicio__year=2023).prefetch_related("retos"))
    print(f"{connection.vendor}: seed 003 imported ({len(sources)} source programs, unpublished)")
    rng = random.Random(13)
    client = Client()
    stages = {1: "500 programs (1 edition)", len(YEARS): "5,000 programs (10 editions)"}
    figures = {}
    for index, year in enumerate(YEARS, start=1):
        clone_edition(year, sources, rng)
        if index in stages:
            total = PublishedProgram.objects.count()
            print(f"{total} published programs after {time.perf_counter() - t0:.0f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
            client.get("/programas/")  # warm templates and caches
            kinds = variants(random.Random(7), YEARS[:index])
            figures[index] = measure(client, kinds, rounds)
            report(stages[index], figures[index])
    if connection.vendor == "postgresql":
        print(f"\nSearch plan at 5,000 programs: {explain_search()}")
    if os.environ.get("BENCH_PROFILE"):
        profile(client, variants(random.Random(7), YEARS)["filtered + searched"])
    # A page without results skips the rows' queries: compare the most queries of each kind.
    same = all(
        max(figures[1][kind]["queries"]) == max(figures[len(YEARS)][kind]["queries"])
        for kind in figures[1]
    )
    with open("/proc/loadavg") as handle:
        print(f"Load average at the end: {handle.read().split()[:3]} (on {os.cpu_count()} cores)")
    worst = max(
        percentile(r["times"], 95) for kind, r in figures[len(YEARS)].items() if kind != BASELINE
    )
    print(f"Most queries per page equal at 500 and 5,000: {'yes' if same else 'NO'}")
    print(f"Worst p95 at 5,000: {worst:.1f} ms (target ≤ 100 ms)")


if __name__ == "__main__":
    main()
