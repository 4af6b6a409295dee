"""Measure the coordinators' edition page and the Informe workspace on the imported 2023 edition.

Usage (a fresh SQLite file by default; or pass DATABASE_URL of an EMPTY database):
    .ci/with-postgres .venv/bin/python bench/coordinator_pages.py [--repeat 8] [--rounds 4]
        [--baseline COMMIT] [--after COMMIT] [--profile CASE]

Imports seed 003 (356 approved fichas, 450 retos, blank Informe texts: the edition as the
coordinators find it) once, then requests each page ``repeat`` times and prints p50/p95 of the
server time in ms (Django test client, in process; CPU time of the process unless ``--wall``)
and the SQL queries of one request. With
``--baseline COMMIT`` the same requests run alternately in that commit's code and in this tree
(bench/alternate.py), ``rounds`` times each, and it prints after/before per round
(min/median/max): the machine is shared and noisy. ``--profile CASE`` prints the cProfile of
one request of that case instead.

Targets (docs/pre-publication-check.md §K1, docs/informe-workspace.md): the edition page no
longer runs the whole check on a load it has already checked (well under 1 s), and every
workspace page under 0.5 s on a quiet machine; the review and exercise pages (review of one
ficha, its editorial form, desk, follow-up, block order, exercises) under ~150 ms p50
(docs/load-test.md §L1).
"""

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _django  # noqa: E402
import alternate  # noqa: E402

SEED = Path("/work/shared/seeds/003_e989e04225e3c00d.txt")
COORDINATOR = "coordinacion@bench.gob.mx"
# (label, url name, args, query); "edition" and "ficha" stand for the 2023 edition's pk and the
# pk of one of its fichas.
CASES = [
    ("edition page", "compendium:edition_edit", ["edition"], {}),
    ("check page", "compendium:edition_check", ["edition"], {}),
    ("workspace", "compendium:informe_workspace", ["edition"], {}),
    ("text: preambulo", "compendium:informe_text", ["edition", "preambulo"], {}),
    ("text: analisis_federal", "compendium:informe_text", ["edition", "analisis_federal"], {}),
    ("highlights", "compendium:informe_highlights", ["edition"], {}),
    ("highlights objective 7", "compendium:informe_highlights_objective", ["edition", 7], {}),
    ("retos page 1", "compendium:informe_retos", ["edition"], {}),
    ("retos uncategorised", "compendium:informe_retos", ["edition"], {"filtro": "sin-categoria"}),
    ("retos rules", "compendium:informe_retos_rules", ["edition"], {}),
    ("credits", "compendium:informe_credits", ["edition"], {}),
    # The review (docs/load-test.md §L1): one ficha, its editorial form, the desk, the
    # follow-up, the order of one block, the exercises.
    ("review of one ficha", "reporting:review_ficha", ["ficha"], {}),
    ("review: editorial edit", "reporting:review_edit", ["ficha"], {}),
    ("desk 2023", "reporting:bandeja", [], {"anio": 2023}),
    ("follow-up 2023", "reporting:seguimiento", [], {"anio": 2023}),
    ("block order 2023 ch1 obj7", "reporting:review_reorder", [2023, 1, 7], {}),
    ("exercises", "reporting:exercises", [], {}),
    ("exercise 2023", "reporting:exercise_detail", [2023], {}),
]
LABELS = [c[0] for c in CASES]
WORKSPACE = [label for label, name, _a, _q in CASES[2:] if name.startswith("compendium:")]
REVIEW = [label for label, name, _a, _q in CASES if name.startswith("reporting:")]
REVIEW_TARGET_MS = 150  # p50 of a coordinator's review or exercise page, quiet machine
TARGET_MS = 500


def option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def _client():
    from django.test import Client

    from reporting.models import User

    client = Client()
    client.force_login(User.objects.get(email=COORDINATOR))
    return client


def _urls() -> list[tuple[str, str, dict]]:
    from django.urls import reverse

    from compendium.models import Edicion
    from reporting.models import Ficha

    known = {
        "edition": Edicion.objects.get(ejercicio__year=2023).pk,
        "ficha": Ficha.objects.filter(ejercicio__year=2023).order_by("pk").first().pk,
    }
    return [
        (label, reverse(name, args=[known.get(a, a) for a in args]), query)
        for label, name, args, query in CASES
    ]


