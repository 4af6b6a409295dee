"""Publishing a document with blocking findings asks for a written reason, kept in the audit
(issue 12, docs/pre-publication-check.md §K4)."""

import pytest
from django.urls import reverse

from compendium.checks import INFORME_TEXTS
from compendium.editions import create_edicion
from compendium.models import BuildStatus, Edicion, PublicationBuild
from reporting.audit import history_of

INFORME_FIELDS = [name for name, _label in INFORME_TEXTS]


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


def test_edition_page_counts_blocking_findings_afresh_and_publishing_checks_again(
    client_coord, ejercicio, coordinator, media, settings
) -> None:
    """No stored verdict (docs/pre-publication-check.md §K1, §K4): a change that creates or
    removes a blocking finding shows on the next load, and publishing checks at that moment."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    page_url = reverse("compendium:edition_edit", args=[edicion.pk])

    def page() -> str:
        return client_coord.get(page_url).content.decode()

    assert "5 hallazgos bloquean la publicación." in page()
    texts = {name: "Texto." for name in INFORME_FIELDS}
    Edicion.objects.filter(pk=edicion.pk).update(**texts)
    html = page()
    assert "ningún hallazgo bloquea la publicación." in html
    assert 'id="motivo-informe"' not in html
    # The page was loaded without blocking findings; the conclusions are blanked meanwhile.
    Edicion.objects.filter(pk=edicion.pk).update(conclusiones="")
    url = reverse("compendium:build_publish", args=[edicion.pk, "informe"])
    refused = client_coord.post(url, {"confirmar": "1"}, follow=True)
    assert "1 hallazgo que bloquea la publicación" in refused.content.decode()
    assert not PublicationBuild.objects.exists()
    assert "1 hallazgo bloquea la publicación." in page()
    Edicion.objects.filter(pk=edicion.pk).update(conclusiones="Texto.")
    client_coord.post(url, {"confirmar": "1"})
    assert PublicationBuild.objects.get().document == "informe"
