"""Load test of deadline day: focal points signing in, listing, opening, autosaving and saving.

Usage (docs/load-test.md §L5):
    .venv/bin/python bench/load.py [--users 300] [--duration 300] [--ramp 10/30/150]
        [--spawn-rate 5] [--think 30-60] [--ramp-think 1-2] [--no-ramp] [--no-edition]
        [--workers 3]

``--ramp STEP/SECONDS/MAX`` (or the older --ramp-step/--ramp-seconds/--ramp-max): STEP more
users every SECONDS seconds up to MAX users; ``--ramp 0`` or ``--no-ramp``: no ramp.

Starts NOTHING on a foreign host: everything runs on this machine and on loopback, and there is
no option to point it elsewhere. It starts a throwaway PostgreSQL (.ci/with-postgres) on a
Unix socket in a temporary directory, migrates, loads the demo data and the 2023 edition
(import_compendio of the printed Compendio 2023, published; --no-edition skips it), creates
the extra focal points (one password hash shared by all, like the demo) each with a draft of
their own, starts gunicorn (config/gunicorn.py, ``workers`` processes) on 127.0.0.1 and a free
port, and runs locust (bench/load/locustfile.py) headless against it; all of it is stopped and
removed at the end.

1. steady: ``users`` focal points with ``think`` seconds between requests for ``duration``
   seconds (sign-ins spread by ``spawn-rate`` per second);
2. ramp: a step-up of users with a short think time (``ramp-think``) to find the request rate
   at which p95 passes 200 ms (the knee).

Prints p50/p95/p99 per endpoint and the number of errors of each phase, the ramp's rate and
p95 per step, the load averages (the machine may be shared: say so next to the figures) and a
verdict per target of issue 18: pages and saves p95 <= 200 ms, autosave p95 <= 100 ms, 0
errors (a 503 «come back in N s» to a sign-in is by design, counted apart), knee > 50 req/s.
"""

import csv
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")
SEED = Path("/work/shared/seeds/003_e989e04225e3c00d.txt")
PASSWORD = "carga-de-prueba-2024"


def option(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def ramp_plan() -> tuple[int, int, int] | None:
    """(step users, step seconds, most users) of the ramp, or None for no ramp."""
    if "--no-ramp" in sys.argv:
        return None
    if "--ramp" in sys.argv:
        spec = option("--ramp", "10/30/150")
        if spec in ("0", "none", "no"):
            return None
        step, seconds, most = (int(x) for x in spec.split("/"))
        return step, seconds, most
    return (
        int(option("--ramp-step", "10")),
        int(option("--ramp-seconds", "30")),
        int(option("--ramp-max", "150")),
    )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root: int | None) -> float:
    """CPU seconds (user + system) of process ``root``, its live descendants, and the children
    it has reaped (gunicorn's recycled workers, PostgreSQL's closed backends): what the server
    side spent, independent of what else the machine was doing."""
    if root is None:
        return 0.0
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    reaped = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after «pid (comm)»: state, ppid, ...
        pid = int(entry)
        parent[pid] = int(fields[1])
        ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
        if pid == root:
            reaped = int(fields[13]) + int(fields[14])  # cutime, cstime
    family, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, ppid in parent.items() if ppid in frontier]
        family.update(children)
        frontier = children
    return (sum(ticks.get(pid, 0) for pid in family) + reaped) / TICK


def postmaster_pid() -> int | None:
    """The throwaway PostgreSQL's main process (.ci/with-postgres started it for DATABASE_URL)."""
    port = os.environ.get("DATABASE_URL", "").rsplit(":", 1)[-1].split("/")[0]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if (
                cmdline
                and cmdline[0].endswith(b"postgres")
                and f"-p {port}".encode() in b" ".join(cmdline)
            ):
                return int(entry)
    return None


def server_cpu(gunicorn: int, postgres: int | None) -> dict[str, float]:
    return {"gunicorn": cpu_seconds(gunicorn), "postgres": cpu_seconds(postgres)}


