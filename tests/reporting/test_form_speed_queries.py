"""Queries per request of the focal point's pages (docs/load-test.md §L2b).

Each query costs the web process about a millisecond of CPU (building the SQL, reading the
rows) and PostgreSQL as much again, on the same two cores: these counts are a budget. A change
that adds a query to one of these pages fails here; one that removes a query should lower the
number. Figures of time come from bench/ficha_form.py, never from a test.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import workflow
from reporting.models import Ficha
from tests import factories
from tests.reporting.test_fichas_views import form_data

pytestmark = pytest.mark.django_db

# session; the user with the membership, its actor and has_authenticator (one statement, no
# device query: reporting/rows.py user_with_membership)
MIDDLEWARE = 2


def count(client, method: str, path: str, data=None, **extra) -> tuple[int, int]:
    call = getattr(client, method)
    call(path, data, **extra)  # warm: remembered fields, the session's first write
    with CaptureQueriesContext(connection) as captured:
        response = call(path, data, **extra)
    return len(captured), response.status_code


@pytest.fixture
def draft(actor_a, ejercicio):
    return factories.ficha(actor_a, ejercicio, retos=["Reto uno.", "Reto dos."])


def test_form_of_a_draft(client_a, draft):
    # ficha, its objectives and entidades (initial, in one statement: docs/load-test.md §L9),
    # retos, history (events only: no
    # status change yet), one stamp of the objectives' and entidades' lists (read again only
    # when their rows change: docs/load-test.md §L2c)
    queries, status = count(client_a, "get", reverse("reporting:ficha_edit", args=[draft.pk]))
    assert status == 200
    assert queries == MIDDLEWARE + 5


def test_form_of_a_returned_ficha(client_a, draft, focal_a, coordinator):
    workflow.submit(draft, by=focal_a)
    workflow.return_for_changes(
        draft, by=coordinator, note="Revise.", field_notes={"nombre": "El nombre oficial."}
    )
    queries, status = count(client_a, "get", reverse("reporting:ficha_edit", args=[draft.pk]))
    assert status == 200
    # the draft's: the observations come with the history's events in one statement (which
    # also gives the latest ones; reporting/page_rows.py, docs/load-test.md §L8)
    assert queries == MIDDLEWARE + 5


def test_autosave(client_a, draft):
    data = form_data(draft, retos=())
    path = reverse("reporting:ficha_autosave", args=[draft.pk])
    client_a.post(path, data, HTTP_X_AUTOSAVE="1")
    data["version"] = Ficha.objects.get(pk=draft.pk).version
    with CaptureQueriesContext(connection) as captured:
        response = client_a.post(path, data, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200, response.content[:300]
    # BEGIN, the ficha read once and locked (access, version, the save's row), the posted
    # objectives' and entidades' check, the stored retos (each posted reto's id is found among
    # them, not read again), the update, the stored objectives and entidades in one statement
    # (a list is written only when it changed), COMMIT. Not read: the stored lists as initial
    # data, the ficha a second time, the model's check constraints; no savepoint
    # (docs/load-test.md §L7). A draft's save is not audited: no snapshot before it.
    assert len(captured) == MIDDLEWARE + 8


def test_mis_fichas(client_a, draft, actor_a, ejercicio):
    factories.ficha(actor_a, ejercicio)
    # the exercises of the selector (the one shown is chosen among them), the rows, the
    # carry-over check and the deleted drafts in one statement (docs/load-test.md §L8)
    queries, status = count(client_a, "get", reverse("reporting:mis_fichas"))
    assert status == 200
    assert queries == MIDDLEWARE + 3
