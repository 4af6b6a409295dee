"""Publishing a document with blocking findings asks for a written reason, kept in the audit
(issue 12, docs/pre-publication-check.md §K4)."""

import pytest
from django.urls import reverse

from compendium.editions import create_edicion
from compendium.models import BuildStatus, PublicationBuild
from reporting.audit import history_of


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_publish_with_blocking_findings_needs_a_reason_recorded_in_the_audit(
    client_coord, ejercicio, coordinator, media, settings
) -> None:
    # The build stays queued: this test is about the reason, not the PDF.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    # A new edition: the Informe's preamble, analyses and conclusions are blank (blocking).
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    page = client_coord.get(reverse("compendium:edition_edit", args=[edicion.pk])).content.decode()
    assert 'name="motivo" id="motivo-informe"' in page
    assert 'id="motivo-compendio"' not in page  # the Compendio has nothing blocking
    assert reverse("compendium:edition_check", args=[edicion.pk]) in page

    url = reverse("compendium:build_publish", args=[edicion.pk, "informe"])
    refused = client_coord.post(url, {"confirmar": "1", "motivo": "  "}, follow=True)
    assert "5 hallazgos que bloquean la publicación" in refused.content.decode()
    assert not PublicationBuild.objects.exists()

    reason = "Se publica para la reunión del Consejo; los textos se agregan en la versión 2."
    client_coord.post(url, {"confirmar": "1", "motivo": reason})
    build = PublicationBuild.objects.get()
    assert (build.document, build.version, build.status) == ("informe", 1, BuildStatus.QUEUED)
    entries = [e.change_message for e in history_of(edicion)]
    assert any("versión 1, con hallazgos bloqueantes" in m and reason in m for m in entries)


def test_check_page_lists_findings_with_links(client_coord, ejercicio, coordinator) -> None:
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    page = client_coord.get(reverse("compendium:edition_check", args=[edicion.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Secciones del Informe sin texto (5)" in html
    assert f'href="/ediciones/{edicion.pk}/#textos"' in html
    assert "Bloquea" in html
