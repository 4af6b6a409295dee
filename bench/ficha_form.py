"""Measure the ficha form page (GET /fichas/<id>/) and its autosave: p50/p95 server time, queries.

Usage (a fresh SQLite file by default; or pass DATABASE_URL of an EMPTY database):
    .ci/with-postgres .venv/bin/python bench/ficha_form.py [--repeat 30] [--rounds 4]
        [--baseline COMMIT] [--after COMMIT] [--profile]

Loads the demonstration data (reporting/demo.py), then requests, as the INM's focal point, the
form of a draft and of a ficha returned with observations (the heaviest: observations beside
the fields and a longer history), and posts an autosave of the draft. ``--profile`` prints where
the draft's page spends its time (cProfile, top functions by own time). With ``--baseline``,
before/after alternate between two exported trees (bench/alternate.py): min/median/max of the
ratios per round, because the machine is shared and noisy.
"""

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _django  # noqa: E402
import alternate  # noqa: E402

FOCAL = "enlace.inm@demo.gob.mx"
CASES = ["form: draft", "form: observada", "autosave: draft"]


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


def measure(repeat: int) -> dict[str, list[float]]:
    from django.test import Client

    user, draft, observada = targets()
    client = Client()
    client.force_login(user)
    times: dict[str, list[float]] = {case: [] for case in CASES}
    data = autosave_data(draft)
    for case, ficha in (("form: draft", draft), ("form: observada", observada)):
        client.get(f"/fichas/{ficha.pk}/")
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(f"/fichas/{ficha.pk}/")
            times[case].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (case, response.status_code)
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.post(f"/fichas/{draft.pk}/autoguardado/", data, HTTP_X_AUTOSAVE="1")
        times["autosave: draft"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
        data["version"] = response.json()["version"]
    return times


def queries() -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, draft, observada = targets()
    client = Client()
    client.force_login(user)
    found = {}
    for case, ficha in (("form: draft", draft), ("form: observada", observada)):
        client.get(f"/fichas/{ficha.pk}/")
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/fichas/{ficha.pk}/")
        found[case] = len(captured)
    return found


def profile() -> None:
    import cProfile
    import pstats

    from django.test import Client

    user, draft, _observada = targets()
    client = Client()
    client.force_login(user)
    client.get(f"/fichas/{draft.pk}/")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.get(f"/fichas/{draft.pk}/")
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main() -> None:
    repeat, rounds = option("--repeat", 30), option("--rounds", 4)
    if "--child" in sys.argv:
        _django.setup(default_db=None)
        print(json.dumps(measure(repeat)))
        return
    if "--setup" in sys.argv:
        _django.setup(default_db=None)
        from django.core.management import call_command
        from django.db import connection

        from reporting.demo import load_demo

        call_command("migrate", verbosity=0)
        load_demo()
        print(f"{connection.vendor}: demo data loaded; queries per page: {json.dumps(queries())}")
        if "--profile" in sys.argv:
            profile()
        return
    _django.default_database()
    after = alternate.after_tree(sys.argv)
    print(f"load average at the start: {alternate.load_average()}")
    alternate.run_child(Path(__file__), after, ["--setup", *sys.argv[1:]], show=True)
    if "--baseline" in sys.argv:
        commit = sys.argv[sys.argv.index("--baseline") + 1]
        before = alternate.baseline_tree(commit)
        print(f"before = {commit}, after = {alternate.describe(after)}; {rounds} rounds, ABBA")
        results = alternate.alternate(
            Path(__file__), before, after, rounds, ["--repeat", str(repeat)]
        )
        alternate.ratios(results, CASES)
    else:
        times = alternate.run_child(Path(__file__), after, ["--child", "--repeat", str(repeat)])
        print(f"{'case':24} {'p50 ms':>8} {'p95 ms':>8}")
        for case, values in times.items():
            print(
                f"{case:24} {alternate.percentile(values, 0.5):8.1f}"
                f" {alternate.percentile(values, 0.95):8.1f}"
            )
    print(f"load average at the end: {alternate.load_average()}")


if __name__ == "__main__":
    main()
