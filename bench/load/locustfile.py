"""Focal points on deadline day, for locust (run by bench/load.py; docs/load-test.md §L5).

Each simulated user signs in once as one of the accounts listed in LOAD_ACCOUNTS (a JSON file
written by bench/load.py: email, password, the id of a draft of their own), then, with a think
time of LOAD_THINK_MIN..LOAD_THINK_MAX seconds between requests, lists their fichas, opens the
form, autosaves it (as static/js/ficha_form.js does) and saves it. Requests are named by
endpoint, so locust's statistics are per endpoint.

LOAD_SHAPE=ramp turns the run into a step-up ramp: LOAD_RAMP_STEP more users every
LOAD_RAMP_SECONDS, up to LOAD_RAMP_MAX users; each request's time is written to LOAD_TIMES
(JSON lines) so bench/load.py can find the request rate at which p95 passes 200 ms.

The users are locust's FastHttpUser (geventhttpclient): it spends a fraction of the CPU of
the requests-based HttpUser per request, and here locust shares the two cores with the server
it measures. Forms are sent url-encoded as a browser does.

A sign-in answered 503 with Retry-After (too many password checks at once, by design) is
counted as «sign in (busy)», not as an error, and retried after that many seconds; «sign in,
until in» is the time from the login page to being in, retries included.
"""

import itertools
import json
import os
import re
import threading
import time
from urllib.parse import urlencode

from locust import FastHttpUser, LoadTestShape, between, events, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())
_next_account = itertools.count()
_account_lock = threading.Lock()
VERSION = re.compile(r'name="version" value="(\d+)"')
MAX_SIGN_IN_ATTEMPTS = 30
TEXT = (
    "El programa brinda orientación jurídica y acompañamiento a personas migrantes en "
    "tránsito, con atención a niñas, niños y adolescentes no acompañados. "
)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def attempt_was_reused(response) -> bool:
    """A connection dropped by the server before any answer (not a refusal, not a timeout)."""
    text = repr(getattr(response, "error", "")).lower()
    return any(
        sign in text
        for sign in (
            "remotedisconnected",
            "connection aborted",
            "connectionreset",
            "brokenpipe",
            "connection closed",
        )
    )


def form(data: dict) -> str:
    """A form as a browser sends it (lists as repeated fields)."""
    return urlencode(data, doseq=True)


class FocalPoint(FastHttpUser):
    wait_time = between(
        float(os.environ.get("LOAD_THINK_MIN", "30")), float(os.environ.get("LOAD_THINK_MAX", "60"))
    )

    def on_start(self) -> None:
        with _account_lock:
            self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.ficha = self.account["ficha"]
        self.version = 1
        self.edits = 0
        started = time.perf_counter()
        self.client.get("/cuentas/login/", name="login page")
        # A 503 is the site saying «many people are signing in, come back in N s»
        # (reporting/passwords.py, docs/load-test.md §L3): counted apart as «sign in (busy)»,
        # not an error; the person waits Retry-After seconds and signs in again.
        for _attempt in range(MAX_SIGN_IN_ATTEMPTS):
            with self.client.post(
                "/cuentas/login/",
                form(
                    {
                        "username": self.account["email"],
                        "password": self.account["password"],
                        "csrfmiddlewaretoken": self.csrf_token(),
                    }
                ),
                headers=FORM,
                name="sign in",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 503 and response.headers.get("Retry-After"):
                    response.request_meta["name"] = "sign in (busy)"
                    response.success()
                    time.sleep(int(response.headers["Retry-After"]))  # gevent's, under locust
                    continue
                if response.status_code == 0 and attempt_was_reused(response):
                    # The server closed a kept-alive connection as this POST went out (gunicorn
                    # keepalive 5 s, Retry-After 3-6 s): a browser sends it again at once.
                    response.request_meta["name"] = "sign in (connection closed)"
                    response.success()
                    continue
                if response.status_code != 302:
                    response.failure(f"sign-in answered {response.status_code} {response.error!r}")
                break
        events.request.fire(
            request_type="FLOW",
            name="sign in, until in",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=None,
            context={},
        )
        self.open_form()

    def csrf_token(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "") or ""

    def csrf(self) -> dict:
        return {**FORM, "X-CSRFToken": self.csrf_token()}

    def form_data(self) -> dict:
        self.edits += 1
        return {
            "version": self.version,
            "unidad": "Dirección General de Atención",
            "nombre": f"Programa de orientación a personas migrantes ({self.account['email']})",
            "descripcion": TEXT * (1 + self.edits % 4),
            "resultados": f"Se brindaron {1000 + self.edits} atenciones en el periodo.",
            "temporalidad": "permanente",
            "personas_atendidas": str(1000 + self.edits),
            "objetivos_propuestos": [str(self.account["objective"])],
            "retos-TOTAL_FORMS": "0",
            "retos-INITIAL_FORMS": "0",
            "retos-MIN_NUM_FORMS": "0",
            "retos-MAX_NUM_FORMS": "1000",
        }

    @task(1)
    def list_fichas(self) -> None:
        self.client.get("/fichas/", name="mis fichas")

    @task(2)
    def open_form(self) -> None:
        response = self.client.get(f"/fichas/{self.ficha}/", name="ficha form")
        found = VERSION.search(response.text or "")
        if found:
            self.version = int(found.group(1))

    @task(4)
    def autosave(self) -> None:
        with self.client.post(
            f"/fichas/{self.ficha}/autoguardado/",
            form(self.form_data()),
            headers={**self.csrf(), "X-Autosave": "1"},
            name="autosave",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "json" in response.headers.get("Content-Type", ""):
                self.version = response.json()["version"]
            elif 'name="password"' in (response.text or ""):
                # Sent to the login page: this user never got in (every sign-in attempt busy).
                response.failure("autosave: not signed in")
            else:
                response.failure(f"autosave answered {response.status_code}")
                self.open_form()

    @task(1)
    def save(self) -> None:
        with self.client.post(
            f"/fichas/{self.ficha}/",
            form(self.form_data()),
            headers=self.csrf(),
            name="save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                self.version += 1
            else:
                response.failure(f"save answered {response.status_code}")
                self.open_form()


_times = open(os.environ["LOAD_TIMES"], "a") if os.environ.get("LOAD_TIMES") else None


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, **kwargs):
    if _times is not None:
        _times.write(json.dumps([start_time, name, response_time, exception is not None]) + "\n")


if os.environ.get("LOAD_SHAPE") == "ramp":

    class StepUp(LoadTestShape):
        step = int(os.environ.get("LOAD_RAMP_STEP", "10"))
        seconds = int(os.environ.get("LOAD_RAMP_SECONDS", "30"))
        most = int(os.environ.get("LOAD_RAMP_MAX", "100"))

        def tick(self):
            users = self.step * (1 + int(self.get_run_time() // self.seconds))
            if users > self.most:
                return None
            return users, self.step
