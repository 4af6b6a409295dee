"""``manage.py import_compendio … --publish`` (docs/open-data.md §R3): the 2023 edition of
seed 003 becomes a published Compendio version and its public record."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfWriter

from compendium.models import BuildStatus, Document, PublicationBuild, PublishedProgram
from reporting.models import Ficha
from tests.conftest import SEED_003


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_compendio", *args, stdout=out)
    return out.getvalue()


@pytest.mark.slow
def test_import_with_publish_makes_2023_public(db, client, seed_003_text, media) -> None:
    original = media / "original.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_blank_page(width=612, height=792)
    writer.write(original)
    out = run(str(SEED_003), "--year", "2023", "--publish", "--pdf", str(original))
    assert "Publicado: Compendio General 2023, versión 1, con el PDF original" in out
    assert "356 programas en el registro público" in out

    build = PublicationBuild.objects.get(document=Document.COMPENDIO, draft=False)
    assert (build.status, build.version, build.size) == (
        BuildStatus.DONE,
        1,
        original.stat().st_size,
    )
    assert build.file.read() == original.read_bytes()
    assert build.pages == 2
    assert PublishedProgram.objects.filter(page__isnull=False).count() == 0  # no anchors
    assert build.public_figures["participation"]["fichas"] == 356
    assert Ficha.objects.filter(published_at__isnull=True).count() == 0
    assert PublishedProgram.objects.filter(year=2023).count() == 356
    assert PublishedProgram.objects.filter(year=2023, objetivo=7).count() == 43
    assert PublishedProgram.objects.filter(year=2023, chapter=2).count() == 151
    assert PublishedProgram.objects.filter(siglas__contains="|SRE|").count() == 37

    page = client.get(reverse("compendium:programs"), {"anio": 2023, "objetivo": 7})
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == 43
    assert "43 programas" in page.content.decode()
    # The original PDF has no named destinations: program pages link to the file itself.
    program = client.get(reverse("compendium:program", args=[2023, 1]))
    assert program.status_code == 200
    pdf = reverse("compendium:public_download", args=[2023, "compendio", 1])
    assert f'href="{pdf}"' in program.content.decode()
    dashboard = client.get(reverse("compendium:dashboard", args=[2023]))
    assert dashboard.status_code == 200
    assert "no están clasificados por ODS" in dashboard.content.decode()
    download = client.get(reverse("compendium:public_download", args=[2023, "compendio", 1]))
    assert download.status_code == 200


def test_pdf_needs_publish_and_must_be_a_pdf(db, tmp_path) -> None:
    text = tmp_path / "c.txt"
    text.write_text("x", encoding="utf-8")
    fake = tmp_path / "f.pdf"
    fake.write_bytes(b"not a pdf")
    with pytest.raises(CommandError, match="sólo tiene sentido con --publish"):
        run(str(text), "--year", "2023", "--pdf", str(fake))
    with pytest.raises(CommandError, match="no es un archivo PDF"):
        run(str(text), "--year", "2023", "--publish", "--pdf", str(fake))
    assert not PublicationBuild.objects.exists()
