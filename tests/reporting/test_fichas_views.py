"""The institutions' views: Mis fichas, the form, autosave, sending, duplicate, carry-over."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from reporting import workflow
from reporting.models import (
    EjercicioStatus,
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    ObjetivoPMM,
    Reto,
)
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(ficha: Ficha | None = None, retos=("Falta de personal en oficinas.",), **over):
    """A complete, valid POST for the ficha form (what the browser sends)."""
    existing = list(ficha.retos.all()) if ficha else []
    data = {
        "version": str(ficha.version) if ficha else "1",
        "unidad": "Dirección General de Protección",
        "objetivos_propuestos": ["7", "16"],
        "nombre": "Programa de orientación a personas migrantes",
        "objetivo_programa": "Brindar orientación jurídica.",
        "poblacion_objetivo": "Personas migrantes en tránsito.",
        "fecha_inicio": "2023-06-01",
        "temporalidad": "permanente",
        "descripcion": "El programa orienta y canaliza.",
        "num_acciones": "10",
        "tipo_acciones": "talleres",
        "personas_atendidas": "2,500",
        "mujeres": "1200",
        "hombres": "1300",
        "alcance_nacional": "on",
        "entidades": ["02", "26"],
        "resultados": "Se atendió a 2,500 personas.",
        "contacto_nombre": "María Pérez",
        "contacto_cargo": "Directora",
        "contacto_telefono": "55 4321 8765",
        "contacto_extension": "1234",
        "contacto_correo": "maria@prueba.gob.mx",
        "retos-TOTAL_FORMS": str(len(existing) + len(retos)),
        "retos-INITIAL_FORMS": str(len(existing)),
        "retos-MIN_NUM_FORMS": "0",
        "retos-MAX_NUM_FORMS": "1000",
    }
    for i, reto in enumerate(existing):
        data[f"retos-{i}-id"] = str(reto.pk)
        data[f"retos-{i}-texto"] = reto.texto
        data[f"retos-{i}-position"] = str(i)
    for j, text in enumerate(retos, start=len(existing)):
        data[f"retos-{j}-texto"] = text
        data[f"retos-{j}-position"] = str(j)
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def draft_a(actor_a, ejercicio):
    return factories.ficha(actor_a, ejercicio, retos=["Reto uno.", "Reto dos."])


def url(name, *args):
    return reverse(f"reporting:{name}", args=args)


# --- Mis fichas -------------------------------------------------------------------------------


def test_mis_fichas_lists_own_fichas_with_deadline_and_pending(
    client_a, actor_a, actor_b, ejercicio
):
    import datetime

    from django.utils import timezone

    ejercicio.closes_on = timezone.localdate() + datetime.timedelta(days=12)
    ejercicio.save()
    mine = factories.ficha(actor_a, ejercicio, nombre="Programa propio")
    factories.ficha(actor_b, ejercicio, nombre="Programa ajeno")
    sent = factories.ficha(actor_a, ejercicio, nombre="Programa enviado")
    workflow.submit(sent, by=actor_a.memberships.first().user)
    response = client_a.get(url("mis_fichas"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Programa propio" in html and "Programa enviado" in html
    assert "Programa ajeno" not in html
    assert response.context["pending"] == 1
    assert response.context["days_left"] == 12
    assert f'href="{url("ficha_edit", mine.pk)}"' in html
    assert "badge-status-enviada" in html


def test_mis_fichas_is_404_for_people_without_an_institution(db):
    from django.test import Client

    user = factories.user("sin.rol@prueba.gob.mx", role="administrador")
    user.membership.delete()
    del user.membership
    c = Client()
    c.force_login(user)
    assert c.get(url("mis_fichas")).status_code == 404


def test_mis_fichas_requires_login(client):
    response = client.get(url("mis_fichas"))
    assert response.status_code == 302
    assert response["Location"].startswith("/cuentas/login/")


# --- New ficha ---------------------------------------------------------------------------------


def test_new_ficha_page_shows_official_labels_and_period(client_a, ejercicio):
    html = client_a.get(url("ficha_new")).content.decode()
    assert "OBJETIVO DEL PMM QUE ATIENDE EL PROGRAMA QUE SE IMPLEMENTA" in html
    assert "RESULTADOS ALCANZADOS EN EL PERIODO DE JUNIO DE 2023 A JUNIO DE 2024" in html
    assert "RETOS IDENTIFICADOS" in html
    assert "1. Recopilar y utilizar datos exactos" in html
    assert "Se emitieron 2 500 Tarjetas de Visitante Regional." in html
    assert "Dato privado:" in html
    # The official order of the sections.
    order = [
        "UNIDAD/DIRECCIÓN GENERAL",
        "OBJETIVO DEL PMM",
        "NOMBRE DEL PROGRAMA",
        "DESCRIPCIÓN",
        "RESULTADOS ALCANZADOS",
        "RETOS IDENTIFICADOS",
        "PUNTO DE CONTACTO PARA SEGUIMIENTO",
    ]
    positions = [html.index(f">{label}") for label in order]
    assert positions == sorted(positions)


def test_new_ficha_saves_a_draft_for_own_institution(client_a, actor_a, ejercicio, focal_a):
    response = client_a.post(url("ficha_new"), form_data())
    ficha = Ficha.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("ficha_edit", ficha.pk)
    assert (ficha.actor, ficha.ejercicio, ficha.status) == (actor_a, ejercicio, "borrador")
    assert ficha.personas_atendidas == 2500
    assert [r.texto for r in ficha.retos.all()] == ["Falta de personal en oficinas."]
    assert sorted(o.number for o in ficha.objetivos_propuestos.all()) == [7, 16]
    assert ficha.created_by == focal_a
    assert ficha.events.get().kind == FichaEventKind.CREATED


def test_new_ficha_accepts_an_empty_draft(client_a, ejercicio):
    data = {
        "version": "1",
        "retos-TOTAL_FORMS": "1",
        "retos-INITIAL_FORMS": "0",
        "retos-MIN_NUM_FORMS": "0",
        "retos-MAX_NUM_FORMS": "1000",
        "retos-0-texto": "",
        "retos-0-position": "0",
    }
    response = client_a.post(url("ficha_new"), data)
    assert response.status_code == 302
    assert Ficha.objects.get().nombre == ""
    assert Reto.objects.count() == 0


def test_new_ficha_ignores_coordinator_fields_and_foreign_actor(
    client_a, actor_a, actor_b, ejercicio
):
    data = form_data(
        status="aprobada",
        objetivo_asignado="3",
        orden="1",
        destacada="on",
        actor=str(actor_b.pk),
        eje="1",
        resumen_informe="Inyectado",
    )
    client_a.post(url("ficha_new"), data)
    ficha = Ficha.objects.get()
    assert ficha.actor == actor_a
    assert ficha.status == FichaStatus.BORRADOR
    assert (ficha.objetivo_asignado, ficha.orden, ficha.destacada, ficha.eje) == (
        None,
        None,
        False,
        None,
    )
    assert ficha.resumen_informe == ""


def test_new_ficha_forbidden_when_no_open_exercise(client_a, ejercicio):
    ejercicio.status = EjercicioStatus.CERRADO
    ejercicio.save()
    assert client_a.get(url("ficha_new")).status_code == 403
    assert client_a.post(url("ficha_new"), form_data()).status_code == 403
    assert Ficha.objects.count() == 0


def test_new_ficha_is_404_for_coordinators(client_coord, ejercicio):
    assert client_coord.get(url("ficha_new")).status_code == 404


# --- Edit ----------------------------------------------------------------------------------------


def test_edit_saves_the_draft_and_bumps_the_version(client_a, draft_a, focal_a):
    data = form_data(draft_a, retos=(), nombre="Nombre corregido")
    response = client_a.post(url("ficha_edit", draft_a.pk), data)
    draft_a.refresh_from_db()
    assert response.status_code == 302
    assert draft_a.nombre == "Nombre corregido"
    assert draft_a.version == 2
    assert draft_a.updated_by == focal_a
    assert [r.texto for r in draft_a.retos.all()] == ["Reto uno.", "Reto dos."]


def test_edit_is_404_for_another_institution(client_b, draft_a):
    assert client_b.get(url("ficha_edit", draft_a.pk)).status_code == 404
    response = client_b.post(url("ficha_edit", draft_a.pk), form_data(draft_a, nombre="Ajeno"))
    assert response.status_code == 404
    draft_a.refresh_from_db()
    assert draft_a.nombre != "Ajeno"


def test_second_focal_point_of_same_institution_can_edit(client_a2, draft_a):
    response = client_a2.post(url("ficha_edit", draft_a.pk), form_data(draft_a, nombre="Otro"))
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.nombre == "Otro"


def test_sent_ficha_is_read_only(client_a, draft_a, focal_a):
    workflow.submit(draft_a, by=focal_a)
    page = client_a.get(url("ficha_edit", draft_a.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="solo-lectura"' in html
    assert 'id="ficha-form"' not in html
    assert draft_a.nombre in html
    response = client_a.post(url("ficha_edit", draft_a.pk), form_data(draft_a, nombre="Cambio"))
    assert response.status_code == 403
    draft_a.refresh_from_db()
    assert draft_a.nombre != "Cambio"


def test_closed_exercise_is_read_only(client_a, draft_a, ejercicio):
    ejercicio.status = EjercicioStatus.CERRADO
    ejercicio.save()
    html = client_a.get(url("ficha_edit", draft_a.pk)).content.decode()
    assert "El ejercicio está cerrado" in html
    assert client_a.post(url("ficha_edit", draft_a.pk), form_data(draft_a)).status_code == 403


def test_edit_with_stale_version_keeps_input_and_lists_differences(client_a, client_a2, draft_a):
    client_a2.post(url("ficha_edit", draft_a.pk), form_data(draft_a, nombre="Versión de A2"))
    stale = form_data(draft_a, nombre="Versión de A1")
    stale["version"] = "1"
    response = client_a.post(url("ficha_edit", draft_a.pk), stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Otra persona guardó esta ficha" in html
    assert 'value="Versión de A1"' in html
    assert "Versión de A2" in html
    assert 'name="version" value="2"' in html
    draft_a.refresh_from_db()
    assert draft_a.nombre == "Versión de A2"
    # Saving again from the re-rendered page (now at version 2) goes through.
    stale["version"] = "2"
    assert client_a.post(url("ficha_edit", draft_a.pk), stale).status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.nombre == "Versión de A1"


def test_foreign_reto_id_in_formset_is_refused(client_a, draft_a, actor_b, ejercicio):
    other = factories.ficha(actor_b, ejercicio, retos=["Reto ajeno."])
    foreign = other.retos.get()
    data = form_data(draft_a, retos=())
    data["retos-0-id"] = str(foreign.pk)
    data["retos-0-texto"] = "Secuestro del reto"
    client_a.post(url("ficha_edit", draft_a.pk), data)
    foreign.refresh_from_db()
    assert foreign.texto == "Reto ajeno."
    assert foreign.ficha == other
    assert Reto.objects.filter(texto="Secuestro del reto").count() == 0


def test_retos_can_be_reordered_and_removed(client_a, draft_a):
    data = form_data(draft_a, retos=("Reto tres.",))
    data["retos-0-position"] = "2"
    data["retos-1-DELETE"] = "on"
    data["retos-2-position"] = "0"
    client_a.post(url("ficha_edit", draft_a.pk), data)
    assert [r.texto for r in draft_a.retos.all()] == ["Reto tres.", "Reto uno."]


def test_invalid_number_shows_spanish_message_and_error_summary(client_a, draft_a):
    data = form_data(draft_a, personas_atendidas="-5", mujeres="muchas")
    response = client_a.post(url("ficha_edit", draft_a.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="resumen-errores"' in html
    assert "El número no puede ser negativo" in html
    assert "Escriba sólo un número entero" in html
    assert 'href="#id_personas_atendidas"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="muchas"' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        '=HYPERLINK("http://mal.example")',
        "+52 55 5555",
        "-1",
        "@SUM(A1)",
        "Emoji 🧭🇲🇽 y acentos ñ",
        "Texto con NUL\x00 en medio",
    ],
)
def test_hostile_text_is_stored_as_text_and_escaped(client_a, draft_a, text):
    response = client_a.post(url("ficha_edit", draft_a.pk), form_data(draft_a, nombre=text))
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.nombre == text.replace("\x00", "")
    html = client_a.get(url("ficha_edit", draft_a.pk)).content.decode()
    assert "<script>alert" not in html


def test_very_long_text_is_refused_with_a_message(client_a, draft_a):
    response = client_a.post(url("ficha_edit", draft_a.pk), form_data(draft_a, nombre="x" * 600))
    assert response.status_code == 200
    assert "Este texto tiene 600 caracteres; el máximo es 500." in response.content.decode()


def test_observations_of_a_returned_ficha_show_at_top_and_beside_fields(
    client_a, draft_a, focal_a, coordinator
):
    workflow.submit(draft_a, by=focal_a)
    workflow.return_for_changes(
        draft_a,
        by=coordinator,
        note="Complete los resultados.",
        field_notes={"nombre": "Use el nombre oficial."},
    )
    html = client_a.get(url("ficha_edit", draft_a.pk)).content.decode()
    assert "Complete los resultados." in html
    assert 'id="obs_nombre"' in html
    assert "Use el nombre oficial." in html
    assert 'aria-describedby="obs_nombre' in html
    # History: created, sent, returned with its note; no email addresses.
    assert "Observada" in html and "Enviada" in html
    assert coordinator.email not in html


def test_corrections_after_a_return_are_audited_but_draft_edits_are_not(
    client_a, draft_a, focal_a, coordinator
):
    client_a.post(url("ficha_edit", draft_a.pk), form_data(draft_a, retos=(), nombre="Borrador"))
    assert not draft_a.events.filter(kind=FichaEventKind.EDIT).exists()
    draft_a.refresh_from_db()
    workflow.submit(draft_a, by=focal_a)
    workflow.return_for_changes(draft_a, by=coordinator, note="Use el nombre oficial.")
    draft_a.refresh_from_db()
    data = form_data(draft_a, retos=(), nombre="Nombre oficial del programa")
    client_a.post(url("ficha_edit", draft_a.pk), data)
    edit = draft_a.events.get(kind=FichaEventKind.EDIT)
    assert edit.by == focal_a
    assert edit.changes["nombre"] == {
        "label": "Nombre del programa",
        "old": "Borrador",
        "new": "Nombre oficial del programa",
    }


def test_coordinator_is_sent_to_the_review_page(client_coord, draft_a):
    response = client_coord.get(url("ficha_edit", draft_a.pk))
    assert response.status_code == 302
    assert response["Location"] == url("review_ficha", draft_a.pk)


# --- Autosave --------------------------------------------------------------------------------


def test_autosave_saves_and_returns_version_and_time(client_a, draft_a):
    data = form_data(draft_a, retos=("Nuevo reto.",), nombre="Autoguardado")
    response = client_a.post(url("ficha_autosave", draft_a.pk), data)
    body = json.loads(response.content)
    draft_a.refresh_from_db()
    assert response.status_code == 200
    assert body["ok"] is True
    assert body["version"] == draft_a.version == 2
    assert len(body["saved_at"]) == 5
    new_reto = draft_a.retos.get(texto="Nuevo reto.")
    assert {"prefix": "retos-2", "id": new_reto.pk} in body["retos"]


def test_autosave_creates_a_new_ficha_on_first_save(client_a, actor_a, ejercicio):
    response = client_a.post(url("ficha_new"), form_data(), HTTP_X_AUTOSAVE="1")
    body = json.loads(response.content)
    ficha = Ficha.objects.get()
    assert body["id"] == ficha.pk
    assert body["edit_url"] == url("ficha_edit", ficha.pk)
    assert body["autosave_url"] == url("ficha_autosave", ficha.pk)


def test_autosave_reports_errors_as_json(client_a, draft_a):
    response = client_a.post(
        url("ficha_autosave", draft_a.pk), form_data(draft_a, num_acciones="999999999999")
    )
    body = json.loads(response.content)
    assert response.status_code == 400
    assert body["errors"][0]["href"] == "#id_num_acciones"
    assert "demasiado grande" in body["errors"][0]["message"]


def test_autosave_stale_version_is_409(client_a, draft_a):
    data = form_data(draft_a)
    data["version"] = "0"
    response = client_a.post(url("ficha_autosave", draft_a.pk), data)
    assert response.status_code == 409
    assert json.loads(response.content)["stale"] is True


def test_autosave_rejects_get_outsider_and_read_only(client_a, client_b, draft_a, focal_a):
    response = client_a.get(url("ficha_autosave", draft_a.pk))
    assert (response.status_code, response.url) == (302, url("ficha_edit", draft_a.pk))
    assert client_b.post(url("ficha_autosave", draft_a.pk), form_data(draft_a)).status_code == 404
    workflow.submit(draft_a, by=focal_a)
    response = client_a.post(url("ficha_autosave", draft_a.pk), form_data(draft_a))
    assert response.status_code == 403
    assert json.loads(response.content)["readonly"] is True


# --- Submit ----------------------------------------------------------------------------------


def test_submit_validates_saves_and_sends(client_a, draft_a, coordinator):
    response = client_a.post(url("ficha_submit", draft_a.pk), form_data(draft_a, retos=()))
    draft_a.refresh_from_db()
    assert response.status_code == 302
    assert draft_a.status == FichaStatus.ENVIADA
    event = draft_a.events.filter(kind=FichaEventKind.TRANSITION).get()
    assert (event.from_status, event.to_status) == ("borrador", "enviada")


def test_submit_runs_full_validation(client_a, draft_a):
    data = form_data(
        draft_a,
        retos=(),
        nombre="",
        objetivos_propuestos=[],
        descripcion=" ".join(["palabra"] * 181),
        contacto_correo="",
    )
    data["retos-0-DELETE"] = "on"
    data["retos-1-DELETE"] = "on"
    response = client_a.post(url("ficha_submit", draft_a.pk), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Escriba el nombre del programa" in html
    assert "Marque al menos un Objetivo del PMM" in html
    assert "tiene 188 palabras; el máximo es 180" in html
    assert "Escriba al menos un reto, o marque «No se identificaron retos»" in html
    assert "Escriba el correo electrónico de la persona de contacto" in html
    draft_a.refresh_from_db()
    assert draft_a.status == FichaStatus.BORRADOR


def test_submit_accepts_sin_retos_and_qualitative_explanation(client_a, draft_a):
    data = form_data(
        draft_a,
        retos=(),
        sin_retos="on",
        num_acciones="",
        personas_atendidas="",
        mujeres="",
        hombres="",
        resultados="",
        explicacion_sin_cifras="Tuvo impacto en la comunidad.",
    )
    data["retos-0-DELETE"] = "on"
    data["retos-1-DELETE"] = "on"
    response = client_a.post(url("ficha_submit", draft_a.pk), data)
    draft_a.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert draft_a.status == FichaStatus.ENVIADA
    assert draft_a.retos.count() == 0


def test_submit_without_form_data_does_not_wipe_the_ficha(client_a, draft_a):
    response = client_a.post(url("ficha_submit", draft_a.pk))
    draft_a.refresh_from_db()
    assert response.status_code == 302
    assert draft_a.status == FichaStatus.BORRADOR
    assert draft_a.nombre.startswith("Programa de atención")


def test_resubmit_after_return(client_a, draft_a, focal_a, coordinator):
    workflow.submit(draft_a, by=focal_a)
    workflow.return_for_changes(draft_a, by=coordinator, note="Falta el periodo.")
    draft_a.refresh_from_db()
    client_a.post(url("ficha_submit", draft_a.pk), form_data(draft_a, retos=()))
    draft_a.refresh_from_db()
    assert draft_a.status == FichaStatus.ENVIADA
    kinds = list(
        draft_a.events.filter(kind=FichaEventKind.TRANSITION).values_list("to_status", flat=True)
    )
    assert kinds == ["enviada", "observada", "enviada"]
    html = client_a.get(url("ficha_edit", draft_a.pk)).content.decode()
    assert "Falta el periodo." in html


def test_submit_rejects_get_outsider_and_read_only(
    client_a, client_b, draft_a, focal_a, coordinator, django_capture_on_commit_callbacks
):
    submit = url("ficha_submit", draft_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        # A reload of the address lands on the ficha, never on a bare 405.
        response = client_a.get(submit)
        assert (response.status_code, response.url) == (302, url("ficha_edit", draft_a.pk))
        assert client_b.post(submit, form_data(draft_a)).status_code == 404
    draft_a.refresh_from_db()
    assert (draft_a.status, draft_a.events.count()) == (FichaStatus.BORRADOR, 0)
    workflow.submit(draft_a, by=focal_a)
    draft_a.refresh_from_db()
    version = draft_a.version
    # Callbacks run: a refused POST that still queued the coordinators' digest would mail them.
    with django_capture_on_commit_callbacks(execute=True):
        assert client_a.post(submit, form_data(draft_a, nombre="Otro nombre")).status_code == 403
    draft_a.refresh_from_db()
    assert (draft_a.status, draft_a.version) == (FichaStatus.ENVIADA, version)
    assert draft_a.nombre.startswith("Programa de atención")
    assert draft_a.events.count() == 1
    assert mail.outbox == []


# --- Duplicate and carry-over ------------------------------------------------------------------


def test_duplicate_creates_a_new_draft(client_a, draft_a, focal_a):
    workflow.submit(draft_a, by=focal_a)
    response = client_a.post(url("ficha_duplicate", draft_a.pk))
    copy = Ficha.objects.exclude(pk=draft_a.pk).get()
    assert response["Location"] == url("ficha_edit", copy.pk)
    assert (copy.status, copy.nombre, copy.copied_from) == ("borrador", draft_a.nombre, draft_a)
    assert [r.texto for r in copy.retos.all()] == ["Reto uno.", "Reto dos."]


def test_duplicate_get_asks_for_confirmation_and_outsider_gets_404(client_a, client_b, draft_a):
    response = client_a.get(url("ficha_duplicate", draft_a.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{url("ficha_duplicate", draft_a.pk)}"' in html
    assert "Sí, crear la copia" in html
    assert Ficha.objects.count() == 1
    assert client_b.get(url("ficha_duplicate", draft_a.pk)).status_code == 404
    assert client_b.post(url("ficha_duplicate", draft_a.pk)).status_code == 404
    assert Ficha.objects.count() == 1


def test_duplicate_in_closed_exercise_is_403(client_a, draft_a, ejercicio):
    ejercicio.status = EjercicioStatus.CERRADO
    ejercicio.save()
    assert client_a.post(url("ficha_duplicate", draft_a.pk)).status_code == 403


@pytest.fixture
def last_year(actor_a, actor_b):
    old = factories.ejercicio(2023, status=EjercicioStatus.CERRADO)
    mine = factories.ficha(actor_a, old, nombre="Programa 2023")
    theirs = factories.ficha(actor_b, old, nombre="Programa ajeno 2023")
    return old, mine, theirs


def test_carry_over_page_lists_only_own_previous_fichas(client_a, ejercicio, last_year):
    html = client_a.get(url("carry_over")).content.decode()
    assert "Programa 2023" in html
    assert "Programa ajeno 2023" not in html


def test_carry_over_creates_drafts(client_a, ejercicio, last_year):
    _old, mine, _theirs = last_year
    response = client_a.post(url("carry_over"), {"fichas": [str(mine.pk)]})
    assert response["Location"] == url("mis_fichas")
    copy = Ficha.objects.get(ejercicio=ejercicio)
    assert (copy.nombre, copy.status, copy.resultados) == ("Programa 2023", "borrador", "")


def test_carry_over_refuses_another_institutions_ficha(client_a, ejercicio, last_year):
    _old, _mine, theirs = last_year
    response = client_a.post(url("carry_over"), {"fichas": [str(theirs.pk)]})
    assert response.status_code == 200
    assert "Elija sólo fichas de su institución" in response.content.decode()
    assert Ficha.objects.filter(ejercicio=ejercicio).count() == 0


def test_carry_over_is_404_for_coordinators(client_coord, ejercicio):
    assert client_coord.get(url("carry_over")).status_code == 404


def test_history_shows_names_not_emails(client_a, draft_a, focal_a):
    FichaEvent.objects.create(ficha=draft_a, kind=FichaEventKind.CREATED, by=focal_a)
    html = client_a.get(url("ficha_edit", draft_a.pk)).content.decode()
    assert "Persona De Prueba" in html
    assert "Historial de la ficha" in html
    assert ObjetivoPMM.objects.count() == 23


# --- Issue 10: the small things that cost a support call ---------------------------------------


def test_observation_summary_links_to_each_observed_field(client_a, draft_a, focal_a, coordinator):
    workflow.submit(draft_a, by=focal_a)
    workflow.return_for_changes(
        draft_a,
        by=coordinator,
        note="Revise lo señalado.",
        field_notes={
            "poblacion_objetivo": "Precise la población.",
            "entidades": "Faltan estados.",
            "retos": "Los retos deben ser propios.",
            "contacto_nombre": "Nombre completo, por favor.",
        },
    )
    html = client_a.get(url("ficha_edit", draft_a.pk)).content.decode()
    summary = html.split('id="observaciones-campos"')[1].split("</ul>")[0]
    links = [
        ("poblacion_objetivo", "id_poblacion_objetivo", "Población objetivo"),
        ("entidades", "id_entidades_0", "Entidades federativas"),
        ("retos", "id_retos-0-texto", "Retos"),
        ("contacto_nombre", "id_contacto_nombre", "Nombre"),
    ]
    anchors = [f'href="#obs_{n}" data-focus-field="{f}">{label}</a>' for n, f, label in links]
    positions = [summary.index(a) for a in anchors]
    assert positions == sorted(positions), "in the order of the page"
    # Every anchor and every field to focus exists on the page.
    for name, focus, _label in links:
        assert f'id="obs_{name}"' in html and f'id="{focus}"' in html
    assert "Precise la población." in summary
    assert "js/field_links.js" in html
    # The history names the field by its label, never by its code name.
    assert "Observación sobre «Población objetivo»: Precise la población." in html
    assert "(poblacion_objetivo)" not in html


def test_refused_submit_shows_the_ficha_address_and_a_reload_lands_on_it(client_a, draft_a):
    response = client_a.post(url("ficha_submit", draft_a.pk), form_data(draft_a, nombre=""))
    assert response.status_code == 400
    # static/js/ficha_form.js replaces /fichas/N/enviar/ in the address bar by this one.
    assert f'data-page-url="{url("ficha_edit", draft_a.pk)}"' in response.content.decode()
    reload = client_a.get(url("ficha_submit", draft_a.pk), follow=True)
    assert reload.redirect_chain == [(url("ficha_edit", draft_a.pk), 302)]
    assert reload.status_code == 200


def test_the_version_counter_is_never_shown(client_a, client_a2, draft_a):
    client_a2.post(url("ficha_edit", draft_a.pk), form_data(draft_a, nombre="Otra"))
    stale = client_a.post(url("ficha_edit", draft_a.pk), form_data(draft_a, nombre="Mía"))
    text = stale.content.decode()
    assert stale.status_code == 409
    assert "versión 2" not in text and "(versión" not in text
    assert "Compare con lo que quedó guardado a las" in text


def test_carry_over_message_is_singular_for_one_copy(client_a, ejercicio, last_year):
    _old, mine, _theirs = last_year
    response = client_a.post(url("carry_over"), {"fichas": [str(mine.pk)]}, follow=True)
    assert "Se creó 1 borrador. Actualice sus resultados." in response.content.decode()


def test_mis_fichas_counts_in_singular_and_plural(client_a, actor_a, ejercicio):
    factories.ficha(actor_a, ejercicio)
    html = client_a.get(url("mis_fichas")).content.decode()
    assert "ficha sin enviar a revisión" in html and "fichas sin enviar" not in html
    factories.ficha(actor_a, ejercicio)
    html = client_a.get(url("mis_fichas")).content.decode()
    assert "fichas sin enviar a revisión" in html


def test_history_shows_upmrip_editorial_corrections_but_not_own_autosaves(
    client_a, client_coord, draft_a, focal_a, coordinator
):
    from tests.reporting.test_review_views import _edit_data

    workflow.submit(draft_a, by=focal_a)
    draft_a.refresh_from_db()
    data = _edit_data(draft_a, nombre="Nombre corregido por la UPMRIP", edit_note="Estilo.")
    assert (
        client_coord.post(reverse("reporting:review_edit", args=[draft_a.pk]), data).status_code
        == 302
    )
    workflow.return_for_changes(draft_a, by=coordinator, note="Revise.")
    draft_a.refresh_from_db()
    client_a.post(url("ficha_autosave", draft_a.pk), form_data(draft_a, retos=(), nombre="Mío"))
    assert draft_a.events.filter(kind=FichaEventKind.EDIT, by=focal_a).exists()
    html = client_a.get(url("ficha_edit", draft_a.pk)).content.decode()
    history = html.split('id="historial-titulo"')[1]
    assert "Corrección editorial</strong> · UPMRIP" in history
    assert "Cambió «Nombre del programa»" in history
    assert "Nombre corregido por la UPMRIP" in history
    assert "Nota de la UPMRIP: Estilo." in history
    assert history.count("Corrección editorial") == 1  # the institution's autosave is not listed