def setup_data() -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from reporting.models import Membership, Role, User

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    call_command("import_compendio", str(SEED), year=2023, verbosity=0)
    user = User.objects.create(email=COORDINATOR, password=make_password(None))
    Membership.objects.create(user=user, role=Role.COORDINADOR)
    print(f"seed 003 imported in {time.perf_counter() - t0:.1f} s")


def queries() -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client()
    found = {}
    for label, url, query in _urls():
        client.get(url, query)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        assert response.status_code == 200, (label, response.status_code)
        found[label] = len(captured)
    return found


def measure(repeat: int) -> dict[str, list[float]]:
    client = _client()
    urls = _urls()
    times: dict[str, list[float]] = {label: [] for label in LABELS}
    for _label, url, query in urls:
        client.get(url, query)  # warm: templates, translations, first-use caches
    # CPU time of this process by default (the client, the view and SQLite all run here): on a
    # machine shared by other jobs it varies much less than the wall clock. --wall for that.
    clock = time.perf_counter if "--wall" in sys.argv else time.process_time
    for _ in range(repeat):  # the cases take turns, so a slow moment hits all of them
        for label, url, query in urls:
            start = clock()
            response = client.get(url, query)
            times[label].append((clock() - start) * 1000)
            assert response.status_code == 200, (label, response.status_code)
    return times


def profile(cases: str) -> None:
    """cProfile of one request of each case (comma-separated labels), after a warm one."""
    import cProfile
    import pstats

    client = _client()
    for case in cases.split(","):
        label, url, query = next(u for u in _urls() if u[0] == case)
        client.get(url, query)
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(url, query)
        profiler.disable()
        print(f"=== {label}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


def main() -> None:
    repeat, rounds = option("--repeat", 8), option("--rounds", 4)
    if "--child" in sys.argv:
        _django.setup()
        if "--profile" in sys.argv:
            profile(sys.argv[sys.argv.index("--profile") + 1])
        else:
            print(json.dumps(measure(repeat)))
        return
    if "--setup" in sys.argv:
        _django.setup()
        setup_data()
        print("queries per request:", json.dumps(queries(), ensure_ascii=False))
        return
    _django.default_database()  # the children share it
    after = alternate.after_tree(sys.argv)
    print(f"load average at the start: {alternate.load_average()}")
    alternate.run_child(Path(__file__), after, ["--setup"], show=True)
    if "--profile" in sys.argv:
        case = sys.argv[sys.argv.index("--profile") + 1]
        alternate.run_child(Path(__file__), after, ["--child", "--profile", case], show=True)
    elif "--baseline" in sys.argv:
        commit = sys.argv[sys.argv.index("--baseline") + 1]
        before = alternate.baseline_tree(commit)
        print(f"before = {commit}, after = {alternate.describe(after)}; {rounds} rounds, ABBA")
        wall = ["--wall"] if "--wall" in sys.argv else []
        print("times: " + ("wall clock" if wall else "CPU time of the process (--wall: clock)"))
        results = alternate.alternate(
            Path(__file__), before, after, rounds, ["--repeat", str(repeat), *wall]
        )
        alternate.ratios(results, LABELS)
        pooled = {label: [t for row in results for t in row["after"][label]] for label in LABELS}
        verdicts(pooled)
    else:
        times = alternate.run_child(Path(__file__), after, ["--child", "--repeat", str(repeat)])
        print(f"{'case':28} {'p50 ms':>8} {'p95 ms':>8}")
        for label, values in times.items():
            print(
                f"{label:28} {alternate.percentile(values, 0.5):8.1f}"
                f" {alternate.percentile(values, 0.95):8.1f}"
            )
        verdicts(times)
    print(f"load average at the end: {alternate.load_average()}")


def verdicts(times: dict[str, list[float]]) -> None:
    """Two lines: the slowest workspace page and the slowest review page (p50) against their
    targets (judge on a quiet machine)."""
    for group, labels, target in (
        ("workspace", WORKSPACE, TARGET_MS),
        ("review/exercise", REVIEW, REVIEW_TARGET_MS),
    ):
        slowest = max(labels, key=lambda label: alternate.percentile(times[label], 0.5))
        p50 = alternate.percentile(times[slowest], 0.5)
        verdict = "meets" if p50 <= target else "misses"
        print(
            f"verdict: slowest {group} page p50 {p50:.0f} ms ({slowest}) {verdict} {target} ms"
            f" (load average {alternate.load_average()})"
        )


if __name__ == "__main__":
    main()
