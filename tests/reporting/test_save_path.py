"""The lean save path of the focal point's form (docs/load-test.md §L7): the ficha read once
and locked, the lists written only when they change, reto ids checked without a query each.

What must not change: a concurrent save is still refused, nothing another institution owns can
be touched, and what the person typed is kept on every refusal.
"""

import json
import threading
from types import SimpleNamespace

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import editing
from reporting.forms import FichaForm, RetoFormSet
from reporting.models import Ficha, Reto
from tests import factories
from tests.reporting.test_fichas_views import form_data


def _autosave(client, ficha, data):
    path = reverse("reporting:ficha_autosave", args=[ficha.pk])
    return client.post(path, data, HTTP_X_AUTOSAVE="1")


@pytest.fixture
def draft(actor_a, ejercicio):
    return factories.ficha(actor_a, ejercicio, retos=["Reto uno.", "Reto dos."])


@pytest.mark.django_db
def test_unchanged_lists_are_not_written_and_changed_ones_are(client_a, draft):
    data = form_data(draft, retos=())
    assert _autosave(client_a, draft, data).status_code == 200
    data["version"] = str(Ficha.objects.get(pk=draft.pk).version)
    with CaptureQueriesContext(connection) as captured:
        assert _autosave(client_a, draft, data).status_code == 200
    through = ("reporting_ficha_objetivos_propuestos", "reporting_ficha_entidades")
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(("INSERT", "DELETE")) and any(t in q["sql"] for t in through)
    ]
    assert writes == []
    # The stored lists are read once, both in one statement (not twice each, as a POST bound
    # to the stored values and Django's set() read them).
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and any(t in q["sql"] for t in through)
    ]
    assert len(reads) == 1 and all(t in reads[0] for t in through)

    data["version"] = str(Ficha.objects.get(pk=draft.pk).version)
    data["objetivos_propuestos"] = ["3"]
    data["entidades"] = ["19"]
    assert _autosave(client_a, draft, data).status_code == 200
    draft.refresh_from_db()
    assert list(draft.objetivos_propuestos.values_list("number", flat=True)) == [3]
    assert list(draft.entidades.values_list("inegi_code", flat=True)) == ["19"]


@pytest.mark.django_db
def test_the_form_shows_the_stored_lists_checked(client_a, draft):
    draft.objetivos_propuestos.set([5])
    draft.entidades.set(["26"])
    html = client_a.get(reverse("reporting:ficha_edit", args=[draft.pk])).content.decode()
    assert 'name="objetivos_propuestos" value="5"' in html
    checked = html.split('name="objetivos_propuestos" value="5"', 1)[1].split(">", 1)[0]
    assert "checked" in checked
    checked = html.split('name="entidades" value="26"', 1)[1].split(">", 1)[0]
    assert "checked" in checked
    other = html.split('name="objetivos_propuestos" value="6"', 1)[1].split(">", 1)[0]
    assert "checked" not in other


@pytest.mark.django_db
def test_a_reto_of_another_ficha_is_refused_and_nothing_is_saved(
    client_a, draft, actor_b, ejercicio
):
    foreign = factories.ficha(actor_b, ejercicio, retos=["Reto de otra institución."])
    foreign_reto = foreign.retos.get()
    data = form_data(draft, retos=(), nombre="No debe guardarse")
    data["retos-0-id"] = str(foreign_reto.pk)
    data["retos-0-texto"] = "Texto cambiado"
    response = _autosave(client_a, draft, data)
    assert response.status_code == 400
    assert json.loads(response.content)["ok"] is False
    foreign_reto.refresh_from_db()
    assert foreign_reto.texto == "Reto de otra institución."
    assert foreign_reto.ficha_id == foreign.pk
    draft.refresh_from_db()
    assert draft.nombre != "No debe guardarse"


@pytest.mark.django_db
def test_an_unknown_reto_id_is_refused_like_django_refuses_it(draft):
    data = form_data(draft, retos=())
    data["retos-0-id"] = "999999"
    formset = RetoFormSet(data, instance=draft, prefix="retos")
    assert not formset.is_valid()
    data["retos-0-id"] = "abc"
    formset = RetoFormSet(data, instance=draft, prefix="retos")
    assert not formset.is_valid()
    data["retos-0-id"] = str(draft.retos.order_by("pk").first().pk)
    assert RetoFormSet(data, instance=draft, prefix="retos").is_valid()


