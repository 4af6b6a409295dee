"""Benchmark of the Compendio General build (issues 5 and 18). Not a test: it prints figures.

    .venv/bin/python bench/compendio.py [--seed PATH] [--keep DIR] [--repeat N] [--processes N]
        [--timeline] [--no-double] [--no-shim]

1. A fresh SQLite database in a temporary directory; ``import_compendio`` loads the 2023 seed.
2. Three variants, alternated ``--repeat`` times (default 3), each in a child process started
   for it (so its peak memory is its own):
   - **raw**: WeasyPrint alone renders the whole book's HTML in one process (the baseline;
     without the pydyf shim of docs/performance.md §F2);
   - **full**: the app's build (fichas → HTML → ``compendium.parallel_pdf.render_book``) with an
     empty part cache, on ``--processes`` processes (default: the cores); the shared font
     instances (``PDF_PARTS_DIR/_fonts``, docs/performance.md §F6) are made by the first build
     and kept, as on a server after its first build;
   - **incremental**: one ficha's text edited (one character), then the same build reusing the
     parts the full build left.
   Ratios full/raw and incremental/raw are taken within each round (the runs side by side), and
   their min/median/max printed, with the load average before each round: other jobs share
   the machine, so single runs mean little.
3. The same with every ficha duplicated (twice the fichas): time 2× / 1× per variant.
4. The pydyf shim alone (docs/performance.md §F2): the same laid-out book written with and
   without it.

Peak memory: the build's own process and each of its workers (maximum RSS). CPU: user + system
seconds of the variant's process and of the part workers it waited for (``os.times``), so the
CPU ratios show what a build costs whatever the machine's load; the wall-clock ratios are the
targets and mean something only on an otherwise idle machine. The full build's stages (HTML,
parts, índice, assembly) are printed per round. A one-line verdict per target ends the output.
Both the raw and the build variants import WeasyPrint before their clock starts (a build runs
in the long-lived task worker); the build's clock includes the HTML from the database.

``--timeline`` prints, for each round's full and incremental build, where the wall time went:
the build process's steps (html, split, keys, parts, infos, assemble, write, cache) and each
part in the worker that rendered it (start, end of layout, end), the serial time before the
first part and after the last, and each worker's idle time (docs/performance.md §F7).
Targets (issue 18): full ≤ 0.55× raw, incremental ≤ 0.35× raw, 2× fichas ≤ 2.1× the time,
≤ 300 MB per process.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "003_e989e04225e3c00d.txt"
SCOPE = "bench-2023-compendio"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _edition():
    from compendium.editions import default_texts
    from compendium.models import Edicion
    from reporting.models import Ejercicio

    ejercicio = Ejercicio.objects.get(year=2023)
    return Edicion.objects.filter(ejercicio=ejercicio).first() or Edicion(
        ejercicio=ejercicio, **default_texts(ejercicio)
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def child_build(workdir: Path, label: str, variant: str, processes: int) -> dict:
    """The app's build: HTML from the database, then the parallel build (cache per label)."""
    setup_django()
    from django.conf import settings

    from compendium.compendio import render_compendio_html
    from compendium.parallel_pdf import parts_dir, render_book

    # WeasyPrint is imported before the clock starts, as in the raw variant: a build runs in
    # the task worker (manage.py db_worker), a long-lived process that imports it once.
    imported = time.perf_counter()
    import weasyprint  # noqa: F401

    from compendium import pdf_assembly  # noqa: F401  (pydyf)

    imported = time.perf_counter() - imported
    started, cpu = time.perf_counter(), _cpu()
    if variant == "incremental":
        _edit_one_ficha()
    else:
        shutil.rmtree(parts_dir(f"{SCOPE}-{label}"), ignore_errors=True)
    html = render_compendio_html(_edition(), draft=False)
    html_seconds = time.perf_counter() - started
    report = render_book(
        html,
        target=workdir / f"{label}-{variant}.pdf",
        draft=False,
        scope=f"{SCOPE}-{label}",
        processes=processes,
    )
    if variant == "full":
        (workdir / f"{label}.html").write_text(html, encoding="utf-8")
    timeline = [("build", "html", 0.0, html_seconds, None)] + [
        (lane, what, start - started, end - started, None if mid is None else mid - started)
        for lane, what, start, end, mid in report.timeline
    ]
    return {
        "timeline": timeline,
        "import_seconds": imported,
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "stages": {"html": html_seconds, **report.stages},
        "html_seconds": html_seconds,
        "pages": report.pages,
        "parts": len(report.parts),
        "rendered": len(report.rendered),
        "peak_mb": _peak_mb(),
        "workers_mb": sorted(report.peak_mb.values()),
        "processes": processes,
        "parts_setting": settings.PDF_BUILD_PARTS,
    }


