"""Invitations where they are needed: the tracker, the pending list (resend, revoke), bulk
import from CSV/XLSX with a dry run, the first ficha's contact block, and no 500 (nor an address
in the logs) when the same address is invited many times at once.

The single invitation and the set-password page are in test_accounts.py.
"""

import io
import logging
import re
import threading
import zipfile

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from reporting import audit, invitations
from reporting.invitation_forms import MAX_ROWS
from reporting.models import Membership, User
from tests import factories

pytestmark = pytest.mark.django_db

NEW = "nueva.enlace@prueba.gob.mx"


def invite_data(actor, email=NEW):
    return {"email": email, "first_name": "Ana", "last_name": "Ruiz", "actor": actor.pk}


def accept_path(message) -> str:
    return "/" + re.search(r"https?://\S+", message.body).group(0).split("/", 3)[3]


def upload(name: str, content: bytes) -> dict:
    return {"archivo": SimpleUploadedFile(name, content)}


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def invited(client_coord, actor_a, django_capture_on_commit_callbacks):
    """A pending invitation of actor A; returns its membership (the email is in the outbox)."""
    with django_capture_on_commit_callbacks(execute=True):
        client_coord.post(reverse("reporting:invite"), invite_data(actor_a))
    return Membership.objects.get(user__email=NEW)


# ---------------------------------------------------------------------------------------------
# The tracker and the invitations page
# ---------------------------------------------------------------------------------------------


def test_tracker_offers_invite_for_an_institution_without_focal_point(
    client_coord, ejercicio, actor_a, actor_b, focal_b
):
    html = client_coord.get(reverse("reporting:seguimiento")).content.decode()
    row_a = re.search(rf'<tr data-actor="{actor_a.pk}">.*?</tr>', html, re.S).group(0)
    row_b = re.search(rf'<tr data-actor="{actor_b.pk}">.*?</tr>', html, re.S).group(0)
    link = f"{reverse('reporting:invite')}?institucion={actor_a.pk}"
    assert "sin enlace" in row_a and f'href="{link}"' in row_a
    assert "Invitar" not in row_b

    html = client_coord.get(link).content.decode()
    assert re.search(rf'<option value="{actor_a.pk}" selected>', html)


def test_invite_page_lists_pending_invitations_with_their_actions(client_coord, invited, focal_a):
    html = client_coord.get(reverse("reporting:invite")).content.decode()
    table = re.search(r'<table[^>]*id="invitaciones-pendientes".*?</table>', html, re.S).group(0)
    assert NEW in table
    assert focal_a.email not in table  # an account in use is not an invitation
    assert reverse("reporting:invitation_resend", args=[invited.pk]) in table
    assert reverse("reporting:invitation_revoke", args=[invited.pk]) in table
    assert reverse("reporting:invitation_import") in html


def test_inviting_is_audited_and_logged_without_the_address(
    client_coord, actor_a, coordinator, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        client_coord.post(reverse("reporting:invite"), invite_data(actor_a))
    membership = Membership.objects.get(user__email=NEW)
    (entry,) = audit.history_of(membership)
    assert (entry.user, entry.change_message) == (
        coordinator,
        "Invitación enviada a la persona enlace de INM.",
    )
    assert f"invitation sent user={membership.user_id}" in caplog.text
    assert NEW not in caplog.text and "Ana" not in caplog.text


def test_inviting_a_pending_address_of_another_institution_is_refused(
    client_coord, invited, actor_b
):
    response = client_coord.post(reverse("reporting:invite"), invite_data(actor_b))
    assert response.status_code == 200
    assert "Ya existe una cuenta con este correo" in response.content.decode()
    invited.refresh_from_db()
    assert invited.actor_id != actor_b.pk


# ---------------------------------------------------------------------------------------------
# Who may use the views
# ---------------------------------------------------------------------------------------------


def _urls(pk: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("reporting:invite")),
        ("post", reverse("reporting:invite")),
        ("post", reverse("reporting:invitation_resend", args=[pk])),
        ("post", reverse("reporting:invitation_revoke", args=[pk])),
        ("get", reverse("reporting:invitation_import")),
        ("post", reverse("reporting:invitation_import")),
        ("post", reverse("reporting:invitation_import_confirm")),
    ]


def test_invitation_views_are_for_coordinators_only(invited, client_a, client_b, client):
    for method, url in _urls(invited.pk):
        assert getattr(client_a, method)(url).status_code == 404, url
        assert getattr(client_b, method)(url).status_code == 404, url
        response = getattr(client, method)(url)
        assert (response.status_code, response.url.startswith("/cuentas/login/")) == (302, True)
    assert User.objects.get(email=NEW).is_active
    assert len(mail.outbox) == 1  # the invitation itself, nothing since


