"""Measure the focal point's pages: the ficha form, its autosave, a save and «Mis fichas».

Usage (a fresh SQLite file by default; or pass DATABASE_URL of an EMPTY database):
    .ci/with-postgres .venv/bin/python bench/ficha_form.py [--repeat 30] [--rounds 4]
        [--baseline COMMIT] [--after COMMIT] [--profile [CASE]] [--callers NAME]

Loads the demonstration data (reporting/demo.py), then, as the INM's focal point, requests the
form of a draft and of a ficha returned with observations (the heaviest: observations beside
the fields and a longer history), posts an autosave of the draft and a save of the draft
(«Guardar borrador», answered with a redirect), and opens «Mis fichas». For each it prints p50
and p95 of the wall time and of the CPU time of this process (``time.process_time``: the
server's share, without PostgreSQL's; the in-process test client adds a little), and the
queries of one request. ``--profile`` prints where one case spends its CPU (cProfile with a CPU
clock; CASE defaults to the draft's form), ``--callers NAME`` who calls the functions matching
NAME. With ``--baseline``, before/after alternate between two exported trees
(bench/alternate.py): min/median/max of the ratios per round, because the machine is shared
and noisy. The last line is a verdict against the target of docs/load-test.md §L2b.
"""

import json
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _django  # noqa: E402
import alternate  # noqa: E402

FOCAL = "enlace.inm@demo.gob.mx"
URLENCODED = "application/x-www-form-urlencoded"
PAGES = ["form: draft", "form: observada", "autosave: draft", "save: draft", "mis fichas"]
CASES = [*PAGES, *(f"{page} (CPU)" for page in PAGES)]
# docs/load-test.md §L2b: on 2 cores shared with PostgreSQL, 50 requests/s leave the web
# process well under 30 ms of CPU per request; the autosave, the most frequent, half of that.
TARGET_CPU_MS = {page: 30.0 for page in PAGES} | {"autosave: draft": 15.0}


def targets():
    from reporting.models import Ficha, FichaStatus, User

    user = User.objects.get(email=FOCAL)
    mine = Ficha.objects.filter(actor__memberships__user=user, ejercicio__year=2024)
    draft = mine.filter(status=FichaStatus.BORRADOR).order_by("pk").first()
    observada = mine.filter(status=FichaStatus.OBSERVADA).order_by("pk").first()
    return user, draft, observada


def autosave_data(ficha) -> dict:
    """What ficha_form.js posts: the form as rendered (every field, the retos formset)."""
    from reporting.forms import FichaForm, RetoFormSet

    formset = RetoFormSet(instance=ficha, prefix="retos")
    form = FichaForm(instance=ficha, ejercicio=ficha.ejercicio, retos_formset=formset)
    data = {"version": ficha.version}
    for bound in [*form, *(b for sub in formset.forms for b in sub)]:
        value = bound.value()
        if isinstance(value, list):
            data[bound.html_name] = [str(v) for v in value]
        elif value is True:
            data[bound.html_name] = "on"
        elif value not in (None, False):
            data[bound.html_name] = str(value)
    for key, value in formset.management_form.initial.items():
        data[f"retos-{key}"] = value
    return data


def getter(client):
    """A function that makes a request for one page and checks it answered 200."""

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    return get


def requests():
    """(case, function making one request and checking its answer) for each page."""
    from django.test import Client

    from reporting.models import Ficha

    user, draft, observada = targets()
    client = Client()
    client.force_login(user)
    data = autosave_data(draft)
    get = getter(client)

    def form(values: dict) -> str:
        # Url-encoded, as the browser posts both (static/js/ficha_form.js, the form itself).
        return urlencode(values, doseq=True)

    def autosave():
        response = client.post(
            f"/fichas/{draft.pk}/autoguardado/", form(data), URLENCODED, HTTP_X_AUTOSAVE="1"
        )
        assert response.status_code == 200, response.content[:300]
        data["version"] = response.json()["version"]

    def save():
        response = client.post(f"/fichas/{draft.pk}/", form(data), URLENCODED)
        assert response.status_code == 302, response.content[:300]
        # Not timed apart: one small query, as the next page view would read it.
        data["version"] = Ficha.objects.values_list("version", flat=True).get(pk=draft.pk)

    return {
        "form: draft": get(f"/fichas/{draft.pk}/"),
        "form: observada": get(f"/fichas/{observada.pk}/"),
        "autosave: draft": autosave,
        "save: draft": save,
        "mis fichas": get("/fichas/"),
    }


