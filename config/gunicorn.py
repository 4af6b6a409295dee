"""gunicorn's settings for serving the site: ``gunicorn -c config/gunicorn.py config.wsgi``.

Threaded workers (docs/load-test.md §L3): a request waiting for a password check
(reporting/passwords.py: one at a time per process, on a low-priority thread, at most two more
waiting; beyond that an immediate 503 with Retry-After) holds a thread, not the process, and a
burst of sign-ins holds at most 3 of the 8, so the worker's other threads keep answering saves
and autosaves. Three processes by default (the load test's setting, bench/load.py), eight threads
each; every thread may hold a database connection (CONN_MAX_AGE), so PostgreSQL's
max_connections must cover WEB_WORKERS x WEB_THREADS plus the worker and the admin.
"""

import gc
import os
import threading

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


# The young generation's threshold (Python's default 700). A focal point's request allocates
# tens of thousands of objects, nearly all freed by reference counting; at 700 the collector
# ran ~100 times per request and a full collection about once per request, ~10% of the
# request's CPU (bench: docs/load-test.md §L8b).
GC_THRESHOLD = (10_000, 10, 10)
# After this many requests a worker has compiled its templates and filled its per-process
# memories (options, form blocks, fixed URLs): they are frozen too, once, at the first moment
# after it when no other request of the worker is in flight (a request's objects frozen with
# them would never be collected if they became cyclic garbage).
FREEZE_AGAIN_AFTER = int(os.environ.get("WEB_GC_FREEZE_AFTER", "200"))
_served = 0
_in_flight = 0
_frozen_again = False
_count_lock = threading.Lock()


def post_worker_init(worker) -> None:
    """Once the worker has loaded the site: collect, then move every object alive now (modules,
    settings, URL patterns, templates compiled so far) out of the garbage collector's reach.
    A full collection of a warm worker scanned ~130,000 objects and took ~100 ms of CPU inside
    whichever request triggered it: the desk's rare 200 ms spikes (docs/load-test.md §L1).
    Objects made by requests are still collected as usual, less often (``GC_THRESHOLD``)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def pre_request(worker, req) -> None:
    global _in_flight
    with _count_lock:
        _in_flight += 1


def post_request(worker, req, environ, resp) -> None:
    """From the ``FREEZE_AGAIN_AFTER``-th request of a worker on, the first one that ends with
    no other request in flight freezes what the first ones loaded (templates are compiled at
    their first use, after ``post_worker_init``): otherwise every full collection scans them
    again (docs/load-test.md §L8b). Only this request's own objects are frozen with them."""
    global _served, _in_flight, _frozen_again
    with _count_lock:
        _served += 1
        _in_flight -= 1
        freeze = not _frozen_again and _served >= FREEZE_AGAIN_AFTER and _in_flight == 0
        if freeze:
            _frozen_again = True
    if freeze:
        gc.collect()
        gc.freeze()
