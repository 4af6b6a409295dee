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
workspace page under 0.5 s on a quiet machine.
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
# (label, url name, extra args after the edition's pk, query)
CASES = [
    ("edition page", "compendium:edition_edit", [], {}),
    ("check page", "compendium:edition_check", [], {}),
    ("workspace", "compendium:informe_workspace", [], {}),
    ("text: preambulo", "compendium:informe_text", ["preambulo"], {}),
    ("text: analisis_federal", "compendium:informe_text", ["analisis_federal"], {}),
    ("highlights", "compendium:informe_highlights", [], {}),
    ("highlights objective 7", "compendium:informe_highlights_objective", [7], {}),
    ("retos page 1", "compendium:informe_retos", [], {}),
    ("retos uncategorised", "compendium:informe_retos", [], {"filtro": "sin-categoria"}),
    ("retos rules", "compendium:informe_retos_rules", [], {}),
    ("credits", "compendium:informe_credits", [], {}),
]
LABELS = [c[0] for c in CASES]
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

    pk = Edicion.objects.get(ejercicio__year=2023).pk
    return [(label, reverse(name, args=[pk, *args]), query) for label, name, args, query in CASES]


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
        slowest = max(statistics_p50(results, label) for label in LABELS[2:])
        verdict = "meets" if slowest <= TARGET_MS else "misses"
        print(f"verdict: slowest workspace page p50 {slowest:.0f} ms {verdict} {TARGET_MS} ms")
    else:
        times = alternate.run_child(Path(__file__), after, ["--child", "--repeat", str(repeat)])
        print(f"{'case':28} {'p50 ms':>8} {'p95 ms':>8}")
        for label, values in times.items():
            print(
                f"{label:28} {alternate.percentile(values, 0.5):8.1f}"
                f" {alternate.percentile(values, 0.95):8.1f}"
            )
    print(f"load average at the end: {alternate.load_average()}")


def statistics_p50(results: list[dict], label: str) -> float:
    return alternate.percentile([t for row in results for t in row["after"][label]], 0.5)


if __name__ == "__main__":
    main()