def test_post_only_views_redirect_a_get(client_coord, invited):
    for name, args, to in [
        ("reporting:invitation_resend", [invited.pk], "reporting:invite"),
        ("reporting:invitation_revoke", [invited.pk], "reporting:invite"),
        ("reporting:invitation_import_confirm", [], "reporting:invitation_import"),
    ]:
        response = client_coord.get(reverse(name, args=args))
        assert (response.status_code, response.url) == (302, reverse(to))
    assert User.objects.get(email=NEW).is_active
    assert len(mail.outbox) == 1


def test_resend_and_revoke_answer_404_for_an_account_in_use(client_coord, focal_a):
    membership = Membership.objects.get(user=focal_a)
    for name in ("reporting:invitation_resend", "reporting:invitation_revoke"):
        assert client_coord.post(reverse(name, args=[membership.pk])).status_code == 404
    focal_a.refresh_from_db()
    assert focal_a.is_active and focal_a.check_password(factories.PASSWORD)


# ---------------------------------------------------------------------------------------------
# Resend and revoke
# ---------------------------------------------------------------------------------------------


def test_resend_sends_a_new_link_and_the_old_one_is_refused(
    client_coord, invited, coordinator, django_capture_on_commit_callbacks
):
    old = accept_path(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_coord.post(reverse("reporting:invitation_resend", args=[invited.pk]))
    assert response.url == reverse("reporting:invite")
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [NEW]
    new = accept_path(mail.outbox[1])
    assert new != old
    assert "El enlace ya no es válido" in Client().get(old, follow=True).content.decode()
    assert "Crear su contraseña" in Client().get(new, follow=True).content.decode()
    notes = [e.change_message for e in audit.history_of(invited)]
    assert notes[-1] == "Invitación reenviada con un enlace nuevo; el anterior dejó de valer."
    assert audit.history_of(invited)[-1].user == coordinator


def test_revoke_deactivates_the_account_and_refuses_its_link(client_coord, invited):
    old = accept_path(mail.outbox[0])
    response = client_coord.post(reverse("reporting:invitation_revoke", args=[invited.pk]))
    assert response.url == reverse("reporting:invite")
    user = User.objects.get(email=NEW)
    assert not user.is_active
    assert "El enlace ya no es válido" in Client().get(old, follow=True).content.decode()
    # Even a freshly made token is refused for a revoked account.
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    fresh = reverse(
        "reporting:invitation_accept", args=[uid, default_token_generator.make_token(user)]
    )
    assert "El enlace ya no es válido" in Client().get(fresh, follow=True).content.decode()
    assert list(invitations.pending_invitations()) == []
    assert audit.history_of(invited)[-1].change_message == (
        "Invitación revocada; el enlace dejó de valer."
    )
    # Revoked twice: the invitation is no longer pending, so it does not exist for the page.
    assert (
        client_coord.post(reverse("reporting:invitation_revoke", args=[invited.pk])).status_code
        == 404
    )


def test_a_revoked_address_can_be_invited_again(
    client_coord, invited, actor_b, django_capture_on_commit_callbacks
):
    client_coord.post(reverse("reporting:invitation_revoke", args=[invited.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_coord.post(reverse("reporting:invite"), invite_data(actor_b))
    assert response.status_code == 302
    invited.refresh_from_db()
    assert (invited.actor, invited.user.is_active) == (actor_b, True)
    assert len(mail.outbox) == 2
    assert (
        "Crear su contraseña"
        in Client().get(accept_path(mail.outbox[1]), follow=True).content.decode()
    )


# ---------------------------------------------------------------------------------------------
# Bulk import
# ---------------------------------------------------------------------------------------------


def test_bulk_preview_reports_every_bad_row_and_creates_nothing(
    client_coord, actor_a, actor_b, focal_b
):
    content = "\n".join(
        [
            "sigla,nombre,correo",
            "INM,Ana Ruiz,ana@prueba.gob.mx",
            "XYZ,Luis Gómez,luis@prueba.gob.mx",
            "INM,Eva Sol,no-es-un-correo",
            "Nuevo León,Ana Bis,ANA@prueba.gob.mx",
            f"INM,Otra Persona,{focal_b.email}",
            "INM,,vacio@prueba.gob.mx",
        ]
    ).encode()
    users_before, entries_before = User.objects.count(), LogEntry.objects.count()
    response = client_coord.post(
        reverse("reporting:invitation_import"), upload("lista.csv", content)
    )
    html = response.content.decode()
    assert response.status_code == 200
    outcomes = dict(re.findall(r'data-line="(\d+)" data-outcome="(\w+)"', html))
    assert outcomes == {
        "2": "invitar",
        "3": "error",
        "4": "error",
        "5": "error",
        "6": "error",
        "7": "error",
    }
    assert "No hay una institución activa con la sigla «XYZ»." in html
    assert "El correo no es válido." in html
    assert "El correo se repite en el archivo (fila 2)." in html
    assert "El correo ya pertenece a una cuenta de otra institución o de la UPMRIP." in html
    assert "Falta: nombre." in html
    assert "No se creó ninguna invitación" in html
    assert reverse("reporting:invitation_import_confirm") not in html
    assert (User.objects.count(), LogEntry.objects.count()) == (users_before, entries_before)
    assert mail.outbox == []


def test_bulk_csv_with_bom_and_semicolons_then_confirm_creates_all(
    client_coord, actor_a, actor_b, focal_a, coordinator, django_capture_on_commit_callbacks
):
    content = "\ufeffSigla;Nombre;Correo\r\nINM;Ana Ruiz;Ana@Prueba.gob.mx\r\n\r\n"
    content += f"nuevo león;Luis Gómez;luis@prueba.gob.mx\r\nINM;Ya Está;{focal_a.email}\r\n"
    response = client_coord.post(
        reverse("reporting:invitation_import"), upload("lista.csv", content.encode())
    )
    html = response.content.decode()
    outcomes = dict(re.findall(r'data-line="(\d+)" data-outcome="(\w+)"', html))
    assert outcomes == {"2": "invitar", "4": "invitar", "5": "omitir"}
    assert "Ya es enlace de esta institución: se omite." in html
    assert not User.objects.filter(email="ana@prueba.gob.mx").exists()
    payload = re.search(r'name="rows" value="([^"]+)"', html).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_coord.post(
            reverse("reporting:invitation_import_confirm"), {"rows": payload}
        )
    assert response.url == reverse("reporting:invite")
    created = {
        m.user.email: (m.actor, m.user.first_name, m.user.has_usable_password())
        for m in Membership.objects.filter(
            user__email__in=["ana@prueba.gob.mx", "luis@prueba.gob.mx"]
        )
    }
    assert created == {
        "ana@prueba.gob.mx": (actor_a, "Ana Ruiz", False),
        "luis@prueba.gob.mx": (actor_b, "Luis Gómez", False),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@prueba.gob.mx", "luis@prueba.gob.mx"]
    for membership in invitations.pending_invitations():
        assert [e.user for e in audit.history_of(membership)] == [coordinator]


def test_bulk_xlsx_is_read(client_coord, actor_a):
    content = xlsx(
        [
            ("Sigla", "Nombre", "Correo"),
            ("INM", "Ana Ruiz", "ana@prueba.gob.mx"),
            (None, None, None),
            ("INM", "Sin Correo", None),
        ]
    )
    html = client_coord.post(
        reverse("reporting:invitation_import"), upload("lista.xlsx", content)
    ).content.decode()
    outcomes = dict(re.findall(r'data-line="(\d+)" data-outcome="(\w+)"', html))
    assert outcomes == {"2": "invitar", "4": "error"}
    assert "Falta: correo." in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lista.csv", b"x" * (1024 * 1024 + 1), "El archivo pesa más de 1 MB."),
        ("lista.txt", b"INM,Ana,ana@prueba.gob.mx", "Suba un archivo .csv o .xlsx."),
        ("lista.csv", "INM,Ana,ana@prueba.gob.mx".encode("latin-1") + b"\xf1", "no está en UTF-8"),
        ("lista.xlsx", b"no es un zip", "No se pudo leer el archivo XLSX."),
        ("lista.csv", b"sigla,nombre,correo\n", "El archivo no tiene ninguna persona."),
        (
            "lista.csv",
            b"INM,Ana,ana@prueba.gob.mx,cargo\n",
            "La fila 1 tiene más de tres columnas.",
        ),
        (
            "lista.csv",
            "".join(f"INM,P {i},p{i}@prueba.gob.mx\n" for i in range(MAX_ROWS + 1)).encode(),
            "El archivo tiene más de 500 personas.",
        ),
    ],
)
def test_bulk_upload_limits_have_clear_messages(client_coord, actor_a, name, content, message):
    response = client_coord.post(reverse("reporting:invitation_import"), upload(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(email="ana@prueba.gob.mx").exists()


def test_bulk_xlsx_that_inflates_too_much_is_refused_before_parsing(client_coord, actor_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (21 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    response = client_coord.post(
        reverse("reporting:invitation_import"), upload("lista.xlsx", out.getvalue())
    )
    assert response.status_code == 400
    assert "No se pudo leer el archivo XLSX." in response.content.decode()


def test_bulk_confirm_refuses_a_tampered_preview(client_coord, actor_a):
    response = client_coord.post(
        reverse("reporting:invitation_import_confirm"), {"rows": "falso:abc"}, follow=True
    )
    assert "La vista previa caducó" in response.content.decode()
    assert not Membership.objects.filter(user__email="ana@prueba.gob.mx").exists()


def test_bulk_confirm_creates_nothing_when_the_list_went_bad_since_the_preview(
    client_coord, actor_a, actor_b
):
    content = b"INM,Ana Ruiz,ana@prueba.gob.mx\nINM,Luis Gomez,luis@prueba.gob.mx\n"
    html = client_coord.post(
        reverse("reporting:invitation_import"), upload("lista.csv", content)
    ).content.decode()
    payload = re.search(r'name="rows" value="([^"]+)"', html).group(1)
    factories.user("luis@prueba.gob.mx", actor=actor_b)  # meanwhile, elsewhere
    response = client_coord.post(reverse("reporting:invitation_import_confirm"), {"rows": payload})
    assert response.status_code == 409
    assert "El correo ya pertenece a una cuenta de otra institución" in response.content.decode()
    assert not User.objects.filter(email="ana@prueba.gob.mx").exists()
    assert mail.outbox == []


def test_invite_many_and_invite_previous_year(
    actor_a, actor_b, coordinator, ejercicio, django_capture_on_commit_callbacks
):
    previous = factories.ejercicio(2023)
    factories.ficha(
        actor_a, previous, contacto_nombre="Rosa Díaz", contacto_correo="rosa@prueba.gob.mx"
    )
    factories.ficha(actor_b, previous, contacto_correo="")
    with django_capture_on_commit_callbacks(execute=True):
        report = invitations.invite_previous_year(previous, by=coordinator)
    assert report.done
    assert [(r.actor, r.email) for r in report.to_invite] == [(actor_a, "rosa@prueba.gob.mx")]
    assert Membership.objects.get(user__email="rosa@prueba.gob.mx").actor == actor_a
    # Run again: actor A now has a (pending) focal point, so nobody is invited.
    assert invitations.invite_previous_year(previous, by=coordinator).rows == []

    report = invitations.invite_many(
        [(actor_b, "Uno", "uno@prueba.gob.mx"), (actor_b, "Dos", "rosa@prueba.gob.mx")],
        by=coordinator,
    )
    assert (report.done, [r.outcome for r in report.rows]) == (False, ["invitar", "error"])
    assert not User.objects.filter(email="uno@prueba.gob.mx").exists()


# ---------------------------------------------------------------------------------------------
# The first ficha
# ---------------------------------------------------------------------------------------------


def test_new_ficha_starts_with_the_invited_persons_contact_block(
    client_coord, actor_a, ejercicio, django_capture_on_commit_callbacks
):
    data = {**invite_data(actor_a), "position": "Directora de Vinculación", "phone": "55 1234 5678"}
    with django_capture_on_commit_callbacks(execute=True):
        client_coord.post(reverse("reporting:invite"), data)
    person = Client()
    form_url = person.get(accept_path(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    password = "una-clave-larga-y-segura-2024"
    person.post(form_url, {"new_password1": password, "new_password2": password})

    html = person.get(reverse("reporting:ficha_new")).content.decode()
    for name, value in [
        ("contacto_nombre", "Ana Ruiz"),
        ("contacto_correo", NEW),
        ("contacto_cargo", "Directora de Vinculación"),
        ("contacto_telefono", "55 1234 5678"),
    ]:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'value="{value}"' in tag, tag


# ---------------------------------------------------------------------------------------------
# The same address invited many times at once
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_invitations_of_one_address_give_no_500_and_log_no_address(
    actor_a, coordinator, caplog
):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race.")
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def post():
        client = Client(raise_request_exception=False)
        client.force_login(coordinator)
        try:
            barrier.wait()
            statuses.append(
                client.post(reverse("reporting:invite"), invite_data(actor_a)).status_code
            )
        finally:
            connections.close_all()

    with caplog.at_level(logging.DEBUG):
        threads = [threading.Thread(target=post) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert len(statuses) == 10 and 500 not in statuses, statuses
    # The first creates; the others resend it or are told another person just invited it.
    assert statuses.count(302) >= 1
    assert User.objects.filter(email=NEW).count() == 1
    assert Membership.objects.filter(user__email=NEW).count() == 1
    assert NEW not in caplog.text and "Internal Server Error" not in caplog.text
