"""How long a second `make run` takes until the site answers, before and after issue 18.

Usage:  .venv/bin/python bench/startup.py [--rounds 3]

Uses a throwaway VAR_DIR (SQLite, as `make run` does by default) and a free port. A first
`make run` creates and fills the database; then, ``rounds`` times, alternating:
  before: the old recipe, three Django processes in a row (migrate, load_demo, then bin/serve
          without --demo, which starts runserver and the worker);
  after:  `make run` as it is now (bin/serve --demo: one process migrates only when needed,
          loads the demo, prints the accounts and serves).
Each start is timed from launch until GET / answers, and stopped with TERM (bin/serve stops its
children). Prints wall time and the CPU seconds of the processes (less noisy on a shared
machine), min/median/max, the ratio after/before per round, and checks that the output still
lists the demo accounts and the address (the README's promise). docs/load-test.md §L4.
"""

import os
import resource
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ended with {process.returncode} before answering")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is up
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("no answer")


def start(variant: str, env: dict) -> tuple[float, float, str]:
    """Start ``variant``, wait until it answers; (wall s, CPU s of its processes, output)."""
    py = str(ROOT / ".venv/bin/python")
    if variant == "after":
        command = ["make", "-s", "run"]
    else:
        command = [
            "bash",
            "-c",
            "make -s system-deps install locale/es_MX/LC_MESSAGES/django.mo"
            f" && {py} manage.py migrate --no-input -v0 && {py} manage.py load_demo"
            " && HOST=$HOST PORT=$PORT PY=.venv/bin/python exec bin/serve",
        ]
    out = tempfile.TemporaryFile(mode="w+")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_for(f"http://127.0.0.1:{env['PORT']}/", process)
        wall = time.perf_counter() - t0
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out.seek(0)
    return wall, cpu, out.read()


def span(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"VAR_DIR": tempfile.mkdtemp(prefix="pmm-startup-"), "PORT": str(free_port())}
    env["HOST"] = "127.0.0.1"
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    wall, cpu, _out = start("after", env)
    print(f"first start (creates the database and the demo): {wall:.1f} s, CPU {cpu:.1f} s")
    figures: dict[str, dict[str, list[float]]] = {
        v: {"wall": [], "cpu": []} for v in ("before", "after")
    }
    for r in range(rounds):
        for variant in ("before", "after") if r % 2 == 0 else ("after", "before"):
            wall, cpu, out = start(variant, env)
            figures[variant]["wall"].append(wall)
            figures[variant]["cpu"].append(cpu)
            if variant == "after":
                assert "coordinacion@demo.gob.mx" in out and "http://127.0.0.1:" in out, out
    print(f"second and later starts, {rounds} rounds alternated (min / median / max):")
    for variant, values in figures.items():
        print(f"  {variant:6}  wall {span(values['wall'])} s   CPU {span(values['cpu'])} s")
    ratio_wall = [
        a / b for a, b in zip(figures["after"]["wall"], figures["before"]["wall"], strict=True)
    ]
    ratio_cpu = [
        a / b for a, b in zip(figures["after"]["cpu"], figures["before"]["cpu"], strict=True)
    ]
    print(f"  after/before per round: wall {span(ratio_wall)}   CPU {span(ratio_cpu)}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
