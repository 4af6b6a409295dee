"""The editions page: coordinators only; drafts downloadable by coordinators only."""

import pytest
from django.urls import reverse

from compendium.editions import create_edicion
from compendium.models import BuildStatus, Document, Edicion, PublicationBuild


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def edicion(ejercicio, coordinator):
    return create_edicion(ejercicio=ejercicio, by=coordinator)


def form_data(edicion: Edicion, **changes) -> dict:
    from compendium.editions import TEXT_FIELDS

    return {**{name: getattr(edicion, name) for name in TEXT_FIELDS}, **changes}


def test_list_shows_exercises_with_and_without_edition(client_coord, edicion) -> None:
    from tests import factories

    factories.ejercicio(2025)
    response = client_coord.get(reverse("compendium:editions"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("compendium:edition_edit", args=[edicion.pk]) in body
    assert reverse("compendium:edition_create", args=[2025]) in body


def test_create_proposes_defaults_and_saves(client_coord, ejercicio) -> None:
    url = reverse("compendium:edition_create", args=[ejercicio.year])
    response = client_coord.get(url)
    form = response.context["form"]
    assert form["title"].value() == "Compendio General 2024"
    assert form["date_line"].value().startswith("Ciudad de México a ")
    assert "{periodo}" in form["introduction"].value()

    data = {name: form[name].value() or "" for name in form.fields}
    data["title"] = "Compendio General 2024 (edición especial)"
    response = client_coord.post(url, data)
    edicion = Edicion.objects.get(ejercicio=ejercicio)
    assert response.status_code == 302
    assert response["Location"] == reverse("compendium:edition_edit", args=[edicion.pk])
    assert edicion.title == "Compendio General 2024 (edición especial)"
    assert edicion.authorities.startswith("Secretaría de Gobernación\nLUISA MARÍA ALCALDE LUJÁN |")


def test_edit_saves_texts_and_keeps_input_on_error(client_coord, edicion) -> None:
    url = reverse("compendium:edition_edit", args=[edicion.pk])
    response = client_coord.post(url, form_data(edicion, conclusiones="Conclusiones nuevas."))
    assert response.status_code == 302
    edicion.refresh_from_db()
    assert edicion.conclusiones == "Conclusiones nuevas."

    bad = form_data(edicion, introduction="Sin periodo.", preambulo="Texto que no se pierde")
    response = client_coord.post(url, bad)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="resumen-errores"' in body
    assert "Incluya {periodo}" in body
    assert "Texto que no se pierde" in body
    edicion.refresh_from_db()
    assert "{periodo}" in edicion.introduction


@pytest.mark.slow
def test_generate_draft_then_download(client_coord, edicion, media) -> None:
    url = reverse("compendium:build_request", args=[edicion.pk, "compendio"])
    response = client_coord.post(url)
    assert response.status_code == 302
    build = PublicationBuild.objects.get()
    # ImmediateBackend (tests/conftest.py): the task ran inside the request.
    assert (build.document, build.draft, build.status) == ("compendio", True, BuildStatus.DONE)

    page = client_coord.get(reverse("compendium:edition_edit", args=[edicion.pk])).content
    assert reverse("compendium:build_download", args=[build.pk]).encode() in page
    status = client_coord.get(reverse("compendium:build_status", args=[build.pk]))
    assert "Terminado" in status.content.decode() and "hx-trigger" not in status.content.decode()
    download = client_coord.get(reverse("compendium:build_download", args=[build.pk]))
    assert download["Content-Disposition"] == (
        'attachment; filename="Compendio-General-2024-borrador.pdf"'
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_status_panel_polls_while_queued(client_coord, edicion) -> None:
    build = PublicationBuild.objects.create(
        edicion=edicion, document=Document.INFORME, progress="Maquetando las páginas"
    )
    body = client_coord.get(reverse("compendium:build_status", args=[build.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "En cola" in body and "Maquetando las páginas" in body


def test_failed_build_shows_its_reason(client_coord, edicion) -> None:
    build = PublicationBuild.objects.create(
        edicion=edicion, document=Document.COMPENDIO, status=BuildStatus.FAILED, error="Sin fuente"
    )
    body = client_coord.get(reverse("compendium:build_status", args=[build.pk])).content.decode()
    assert "No se pudo generar el PDF: Sin fuente" in body


def test_unknown_document_is_404(client_coord, edicion) -> None:
    url = reverse("compendium:build_request", args=[edicion.pk, "otro"])
    assert client_coord.post(url).status_code == 404
    assert PublicationBuild.objects.count() == 0


@pytest.mark.parametrize("name", ["build_request", "build_publish"])
def test_write_views_send_a_get_to_the_documents_panel(client_coord, edicion, name) -> None:
    # Reloading the address of a POST (or following an old link) lands on the page, never 405.
    response = client_coord.get(reverse(f"compendium:{name}", args=[edicion.pk, "informe"]))
    assert response.status_code in (302, 303)
    assert response["Location"] == (
        reverse("compendium:edition_edit", args=[edicion.pk]) + "#documento-informe"
    )
    assert PublicationBuild.objects.count() == 0


def _urls(edicion: Edicion, build: PublicationBuild) -> list[tuple[str, str]]:
    return [
        ("get", reverse("compendium:editions")),
        ("get", reverse("compendium:edition_create", args=[2024])),
        ("get", reverse("compendium:edition_edit", args=[edicion.pk])),
        ("post", reverse("compendium:edition_edit", args=[edicion.pk])),
        ("post", reverse("compendium:build_request", args=[edicion.pk, "compendio"])),
        ("post", reverse("compendium:build_publish", args=[edicion.pk, "compendio"])),
        ("get", reverse("compendium:build_status", args=[build.pk])),
        ("get", reverse("compendium:build_download", args=[build.pk])),
    ]


def test_focal_points_get_404_and_change_nothing(client_a, edicion) -> None:
    build = PublicationBuild.objects.create(
        edicion=edicion, document=Document.COMPENDIO, status=BuildStatus.DONE, file="x.pdf"
    )
    for method, url in _urls(edicion, build):
        assert getattr(client_a, method)(url).status_code == 404, url
    assert PublicationBuild.objects.count() == 1
    edicion.refresh_from_db()
    assert edicion.title == "Compendio General 2024"


def test_anonymous_goes_to_login(client, edicion) -> None:
    build = PublicationBuild.objects.create(edicion=edicion, document=Document.COMPENDIO)
    for method, url in _urls(edicion, build):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url
    assert PublicationBuild.objects.count() == 1


def test_publishing_needs_an_explicit_confirmation(client_coord, edicion, media) -> None:
    url = reverse("compendium:build_publish", args=[edicion.pk, "informe"])
    response = client_coord.post(url, follow=True)
    assert "Marque la casilla de confirmación para publicar." in response.content.decode()
    assert PublicationBuild.objects.count() == 0

    # The edition's Informe texts are blank: blocking findings ask for a reason (issue 12).
    response = client_coord.post(url, {"confirmar": "1"}, follow=True)
    assert "escriba el motivo" in response.content.decode()
    assert PublicationBuild.objects.count() == 0
    client_coord.post(url, {"confirmar": "1", "motivo": "Prueba del flujo."})
    published = PublicationBuild.objects.get()
    assert (published.document, published.draft, published.version) == ("informe", False, 1)
    assert published.status == BuildStatus.DONE


# --- Publishing is about documents, not about the year (issue 10) ------------------------------


def _in_progress_world(ejercicio, actor_a, actor_b, focal_a, coordinator):
    """One approved ficha, one returned («observada») and one draft."""
    from reporting import workflow
    from reporting.models import FichaStatus, ObjetivoPMM
    from tests import factories

    approved = factories.ficha(
        actor_a,
        ejercicio,
        nombre="Programa aprobado",
        status=FichaStatus.APROBADA,
        objetivo_asignado=ObjetivoPMM.objects.get(number=7),
    )
    returned = factories.ficha(actor_a, ejercicio, nombre="Programa observado")
    workflow.submit(returned, by=focal_a)
    workflow.return_for_changes(returned, by=coordinator, note="Falta el periodo.")
    draft = factories.ficha(actor_b, ejercicio, nombre="Programa en borrador")
    return approved, returned, draft


def test_publish_confirmation_lists_the_fichas_in_progress(
    client_coord, edicion, actor_a, actor_b, focal_a, coordinator
) -> None:
    _in_progress_world(edicion.ejercicio, actor_a, actor_b, focal_a, coordinator)
    response = client_coord.get(reverse("compendium:edition_edit", args=[edicion.pk]))
    html = response.content.decode()
    assert (
        "2 fichas de este ejercicio siguen en proceso (sin aprobar): "
        "no estarán en lo que se publique ahora."
    ) in html
    rows = [(f.actor.name, f.nombre, f.status) for f in response.context["in_progress"]]
    assert rows == [
        ("Gobierno del Estado de Nuevo León", "Programa en borrador", "borrador"),
        ("Instituto Nacional de Migración", "Programa observado", "observada"),
    ]
    table = html.split('id="fichas-en-proceso"')[1].split("</table>")[0]
    assert "Programa observado" in table and "Instituto Nacional de Migración" in table
    assert "Programa aprobado" not in table
    # Each publish checkbox (one per document) points at the warning.
    assert html.count('aria-describedby="aviso-en-proceso"') == len(Document.values)


def test_publish_confirmation_says_nothing_when_all_are_approved(client_coord, edicion) -> None:
    html = client_coord.get(reverse("compendium:edition_edit", args=[edicion.pk])).content.decode()
    assert "siguen en proceso" not in html and "sigue en proceso" not in html
    assert "aviso-en-proceso" not in html


def test_polled_panel_never_contradicts_itself(client_coord, edicion) -> None:
    """While publishing, the panel polls; once done the version is listed, not «Terminado»."""
    from django.utils import timezone

    build = PublicationBuild.objects.create(
        edicion=edicion, document=Document.COMPENDIO, draft=False, version=1
    )
    url = reverse("compendium:build_status", args=[build.pk])
    body = client_coord.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in body and 'id="estado-compendio"' in body
    assert "Versión publicada 1" in body
    assert "Todavía no hay versiones publicadas." in body

    PublicationBuild.objects.filter(pk=build.pk).update(
        status=BuildStatus.DONE, published_at=timezone.now(), pages=12, file="x.pdf"
    )
    body = client_coord.get(url).content.decode()
    assert "hx-trigger" not in body
    assert "Versión publicada 1" not in body
    assert "Todavía no hay versiones publicadas." not in body
    assert "Versión 1, publicada el" in body and "(12 páginas)" in body
    # The full page shows the same panel.
    page = client_coord.get(reverse("compendium:edition_edit", args=[edicion.pk])).content
    assert "Todavía no hay versiones publicadas.".encode() in page  # the Informe's panel
    assert page.decode().count("Versión 1, publicada el") == 1


def test_polled_panel_keeps_polling_while_a_draft_runs_beside_a_finished_version(
    client_coord, edicion
) -> None:
    from django.utils import timezone

    PublicationBuild.objects.create(
        edicion=edicion,
        document=Document.INFORME,
        draft=False,
        version=1,
        status=BuildStatus.DONE,
        published_at=timezone.now(),
        file="v1.pdf",
    )
    draft = PublicationBuild.objects.create(edicion=edicion, document=Document.INFORME)
    body = client_coord.get(reverse("compendium:build_status", args=[draft.pk])).content.decode()
    assert f'hx-get="{reverse("compendium:build_status", args=[draft.pk])}"' in body
    assert "Versión 1, publicada el" in body


@pytest.mark.slow
def test_publishing_while_open_keeps_the_exercise_open_for_institutions(
    client_coord, client_a, edicion, media, actor_a, actor_b, focal_a, coordinator
) -> None:
    from django.contrib.admin.models import LogEntry

    from reporting.models import EjercicioStatus, FichaStatus
    from tests.reporting.test_fichas_views import form_data

    approved, returned, _draft = _in_progress_world(
        edicion.ejercicio, actor_a, actor_b, focal_a, coordinator
    )
    url = reverse("compendium:build_publish", args=[edicion.pk, "compendio"])
    client_coord.post(url, {"confirmar": "1"})
    published = PublicationBuild.objects.get(draft=False)
    assert (published.status, published.version) == (BuildStatus.DONE, 1)
    approved.refresh_from_db()
    assert approved.published_at == published.published_at

    ejercicio = edicion.ejercicio
    ejercicio.refresh_from_db()
    assert ejercicio.status == EjercicioStatus.ABIERTO
    assert not LogEntry.objects.filter(object_repr=str(ejercicio)).exists()

    # The returned ficha can still be corrected and sent again by its institution.
    returned.refresh_from_db()
    edit = reverse("reporting:ficha_edit", args=[returned.pk])
    assert client_a.get(edit).status_code == 200
    data = form_data(returned, retos=(), nombre="Programa observado, corregido")
    response = client_a.post(reverse("reporting:ficha_submit", args=[returned.pk]), data)
    assert response.status_code == 302
    returned.refresh_from_db()
    assert (returned.status, returned.nombre) == (
        FichaStatus.ENVIADA,
        "Programa observado, corregido",
    )
    assert returned.published_at is None
    # «Mis fichas» still shows the 2024 exercise, open.
    page = client_a.get(reverse("reporting:mis_fichas"))
    assert page.context["ejercicio"] == ejercicio and page.context["ejercicio"].is_open


def test_public_home_shows_the_latest_published_edition_not_the_open_exercise(
    client, edicion, media
) -> None:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reporting.models import EjercicioStatus
    from tests import factories

    factories.ejercicio(2025, status=EjercicioStatus.PREPARACION)
    response = client.get(reverse("home"))
    assert (response.context["latest"], response.context["ejercicio"]) == (None, None)

    build = PublicationBuild.objects.create(
        edicion=edicion,
        document=Document.COMPENDIO,
        draft=False,
        version=1,
        status=BuildStatus.DONE,
        published_at=timezone.now(),
    )
    build.file.save("compendio-2024-v1.pdf", ContentFile(b"%PDF-1.4"))
    factories.ejercicio(2026, status=EjercicioStatus.ABIERTO)
    response = client.get(reverse("home"))
    assert response.context["ejercicio"] == edicion.ejercicio
    html = response.content.decode()
    assert "Publicaciones del ejercicio 2024" in html
    assert "Ejercicio 2024: periodo de reporte" in html
    assert "jercicio 2025" not in html and "jercicio 2026" not in html
