"""Invitations, set-password links, password reset and change."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from reporting.models import Membership, Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def invite_data(actor, email="nueva.enlace@prueba.gob.mx"):
    return {"email": email, "first_name": "Ana", "last_name": "Ruiz", "actor": actor.pk}


def link_in(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0)


def test_coordinator_invites_a_focal_point(
    client_coord, actor_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_coord.post(reverse("reporting:invite"), invite_data(actor_a))
    assert response.status_code == 302
    user = User.objects.get(email="nueva.enlace@prueba.gob.mx")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.actor) == (Role.ENLACE, actor_a)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nueva.enlace@prueba.gob.mx"]
    assert actor_a.name in mail.outbox[0].body
    assert "/fichas/invitacion/" in link_in(mail.outbox[0])


def test_invite_page_is_for_coordinators_only(client, client_a, actor_a):
    assert client_a.get(reverse("reporting:invite")).status_code == 404
    assert client_a.post(reverse("reporting:invite"), invite_data(actor_a)).status_code == 404
    assert client.get(reverse("reporting:invite")).status_code == 302
    assert not User.objects.filter(email="nueva.enlace@prueba.gob.mx").exists()


def test_invite_refuses_an_existing_account(client_coord, actor_a, focal_a):
    response = client_coord.post(reverse("reporting:invite"), invite_data(actor_a, focal_a.email))
    assert response.status_code == 200
    assert "Ya existe una cuenta con este correo" in response.content.decode()
    assert mail.outbox == []


def test_invitation_link_sets_password_logs_in_and_is_single_use(
    client_coord, client, actor_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_coord.post(reverse("reporting:invite"), invite_data(actor_a))
    path = link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert "Crear su contraseña" in response.content.decode() or "Bienvenida" in (
        response.content.decode()
    )
    form_url = response.redirect_chain[-1][0]
    new_password = "una-clave-larga-y-segura-2024"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:mis_fichas")
    user = User.objects.get(email="nueva.enlace@prueba.gob.mx")
    assert user.check_password(new_password)
    assert int(client.session[SESSION_KEY]) == user.pk
    # Second use of the same link: refused.
    other = client.__class__()
    html = other.get("/" + path, follow=True).content.decode()
    assert "El enlace ya no es válido" in html


def test_invitation_link_with_bad_token_is_refused(client, actor_a):
    user = factories.user("x@prueba.gob.mx", actor=actor_a)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    html = client.get(reverse("reporting:invitation_accept", args=[uid, "abc-123"])).content
    assert "El enlace ya no es válido" in html.decode()


def test_password_reset_sends_a_spanish_email(client, focal_a):
    response = client.post(reverse("password_reset"), {"email": focal_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Crear una contraseña nueva" in mail.outbox[0].subject
    assert "/cuentas/reset/" in mail.outbox[0].body
    html = client.get(reverse("password_reset")).content.decode()
    assert "Recuperar contraseña" in html


def test_password_change_page(client_a, focal_a):
    html = client_a.get(reverse("password_change")).content.decode()
    assert "Cambiar mi contraseña" in html
    response = client_a.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "otra-clave-muy-segura-77",
            "new_password2": "otra-clave-muy-segura-77",
        },
    )
    assert response.status_code == 302
    focal_a.refresh_from_db()
    assert focal_a.check_password("otra-clave-muy-segura-77")