@pytest.mark.django_db
def test_a_posted_reto_edit_is_saved(client_a, draft):
    data = form_data(draft, retos=())
    data["retos-1-texto"] = "Reto dos, corregido."
    assert _autosave(client_a, draft, data).status_code == 200
    assert sorted(Reto.objects.filter(ficha=draft).values_list("texto", flat=True)) == [
        "Reto dos, corregido.",
        "Reto uno.",
    ]


@pytest.mark.django_db
def test_locked_version_needs_the_callers_transaction(draft, focal_a):
    data = form_data(draft, retos=())
    form = FichaForm(data, instance=draft, ejercicio=draft.ejercicio)
    assert form.is_valid(), form.errors
    # The test's own transaction would hide the mistake: leave it out of the check.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            editing.transaction, "get_connection", lambda: SimpleNamespace(in_atomic_block=False)
        )
        with pytest.raises(RuntimeError):
            editing.save_ficha_form(
                form, by=focal_a, expected_version=draft.version, locked_version=draft.version
            )
    before = draft.version
    with transaction.atomic():
        editing.save_ficha_form(form, by=focal_a, expected_version=before, locked_version=before)
    assert Ficha.objects.get(pk=draft.pk).version == before + 1


@pytest.mark.django_db(transaction=True)
def test_two_autosaves_of_the_same_version_at_once_one_is_refused(focal_a, focal_a2, draft):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (SQLite ignores SELECT … FOR UPDATE).")
    clients = []
    for user in (focal_a, focal_a2):
        client = Client()
        client.force_login(user)
        clients.append(client)
    version = draft.version
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def run(i):
        try:
            data = form_data(draft, retos=(), nombre=f"Versión {i}")
            data["version"] = str(version)
            barrier.wait()
            answers[i] = _autosave(clients[i], draft, data).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [200, 409]
    draft.refresh_from_db()
    assert draft.version == version + 1
    assert draft.nombre == f"Versión {answers.index(200)}"


@pytest.mark.django_db
def test_a_refused_save_keeps_the_version_the_person_started_from(client_a, client_a2, draft):
    """Someone saves while the person's save is refused (an error in the form): the page shows
    the typed text with the version the person started from, so the next save is a conflict,
    never a silent overwrite of the other person's changes."""
    started = draft.version
    other = form_data(draft, retos=(), nombre="Cambio de otra persona")
    edit = reverse("reporting:ficha_edit", args=[draft.pk])
    assert client_a2.post(edit, other).status_code == 302
    mine = form_data(draft, retos=(), nombre="Mi cambio")
    mine.update(fecha_inicio="2024-05-01", fecha_conclusion="2024-01-01")
    mine["version"] = str(started)
    response = client_a.post(edit, mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mi cambio" in html
    assert f'name="version" value="{started}"' in html
    mine["fecha_conclusion"] = "2024-12-31"
    response = client_a.post(edit, mine)
    assert response.status_code == 409
    assert Ficha.objects.get(pk=draft.pk).nombre == "Cambio de otra persona"


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "abc"])
def test_a_save_without_a_readable_version_is_a_conflict(client_a, draft, version):
    data = form_data(draft, retos=(), nombre="Sin versión", version=version)
    response = client_a.post(reverse("reporting:ficha_edit", args=[draft.pk]), data)
    assert response.status_code == 409
    assert "Sin versión" in response.content.decode()
    assert Ficha.objects.get(pk=draft.pk).nombre != "Sin versión"


@pytest.mark.django_db
def test_a_locked_read_needs_a_transaction(rf, focal_a, draft):
    from reporting.access import get_ficha_for_user

    request = rf.get("/")
    request.user = focal_a
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            editing.transaction, "get_connection", lambda: SimpleNamespace(in_atomic_block=False)
        )
        with pytest.raises(RuntimeError):
            get_ficha_for_user(request, draft.pk, lock=True)
    with transaction.atomic():
        assert get_ficha_for_user(request, draft.pk, lock=True) == draft


