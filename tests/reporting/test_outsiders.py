"""Outsiders on the coordinators' form views: the editorial edit and the reminders.

``coordinator_required`` (reporting/access.py) answers 404 to every logged-in person who is not
a coordinator: the focal point of another institution and the focal point of the ficha's own
institution alike, so nothing tells them which fichas exist. Anonymous visitors go to the login
page. Each test posts data that a coordinator's identical POST then gets accepted, so a refusal is
about who asks, never about the form, and checks that nothing was written or sent.
"""

import pytest
from django.core import mail
from django.urls import reverse

from reporting import workflow
from reporting.models import FichaEvent, FichaEventKind, FichaStatus
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/cuentas/login/"


edit_data = factories.editorial_post


@pytest.mark.parametrize("submitted", [True, False], ids=["enviada", "borrador"])
def test_review_edit_post_by_outsiders(
    submitted, ficha_a, focal_a, client_a, client_b, client, client_coord, coordinator
):
    if submitted:
        workflow.submit(ficha_a, by=focal_a)
        ficha_a.refresh_from_db()
    before = (ficha_a.status, ficha_a.version, ficha_a.nombre)
    url = reverse("reporting:review_edit", args=[ficha_a.pk])
    data = edit_data(ficha_a, nombre="Nombre cambiado", edit_note="Corrección.")

    assert client_b.post(url, data).status_code == 404  # another institution
    assert client_a.post(url, data).status_code == 404  # its own institution
    assert client_b.get(url).status_code == 404
    response = client.post(url, data)
    assert (response.status_code, response.url.startswith(LOGIN)) == (302, True)
    ficha_a.refresh_from_db()
    assert (ficha_a.status, ficha_a.version, ficha_a.nombre) == before
    assert not FichaEvent.objects.filter(ficha=ficha_a, kind=FichaEventKind.EDIT).exists()

    # The very same POST from a coordinator is accepted and recorded.
    assert client_coord.post(url, data).status_code == 302
    ficha_a.refresh_from_db()
    assert (ficha_a.status, ficha_a.nombre) == (before[0], "Nombre cambiado")
    event = FichaEvent.objects.get(ficha=ficha_a, kind=FichaEventKind.EDIT)
    assert (event.by, event.note) == (coordinator, "Corrección.")


def test_review_edit_post_for_a_missing_ficha_is_404_for_everybody(ficha_a, client_a, client_coord):
    url = reverse("reporting:review_edit", args=[ficha_a.pk + 999])
    assert client_a.post(url, edit_data(ficha_a)).status_code == 404
    assert client_coord.post(url, edit_data(ficha_a)).status_code == 404


def test_send_reminders_by_outsiders(
    ejercicio,
    ficha_a,
    actor_a,
    actor_b,
    focal_a,
    focal_b,
    client_a,
    client_b,
    client,
    client_coord,
    django_capture_on_commit_callbacks,
):
    url = reverse("reporting:send_reminders")
    data = {"ejercicio": ejercicio.pk, "actors": [actor_a.pk, actor_b.pk]}
    mail.outbox.clear()
    # Callbacks run, so a reminder queued by a refused request would reach the outbox.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client_a.post(url, data).status_code == 404
        assert client_b.post(url, data).status_code == 404
        assert client_b.get(url).status_code == 404
        response = client.post(url, data)
    assert (response.status_code, response.url.startswith(LOGIN)) == (302, True)
    assert (callbacks, mail.outbox) == ([], [])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_coord.post(url, data)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([focal_a.email, focal_b.email])
    ficha_a.refresh_from_db()
    assert ficha_a.status == FichaStatus.BORRADOR
