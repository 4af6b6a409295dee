"""The coordinators' review pages: each works, a GET of a write view lands on its page (never a
bare 405), and only UPMRIP gets in.

For these coordinator-only views every non-coordinator gets 404 whatever the ficha (so nothing
leaks about which fichas exist), anonymous visitors go to the login page, and a coordinator
asking for a ficha that does not exist gets 404.
"""

import pytest
from django.core import mail
from django.urls import reverse

from reporting import workflow
from reporting.models import (
    ChallengeCategory,
    EjeTematico,
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    ObjetivoPMM,
    Observacion,
    Subtema,
)
from tests import factories

WRITE_VIEWS = [
    "reporting:review_start",
    "reporting:review_return",
    "reporting:review_approve",
    "reporting:review_classify",
    "reporting:review_reopen",
]


@pytest.fixture
def sent(ficha_a, focal_a):
    return workflow.submit(ficha_a, by=focal_a)


@pytest.mark.parametrize("name", WRITE_VIEWS)
def test_write_views_reject_get_and_non_coordinators(
    name, sent, client_coord, client_a, client_b, client
):
    url = reverse(name, args=[sent.pk])
    version = sent.version
    # Reloading the address of a POST lands on the review page; nothing is written.
    response = client_coord.get(url)
    page = reverse("reporting:review_ficha", args=[sent.pk])
    assert (response.status_code, response.url) == (302, page)
    sent.refresh_from_db()
    assert (sent.status, sent.version) == (FichaStatus.ENVIADA, version)
    assert client_coord.put(url).status_code == 405
    # Focal points never learn where the page is: 404 for GET and POST alike.
    assert client_a.get(url).status_code == 404
    assert client_a.post(url, {}).status_code == 404
    assert client_b.post(url, {}).status_code == 404
    response = client.post(url, {})
    assert (response.status_code, response.url.startswith("/cuentas/login/")) == (302, True)
    assert client_coord.post(reverse(name, args=[sent.pk + 999]), {}).status_code == 404
    sent.refresh_from_db()
    assert sent.status == FichaStatus.ENVIADA


@pytest.mark.parametrize(
    "url",
    [
        "/fichas/revision/",
        "/fichas/revision/seguimiento/",
    ],
)
def test_pages_are_for_coordinators_only(url, client_a, client_coord, ejercicio):
    assert client_a.get(url).status_code == 404
    assert client_coord.get(url).status_code == 200


def test_bandeja_lists_fichas_with_counts(client_coord, sent, actor_b, ejercicio):
    factories.ficha(actor_b, ejercicio, nombre="Atención a niñas y niños")
    response = client_coord.get(reverse("reporting:bandeja"))
    page = response.content.decode()
    assert [f.nombre for f in response.context["page"].object_list] == [
        "Atención a niñas y niños",
        sent.nombre,
    ]
    assert response.context["total"] == 2
    assert dict((v, n) for v, _label, n in response.context["status_tabs"]) == {
        "borrador": 1,
        "enviada": 1,
        "en_revision": 0,
        "observada": 0,
        "aprobada": 0,
    }
    assert reverse("reporting:review_ficha", args=[sent.pk]) in page


def test_bandeja_filters_and_search(client_coord, sent, actor_b, ejercicio):
    factories.ficha(actor_b, ejercicio, nombre="Atención a NIÑAS y niños")
    response = client_coord.get(reverse("reporting:bandeja"), {"q": "ninas", "status": ""})
    assert [f.nombre for f in response.context["page"].object_list] == ["Atención a NIÑAS y niños"]
    response = client_coord.get(reverse("reporting:bandeja"), {"status": "enviada"})
    assert [f.pk for f in response.context["page"].object_list] == [sent.pk]
    # Counts ignore the status filter but honour the others.
    response = client_coord.get(reverse("reporting:bandeja"), {"status": "enviada", "chapter": 2})
    assert response.context["total"] == 1
    assert list(response.context["page"].object_list) == []


def test_review_page_shows_the_whole_ficha_and_history(client_coord, sent):
    page = client_coord.get(reverse("reporting:review_ficha", args=[sent.pk])).content.decode()
    for text in (
        sent.nombre,
        "Brindar orientación y acompañamiento",
        "Se brindaron 1,245 atenciones",
        "Falta de personal capacitado",
        "7. Abordar y reducir las vulnerabilidades en la migración",  # «número. título»
        "María Pérez López",  # contact block: coordinators only (this page is theirs)
        "Borrador → Enviada",
    ):
        assert text in page, text


