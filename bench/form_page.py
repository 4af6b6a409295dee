"""Measure the focal point's pages alone (the ficha form: GET /fichas/<id>/, GET /fichas/nueva/;
«Mis fichas»: GET /fichas/), before and after.

Usage (PostgreSQL, as the load test; an EMPTY database or the throwaway one of .ci/with-postgres):
    .ci/with-postgres .venv/bin/python bench/form_page.py [--repeat 30] [--rounds 4]
        [--baseline COMMIT | --before-tree DIR] [--after COMMIT | --after-tree DIR]

Loads the demonstration data (reporting/demo.py) and, as the INM's focal point, requests the
form of a draft, of a ficha returned with observations («observada») and of a new ficha, and
«Mis fichas» (six fichas in five states). For
each: p50/p95 of the CPU time of this process per request (``time.process_time``: the web
process's share, without PostgreSQL's) and the queries of one request. Without a baseline it
measures this working tree once; with one, the two trees alternate (bench/alternate.py, ABBA)
against the same database and it prints min/median/max of after/before per round, because the
machine is shared. The last line is a verdict against the targets of docs/load-test.md §L8
(CPU p50 ≤ 25 ms for the draft's and the «observada» ficha's form, ≤ 18 ms for «Mis fichas»).
"""

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _django  # noqa: E402
import alternate  # noqa: E402

PAGES = ["form: draft", "form: observada", "form: new", "mis fichas"]
CPU = [f"{page} (CPU)" for page in PAGES]
# docs/load-test.md §L8: the pages' own share of CPU p50 (in-process, this process only).
TARGET_CPU_MS = {"form: draft": 25.0, "form: observada": 25.0, "mis fichas": 18.0}
TARGETED = list(TARGET_CPU_MS)


def requests():
    """(case, function making one request) for each page."""
    import ficha_form
    from django.test import Client

    user, draft, observada = ficha_form.targets()
    client = Client()
    client.force_login(user)
    get = ficha_form.getter(client)
    return {
        "form: draft": get(f"/fichas/{draft.pk}/"),
        "form: observada": get(f"/fichas/{observada.pk}/"),
        "form: new": get("/fichas/nueva/"),
        "mis fichas": get("/fichas/"),
    }


def measure(repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {case: [] for case in [*PAGES, *CPU]}
    runs = requests()
    for run in runs.values():
        run()  # warm: templates, translations, remembered fields
    # Interleaved, so a burst of load on the shared machine falls on every page alike.
    for _ in range(repeat):
        for case, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            times[f"{case} (CPU)"].append((time.process_time() - cpu) * 1000)
            times[case].append((time.perf_counter() - wall) * 1000)
    return times


def queries() -> dict[str, int]:
    import ficha_form

    return ficha_form.queries(requests)


def option(name: str, default):
    if name not in sys.argv:
        return default
    return type(default)(sys.argv[sys.argv.index(name) + 1])


def tree(commit_flag: str, dir_flag: str) -> Path | None:
    if commit_flag in sys.argv:
        return alternate.baseline_tree(sys.argv[sys.argv.index(commit_flag) + 1])
    if dir_flag in sys.argv:
        return Path(sys.argv[sys.argv.index(dir_flag) + 1])
    return None


def verdict(times: dict[str, list[float]]) -> str:
    p50 = {page: alternate.percentile(times[f"{page} (CPU)"], 0.5) for page in TARGETED}
    over = [page for page, ms in p50.items() if ms > TARGET_CPU_MS[page]]
    figures = ", ".join(
        f"{page} {ms:.1f} ms (≤ {TARGET_CPU_MS[page]:.0f})" for page, ms in p50.items()
    )
    state = "met" if not over else "NOT met"
    return f"verdict: {state}: CPU p50 {figures}"


def main() -> None:
    repeat, rounds = option("--repeat", 30), option("--rounds", 4)
    if alternate.measured_in_child(measure, repeat):
        return
    if "--setup" in sys.argv or "--queries" in sys.argv:
        _django.setup(default_db=None)
        if "--setup" in sys.argv:
            from django.core.management import call_command

            from reporting.demo import load_demo

            call_command("migrate", verbosity=0)
            load_demo()
        print(
            f"{alternate.describe(_django.tree_from_argv(sys.argv))}: queries per request:"
            f" {json.dumps(queries())}"
        )
        return
    _django.default_database()
    after = tree("--after", "--after-tree") or alternate.ROOT
    before = tree("--baseline", "--before-tree")
    print(f"load average at the start: {alternate.load_average()}")
    alternate.run_child(Path(__file__), after, ["--setup"], show=True)
    if before is not None:
        alternate.run_child(Path(__file__), before, ["--queries"], show=True)
    if before is not None:
        times = alternate.alternated_times(
            Path(__file__), before, after, rounds, repeat, CPU, str(before)
        )
    else:
        times = alternate.run_child(Path(__file__), after, ["--child", "--repeat", str(repeat)])
        print(f"{'case':18} {'CPU p50 ms':>10} {'CPU p95 ms':>10} {'wall p50 ms':>11}")
        for page in PAGES:
            cpu = times[f"{page} (CPU)"]
            print(
                f"{page:18} {alternate.percentile(cpu, 0.5):10.1f}"
                f" {alternate.percentile(cpu, 0.95):10.1f}"
                f" {alternate.percentile(times[page], 0.5):11.1f}"
            )
    print(f"load average at the end: {alternate.load_average()}")
    print(verdict(times))


if __name__ == "__main__":
    main()