def _edit_one_ficha() -> None:
    """Flip the last character of one ficha's description (a ficha in the middle of the book)."""
    from reporting.models import Ficha

    fichas = list(Ficha.objects.filter(ejercicio__year=2023).approved().order_by("pk"))
    ficha = fichas[len(fichas) // 3]
    text = ficha.descripcion.rstrip()
    ficha.descripcion = text[:-1] + (";" if text.endswith(".") else ".")
    ficha.save(update_fields=["descripcion"])


def child_raw(workdir: Path, label: str) -> dict:
    """WeasyPrint alone on the saved HTML, in one process (no shim: the upstream baseline)."""
    setup_django()
    from weasyprint import HTML

    from compendium.pdf import STATIC_ORIGIN, StaticOnlyFetcher

    html = (workdir / f"{label}.html").read_text(encoding="utf-8")
    started, cpu = time.perf_counter(), _cpu()
    document = HTML(
        string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()
    ).render(pdf_variant="pdf/ua-1")
    document.write_pdf(workdir / f"{label}-raw.pdf", pdf_variant="pdf/ua-1")
    return {
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "pages": len(document.pages),
        "peak_mb": _peak_mb(),
    }


def child_shim(workdir: Path, label: str) -> dict:
    """Write the laid-out book with and without the pydyf shim (one each: a write is long)."""
    setup_django()
    from weasyprint import HTML

    from compendium import pdf_shim
    from compendium.pdf import STATIC_ORIGIN, StaticOnlyFetcher

    html = (workdir / f"{label}.html").read_text(encoding="utf-8")
    document = HTML(
        string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()
    ).render(pdf_variant="pdf/ua-1")
    times: dict[str, list[float]] = {"with": [], "without": []}
    pdf_shim.apply()
    for which in ("with", "without"):
        started = time.perf_counter()
        if which == "with":
            document.write_pdf(workdir / "shim.pdf", pdf_variant="pdf/ua-1")
        else:
            with pdf_shim.disabled():
                document.write_pdf(workdir / "shim.pdf", pdf_variant="pdf/ua-1")
        times[which].append(time.perf_counter() - started)
    return {"times": times, "pages": len(document.pages)}


def child_import(workdir: Path, seed: Path) -> dict:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("import_compendio", str(seed), year=2023, stdout=open(os.devnull, "w"))
    return {"seconds": time.perf_counter() - started}


def child_duplicate(workdir: Path) -> dict:
    """Copy every approved ficha of 2023 (with retos, notes, co-actors, states)."""
    setup_django()
    from django.db import transaction

    from reporting.models import Ficha, Nota, Reto

    with transaction.atomic():
        originals = list(
            Ficha.objects.filter(ejercicio__year=2023)
            .approved()
            .prefetch_related("retos", "notas", "co_actors", "entidades")
        )
        for ficha in originals:
            retos, notas = list(ficha.retos.all()), list(ficha.notas.all())
            co_actors, entidades = list(ficha.co_actors.all()), list(ficha.entidades.all())
            ficha.pk = None
            ficha.id = None
            ficha._state.adding = True
            ficha.nombre = f"{ficha.nombre} (copia)"
            ficha.orden = None
            ficha.save()
            ficha.co_actors.set(co_actors)
            ficha.entidades.set(entidades)
            Reto.objects.bulk_create(
                Reto(ficha=ficha, position=r.position, texto=r.texto) for r in retos
            )
            Nota.objects.bulk_create(
                Nota(ficha=ficha, position=n.position, marker=n.marker, texto=n.texto)
                for n in notas
            )
    return {"fichas": Ficha.objects.filter(ejercicio__year=2023).approved().count()}


def run_child(env: dict, *args: str) -> tuple[dict, float]:
    """Run this script as a child; return its JSON answer and its peak RSS in MB."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", *args], env=env, stdout=subprocess.PIPE, text=True
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    assert process.stdout is not None
    output = process.stdout.read()
    process.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child {args} failed:\n{output}")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def spread(values: list[float]) -> str:
    return (
        f"min {min(values):.3f} · mediana {statistics.median(values):.3f} · máx {max(values):.3f}"
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def print_timeline(title: str, result: dict) -> None:
    """Where a build's wall time went: its own steps and each part in the process that
    rendered it (seconds from the start of the build, HTML included), the serial time before
    the first part and after the last, and each worker's idle time inside the parts stage."""
    timeline = result.get("timeline") or []
    lanes: dict[str, list] = {}
    for lane, what, start, end, laid_out in timeline:
        name = what if laid_out is None else f"{what} [{laid_out:.2f}]"
        lanes.setdefault(lane, []).append((start, end, name))
    print(
        f"    {title}: línea de tiempo (s desde el inicio de la generación; "
        "[entre corchetes]: fin de la maquetación de la parte; WeasyPrint importado antes, "
        f"fuera del reloj como en la variante cruda: {result.get('import_seconds', 0):.2f} s)"
    )
    for lane, events in lanes.items():
        events.sort()
        text = " · ".join(f"{what} {start:.2f}–{end:.2f}" for start, end, what in events)
        print(f"      {lane:10} {text}")
    workers = {lane: events for lane, events in lanes.items() if lane != "build"}
    if not workers:
        return
    first = min(start for events in workers.values() for start, _end, _w in events)
    last = max(end for events in workers.values() for _start, end, _w in events)
    idle = []
    for lane, events in workers.items():
        busy = sum(end - start for start, end, _w in events)
        idle.append(f"{lane} {last - first - busy:.2f}")
    print(
        f"      serie antes de la primera parte {first:.2f} s; partes {last - first:.2f} s "
        f"(ociosos: {', '.join(idle)}); serie después de la última {result['seconds'] - last:.2f}"
        f" s; total {result['seconds']:.2f} s"
    )


def measure(
    env: dict, workdir: Path, label: str, repeat: int, processes: int, timeline: bool = False
) -> dict:
    """Alternate raw, full and incremental ``repeat`` times; the order rotates each round."""
    # The first full build writes the HTML the raw runs render.
    run_child(env, "build", str(workdir), label, "full", str(processes))
    rounds = []
    orders = [("raw", "full", "incremental"), ("full", "incremental", "raw")]
    orders.append(("incremental", "raw", "full"))
    for i in range(repeat):
        before = load()
        results: dict[str, Any] = {}
        for variant in orders[i % len(orders)]:
            if variant == "raw":
                results["raw"] = run_child(env, "raw", str(workdir), label)[0]
            elif variant == "incremental":
                # Its cache must hold the last full build's parts: run one if the last build
                # of this round was not a full one.
                if "full" not in results:
                    run_child(env, "build", str(workdir), label, "full", str(processes))
                results["incremental"] = run_child(
                    env, "build", str(workdir), label, "incremental", str(processes)
                )[0]
            else:
                results["full"] = run_child(
                    env, "build", str(workdir), label, "full", str(processes)
                )[0]
        results["load"] = before
        rounds.append(results)
        raw, full, inc = results["raw"], results["full"], results["incremental"]
        stages = ", ".join(f"{k} {v:.1f}" for k, v in full["stages"].items())
        print(
            f"[{label}] ronda {i + 1} (carga {before}): "
            f"crudo {raw['seconds']:.1f} s (CPU {raw['cpu']:.1f}), "
            f"completa {full['seconds']:.1f} s (CPU {full['cpu']:.1f}; {full['rendered']} partes;"
            f" {stages}), incremental {inc['seconds']:.1f} s (CPU {inc['cpu']:.1f}; "
            f"{inc['rendered']} partes rehechas); carga al terminar {load()}",
            flush=True,
        )
        if timeline:
            print_timeline("completa", full)
            print_timeline("incremental", inc)
    return {"rounds": rounds}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--keep", type=Path, help="Directory for the database, HTML and PDFs.")
    parser.add_argument("--repeat", type=int, default=3, help="Rounds of alternated variants.")
    parser.add_argument("--repeat-double", type=int, help="Rounds at 2× (default: --repeat).")
    parser.add_argument("--no-shim", action="store_true", help="Skip the pydyf shim line.")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-double", action="store_true", help="Skip the 2× fichas rounds.")
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="Print each round's timeline: the build's steps and the parts per process.",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.child:
        kind, workdir, *rest = options.child
        folder = Path(workdir)
        if kind == "import":
            result = child_import(folder, Path(rest[0]))
        elif kind == "build":
            result = child_build(folder, rest[0], rest[1], int(rest[2]))
        elif kind == "raw":
            result = child_raw(folder, rest[0])
        elif kind == "shim":
            result = child_shim(folder, rest[0])
        else:
            result = child_duplicate(folder)
        print(json.dumps(result))
        return

    if not options.seed.exists():
        raise SystemExit(f"No se encontró la semilla {options.seed}")
    workdir = options.keep or Path(tempfile.mkdtemp(prefix="bench-compendio-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "bench.sqlite3"
    database.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "VAR_DIR": str(workdir),
        "PDF_PARTS_DIR": str(workdir / "partes"),
        "LOG_LEVEL": "WARNING",
    }
    print(f"Directorio de trabajo: {workdir}")
    print(f"CPU: {os.cpu_count()} núcleos; procesos de la generación: {options.processes}")
    print(f"Carga (1, 5, 15 min) al empezar: {load()}")

    imported, _mem = run_child(env, "import", str(workdir), str(options.seed))
    print(f"Importación de la semilla 2023: {imported['seconds']:.2f} s")

    labels = ["1x"] if options.no_double else ["1x", "2x"]
    measured = {}
    shim = {}
    for label in labels:
        if label == "2x":
            dup, _mem = run_child(env, "duplicate", str(workdir))
            print(f"Fichas duplicadas: {dup['fichas']} fichas aprobadas")
        rounds = options.repeat if label == "1x" else options.repeat_double or options.repeat
        measured[label] = measure(
            env, workdir, label, rounds, options.processes, timeline=options.timeline
        )
        if not options.no_shim and label == "1x":  # a write of the 2× book is long
            shim[label] = run_child(env, "shim", str(workdir), label)[0]

    print()
    print("Resumen (razones tomadas dentro de cada ronda)")
    verdicts: dict[str, tuple[list[float], list[float], list[dict]]] = {}
    for label in labels:
        rounds = measured[label]["rounds"]
        full = [r["full"]["seconds"] / r["raw"]["seconds"] for r in rounds]
        inc = [r["incremental"]["seconds"] / r["raw"]["seconds"] for r in rounds]
        sample = rounds[0]
        print(
            f"  [{label}] {sample['full']['pages']} páginas (crudo {sample['raw']['pages']}), "
            f"{sample['full']['parts']} partes, {sample['full']['processes']} procesos"
        )
        print(f"  [{label}] crudo (s)          {spread([r['raw']['seconds'] for r in rounds])}")
        print(f"  [{label}] completa (s)       {spread([r['full']['seconds'] for r in rounds])}")
        incremental = [r["incremental"]["seconds"] for r in rounds]
        print(f"  [{label}] incremental (s)    {spread(incremental)}")
        print(f"  [{label}] completa / crudo   {spread(full)} (objetivo ≤ 0.55)")
        print(f"  [{label}] incremental / crudo {spread(inc)} (objetivo ≤ 0.35)")
        cpu_full = [r["full"]["cpu"] / r["raw"]["cpu"] for r in rounds]
        cpu_inc = [r["incremental"]["cpu"] / r["raw"]["cpu"] for r in rounds]
        print(f"  [{label}] CPU crudo (s)      {spread([r['raw']['cpu'] for r in rounds])}")
        print(f"  [{label}] CPU completa (s)   {spread([r['full']['cpu'] for r in rounds])}")
        print(f"  [{label}] CPU completa / crudo    {spread(cpu_full)}")
        print(f"  [{label}] CPU incremental / crudo {spread(cpu_inc)}")
        stages = sorted({k for r in rounds for k in r["full"]["stages"]})
        medians = {
            k: statistics.median(r["full"]["stages"].get(k, 0.0) for r in rounds) for k in stages
        }
        print(
            f"  [{label}] etapas de la completa (mediana, s de reloj): "
            + ", ".join(f"{k} {v:.1f}" for k, v in medians.items())
        )
        verdicts[label] = (full, inc, rounds)
        workers = [mb for r in rounds for mb in r["full"]["workers_mb"]]
        print(
            f"  [{label}] memoria máxima: crudo {max(r['raw']['peak_mb'] for r in rounds):.0f} MB;"
            f" generación (proceso principal) {max(r['full']['peak_mb'] for r in rounds):.0f} MB;"
            f" cada proceso de partes ≤ {max(workers, default=0):.0f} MB (objetivo ≤ 300 MB)"
        )
        print(f"  [{label}] carga antes de cada ronda: {' | '.join(r['load'] for r in rounds)}")
        if label not in shim:
            continue
        times = shim[label]["times"]
        with_shim, without = min(times["with"]), min(times["without"])
        print(
            f"  [{label}] escritura del PDF ({shim[label]['pages']} págs.): con el parche pydyf "
            f"{with_shim:.2f} s, sin él {without:.2f} s (razón {with_shim / without:.3f}; "
            f"corridas {', '.join(f'{t:.2f}' for t in times['with'])} | "
            f"{', '.join(f'{t:.2f}' for t in times['without'])})"
        )
    print()
    print("Veredicto (mediana de las razones de reloj; la carga de la máquina las altera)")
    for label, (full, inc, rounds) in verdicts.items():
        peak = max(
            [r["full"]["peak_mb"] for r in rounds]
            + [mb for r in rounds for mb in r["full"]["workers_mb"]]
        )
        for name, values, limit in (("completa", full, 0.55), ("incremental", inc, 0.35)):
            median = statistics.median(values)
            verdict = "CUMPLE" if median <= limit else "NO CUMPLE"
            print(f"  [{label}] {name} ≤ {limit}× crudo: {verdict} (mediana {median:.3f})")
        verdict = "CUMPLE" if peak <= 300 else "NO CUMPLE"
        print(f"  [{label}] memoria ≤ 300 MB por proceso: {verdict} ({peak:.0f} MB)")
    if "2x" in measured:
        for variant in ("raw", "full", "incremental"):
            one = [r[variant]["seconds"] for r in measured["1x"]["rounds"]]
            two = [r[variant]["seconds"] for r in measured["2x"]["rounds"]]
            ratio = statistics.median(two) / statistics.median(one)
            verdict = ""
            if variant == "full":
                verdict = f" — completa ≤ 2.1: {'CUMPLE' if ratio <= 2.1 else 'NO CUMPLE'}"
            print(
                f"  2x / 1x {variant:12} {ratio:.2f} (medianas {statistics.median(two):.1f} / "
                f"{statistics.median(one):.1f} s){verdict}"
            )
    print(f"Carga al terminar: {load()}")


if __name__ == "__main__":
    main()