def cpu_report(
    before: dict[str, float], after: dict[str, float], locust_s: float, requests: int, wall: float
) -> None:
    """CPU per request of each side during a phase: what the code costs, whatever the load."""
    print(f"CPU in this phase ({wall:.0f} s of wall time, {os.cpu_count()} cores):")
    for side in ("gunicorn", "postgres"):
        spent = after[side] - before[side]
        per = 1000 * spent / requests if requests else 0.0
        print(f"  {side:9} {spent:7.1f} s  {per:6.1f} ms per request")
    per = 1000 * locust_s / requests if requests else 0.0
    print(f"  {'locust':9} {locust_s:7.1f} s  {per:6.1f} ms per request")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(users: int, accounts_file: str) -> None:
    """In the throwaway database: the extra focal points, each with a draft (run as a child)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from reporting.models import (
        Actor,
        Ejercicio,
        EjercicioStatus,
        Ficha,
        Membership,
        ObjetivoPMM,
        Role,
        User,
    )

    ejercicio = Ejercicio.objects.filter(status=EjercicioStatus.ABIERTO).order_by("-year").first()
    assert ejercicio is not None, "the demo has an open exercise"
    actors = list(Actor.objects.filter(active=True).order_by("pk"))
    objective = ObjetivoPMM.objects.get(number=7)
    password = make_password(PASSWORD)  # one slow hash for every account
    people = User.objects.bulk_create(
        User(email=f"enlace{i:03d}@carga.gob.mx", password=password, first_name="Enlace")
        for i in range(users)
    )
    Membership.objects.bulk_create(
        Membership(user=u, role=Role.ENLACE, actor=actors[i % len(actors)])
        for i, u in enumerate(people)
    )
    fichas = Ficha.objects.bulk_create(
        Ficha(
            ejercicio=ejercicio,
            actor=actors[i % len(actors)],
            nombre=f"Programa de carga {i}",
            created_by=u,
            updated_by=u,
        )
        for i, u in enumerate(people)
    )
    accounts = [
        {"email": u.email, "password": PASSWORD, "ficha": f.pk, "objective": objective.pk}
        for u, f in zip(people, fichas, strict=True)
    ]
    Path(accounts_file).write_text(json.dumps(accounts))
    print(f"{users} focal points with a draft each, in Ejercicio {ejercicio.year}")


def run(command: list[str], env: dict, **kwargs) -> None:
    print("$", " ".join(command[:4]), "…" if len(command) > 4 else "", flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def wait_for(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} does not answer")


def locust(env: dict, host: str, users: int, spawn: float, seconds: int, prefix: str) -> float:
    """Run locust headless; the CPU seconds locust itself used."""
    command = [
        str(ROOT / ".venv/bin/locust"),
        "-f",
        str(ROOT / "bench/load/locustfile.py"),
        "--headless",
        "--host",
        host,
        "--csv",
        prefix,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    if env.get("LOAD_SHAPE") != "ramp":
        command += ["-u", str(users), "-r", str(spawn), "-t", f"{seconds}s"]
    before = os.times()
    subprocess.run(command, cwd=ROOT, env=env, check=False)
    after = os.times()
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def summary(prefix: str, title: str) -> dict[str, dict[str, str]]:
    """p50/p95/p99 per endpoint and the errors, from locust's CSV; the rows by endpoint."""
    print(f"\n{title}")
    print(f"{'endpoint':18} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}  ms")
    rows: dict[str, dict[str, str]] = {}
    with open(f"{prefix}_stats.csv") as fh:
        for row in csv.DictReader(fh):
            name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
            rows[name] = row
            print(
                f"{name:18} {row['Request Count']:>8} {row['Failure Count']:>6}"
                f" {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
            )
    if os.path.getsize(f"{prefix}_failures.csv") > 60:
        print("errors:")
        print(Path(f"{prefix}_failures.csv").read_text()[:2000])
    return rows


def requests_of(rows: dict[str, dict[str, str]]) -> int:
    """Requests sent (the «sign in, until in» flow is not a request)."""
    return sum(
        int(row["Request Count"])
        for name, row in rows.items()
        if name not in ("ALL", "sign in, until in")
    )


