"""The Word pages (docs/word.md §W4): template, import (new drafts, preview and update, on
behalf of an institution), export, the «Texto no reconocido» note, and the bulk command."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from reporting.docx_reader import read_docx
from reporting.models import Ficha, FichaEvent, FichaEventKind
from reporting.resources import FichaResource
from tests import factories
from tests.reporting.test_docx import ANSWERS, RETOS, filled_template

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(name, *args):
    return reverse(f"reporting:{name}", args=args)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=DOCX)


def test_the_template_is_public_and_is_a_docx(client, ejercicio):
    response = client.get(url("docx_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "ficha-tecnica-pmm-2024.docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert "NOMBRE DEL PROGRAMA" in [c.text.split("\n")[0] for r in document.tables[0].rows
                                     for c in r.cells]  # fmt: skip


def test_mis_fichas_links_the_template_and_the_import(client_a, ejercicio, actor_a):
    ficha = factories.ficha(actor_a, ejercicio)
    page = client_a.get(url("mis_fichas")).content.decode()
    assert url("docx_template") in page and url("docx_import") in page
    assert url("docx_export", ficha.pk) in page


def test_a_focal_point_imports_files_as_new_drafts(client_a, ejercicio, actor_a, focal_a):
    good = filled_template(ejercicio)
    # No contact block in this one: the draft starts with the person's own, as «Nueva ficha».
    bare = filled_template(ejercicio, {k: "" for k in ANSWERS if k.startswith("contacto_")})
    response = client_a.post(
        url("docx_import"),
        {"archivos": [upload("uno.docx", good), upload("dos.docx", bare),
                      upload("tres.docx", b"%PDF-1.4 no es Word")]},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Se crearon 2 borradores." in page
    assert "tres.docx" in page and "es un PDF" in page
    fichas = list(Ficha.objects.filter(actor=actor_a).order_by("pk"))
    assert [f.nombre for f in fichas] == [ANSWERS["nombre"]] * 2
    assert all(f.status == "borrador" and f.created_by == focal_a for f in fichas)
    assert [r.texto for r in fichas[0].retos.all()] == RETOS
    assert fichas[0].contacto_correo == "laura.gomez@prueba.gob.mx"
    assert fichas[1].contacto_correo == focal_a.email
    assert all(f.texto_no_reconocido == "" for f in fichas)


def test_a_refused_upload_creates_nothing(client_a, ejercicio):
    before = Ficha.objects.count()
    response = client_a.post(url("docx_import"), {"archivos": [upload("x.docm", b"PK\x03\x04")]})
    assert response.status_code == 400
    assert "macros" in response.content.decode()
    empty = client_a.post(url("docx_import"), {})
    assert empty.status_code == 400 and "Elija uno o más archivos .docx." in empty.content.decode()
    assert Ficha.objects.count() == before


def test_word_problems_and_the_note_are_shown_and_the_note_cleared(client_a, ejercicio, actor_a):
    long_text = " ".join(["palabra"] * 200)
    content = filled_template(ejercicio, {"descripcion": long_text})
    document = docx.Document(io.BytesIO(content))
    document.add_paragraph("Un párrafo que no es de ningún campo.")
    saved = io.BytesIO()
    document.save(saved)
    response = client_a.post(url("docx_import"), {"archivos": [upload("f.docx", saved.getvalue())]})
    page = response.content.decode()
    assert "La sección «Descripción» tiene" in page and "Texto no reconocido" in page
    ficha = Ficha.objects.get(actor=actor_a)
    edit = client_a.get(url("ficha_edit", ficha.pk)).content.decode()
    assert 'id="texto-no-reconocido"' in edit and "Un párrafo que no es de ningún campo." in edit
    # Internal: not on the printable page, not in the ficha export.
    printed = client_a.get(url("ficha_print", ficha.pk)).content.decode()
    assert "Un párrafo que no es de ningún campo." not in printed
    assert "texto_no_reconocido" not in FichaResource().get_export_headers()
    version = ficha.version
    assert client_a.post(url("docx_note_clear", ficha.pk)).status_code == 302
    ficha.refresh_from_db()
    assert ficha.texto_no_reconocido == "" and ficha.version == version


def test_update_a_draft_after_the_preview(client_a, ejercicio, actor_a, focal_a):
    draft = factories.ficha(actor_a, ejercicio, nombre="Nombre anterior", retos=["Viejo reto."])
    content = filled_template(ejercicio, {"unidad": ""})
    response = client_a.post(
        url("docx_import"), {"archivos": [upload("nueva.docx", content)], "destino": draft.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="cambios"' in page and "Nombre anterior" in page and ANSWERS["nombre"] in page
    draft.refresh_from_db()
    assert draft.nombre == "Nombre anterior"  # nothing saved before the confirmation
    fields = response.context["fields"]
    data = _posted(fields) | {"archivo": ["nueva.docx"], "texto_no_reconocido": [""]}
    applied = client_a.post(url("docx_apply", draft.pk), data)
    assert applied.status_code == 302
    draft.refresh_from_db()
    assert draft.nombre == ANSWERS["nombre"] and draft.version == 2
    assert [r.texto for r in draft.retos.all()] == RETOS
    assert draft.contacto_nombre == "Laura Gómez Ruiz"
    event = FichaEvent.objects.get(ficha=draft, kind=FichaEventKind.EDIT)
    assert "nueva.docx" in event.note and "nombre" in event.changes
    # The same confirmation again: the draft moved on, nothing is changed twice.
    again = client_a.post(url("docx_apply", draft.pk), data)
    assert again.status_code == 302 and "?ficha=" in again["Location"]
    draft.refresh_from_db()
    assert draft.version == 2


def _posted(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_a_nul_sent_back_with_the_preview_is_dropped(client_a, ejercicio, actor_a):
    draft = factories.ficha(actor_a, ejercicio)
    response = client_a.post(
        url("docx_import"),
        {"archivos": [upload("n.docx", filled_template(ejercicio))], "destino": draft.pk},
    )
    data = _posted(response.context["fields"])
    data |= {"texto_no_reconocido": ["a\x00b"], "archivo": ["x\x00.docx"]}
    assert client_a.post(url("docx_apply", draft.pk), data).status_code == 302
    draft.refresh_from_db()
    assert draft.texto_no_reconocido == "ab" and draft.nombre == ANSWERS["nombre"]
    assert "«x.docx»" in FichaEvent.objects.get(ficha=draft, kind=FichaEventKind.EDIT).note


def test_another_institution_cannot_update_export_or_clear(client_b, ejercicio, actor_a):
    ficha = factories.ficha(actor_a, ejercicio)
    assert client_b.get(url("docx_export", ficha.pk)).status_code == 404
    assert client_b.post(url("docx_apply", ficha.pk), {"nombre": "x"}).status_code == 404
    assert client_b.post(url("docx_note_clear", ficha.pk)).status_code == 404
    response = client_b.post(
        url("docx_import"),
        {"archivos": [upload("a.docx", filled_template(ejercicio))], "destino": ficha.pk},
    )
    assert response.status_code == 400  # not among their drafts
    assert Ficha.objects.get(pk=ficha.pk).nombre == ficha.nombre


def test_export_of_a_ficha_reads_back_the_same(client_a, ejercicio, actor_a):
    ficha = factories.ficha(actor_a, ejercicio)
    response = client_a.get(url("docx_export", ficha.pk))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    parsed = read_docx(response.content, "f.docx", ejercicio=ejercicio)
    assert parsed.values["nombre"] == ficha.nombre
    assert parsed.values["contacto_correo"] == ficha.contacto_correo
    assert client_a.logout() is None
    assert client_a.get(url("docx_export", ficha.pk)).status_code == 302


def test_coordinators_import_on_behalf_of_an_institution(
    client_coord, ejercicio, actor_b, coordinator
):
    page = client_coord.get(url("docx_import"))
    assert page.status_code == 200 and 'name="actor"' in page.content.decode()
    missing = client_coord.post(url("docx_import"), {"archivos": [upload("a.docx", b"x")]})
    assert missing.status_code == 400
    response = client_coord.post(
        url("docx_import"),
        {"archivos": [upload("a.docx", filled_template(ejercicio))], "actor": actor_b.pk},
    )
    assert response.status_code == 200
    ficha = Ficha.objects.get(actor=actor_b)
    assert ficha.created_by == coordinator and ficha.status == "borrador"
    assert client_coord.get(url("docx_export", ficha.pk)).status_code == 200


def test_the_bulk_command(ejercicio, actor_a, tmp_path):
    good = tmp_path / "buena.docx"
    good.write_bytes(filled_template(ejercicio))
    bad = tmp_path / "mala.docx"
    bad.write_bytes(b"%PDF-1.7")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 de 2 archivos rechazados"):
        call_command(
            "import_ficha_docx", "--year", "2024", "--actor", "inm", str(good), str(bad),
            stdout=out, stderr=err,
        )  # fmt: skip
    ficha = Ficha.objects.get(actor=actor_a)
    assert f"buena.docx: borrador {ficha.pk}" in out.getvalue()
    assert "mala.docx: rechazado" in err.getvalue()
    assert ficha.created_by is None and ficha.nombre == ANSWERS["nombre"]
    with pytest.raises(CommandError, match="No existe la institución"):
        call_command("import_ficha_docx", "--year", "2024", "--actor", "NADA", str(good))