# ``editing._update``: the UPDATE of a save, prepared once per process (docs/load-test.md §L8b).

UPDATED = [
    "fecha_conclusion",
    "nombre",
    "descripcion",
    "personas_atendidas",
    "fecha_inicio",
    "alcance_nacional",
    "temporalidad",
    "version",
    "updated_at",
    "updated_by",
]


def _changed(ficha: Ficha, by) -> Ficha:
    import datetime
    import zoneinfo

    from django.utils import timezone

    ficha.nombre = "Programa «Ñandú» & <b>"
    ficha.descripcion = ""
    ficha.personas_atendidas = None
    ficha.fecha_inicio = datetime.date(2024, 2, 29)
    ficha.alcance_nacional = True
    ficha.temporalidad = "permanente"
    ficha.version += 1
    # Not UTC: stored as the same instant.
    ficha.updated_at = timezone.now().astimezone(zoneinfo.ZoneInfo("America/Mexico_City"))
    ficha.updated_by = by
    ficha.fecha_conclusion = None  # a NULL date
    return ficha


def _stored(ficha: Ficha) -> dict:
    row = Ficha.objects.get(pk=ficha.pk)
    return {f.attname: getattr(row, f.attname) for f in Ficha._meta.concrete_fields}


@pytest.mark.django_db
def test_the_prepared_update_stores_what_djangos_save_stores(actor_a, ejercicio, focal_a):
    from reporting import rows

    ours, django = factories.ficha(actor_a, ejercicio), factories.ficha(actor_a, ejercicio)
    _changed(ours, focal_a)
    assert rows.update_of(ours, UPDATED) is not None  # the prepared statement, not the ORM's
    with CaptureQueriesContext(connection) as captured:
        editing._update(ours, UPDATED)
    assert len(captured) == 1 and captured[0]["sql"].startswith("UPDATE")
    _changed(django, focal_a).updated_at = ours.updated_at
    django.save(update_fields=UPDATED)
    mine, theirs = _stored(ours), _stored(django)
    for name in ("id", "created_at"):
        mine.pop(name), theirs.pop(name)
    assert mine == theirs


@pytest.mark.django_db
def test_a_receiver_of_save_signals_gets_djangos_save(actor_a, ejercicio, focal_a):
    from django.db.models.signals import pre_save

    seen = []

    def receiver(sender, instance, update_fields, **kwargs):
        seen.append(set(update_fields))

    ficha = factories.ficha(actor_a, ejercicio)
    pre_save.connect(receiver, sender=Ficha)
    try:
        editing._update(_changed(ficha, focal_a), UPDATED)
    finally:
        pre_save.disconnect(receiver, sender=Ficha)
    assert seen == [set(UPDATED)]


@pytest.mark.django_db
def test_an_expression_or_a_nullable_relation_left_empty_is_saved_as_django_saves_it(
    actor_a, ejercicio, focal_a
):
    from django.db.models import F

    from reporting import rows

    ficha = _changed(factories.ficha(actor_a, ejercicio), focal_a)
    ficha.updated_by = None  # a nullable relation, NULL
    assert rows.update_of(ficha, UPDATED) is not None
    editing._update(ficha, UPDATED)
    assert Ficha.objects.get(pk=ficha.pk).updated_by_id is None
    version = Ficha.objects.get(pk=ficha.pk).version
    ficha.version = F("version") + 1  # an expression: Django's compiler writes it
    assert rows.update_of(ficha, ["version"]) is None
    editing._update(ficha, ["version"])
    assert Ficha.objects.get(pk=ficha.pk).version == version + 1


@pytest.mark.django_db
def test_an_update_of_a_vanished_row_fails_as_djangos(actor_a, ejercicio, focal_a):
    from django.db import DatabaseError

    ficha = factories.ficha(actor_a, ejercicio)
    Ficha.all_objects.filter(pk=ficha.pk).delete()
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        editing._update(_changed(ficha, focal_a), UPDATED)