def p95(rows: dict[str, dict[str, str]], name: str) -> float | None:
    try:
        return float(rows[name]["95%"])
    except (KeyError, ValueError):
        return None


# Issue 18's targets (the steady phase; the knee from the ramp).
PAGES = ("login page", "mis fichas", "ficha form", "save")
PAGE_P95_MS, AUTOSAVE_P95_MS, KNEE_RPS = 200, 100, 50


def script_exceptions(prefix: str) -> int:
    """Exceptions raised in the locust tasks (counted as errors: a task that crashed measured
    nothing), printed with their messages."""
    path = Path(f"{prefix}_exceptions.csv")
    if not path.exists():
        return 0
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        print(f"exception in the load script ×{row['Count']}: {row['Message'][:120]}")
    return sum(int(row["Count"]) for row in rows)


def verdicts(
    steady: dict[str, dict[str, str]], errors: int, knee_rps: float | None, users: int
) -> None:
    """One line per target: met or not, with the figure."""
    print(f"\nverdict (issue 18 targets; they are set at 300 users, this run: {users}):")
    worst = max(((p95(steady, n) or 0.0, n) for n in PAGES), default=(0.0, "-"))
    met = "MET" if worst[0] <= PAGE_P95_MS else "NOT MET"
    print(f"  pages and saves p95 <= {PAGE_P95_MS} ms: {met} (worst {worst[1]} {worst[0]:.0f} ms)")
    autosave = p95(steady, "autosave")
    ok = autosave is not None and autosave <= AUTOSAVE_P95_MS
    print(f"  autosave p95 <= {AUTOSAVE_P95_MS} ms: {'MET' if ok else 'NOT MET'} ({autosave} ms)")
    print(f"  0 errors: {'MET' if errors == 0 else 'NOT MET'} ({errors})")
    if knee_rps is None:
        print(f"  knee > {KNEE_RPS} req/s: not measured (no ramp)")
    elif knee_rps == float("inf"):
        print(f"  knee > {KNEE_RPS} req/s: p95 stayed under 200 ms at every step (raise --ramp)")
    else:
        met = "MET" if knee_rps > KNEE_RPS else "NOT MET"
        print(f"  knee > {KNEE_RPS} req/s: {met} (p95 passed 200 ms at {knee_rps:.1f} req/s)")
    busy = steady.get("sign in (busy)", {}).get("Request Count", "0")
    print(f"  sign-ins told to come back (503, by design): {busy}")