def test_return_with_field_notes(client_coord, sent, focal_a, django_capture_on_commit_callbacks):
    url = reverse("reporting:review_return", args=[sent.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_coord.post(
            url,
            {
                "loaded_version": sent.version,
                "note": "Revise la ficha.",
                "obs_resultados": "Desagregue por sexo.",
            },
        )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == FichaStatus.OBSERVADA
    assert list(Observacion.objects.filter(ficha=sent).values_list("field", "texto")) == [
        ("", "Revise la ficha."),
        ("resultados", "Desagregue por sexo."),
    ]
    assert [m.to for m in mail.outbox] == [[focal_a.email]]
    page = client_coord.get(reverse("reporting:review_ficha", args=[sent.pk])).content.decode()
    assert "Resultados alcanzados</strong>: Desagregue por sexo." in page


def test_return_without_notes_keeps_the_page_and_what_was_typed(client_coord, sent):
    url = reverse("reporting:review_return", args=[sent.pk])
    response = client_coord.post(url, {"loaded_version": sent.version, "obs_nombre": "  "})
    assert response.status_code == 400
    assert "Escriba una observación general" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == FichaStatus.ENVIADA


def test_approve_prefills_the_single_proposal(client_coord, sent):
    response = client_coord.get(reverse("reporting:review_ficha", args=[sent.pk]))
    assert response.context["approve_form"]["objective"].value() == 7
    response = client_coord.post(
        reverse("reporting:review_approve", args=[sent.pk]),
        {"loaded_version": sent.version, "objective": 7},
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.objetivo_asignado_id) == (FichaStatus.APROBADA, 7)


def test_approve_with_several_proposals_requires_a_note(client_coord, actor_a, ejercicio, focal_a):
    ficha = factories.ficha(actor_a, ejercicio, propuestos=[3, 7])
    ficha = workflow.submit(ficha, by=focal_a)
    url = reverse("reporting:review_approve", args=[ficha.pk])
    response = client_coord.get(reverse("reporting:review_ficha", args=[ficha.pk]))
    assert response.context["approve_form"]["objective"].value() is None
    response = client_coord.post(url, {"loaded_version": ficha.version, "objective": 3})
    assert response.status_code == 400
    assert "Explique por qué se eligió este objetivo." in response.content.decode()
    response = client_coord.post(
        url, {"loaded_version": ficha.version, "objective": 3, "note": "Enfoque en datos."}
    )
    assert response.status_code == 302
    ficha.refresh_from_db()
    assert (ficha.objetivo_asignado_id, ficha.nota_asignacion) == (3, "Enfoque en datos.")


def test_approve_refused_when_the_ficha_changed_meanwhile(client_coord, sent, coordinator):
    seen = sent.version
    workflow.start_review(sent, by=coordinator)
    response = client_coord.post(
        reverse("reporting:review_approve", args=[sent.pk]),
        {"loaded_version": seen, "objective": 7},
    )
    assert response.status_code == 409
    assert "La ficha cambió mientras usted la revisaba" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == FichaStatus.EN_REVISION


def test_start_and_reopen(client_coord, sent):
    assert client_coord.post(reverse("reporting:review_start", args=[sent.pk])).status_code == 302
    sent.refresh_from_db()
    assert sent.status == FichaStatus.EN_REVISION
    client_coord.post(
        reverse("reporting:review_approve", args=[sent.pk]),
        {"loaded_version": sent.version, "objective": 7},
    )
    sent.refresh_from_db()
    url = reverse("reporting:review_reopen", args=[sent.pk])
    assert client_coord.post(url, {"loaded_version": sent.version}).status_code == 400
    response = client_coord.post(url, {"loaded_version": sent.version, "reason": "Cifra mal."})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == FichaStatus.EN_REVISION
    assert FichaEvent.objects.filter(ficha=sent).latest("pk").note == "Cifra mal."


_edit_data = factories.editorial_post


def test_editorial_edit_is_recorded_with_a_readable_diff(client_coord, sent, coordinator):
    url = reverse("reporting:review_edit", args=[sent.pk])
    assert client_coord.get(url).status_code == 200
    response = client_coord.post(
        url,
        _edit_data(
            sent,
            nombre="Programa de Atención a Personas Migrantes",
            **{"retos-0-texto": "Falta de personal capacitado."},
            edit_note="Mayúsculas del título.",
        ),
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.nombre) == (
        FichaStatus.ENVIADA,
        "Programa de Atención a Personas Migrantes",
    )
    event = FichaEvent.objects.filter(ficha=sent, kind=FichaEventKind.EDIT).get()
    assert event.by == coordinator
    assert event.note == "Mayúsculas del título."
    assert sorted(event.changes) == ["nombre", "retos"]
    assert event.changes["retos"]["new"] == "• Falta de personal capacitado."
    page = client_coord.get(reverse("reporting:review_ficha", args=[sent.pk])).content.decode()
    assert '<th scope="row">Nombre del programa</th>' in page
    assert "Programa de Atención a Personas Migrantes" in page


def test_editorial_edit_refused_when_stale(client_coord, sent, coordinator):
    url = reverse("reporting:review_edit", args=[sent.pk])
    mine = _edit_data(sent, descripcion="Mi corrección.")
    theirs = _edit_data(sent, descripcion="La corrección de otra persona.")
    assert client_coord.post(url, theirs).status_code == 302
    response = client_coord.post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Otra persona guardó esta ficha" in page
    assert "La corrección de otra persona." in page
    assert "Mi corrección." in page  # what the person typed is still in the form
    sent.refresh_from_db()
    assert sent.descripcion == "La corrección de otra persona."


def test_classify(client_coord, sent):
    reto = sent.retos.get()
    category = ChallengeCategory.objects.filter(ejercicio=sent.ejercicio).first()
    eje = EjeTematico.objects.get(number=1)
    subtema = Subtema.objects.filter(eje=eje).first()
    response = client_coord.post(
        reverse("reporting:review_classify", args=[sent.pk]),
        {
            "loaded_version": sent.version,
            "eje": eje.pk,
            "subtema": subtema.pk,
            "ods": [10, 16],
            "destacada": "on",
            "resumen_informe": "",
            f"reto_{reto.pk}": category.pk,
        },
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    reto.refresh_from_db()
    assert (sent.eje, sent.subtema, sent.destacada, reto.categoria) == (
        eje,
        subtema,
        True,
        category,
    )
    assert sorted(sent.ods.values_list("number", flat=True)) == [10, 16]
    event = FichaEvent.objects.get(ficha=sent, kind=FichaEventKind.CLASSIFY)
    assert event.changes[f"reto_{reto.pk}"] == {
        "label": "Categoría del reto 1",
        "old": "",
        "new": category.name,
    }
    assert event.changes["destacada"]["new"] == "Sí"


def test_classify_rejects_a_subtema_of_another_eje(client_coord, sent):
    subtema = Subtema.objects.filter(eje__number=2).first()
    response = client_coord.post(
        reverse("reporting:review_classify", args=[sent.pk]),
        {"loaded_version": sent.version, "eje": 1, "subtema": subtema.pk},
    )
    assert response.status_code == 400
    assert "El subtema no pertenece al eje temático elegido." in response.content.decode()


def test_reorder_block(client_coord, coordinator, ejercicio, focal_a, actor_a):
    other = factories.actor("SRE", name="Secretaría de Relaciones Exteriores")
    focal_o = factories.user(actor=other)
    fichas = []
    for actor, focal, name in (
        (actor_a, focal_a, "B"),
        (other, focal_o, "A"),
        (actor_a, focal_a, "A"),
    ):
        f = workflow.submit(factories.ficha(actor, ejercicio, nombre=name), by=focal)
        fichas.append(
            workflow.approve(f, by=coordinator, objective=ObjetivoPMM.objects.get(number=7))
        )
    url = reverse("reporting:review_reorder", args=[2024, 1, 7])
    response = client_coord.get(url)
    # Default: institution name, then program name (INM before SRE by name).
    assert [(f.actor.sigla, f.nombre) for f in response.context["form"].fichas] == [
        ("INM", "A"),
        ("INM", "B"),
        ("SRE", "A"),
    ]
    inm_a, inm_b, sre_a = response.context["form"].fichas
    response = client_coord.post(
        url, {f"pos_{sre_a.pk}": 1, f"pos_{inm_a.pk}": 2, f"pos_{inm_b.pk}": 3}
    )
    assert response.status_code == 302
    assert list(
        Ficha.objects.filter(pk__in=[f.pk for f in fichas])
        .order_by("orden")
        .values_list("pk", "orden")
    ) == [(sre_a.pk, 1), (inm_a.pk, 2), (inm_b.pk, 3)]
    assert FichaEvent.objects.filter(kind=FichaEventKind.CLASSIFY).count() == 3
    assert client_a_cannot(url, focal_a)


def client_a_cannot(url, user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c.post(url, {}).status_code == 404


def test_seguimiento_counts_and_reminders(
    client_coord, sent, actor_b, focal_b, ejercicio, django_capture_on_commit_callbacks
):
    response = client_coord.get(reverse("reporting:seguimiento"))
    rows = {
        a.sigla: (a.n_borrador, a.n_enviada, a.n_sent, a.n_focal)
        for a in response.context["actors"]
    }
    assert rows["INM"] == (0, 1, 1, 1)
    assert rows["NUEVO LEÓN"] == (0, 0, 0, 1)
    response = client_coord.get(reverse("reporting:seguimiento"), {"sin_envios": "on"})
    assert [a.sigla for a in response.context["actors"]] == ["NUEVO LEÓN"]

    url = reverse("reporting:send_reminders")
    response = client_coord.get(url)
    assert (response.status_code, response.url) == (302, reverse("reporting:seguimiento"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_coord.post(url, {"ejercicio": ejercicio.pk, "actors": [actor_b.pk]})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[focal_b.email]]
    assert "todavía no ha enviado fichas" in mail.outbox[0].body


# --- Issue 10 --------------------------------------------------------------------------------


def test_editorial_edit_emails_the_institution_once(
    client_coord, sent, focal_a, focal_a2, focal_b, django_capture_on_commit_callbacks
):
    edit_url = reverse("reporting:review_edit", args=[sent.pk])
    data = _edit_data(sent, nombre="Nombre corregido", edit_note="Ortografía.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_coord.post(edit_url, data).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([focal_a.email, focal_a2.email])
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "La UPMRIP corrigió el texto de su ficha técnica"
    assert "Nombre del programa:" in body and "Ahora: Nombre corregido" in body
    assert f"Antes: {sent.nombre}" in body and "Nota de la UPMRIP: Ortografía." in body
    event = FichaEvent.objects.get(ficha=sent, kind=FichaEventKind.EDIT)
    assert event.notified_at is not None
    # A twin task (or a rerun) finds nothing left to report.
    from reporting import notifications

    assert notifications.send_editorial_edits.call(sent.pk) == 0
    # Saving without a change writes no event and sends nothing.
    sent.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_coord.post(edit_url, _edit_data(sent))
    assert mail.outbox == []


def test_review_page_hides_the_version_counter_and_filters_subtemas(client_coord, sent):
    response = client_coord.get(reverse("reporting:review_ficha", args=[sent.pk]))
    html = response.content.decode()
    assert f"versión {sent.version}" not in html
    assert "Ejercicio 2024" in html
    # static/js/subtemas.js reads the eje of every subtema from the page.
    ejes = response.context["subtema_ejes"]
    assert ejes == dict(Subtema.objects.values_list("pk", "eje_id"))
    assert 'id="subtema-ejes"' in html and "js/subtemas.js" in html
    assert 'id="form-clasificar"' in html


def test_reminder_message_is_singular_for_one_institution(client_coord, sent, actor_b, ejercicio):
    response = client_coord.post(
        reverse("reporting:send_reminders"),
        {"ejercicio": ejercicio.pk, "actors": [actor_b.pk]},
        follow=True,
    )
    assert "Se envió el recordatorio a 1 institución." in response.content.decode()


def test_desk_links_to_the_word_import_that_coordinators_may_use(client_coord, ejercicio):
    response = client_coord.get(reverse("reporting:bandeja"))
    link = f'href="{reverse("reporting:docx_import")}" id="importar-word"'
    assert link in response.content.decode()
    # Coordinators import on behalf of an institution (docs/word.md).
    assert client_coord.get(reverse("reporting:docx_import")).status_code == 200


NOTE = "<b>Tabla 3</b> sin campo\nsegunda línea"


def test_review_page_shows_the_word_note_escaped_only_when_there_is_one(client_coord, sent):
    url = reverse("reporting:review_ficha", args=[sent.pk])
    assert 'id="texto-no-reconocido"' not in client_coord.get(url).content.decode()
    Ficha.objects.filter(pk=sent.pk).update(texto_no_reconocido=NOTE)
    page = client_coord.get(url).content.decode()
    assert 'id="texto-no-reconocido"' in page and "Texto no reconocido" in page
    assert "&lt;b&gt;Tabla 3&lt;/b&gt; sin campo<br>segunda línea" in page
    assert "<b>Tabla 3</b>" not in page


def test_focal_points_read_only_page_shows_the_word_note(client_a, sent):
    Ficha.objects.filter(pk=sent.pk).update(texto_no_reconocido=NOTE)
    page = client_a.get(reverse("reporting:ficha_edit", args=[sent.pk])).content.decode()
    assert 'id="solo-lectura"' in page  # sent: the read-only page
    assert 'id="texto-no-reconocido"' in page
    assert "&lt;b&gt;Tabla 3&lt;/b&gt; sin campo<br>segunda línea" in page
    # Read-only: no «Quitar la nota» button.
    assert 'id="quitar-nota"' not in page
