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
def test_write_views_reject_get(client_coord, edicion, name) -> None:
    response = client_coord.get(reverse(f"compendium:{name}", args=[edicion.pk, "compendio"]))
    assert response.status_code == 405
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

    client_coord.post(url, {"confirmar": "1"})
    published = PublicationBuild.objects.get()
    assert (published.document, published.draft, published.version) == ("informe", False, 1)
    assert published.status == BuildStatus.DONE
