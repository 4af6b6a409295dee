"""The English Informe as a document of the edition: builds, versions, publication, download
name (docs/english-edition.md §E3). The PDF step is replaced (the one real English PDF is built
in test_english_informe.py)."""

import pytest

from compendium import builds
from compendium.editions import create_edicion
from compendium.models import BuildStatus, Document
from compendium.views.public import download_name
from reporting.models import FichaStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(monkeypatch, settings, tmp_path):
    """The HTML each build rendered, by document; the «PDF» is a stub file of one page."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seen: dict[str, str] = {}

    def fake_pdf(html, *, target, draft, progress=None, document=Document.COMPENDIO, scope=None):
        seen[document] = html
        target.write_bytes(b"%PDF-1.7 stub")
        return 1

    monkeypatch.setattr(builds, "render_pdf", fake_pdf)
    return seen


def test_english_informe_is_built_and_published_on_its_own(
    rendered, ejercicio, actor_a, coordinator
) -> None:
    factories.ficha(actor_a, ejercicio, status=FichaStatus.APROBADA, objetivo_asignado_id=15)
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)

    draft = builds.request_build(edicion, Document.INFORME_EN, draft=True, by=coordinator)
    draft.refresh_from_db()
    assert draft.status == BuildStatus.DONE, draft.error
    assert (
        draft.file.name == f"publicaciones/2024/borradores/informe_en-2024-borrador-{draft.pk}.pdf"
    )
    html = rendered[Document.INFORME_EN]
    assert '<html lang="en">' in html and "Provide access to basic services for migrants" in html

    english = builds.publish(edicion, Document.INFORME_EN, by=coordinator)
    spanish = builds.publish(edicion, Document.INFORME, by=coordinator)
    english.refresh_from_db()
    spanish.refresh_from_db()
    assert (english.version, spanish.version) == (1, 1)  # each document numbers its versions
    assert english.file.name == "publicaciones/2024/informe_en-2024-v1.pdf"
    assert download_name(english) == "informe-ejecutivo-ingles-2024-v1.pdf"
    assert '<html lang="es-MX">' in rendered[Document.INFORME]