def measure(repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {case: [] for case in CASES}
    for case, run in requests().items():
        run()  # warm: templates, translations, remembered fields
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            times[f"{case} (CPU)"].append((time.process_time() - cpu) * 1000)
            times[case].append((time.perf_counter() - wall) * 1000)
    return times


def queries(cases=None) -> dict[str, int]:
    """The statements of one request of each case (``cases()``: this file's by default)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = {}
    for case, run in (cases or requests)().items():
        run()
        with CaptureQueriesContext(connection) as captured:
            run()
        # The bench's own version read after a save is not the page's.
        found[case] = len(captured) - (case == "save: draft")
    return found


def profile(case: str, callers: str | None) -> None:
    import cProfile
    import pstats

    run = requests()[case]
    run()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(20):
        run()
    profiler.disable()
    print(f"--- profile of 20 × {case} (CPU time) ---")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    if callers:
        stats.print_callers(callers)


def option(name: str, default):
    if name not in sys.argv:
        return default
    following = sys.argv[sys.argv.index(name) + 1 :]
    if not following or following[0].startswith("--"):
        return default
    return type(default)(following[0]) if default is not None else following[0]


def verdict(times: dict[str, list[float]]) -> str:
    over = [
        f"{page} {alternate.percentile(times[f'{page} (CPU)'], 0.5):.1f} ms"
        for page in PAGES
        if alternate.percentile(times[f"{page} (CPU)"], 0.5) > TARGET_CPU_MS[page]
    ]
    target = "CPU p50 ≤ 30 ms per page and save, ≤ 15 ms per autosave"
    return f"verdict: {'met' if not over else 'NOT met (' + ', '.join(over) + ')'}: {target}"


def main() -> None:
    repeat, rounds = option("--repeat", 30), option("--rounds", 4)
    if alternate.measured_in_child(measure, repeat):
        return
    if "--setup" in sys.argv:
        _django.setup(default_db=None)
        from django.core.management import call_command
        from django.db import connection

        from reporting.demo import load_demo

        call_command("migrate", verbosity=0)
        load_demo()
        print(
            f"{connection.vendor}: demo data loaded; queries per request: {json.dumps(queries())}"
        )
        if "--profile" in sys.argv:
            profile(option("--profile", "form: draft"), option("--callers", None))
        return
    _django.default_database()
    after = alternate.after_tree(sys.argv)
    print(f"load average at the start: {alternate.load_average()}")
    alternate.run_child(Path(__file__), after, ["--setup", *sys.argv[1:]], show=True)
    if "--baseline" in sys.argv:
        commit = sys.argv[sys.argv.index("--baseline") + 1]
        before = alternate.baseline_tree(commit)
        times = alternate.alternated_times(
            Path(__file__), before, after, rounds, repeat, CASES, commit
        )
    else:
        times = alternate.run_child(Path(__file__), after, ["--child", "--repeat", str(repeat)])
        print(f"{'case':24} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8}")
        for page in PAGES:
            wall, cpu = times[page], times[f"{page} (CPU)"]
            print(
                f"{page:24} {alternate.percentile(wall, 0.5):8.1f}"
                f" {alternate.percentile(wall, 0.95):8.1f}"
                f" {alternate.percentile(cpu, 0.5):8.1f} {alternate.percentile(cpu, 0.95):8.1f}"
            )
    print(f"load average at the end: {alternate.load_average()}")
    print(verdict(times))


if __name__ == "__main__":
    main()
