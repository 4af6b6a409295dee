"""bin/serve, the serving part of `make run`: worker and web server wherever VAR_DIR points.

Each test starts the script on a SQLite database migrated once for the module, with a VAR_DIR
that does not exist yet (so the script must create the folder of the worker log) and a free
port, waits for the page by bounded polling, and stops it with SIGINT as a Ctrl+C would.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Upper bounds of the polling, not expected times: a start takes ~3 s on a quiet machine, but
# the suite runs these beside PDF builds on a shared machine (load 10+ seen), where a Django
# start and a graceful stop have taken more than the 30/60 s these bounds were.
START_S, STOP_S = 120, 120
SCRIPT = ROOT / "bin" / "serve"
STARTED = re.compile(r"Servidor web \(pid (\d+)\) .* proceso de fondo \(pid (\d+)\)")
WORKER_DIED = "El proceso de fondo terminó; las generaciones de PDF quedarán en cola."

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _poll(check: Callable[[], object], *, seconds: float, what: str) -> object:
    """The first truthy result of ``check``, trying every 0.2 s for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s")


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return None


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return url


# bin/serve as a terminal starts it: with Ctrl+C's signal at its default. A pytest started in
# the background of a non-interactive shell (`make test &`, nohup) inherits SIGINT ignored,
# and a shell cannot trap a signal ignored on entry: the test would wait for a stop that a
# person at a terminal always gets. The shim resets it and execs the script (same pid).
AS_FROM_A_TERMINAL = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


class Served:
    def __init__(self, tmp_path: Path, database: str):
        self.var_dir = tmp_path / "var" / "not-yet"  # bin/serve creates it
        self.output = tmp_path / "serve.out"
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/"
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "VAR_DIR": str(self.var_dir),
            "PORT": str(port),
            "PY": sys.executable,
        }
        with self.output.open("w") as out:
            # Started from elsewhere than the checkout, in a session of its own (a terminal).
            self.process = subprocess.Popen(
                [*AS_FROM_A_TERMINAL, str(SCRIPT)],
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        found = _poll(
            lambda: STARTED.search(self.text()), seconds=START_S, what="bin/serve start line"
        )
        assert isinstance(found, re.Match)
        self.web, self.worker = int(found[1]), int(found[2])

    def text(self) -> str:
        return self.output.read_text()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_S)

    def kill_all(self) -> None:
        """After a failure: leave no process behind."""
        for pid in (self.process.pid, self.web, self.worker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)


@pytest.fixture
def served(tmp_path, database) -> Iterator[Served]:
    app = Served(tmp_path, database)
    try:
        yield app
    finally:
        if app.process.poll() is None:
            app.kill_all()


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def test_serves_and_stops_both_processes_on_ctrl_c(served):
    assert _poll(lambda: _get(served.url) == 200, seconds=START_S, what=f"GET {served.url}")
    log = served.var_dir / "worker.log"
    assert _poll(lambda: "Starting worker" in log.read_text(), seconds=30, what="worker log")
    assert _alive(served.web) and _alive(served.worker)

    assert served.stop() == 0
    output = served.text()
    assert "Deteniendo el servidor web y el proceso de fondo…" in output
    assert "Segmentation fault" not in output
    assert WORKER_DIED not in output
    assert not _alive(served.web) and not _alive(served.worker)
    assert "shutting down gracefully" in log.read_text()
    assert _get(served.url) is None


def test_says_so_when_the_worker_dies_and_keeps_serving(served):
    assert _poll(lambda: _get(served.url) == 200, seconds=START_S, what=f"GET {served.url}")
    os.kill(served.worker, signal.SIGKILL)
    _poll(lambda: WORKER_DIED in served.text(), seconds=30, what="the worker's death reported")
    assert f"Revise {served.var_dir / 'worker.log'}." in served.text()
    assert _get(served.url) == 200

    assert served.stop() == 0
    assert not _alive(served.web)
