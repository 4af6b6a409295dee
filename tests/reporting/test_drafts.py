"""Focal points manage their own drafts (issue 10): delete (and restore for 30 days), purge,
duplicate with confirmation, download the year as XLSX, print one ficha or get it as PDF.

Each write view: it works, a GET lands on a page (never a bare 405), the outsider gets 404, a
read-only person gets 403, and nothing is lost.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reporting import editing, notifications, review, workflow
from reporting.models import (
    EjercicioStatus,
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    ObjetivoPMM,
)
from reporting.resources import FichaResource
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/cuentas/login/"


def url(name, *args):
    return reverse(f"reporting:{name}", args=args)


@pytest.fixture
def draft_a(actor_a, ejercicio):
    return factories.ficha(
        actor_a, ejercicio, nombre="Borrador de prueba", retos=["Reto uno.", "Reto dos."]
    )


def deleted_at(ficha):
    return Ficha.all_objects.get(pk=ficha.pk).deleted_at


# --- Delete ------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_hides_the_draft_everywhere(
    client_a, draft_a, actor_a, focal_a, ejercicio
):
    kept = factories.ficha(actor_a, ejercicio, nombre="Otra ficha")
    page = client_a.get(url("ficha_delete", draft_a.pk))
    assert page.status_code == 200
    assert "¿Eliminar el borrador «Borrador de prueba»?" in page.content.decode()
    assert deleted_at(draft_a) is None  # the GET changed nothing

    response = client_a.post(url("ficha_delete", draft_a.pk))
    assert response.url == url("mis_fichas")
    assert deleted_at(draft_a) is not None
    event = FichaEvent.objects.get(ficha=draft_a, kind=FichaEventKind.EDIT)
    assert (event.by, event.note) == (
        focal_a,
        "Borrador eliminado; se puede restaurar durante 30 días.",
    )
    assert list(event.changes) == ["deleted_at"]

    mis = client_a.get(url("mis_fichas"))
    html = mis.content.decode()
    assert [f.pk for f in mis.context["fichas"]] == [kept.pk]
    assert mis.context["pending"] == 1
    assert "Se eliminó el borrador «Borrador de prueba». Puede restaurarlo" in html
    assert "Borrador de prueba" not in html.split("<tbody>")[1]
    assert f'href="{url("fichas_deleted")}"' in html and "Fichas eliminadas (1)" in html
    # The ficha's own pages are gone for everybody.
    assert client_a.get(url("ficha_edit", draft_a.pk)).status_code == 404
    assert client_a.post(url("ficha_autosave", draft_a.pk), {}).status_code == 404
    assert client_a.get(url("ficha_print", draft_a.pk)).status_code == 404
    assert client_a.get(url("ficha_duplicate", draft_a.pk)).status_code == 404
    assert client_a.get(url("ficha_delete", draft_a.pk)).status_code == 404


def test_deleted_drafts_never_count_as_pending(
    client_a, client_coord, draft_a, actor_a, focal_a, ejercicio, django_capture_on_commit_callbacks
):
    editing.delete_draft(draft_a, by=focal_a)
    # The tracker: the institution owes nothing; the desk: nothing to list.
    follow_up = {a.sigla: a for a in review.follow_up(ejercicio)}
    assert (follow_up["INM"].n_borrador, follow_up["INM"].n_total) == (0, 0)
    filters = review.DeskFilters(ejercicio=ejercicio)
    assert review.status_counts(filters)["total"] == 0
    assert list(review.desk_fichas(filters)) == []
    desk = client_coord.get(url("bandeja"))
    assert desk.context["total"] == 0
    # The reminder counts what is still owed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.remind_institutions(ejercicio=ejercicio, actors=[actor_a], by=focal_a)
    assert len(mail.outbox) == 1
    assert "en borrador" not in mail.outbox[0].body
    # And the coordinator cannot open it either.
    assert client_coord.get(url("review_ficha", draft_a.pk)).status_code == 404


def test_a_deleted_draft_of_last_year_cannot_be_carried_over(client_a, actor_a, focal_a, ejercicio):
    old = factories.ejercicio(2023, status=EjercicioStatus.ABIERTO)
    gone = factories.ficha(actor_a, old, nombre="Borrador 2023 eliminado")
    kept = factories.ficha(actor_a, old, nombre="Programa 2023")
    editing.delete_draft(gone, by=focal_a)
    old.status = EjercicioStatus.CERRADO
    old.save()
    page = client_a.get(url("carry_over"))
    assert "Programa 2023" in page.content.decode()
    assert "Borrador 2023 eliminado" not in page.content.decode()
    response = client_a.post(url("carry_over"), {"fichas": [str(gone.pk), str(kept.pk)]})
    assert response.status_code == 200  # an invalid choice: nothing copied
    assert not Ficha.objects.filter(ejercicio=ejercicio).exists()


@pytest.mark.parametrize("status", ["enviada", "observada", "aprobada"])
def test_a_sent_ficha_can_never_be_deleted(
    status, client_a, draft_a, focal_a, coordinator, ejercicio
):
    workflow.submit(draft_a, by=focal_a)
    if status == "observada":
        workflow.return_for_changes(draft_a, by=coordinator, note="Revise el nombre.")
    elif status == "aprobada":
        workflow.approve(draft_a, by=coordinator, objective=ObjetivoPMM.objects.get(pk=7))
    draft_a.refresh_from_db()
    assert draft_a.status == status
    for method in (client_a.get, client_a.post):
        response = method(url("ficha_delete", draft_a.pk))
        assert response.status_code == 403
        assert "Sólo se puede eliminar un borrador" in response.content.decode()
    with pytest.raises(editing.DraftRefused):
        editing.delete_draft(draft_a, by=focal_a)
    assert deleted_at(draft_a) is None
    assert "Eliminar" not in client_a.get(url("mis_fichas")).content.decode().split("<tbody>")[1]


def test_delete_outsiders_get_404_and_closed_exercise_403(
    client_a, client_b, client_coord, client, draft_a, ejercicio
):
    for c in (client_b, client_coord):
        assert c.get(url("ficha_delete", draft_a.pk)).status_code == 404
        assert c.post(url("ficha_delete", draft_a.pk)).status_code == 404
    response = client.post(url("ficha_delete", draft_a.pk))
    assert response.url.startswith(LOGIN)
    ejercicio.status = EjercicioStatus.CERRADO
    ejercicio.save()
    response = client_a.post(url("ficha_delete", draft_a.pk))
    assert response.status_code == 403
    assert "El ejercicio está cerrado" in response.content.decode()
    assert deleted_at(draft_a) is None


def test_a_second_focal_point_of_the_institution_may_delete(client_a2, draft_a):
    assert client_a2.post(url("ficha_delete", draft_a.pk)).status_code == 302
    assert deleted_at(draft_a) is not None


# --- Restore -----------------------------------------------------------------------------------


def test_restore_brings_back_the_same_draft(client_a, draft_a, focal_a):
    before = (draft_a.nombre, draft_a.version, draft_a.descripcion, draft_a.contacto_correo)
    retos = [r.texto for r in draft_a.retos.all()]
    propuestos = list(draft_a.objetivos_propuestos.values_list("pk", flat=True))
    client_a.post(url("ficha_delete", draft_a.pk))

    page = client_a.get(url("fichas_deleted"))
    html = page.content.decode()
    assert [row["ficha"].pk for row in page.context["rows"]] == [draft_a.pk]
    assert f'action="{url("ficha_restore", draft_a.pk)}"' in html and "Restaurar" in html

    response = client_a.post(url("ficha_restore", draft_a.pk))
    assert response.url == url("ficha_edit", draft_a.pk)
    restored = Ficha.objects.get(pk=draft_a.pk)
    after = (restored.nombre, restored.version, restored.descripcion, restored.contacto_correo)
    assert after == before
    assert [r.texto for r in restored.retos.all()] == retos
    assert list(restored.objetivos_propuestos.values_list("pk", flat=True)) == propuestos
    assert restored.status == FichaStatus.BORRADOR and restored.deleted_at is None
    notes = list(
        FichaEvent.objects.filter(ficha=draft_a, kind=FichaEventKind.EDIT).values_list(
            "note", flat=True
        )
    )
    assert notes == [
        "Borrador eliminado; se puede restaurar durante 30 días.",
        "Borrador restaurado.",
    ]
    # The institution's history says so.
    history = client_a.get(url("ficha_edit", draft_a.pk)).content.decode()
    assert "Borrador eliminado" in history and "Borrador restaurado." in history
    assert draft_a.pk in [f.pk for f in client_a.get(url("mis_fichas")).context["fichas"]]


def test_restore_get_lands_on_the_list_and_outsiders_get_404(
    client_a, client_b, client_coord, client, draft_a, focal_a
):
    editing.delete_draft(draft_a, by=focal_a)
    response = client_a.get(url("ficha_restore", draft_a.pk))
    assert (response.status_code, response.url) == (302, url("fichas_deleted"))
    assert deleted_at(draft_a) is not None
    for c in (client_b, client_coord):
        assert c.post(url("ficha_restore", draft_a.pk)).status_code == 404
    assert client_coord.get(url("fichas_deleted")).status_code == 404
    assert client_b.get(url("fichas_deleted")).context["rows"] == []
    assert client.post(url("ficha_restore", draft_a.pk)).url.startswith(LOGIN)
    # A ficha that is not deleted is not in the list of deleted ones.
    other = factories.ficha(draft_a.actor, draft_a.ejercicio)
    assert client_a.post(url("ficha_restore", other.pk)).status_code == 404
    assert deleted_at(draft_a) is not None


def test_restore_is_refused_in_a_closed_exercise(client_a, draft_a, focal_a, ejercicio):
    editing.delete_draft(draft_a, by=focal_a)
    ejercicio.status = EjercicioStatus.CERRADO
    ejercicio.save()
    assert "Ejercicio cerrado" in client_a.get(url("fichas_deleted")).content.decode()
    response = client_a.post(url("ficha_restore", draft_a.pk), follow=True)
    assert "El ejercicio está cerrado" in response.content.decode()
    assert deleted_at(draft_a) is not None


def test_after_30_days_a_draft_cannot_be_restored_and_is_purged(
    client_a, draft_a, actor_a, focal_a, ejercicio
):
    editing.delete_draft(draft_a, by=focal_a)
    recent = factories.ficha(actor_a, ejercicio, nombre="Eliminado ayer")
    editing.delete_draft(recent, by=focal_a)
    copy = factories.ficha(actor_a, ejercicio, nombre="Copia", copied_from=draft_a)
    old = timezone.now() - datetime.timedelta(days=31)
    Ficha.all_objects.filter(pk=draft_a.pk).update(deleted_at=old)

    assert [r["ficha"].pk for r in client_a.get(url("fichas_deleted")).context["rows"]] == [
        recent.pk
    ]
    assert client_a.post(url("ficha_restore", draft_a.pk)).status_code == 404
    with pytest.raises(editing.DraftRefused):
        editing.restore_draft(draft_a, by=focal_a)

    out = io.StringIO()
    call_command("purge_deleted_fichas", stdout=out)
    assert out.getvalue().strip() == "Borradores eliminados definitivamente: 1."
    assert not Ficha.all_objects.filter(pk=draft_a.pk).exists()
    assert not FichaEvent.objects.filter(ficha_id=draft_a.pk).exists()
    assert deleted_at(recent) is not None  # still restorable
    copy.refresh_from_db()
    assert (copy.nombre, copy.copied_from) == ("Copia", None)
    call_command("purge_deleted_fichas", stdout=io.StringIO())
    assert Ficha.all_objects.count() == 2


# --- Duplicate ---------------------------------------------------------------------------------


def test_duplicate_confirms_then_copies_into_a_draft(client_a, draft_a, focal_a):
    workflow.submit(draft_a, by=focal_a)
    mis = client_a.get(url("mis_fichas")).content.decode()
    assert f'href="{url("ficha_duplicate", draft_a.pk)}"' in mis
    assert client_a.get(url("ficha_duplicate", draft_a.pk)).status_code == 200
    assert Ficha.objects.count() == 1
    response = client_a.post(url("ficha_duplicate", draft_a.pk))
    copy = Ficha.objects.exclude(pk=draft_a.pk).get()
    assert response.url == url("ficha_edit", copy.pk)
    assert (copy.status, copy.nombre) == (FichaStatus.BORRADOR, "Borrador de prueba")
    # A copy made by mistake can be deleted at once.
    assert client_a.post(url("ficha_delete", copy.pk)).status_code == 302
    assert list(Ficha.objects.values_list("pk", flat=True)) == [draft_a.pk]


def test_duplicate_read_only_is_403(client_a, draft_a, ejercicio):
    ejercicio.status = EjercicioStatus.CERRADO
    ejercicio.save()
    assert client_a.get(url("ficha_duplicate", draft_a.pk)).status_code == 403
    assert client_a.post(url("ficha_duplicate", draft_a.pk)).status_code == 403
    assert Ficha.objects.count() == 1


# --- Downloads ---------------------------------------------------------------------------------


def _sheet(response):
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_xlsx_download_has_the_export_columns_plus_the_institutions_own_block(
    client_a, draft_a, actor_a, actor_b, focal_a, ejercicio
):
    factories.ficha(actor_b, ejercicio, nombre="Programa ajeno")
    gone = factories.ficha(actor_a, ejercicio, nombre="Eliminado")
    editing.delete_draft(gone, by=focal_a)
    hostile = factories.ficha(
        actor_a,
        ejercicio,
        nombre='=HYPERLINK("http://x")',
        descripcion="+1 llamada",
        resultados="@SUM(A1)",
        tipo_acciones="\tcampañas",
        contacto_cargo="-Jefa",
        unidad="\rDirección",
    )
    response = client_a.get(url("fichas_download", ejercicio.year))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="fichas-inm-2024.xlsx"'
    header, rows = _sheet(response)
    export_headers = FichaResource().export(queryset=[]).headers
    assert header == [*export_headers, "unidad", *Ficha.CONTACT_FIELDS]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert sorted(by_id) == sorted([draft_a.pk, hostile.pk])
    assert by_id[draft_a.pk]["contacto_correo"] == "maria.perez@prueba.gob.mx"
    assert by_id[draft_a.pk]["institucion"] == "INM"
    # Counts are numbers, as a spreadsheet needs them to add up.
    assert (by_id[draft_a.pk]["personas_atendidas"], by_id[draft_a.pk]["mujeres"]) == (1245, 600)
    bad = by_id[hostile.pk]
    assert bad["nombre"] == '\'=HYPERLINK("http://x")'
    assert bad["descripcion"] == "'+1 llamada"
    assert bad["resultados"] == "'@SUM(A1)"
    assert bad["tipo_acciones"] == "'\tcampañas"
    assert bad["contacto_cargo"] == "'-Jefa"
    assert bad["unidad"].startswith("'") and bad["unidad"].endswith("Dirección")
    book = load_workbook(io.BytesIO(response.content))
    assert not any(c.data_type == "f" for row in book.active.iter_rows() for c in row), (
        "no cell is a formula"
    )


def test_xlsx_download_outsiders_and_missing_years(
    client_a, client_b, client_coord, client, draft_a
):
    assert client_b.get(url("fichas_download", 2024)).status_code == 404  # has no fichas
    assert client_coord.get(url("fichas_download", 2024)).status_code == 404
    assert client_a.get(url("fichas_download", 1999)).status_code == 404
    assert client.get(url("fichas_download", 2024)).url.startswith(LOGIN)
    link = client_a.get(url("mis_fichas")).content.decode()
    assert f'href="{url("fichas_download", 2024)}"' in link


def test_print_page_shows_the_whole_ficha(client_a, client_b, client_coord, client, draft_a):
    response = client_a.get(url("ficha_print", draft_a.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Borrador de prueba" in html and "maria.perez@prueba.gob.mx" in html
    assert "Reto dos." in html
    assert f'href="{reverse("compendium:ficha_pdf", args=[draft_a.pk])}"' in html
    assert client_b.get(url("ficha_print", draft_a.pk)).status_code == 404
    assert client_coord.get(url("ficha_print", draft_a.pk)).status_code == 200
    assert client.get(url("ficha_print", draft_a.pk)).url.startswith(LOGIN)
    assert client_a.post(url("ficha_print", draft_a.pk)).status_code == 405


@pytest.mark.slow
def test_pdf_of_one_ficha_goes_through_the_pdf_seam(client_a, client_b, client, draft_a):
    from pypdf import PdfReader

    pdf_url = reverse("compendium:ficha_pdf", args=[draft_a.pk])
    response = client_a.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ficha-2024-inm-{draft_a.pk}.pdf"'
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Borrador de prueba" in text
    assert "Versión preliminar" in text  # not approved yet
    assert client_b.get(pdf_url).status_code == 404
    assert client.get(pdf_url).url.startswith(LOGIN)
    missing = reverse("compendium:ficha_pdf", args=[draft_a.pk + 999])
    assert client_a.get(missing).status_code == 404


def test_pdf_over_the_cap_is_sent_to_the_print_page(client_a, draft_a, monkeypatch):
    from compendium.views import ficha_pdf

    monkeypatch.setattr(ficha_pdf, "MAX_HTML_CHARS", 1000)
    response = client_a.get(reverse("compendium:ficha_pdf", args=[draft_a.pk]), follow=True)
    assert response.redirect_chain == [(url("ficha_print", draft_a.pk), 302)]
    assert "muy extensa para generar su PDF" in response.content.decode()
