"""The idle warning of coordinators (static/js/idle.js, reporting/idle.py) in a real browser:
the dialog opens before the end, takes the focus, and «Seguir trabajando» or Escape extend the
session; the two-factor sign-in of a coordinator through the pages."""

import time
from binascii import unhexlify

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_otp.oath import TOTP
from playwright.sync_api import expect

from reporting import idle, twofactor
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(page) -> SessionStore:
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    return SessionStore(session_key=key)


def _open_desk(page) -> None:
    """The desk, once idle.js has had the server's first answer (a GET on page load): idling
    the session and moving the page's clock before that answer arrives would let it schedule
    the warning from the stale «30 minutes left» (seen once under load)."""
    with page.expect_response(lambda r: r.url.endswith("/cuentas/sesion/")) as status:
        page.goto("/fichas/revision/")
    assert status.value.ok
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")  # its handler has run


def _idle_for(page, seconds: float) -> None:
    session = _session(page)
    session[idle.LAST_ACTIVITY] = int(time.time() - seconds)
    session.save()


@pytest.mark.parametrize("how", ["button", "escape"])
def test_the_warning_lets_a_coordinator_stay(page, login, ejercicio, how):
    coordinator = factories.user("coord.idle@prueba.gob.mx", role="coordinador")
    page.clock.install()
    login(coordinator.email, factories.PASSWORD)
    _open_desk(page)
    search = page.get_by_label("Buscar")
    search.focus()

    # 28 minutes later (the page's clock and the session both): 2 minutes are left.
    _idle_for(page, 28 * 60)
    page.clock.fast_forward("28:00")
    dialog = page.get_by_role("alertdialog", name="¿Sigue trabajando?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("su sesión se cerrará en 1:")
    stay = dialog.get_by_role("button", name="Seguir trabajando")
    expect(stay).to_be_focused()

    if how == "button":
        stay.click()
    else:
        page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(search).to_be_focused()
    assert time.time() - _session(page)[idle.LAST_ACTIVITY] < 60


def test_the_session_ends_when_nobody_answers(page, login, ejercicio):
    coordinator = factories.user("coord.idle2@prueba.gob.mx", role="coordinador")
    page.clock.install()
    login(coordinator.email, factories.PASSWORD)
    _open_desk(page)
    _idle_for(page, 28 * 60)
    page.clock.fast_forward("28:00")
    expect(page.get_by_role("alertdialog")).to_be_visible()
    _idle_for(page, 31 * 60)
    page.clock.fast_forward("02:05")
    expect(page).to_have_url("/cuentas/login/?next=%2Ffichas%2Frevision%2F")
    expect(page.get_by_text("sin actividad").first).to_be_visible()


def test_a_coordinator_enrols_and_signs_in_with_a_code(page, login, ejercicio, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    coordinator = factories.user("coord.2fa@prueba.gob.mx", role="coordinador")
    login(coordinator.email, factories.PASSWORD)
    page.goto("/fichas/revision/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Activar la verificación en dos pasos"
    )
    expect(page.locator("figure svg.segno")).to_be_visible()
    key = _session(page)[twofactor.PENDING_KEY]
    page.get_by_label("Código de 6 dígitos").fill(f"{TOTP(unhexlify(key)).token():06d}")
    page.get_by_role("button", name="Activar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sus códigos de respaldo")
    page.get_by_role("link", name="Ya guardé mis códigos; continuar").click()
    expect(page).to_have_url("/fichas/revision/")
