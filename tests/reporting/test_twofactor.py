"""Two-factor sign-in (reporting/twofactor.py) and idle coordinators' sessions (reporting/idle.py).

The suite signs coordinators in without a second factor (``OTP_REQUIRED_FOR_STAFF`` is off in
tests/conftest.py); here it is on, and people sign in through the login page.
"""

import logging
import re
import time
from binascii import unhexlify

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reporting import idle, twofactor
from reporting.models import Role, User
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BANDEJA = "reporting:bandeja"


@pytest.fixture(autouse=True)
def _required(settings, ejercicio):  # the review desk needs an exercise
    settings.OTP_REQUIRED_FOR_STAFF = True
    # django-otp makes a person wait 1, 2, 4… s after wrong codes; one test below checks it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def admin_user(db):
    user = factories.user("administracion@prueba.gob.mx", role=Role.ADMINISTRADOR)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def sign_in(client: Client, user: User):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def code_for(key: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for ``key`` (hex), ``steps_ahead`` × 30 s later.

    A code is accepted once: a second sign-in in the same 30 s uses the next one (the server
    accepts one step of clock difference).
    """
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def verified_client(user: User, *, device: TOTPDevice | None = None) -> Client:
    """A client signed in with password and code, as a person would."""
    device = device or twofactor.authenticator_of(user) or twofactor.create_authenticator(user)
    client = Client()
    sign_in(client, user)
    response = client.post(reverse("twofactor_verify"), {"code": code_for(device.key)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _enrol_page_key(client: Client) -> str:
    return client.session[twofactor.PENDING_KEY]


# --- Coordinators and administrators must enrol ----------------------------------------------


def test_a_coordinator_without_a_device_is_sent_to_enrolment_everywhere(client, coordinator):
    sign_in(client, coordinator)
    bandeja = reverse(BANDEJA)
    response = client.get(bandeja)
    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('twofactor_enrol')}?next={bandeja.replace('/', '%2F')}"
    )
    for path in ("/", reverse("compendium:public_list"), reverse("account_security"), "/admin/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith(
            reverse("twofactor_enrol")
        ), path
    # Static files and the pages of the second step stay reachable; so does signing out.
    assert client.get("/static/js/idle.js").status_code != 302
    assert client.get(reverse("twofactor_enrol")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_right_code(client, coordinator):
    sign_in(client, coordinator)
    page = client.get(reverse("twofactor_enrol"), {"next": reverse(BANDEJA)})
    body = page.content.decode()
    key = _enrol_page_key(client)
    assert "<svg" in body and 'class="segno"' in body
    assert twofactor.secret_for_typing(key) in body
    assert "<script>" not in body  # only the nonce'd or static scripts of the site
    assert "data:" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "'unsafe-inline'" not in page["Content-Security-Policy"].split("script-src", 1)[1]

    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("twofactor_enrol"), {"code": wrong, "next": reverse(BANDEJA)})
    assert refused.status_code == 200
    assert "El código no es correcto" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert client.get(reverse(BANDEJA)).status_code == 302

    done = client.post(
        reverse("twofactor_enrol"), {"code": code_for(key), "next": reverse(BANDEJA)}
    )
    assert done.status_code == 200
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed and device.key == key
    shown = re.findall(r'<li class="col">([a-z2-7]{4}-[a-z2-7]{4})</li>', done.content.decode())
    stored = sorted(f"{t[:4]}-{t[4:]}" for t in twofactor.backup_codes_left(coordinator))
    assert len(shown) == 10 and sorted(shown) == stored
    assert "no volverán a mostrarse" in done.content.decode()
    assert twofactor.PENDING_KEY not in client.session
    # The session passed the second step: the desk opens.
    assert client.get(reverse(BANDEJA)).status_code == 200


def test_the_enrolment_code_cannot_be_used_again_to_sign_in(client, coordinator):
    sign_in(client, coordinator)
    client.get(reverse("twofactor_enrol"))
    code = code_for(_enrol_page_key(client))
    client.post(reverse("twofactor_enrol"), {"code": code})
    other = Client()
    sign_in(other, coordinator)
    response = other.post(reverse("twofactor_verify"), {"code": code})
    assert response.status_code == 200 and "El código no es correcto" in response.content.decode()


def test_signing_in_with_a_device_asks_for_the_code(client, coordinator):
    device = twofactor.create_authenticator(coordinator)
    sign_in(client, coordinator)
    bandeja = reverse(BANDEJA)
    response = client.get(bandeja)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor_verify"))
    # The enrolment page cannot replace the authenticator of a person who has not given a code.
    assert client.get(reverse("twofactor_enrol"))["Location"] == reverse("twofactor_verify")

    wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("twofactor_verify"), {"code": wrong, "next": bandeja})
    assert refused.status_code == 200 and "El código no es correcto" in refused.content.decode()
    assert client.get(bandeja).status_code == 302

    session_before = client.session.session_key
    ok = client.post(reverse("twofactor_verify"), {"code": code_for(device.key), "next": bandeja})
    assert ok.status_code == 302 and ok["Location"] == bandeja
    assert client.session.session_key != session_before  # a new session id after the step
    assert client.get(bandeja).status_code == 200


def test_verification_refuses_an_outside_next(client, coordinator):
    device = twofactor.create_authenticator(coordinator)
    sign_in(client, coordinator)
    response = client.post(
        reverse("twofactor_verify"), {"code": code_for(device.key), "next": "https://malo.example/"}
    )
    assert response["Location"] == reverse("home")


def test_wrong_codes_in_a_row_make_the_person_wait(client, coordinator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = twofactor.create_authenticator(coordinator)
    sign_in(client, coordinator)
    wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"
    client.post(reverse("twofactor_verify"), {"code": wrong})
    response = client.post(reverse("twofactor_verify"), {"code": code_for(device.key)})
    assert "Espere unos segundos" in response.content.decode()
    assert client.get(reverse(BANDEJA)).status_code == 302


def test_a_backup_code_works_once(coordinator):
    twofactor.create_authenticator(coordinator)
    code = twofactor.create_backup_codes(coordinator)[0]
    first = Client()
    sign_in(first, coordinator)
    # Typed as shown on the page, in capitals and with a hyphen.
    typed = f"{code[:4]}-{code[4:]}".upper()
    response = first.post(reverse("twofactor_verify"), {"code": typed, "next": reverse(BANDEJA)})
    assert response.status_code == 302 and response["Location"] == reverse(BANDEJA)
    page = first.get(reverse(BANDEJA))
    assert page.status_code == 200 and "le quedan 9" in page.content.decode()
    assert code not in twofactor.backup_codes_left(coordinator)

    second = Client()
    sign_in(second, coordinator)
    again = second.post(reverse("twofactor_verify"), {"code": code})
    assert again.status_code == 200 and "El código no es correcto" in again.content.decode()


def test_new_backup_codes_replace_the_old_ones(coordinator):
    device = twofactor.create_authenticator(coordinator)
    old = twofactor.create_backup_codes(coordinator)
    client = verified_client(coordinator, device=device)
    response = client.post(
        reverse("backup_codes_new"), {"code": code_for(device.key, steps_ahead=1)}
    )
    assert response.status_code == 200
    new = twofactor.backup_codes_left(coordinator)
    assert len(new) == 10 and not set(new) & set(old)


# --- Focal points may -------------------------------------------------------------------------


def test_a_focal_point_is_not_forced(client, focal_a):
    sign_in(client, focal_a)
    assert client.get(reverse("reporting:mis_fichas")).status_code == 200
    page = client.get(reverse("account_security"))
    assert page.status_code == 200
    assert "Desactivada." in page.content.decode()


def test_a_focal_point_turns_it_on_and_off(client, focal_a):
    sign_in(client, focal_a)
    client.get(reverse("twofactor_enrol"), {"next": reverse("account_security")})
    key = _enrol_page_key(client)
    done = client.post(
        reverse("twofactor_enrol"), {"code": code_for(key), "next": reverse("account_security")}
    )
    assert done.status_code == 200 and TOTPDevice.objects.filter(user=focal_a).exists()
    assert "Activada." in client.get(reverse("account_security")).content.decode()

    # Once on, signing in asks for the code.
    other = Client()
    sign_in(other, focal_a)
    assert other.get(reverse("reporting:mis_fichas"))["Location"].startswith(
        reverse("twofactor_verify")
    )

    # Turning it off asks for a code too.
    client.post(reverse("twofactor_disable"), {"code": "000000"})
    assert TOTPDevice.objects.filter(user=focal_a).exists()
    client.post(reverse("twofactor_disable"), {"code": code_for(key, steps_ahead=1)})
    assert not TOTPDevice.objects.filter(user=focal_a).exists()
    assert not StaticDevice.objects.filter(user=focal_a).exists()
    assert client.get(reverse("reporting:mis_fichas")).status_code == 200


def test_a_coordinator_cannot_turn_it_off(coordinator):
    device = twofactor.create_authenticator(coordinator)
    client = verified_client(coordinator, device=device)
    client.post(reverse("twofactor_disable"), {"code": code_for(device.key, steps_ahead=1)})
    assert TOTPDevice.objects.filter(user=coordinator).exists()


# --- The admin --------------------------------------------------------------------------------


def test_the_admin_refuses_an_administrator_without_the_second_step(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    request.user.is_verified = lambda: False
    from django.contrib import admin

    assert isinstance(admin.site, twofactor.TwoFactorAdminSite)
    assert admin.site.has_permission(request) is False
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request) is True

    # Through the pages: signed in with the password only, the admin sends them to the code.
    twofactor.create_authenticator(admin_user)
    client = Client()
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor_verify"))
    assert verified_client(admin_user).get("/admin/").status_code == 200


def test_an_administrator_reset_is_audited_and_forces_enrolment_again(admin_user, coordinator):
    device = twofactor.create_authenticator(coordinator)
    twofactor.create_backup_codes(coordinator)
    coordinator_client = verified_client(coordinator, device=device)
    assert coordinator_client.get(reverse(BANDEJA)).status_code == 200

    admin_client = verified_client(admin_user)
    response = admin_client.post(
        reverse("admin:reporting_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [coordinator.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticToken.objects.filter(device__user=coordinator).exists()
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(User), object_id=str(coordinator.pk)
    )
    assert entry.user == admin_user
    assert "Se restableció el segundo factor" in entry.change_message

    # The open session no longer counts as verified: the coordinator enrols again.
    answer = coordinator_client.get(reverse(BANDEJA))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("twofactor_enrol"))


def test_the_device_pages_of_django_otp_are_not_in_the_admin(admin_user):
    client = verified_client(admin_user)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


# --- Idle sessions ----------------------------------------------------------------------------


def _idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[idle.LAST_ACTIVITY] = int(time.time() - minutes * 60)
    session.save()


def test_an_idle_coordinator_session_ends(client_coord, coordinator, caplog, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # force_login: this test is about the idle limit
    assert client_coord.get(reverse(BANDEJA)).status_code == 200
    _idle_for(client_coord, 29)
    assert client_coord.get(reverse(BANDEJA)).status_code == 200  # activity: starts again
    _idle_for(client_coord, 31)
    with caplog.at_level(logging.INFO, logger="pmm.security"):
        response = client_coord.get(reverse(BANDEJA))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client_coord.session
    assert f"session expired user={coordinator.pk}" in caplog.text
    page = client_coord.get(response["Location"])
    assert "sin actividad" in page.content.decode()


def test_activity_is_stored_in_steps_not_on_every_request(client_coord, settings):
    """A coordinator's page does not save the session on every request (three queries), only
    when the stored time is a step old (reporting/idle.py ACTIVITY_RESOLUTION)."""
    settings.OTP_REQUIRED_FOR_STAFF = False
    client_coord.get(reverse(BANDEJA))
    _idle_for(client_coord, 0.5)  # 30 s ago: within the step
    stored = client_coord.session[idle.LAST_ACTIVITY]
    client_coord.get(reverse(BANDEJA))
    assert client_coord.session[idle.LAST_ACTIVITY] == stored
    _idle_for(client_coord, idle.ACTIVITY_RESOLUTION / 60 + 0.1)
    client_coord.get(reverse(BANDEJA))
    assert time.time() - client_coord.session[idle.LAST_ACTIVITY] < 5


def test_a_focal_point_session_does_not_end_when_idle(client_a):
    assert client_a.get(reverse("reporting:mis_fichas")).status_code == 200
    _idle_for(client_a, 120)
    assert client_a.get(reverse("reporting:mis_fichas")).status_code == 200


def test_asking_how_long_is_left_is_not_activity_and_staying_extends(client_coord, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    settings.COORDINATOR_IDLE_MINUTES = 30
    url = reverse("session_status")
    client_coord.get(reverse(BANDEJA))
    _idle_for(client_coord, 28.5)
    asked = client_coord.get(url).json()
    assert asked["warning"] == 120 and 80 <= asked["remaining"] <= 90
    assert 80 <= client_coord.get(url).json()["remaining"] <= 90  # asking again changed nothing
    stayed = client_coord.post(url).json()
    assert stayed["remaining"] == 30 * 60
    assert client_coord.get(url).json()["remaining"] >= 30 * 60 - 2
    assert client_coord.get(reverse(BANDEJA)).status_code == 200


def test_status_after_the_limit_ends_the_session(client_coord, coordinator, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    client_coord.get(reverse(BANDEJA))
    _idle_for(client_coord, 31)
    response = client_coord.get(reverse("session_status"))
    assert response.status_code == 401 and response.json() == {"expired": True}
    assert "_auth_user_id" not in client_coord.session
    assert "sin actividad" in client_coord.get(reverse("login")).content.decode()
    assert Client().get(reverse("session_status")).status_code == 401


def test_focal_points_have_no_idle_limit(client_a):
    assert client_a.get(reverse("session_status")).json() == {"remaining": None}


def test_pages_load_the_idle_warning_for_coordinators_only(client_coord, client_a, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    coordinator_page = client_coord.get(reverse(BANDEJA)).content.decode()
    assert "js/idle.js" in coordinator_page
    assert f'data-status-url="{reverse("session_status")}"' in coordinator_page
    focal_page = client_a.get(reverse("reporting:mis_fichas")).content.decode()
    assert "js/idle.js" not in focal_page
    assert "Seguridad de la cuenta" in focal_page


# --- Logs -------------------------------------------------------------------------------------


def test_no_code_secret_or_address_in_any_log_line(client, coordinator, caplog):
    with caplog.at_level(logging.DEBUG):
        sign_in(client, coordinator)
        client.get(reverse("twofactor_enrol"))
        key = _enrol_page_key(client)
        client.post(reverse("twofactor_enrol"), {"code": "123456"})
        enrol_code = code_for(key)
        client.post(reverse("twofactor_enrol"), {"code": enrol_code})
        backup = twofactor.backup_codes_left(coordinator)
        client.post(reverse("logout"))
        sign_in(client, coordinator)
        client.post(reverse("twofactor_verify"), {"code": "999999"})
        client.post(reverse("twofactor_verify"), {"code": backup[0]})
    secrets = [key, twofactor.secret_for_typing(key).replace(" ", ""), enrol_code, *backup]
    lines = [record.getMessage() for record in caplog.records]
    assert any(f"twofactor enrolled user={coordinator.pk}" in line for line in lines)
    assert any(f"twofactor ok user={coordinator.pk} method=backup" in line for line in lines)
    assert any(f"twofactor failed user={coordinator.pk}" in line for line in lines)
    for line in lines:
        assert coordinator.email not in line, line
        assert not any(secret in line or secret.upper() in line for secret in secrets), line
        assert DEVICE_ID_SESSION_KEY not in line
