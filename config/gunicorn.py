"""gunicorn's settings for serving the site: ``gunicorn -c config/gunicorn.py config.wsgi``.

Threaded workers (docs/load-test.md §L3): a request waiting for a password check
(reporting/passwords.py: one at a time per process, on a low-priority thread, at most two more
waiting; beyond that an immediate 503 with Retry-After) holds a thread, not the process, and a
burst of sign-ins holds at most 3 of the 8, so the worker's other threads keep answering saves
and autosaves. Three processes by default (the load test's setting, bench/load.py), eight threads
each; every thread may hold a database connection (CONN_MAX_AGE), so PostgreSQL's
max_connections must cover WEB_WORKERS x WEB_THREADS plus the worker and the admin.
"""

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
# A PDF is built by the background worker, never in a request: a minute is plenty.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then (a slow leak stays small); the jitter keeps them apart.
max_requests = 5000
max_requests_jitter = 500
# Access lines carry paths and status codes (never names or emails: docs/architecture.md §A7).
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker) -> None:
    """Once the worker has loaded the site: collect, then move every object alive now (modules,
    settings, URL patterns, templates compiled so far) out of the garbage collector's reach.
    A full collection of a warm worker scanned ~130,000 objects and took ~100 ms of CPU inside
    whichever request triggered it: the desk's rare 200 ms spikes (docs/load-test.md §L1).
    Objects made by requests are still collected as usual."""
    import gc

    gc.collect()
    gc.freeze()
