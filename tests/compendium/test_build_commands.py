import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from compendium.documents import render_document
from compendium.editions import default_texts
from compendium.models import Document, Edicion
from reporting.models import Ficha
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def approved(actor_a, ejercicio):
    f = factories.ficha(actor_a, ejercicio, nombre="Programa Héroes Paisanos")
    Ficha.objects.filter(pk=f.pk).update(status="aprobada", objetivo_asignado=7)
    return f


@pytest.mark.parametrize(
    ("command", "title", "document"),
    [
        ("build_compendio", "Compendio General", Document.COMPENDIO),
        ("build_informe", "Informe Ejecutivo", Document.INFORME),
    ],
)
def test_command_writes_the_pdf_without_saving_an_edition(
    approved, ejercicio, tmp_path, command, title, document
):
    out, html = tmp_path / "doc.pdf", tmp_path / "doc.html"
    stdout = io.StringIO()
    call_command(command, year=2024, output=out, html=html, draft=True, stdout=stdout)
    reader = PdfReader(out)
    assert stdout.getvalue().startswith(f"{title} 2024: {len(reader.pages)} páginas")
    assert "Versión preliminar" in reader.pages[-1].extract_text()
    # Both documents name the participating institution (the Informe in its annex).
    assert "Instituto Nacional de Migración" in html.read_text(encoding="utf-8")
    # The HTML the worker would build for the same (default) edition, byte for byte.
    edicion = Edicion(ejercicio=ejercicio, **default_texts(ejercicio))
    assert html.read_text(encoding="utf-8") == render_document(edicion, document, draft=True).html
    assert not (tmp_path / "doc.pdf.part").exists()
    assert not Edicion.objects.exists()


def test_unknown_year_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="No existe el ejercicio 1999"):
        call_command("build_informe", year=1999, output=tmp_path / "x.pdf")