def knee(times_file: str, step_seconds: int, step_users: int) -> float | None:
    """Request rate and p95 per ramp step (sign-ins left out); where p95 passes 200 ms."""
    rows = [json.loads(line) for line in open(times_file)]
    rows = [r for r in rows if not r[1].startswith(("sign in", "login page"))]
    if not rows:
        print("no requests in the ramp")
        return None
    start = min(r[0] for r in rows)
    steps: dict[int, list[float]] = {}
    errors: dict[int, int] = {}
    for at, _name, ms, failed in rows:
        k = int((at - start) // step_seconds)
        steps.setdefault(k, []).append(ms)
        errors[k] = errors.get(k, 0) + failed
    print(f"\nramp: {'users':>5} {'req/s':>6} {'p50':>6} {'p95':>6} errors")
    crossed = None
    for k in sorted(steps):
        values = sorted(steps[k])
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        rate = len(values) / step_seconds
        print(
            f"      {step_users * (k + 1):5d} {rate:6.1f} {statistics.median(values):6.0f}"
            f" {p95:6.0f} {errors.get(k, 0)}"
        )
        if crossed is None and p95 > 200:
            crossed = rate
    print(
        f"p95 passes 200 ms at about {crossed:.1f} requests/s"
        if crossed
        else "p95 stayed under 200 ms at every step"
    )
    return crossed if crossed is not None else float("inf")


def main() -> None:
    if "--prepare" in sys.argv:
        prepare(int(option("--users", "300")), option("--accounts", ""))
        return
    if "--inner" not in sys.argv:
        # Our own PostgreSQL on loopback, removed afterwards.
        os.execv(
            str(ROOT / ".ci/with-postgres"),
            [".ci/with-postgres", PY, __file__, "--inner", *sys.argv[1:]],
        )
    users, seconds = int(option("--users", "300")), int(option("--duration", "300"))
    spawn = float(option("--spawn-rate", "5"))
    think = option("--think", "30-60").split("-")
    work = Path(tempfile.mkdtemp(prefix="pmm-load-"))
    env = {
        **os.environ,
        "VAR_DIR": str(work / "var"),
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "60",
    }
    print(f"load average at the start: {load_average()}")
    run([PY, "manage.py", "migrate", "--no-input", "-v0"], env)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    run([PY, "manage.py", "load_demo", "-v0"], env, stdout=subprocess.DEVNULL)
    if "--no-edition" not in sys.argv:
        # --replace: the demo has a few fichas of its own in 2023.
        edition = [str(SEED), "--year", "2023", "--publish", "--replace", "-v0"]
        run([PY, "manage.py", "import_compendio", *edition], env)
    accounts = str(work / "accounts.json")
    # Enough accounts that no two simulated people share a draft (a 409 would count as an error).
    plan = ramp_plan()
    n_accounts = max(users, plan[2] if plan else 0)
    run([PY, __file__, "--prepare", "--users", str(n_accounts), "--accounts", accounts], env)
    port = free_port()
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env={**env, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": option("--workers", "3")},
        start_new_session=True,
    )
    host = f"http://127.0.0.1:{port}"  # loopback only: never a foreign host
    try:
        wait_for(f"{host}/cuentas/login/")
        print(f"gunicorn on {host}; load average {load_average()}")
        steady = {
            **env,
            "LOAD_ACCOUNTS": accounts,
            "LOAD_THINK_MIN": think[0],
            "LOAD_THINK_MAX": think[-1],
        }
        postgres = postmaster_pid()
        cpu_before, started = server_cpu(gunicorn.pid, postgres), time.monotonic()
        locust_s = locust(steady, host, users, spawn, seconds, str(work / "steady"))
        cpu_after, wall = server_cpu(gunicorn.pid, postgres), time.monotonic() - started
        steady_rows = summary(
            str(work / "steady"),
            f"steady: {users} focal points, think {think[0]}-{think[-1]} s, {seconds} s;"
            f" load average {load_average()}",
        )
        cpu_report(cpu_before, cpu_after, locust_s, requests_of(steady_rows), wall)
        errors = int(steady_rows.get("ALL", {}).get("Failure Count", "0"))
        errors += script_exceptions(str(work / "steady"))
        knee_rps = None
        if plan is not None:
            step, step_s, most = plan
            ramp_think = option("--ramp-think", "1-2").split("-")
            times = str(work / "ramp-times.jsonl")
            ramp = {
                **steady,
                "LOAD_SHAPE": "ramp",
                "LOAD_THINK_MIN": ramp_think[0],
                "LOAD_THINK_MAX": ramp_think[-1],
                "LOAD_RAMP_STEP": str(step),
                "LOAD_RAMP_SECONDS": str(step_s),
                "LOAD_RAMP_MAX": str(most),
                "LOAD_TIMES": times,
            }
            cpu_before, started = server_cpu(gunicorn.pid, postgres), time.monotonic()
            locust_s = locust(ramp, host, 0, 0, 0, str(work / "ramp"))
            cpu_after, wall = server_cpu(gunicorn.pid, postgres), time.monotonic() - started
            ramp_rows = summary(
                str(work / "ramp"),
                f"ramp (think {ramp_think[0]}-{ramp_think[-1]} s, {step} more users every"
                f" {step_s} s up to {most}); load average {load_average()}",
            )
            cpu_report(cpu_before, cpu_after, locust_s, requests_of(ramp_rows), wall)
            errors += int(ramp_rows.get("ALL", {}).get("Failure Count", "0"))
            errors += script_exceptions(str(work / "ramp"))
            knee_rps = knee(times, step_s, step)
        verdicts(steady_rows, errors, knee_rps, users)
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=60)
    print(f"\nload average at the end: {load_average()}  (results and CSV files in {work})")


if __name__ == "__main__":
    main()
