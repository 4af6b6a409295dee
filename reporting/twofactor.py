"""Two-factor sign-in: TOTP for coordinators and administrators, optional for focal points
(docs/architecture.md §A8).

- After the password, a person with a confirmed authenticator (a ``TOTPDevice``) types a 6-digit
  code, or one of their single-use backup codes (``StaticToken``), before any page but sign-out
  and these pages (``RequireSecondFactor``). A coordinator, administrator or other staff account
  without an authenticator is sent to enrolment first (``OTP_REQUIRED_FOR_STAFF``; the tests
  switch it off for the accounts they sign in with ``force_login``).
- Enrolment shows a QR code (inline SVG by segno) and the secret for typing by hand; a first code
  confirms it, then ten backup codes are shown once. The pending secret lives in the session, so
  an abandoned enrolment leaves nothing in the database.
- «Seguridad de la cuenta» lets a focal point turn it on, or off with a code, and anyone with it
  get a new set of backup codes.
- An administrator resets a person's second factor from the admin (``reset_second_factor``,
  audited); the person enrols again at next sign-in. The admin itself refuses a staff account
  that has not passed the second step (``TwoFactorAdminSite``).

Log lines (``pmm.security``) name people by id and never carry a code or a secret.
"""

import logging
from base64 import b32encode
from binascii import unhexlify

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import DEVICE_ID_SESSION_KEY, device_classes, devices_for_user
from django_otp import login as otp_login
from django_otp.admin import OTPAdminSite
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from reporting import audit
from reporting.access import AuthenticatedHttpRequest
from reporting.models import User

logger = logging.getLogger("pmm.security")

BACKUP_CODES = 10
AUTHENTICATOR_NAME = "Aplicación autenticadora"
BACKUP_NAME = "Códigos de respaldo"
# The secret of an enrolment under way (hex), kept in the session until a code confirms it.
PENDING_KEY = "pmm_otp_pending_key"


# ---------------------------------------------------------------------------------------------
# Rules and devices
# ---------------------------------------------------------------------------------------------


def is_required(user: User) -> bool:
    """Whether ``user`` must have a second factor: coordinators, administrators and staff."""
    return bool(settings.OTP_REQUIRED_FOR_STAFF) and (user.is_staff or user.is_coordinator)


def is_verified(user) -> bool:
    """Whether this session passed the second step (``OTPMiddleware`` sets ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_authenticator(user: User) -> bool:
    """Whether ``user`` has a confirmed authenticator: read with the membership the request
    loads anyway (``User.membership``), a query of its own only for a person without one."""
    membership = user.membership
    if membership is not None:
        return bool(membership.has_authenticator)  # type: ignore[attr-defined]
    return authenticator_of(user) is not None


def backup_codes_left(user: User) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user, device__confirmed=True)
        .order_by("token")
        .values_list("token", flat=True)
    )


def new_secret() -> str:
    """A TOTP secret (20 random bytes, hex), as ``TOTPDevice.key`` stores it."""
    return random_hex(20)


def secret_for_typing(key: str) -> str:
    """The secret as authenticator apps ask for it: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(user: User, key: str) -> str:
    """The enrolment QR code as inline SVG markup (segno writes no text from the data)."""
    uri = TOTPDevice(user=user, key=key).config_url  # issuer from OTP_TOTP_ISSUER
    return segno.make(uri, error="m").svg_inline(
        scale=5, title=_("Código QR para la aplicación autenticadora")
    )


def create_authenticator(user: User, *, key: str | None = None) -> TOTPDevice:
    """A confirmed authenticator for ``user`` (replacing any other). Writes ``TOTPDevice``."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name=AUTHENTICATOR_NAME, key=key or new_secret(), confirmed=True
    )


def create_backup_codes(user: User) -> list[str]:
    """A new set of ``BACKUP_CODES`` single-use codes for ``user``; the old ones stop working.

    Writes ``StaticDevice`` (one per person) and its ``StaticToken`` rows. Returns the codes:
    they are shown once and never logged.
    """
    device = StaticDevice.objects.filter(user=user).first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < BACKUP_CODES:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in sorted(codes)
    )
    return sorted(codes)


def _six_digits(code: str) -> bool:
    # ASCII only: str.isdigit() also accepts «²» or «①», which int() refuses (a 500 before).
    return len(code) == 6 and code.isascii() and code.isdigit()


def enrol_authenticator(user: User, *, key: str, code: str) -> TOTPDevice | None:
    """Confirm the enrolment of ``key`` with a first ``code`` from the person's app.

    Returns the new confirmed ``TOTPDevice`` (the code counts as used), or None for a wrong code.
    A person who already has a confirmed authenticator cannot enrol another one here.
    """
    totp = TOTP(unhexlify(key))
    if not (_six_digits(code) and totp.verify(int(code), tolerance=1)):
        return None
    if authenticator_of(user) is not None:
        return None
    with transaction.atomic():
        device = create_authenticator(user, key=key)
        device.last_t = totp.t()
        device.save(update_fields=["last_t"])
    return device


class Throttled(Exception):
    """Too many wrong codes in a row: django-otp asks to wait (1, 2, 4… seconds)."""


def verify_code(user: User, code: str):
    """The device that accepts ``code`` for ``user`` (a backup code is used up), or None.

    Six digits are tried against the authenticator, anything else against the backup codes.
    Raises ``Throttled`` while django-otp makes the person wait after wrong codes.
    """
    code = normalize_code(code)
    want = TOTPDevice if _six_digits(code) else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if not isinstance(device, want):
                continue
            allowed, _data = device.verify_is_allowed()
            if not allowed:
                raise Throttled
            if device.verify_token(code):
                return device
    return None


def normalize_code(code: str) -> str:
    """Spaces and hyphens dropped, lower case: «ABCD-1234» and «abcd 1234» are one code."""
    return "".join(code.split()).replace("-", "").lower()


def remove_second_factor(user: User) -> int:
    """Delete every device of ``user`` (authenticator and backup codes); returns how many."""
    removed = 0
    for model in device_classes():
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


def reset_second_factor(user: User, *, by: User) -> None:
    """An administrator's reset: ``user`` loses every device and enrols again at next sign-in.

    Side effects: deletes the devices, writes a ``LogEntry`` on the user (``audit``) and a
    ``pmm.security`` line. Sessions that passed the second step with a deleted device stop
    counting as verified at their next request.
    """
    with transaction.atomic():
        remove_second_factor(user)
        audit.record_change(
            user,
            by=by,
            changes={},
            note="Se restableció el segundo factor de inicio de sesión: la persona lo "
            "activará de nuevo al iniciar sesión.",
        )
    logger.info("twofactor reset user=%s by=%s", user.pk, by.pk)


# ---------------------------------------------------------------------------------------------
# Middleware and the admin
# ---------------------------------------------------------------------------------------------


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("logout"),
        reverse("admin:logout"),
        reverse("twofactor_verify"),
        reverse("twofactor_enrol"),
        # How long an idle session has left (reporting/idle.py): the code page has the timer too.
        reverse("session_status"),
    )


def _with_next(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


class RequireSecondFactor(MiddlewareMixin):
    """A signed-in person who has not passed the second step reaches only sign-out, the code
    and enrolment pages and static files: with an authenticator they are asked for a code,
    without one (when required) they are sent to enrolment.

    A ``process_request`` hook, so that it is not on the stack while a view runs.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        if has_authenticator(user):
            step = "twofactor_verify"
        elif is_required(user):
            step = "twofactor_enrol"
        else:
            # A focal point without an authenticator: every request of theirs ends here, before
            # the five addresses below are reversed (docs/load-test.md §L8b).
            return None
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path in _exempt_paths():
            return None
        return _with_next(step, request)


class TwoFactorAdminSite(OTPAdminSite):
    """django-otp's admin site: a staff account that has not passed the second step of sign-in
    is treated as not staff. ``config/urls.py`` gives ``admin.site`` this class.

    Signing in (password, then code) happens on the app's pages: the admin keeps Django's own
    login form, and ``RequireSecondFactor`` asks for the code after it.
    """

    login_form = None
    login_template = None

    def has_permission(self, request: HttpRequest) -> bool:
        # The admin is for administrators (docs/architecture.md §A4): being staff is not
        # enough; a staff account needs at least one model permission, or to be a superuser.
        user = request.user
        if not (user.is_active and (user.is_superuser or user.get_all_permissions())):
            return False
        if not settings.OTP_REQUIRED_FOR_STAFF:
            return AdminSite.has_permission(self, request)
        return super().has_permission(request)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Código"),
        max_length=20,
        help_text=gettext_lazy(
            "Los 6 dígitos que muestra su aplicación autenticadora, o uno de sus códigos de "
            "respaldo."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, autofocus: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if autofocus:
            self.fields["code"].widget.attrs["autofocus"] = True

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])


class EnrolForm(CodeForm):
    code = forms.CharField(
        label=gettext_lazy("Código de 6 dígitos"),
        max_length=10,
        help_text=gettext_lazy("El código que muestra ahora su aplicación autenticadora."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not _six_digits(code):
            raise forms.ValidationError(_("Escriba los 6 dígitos que muestra su aplicación."))
        return code


WRONG_CODE = gettext_lazy("El código no es correcto o ya se usó. Pruebe con el código actual.")
THROTTLED = gettext_lazy(
    "Hubo varios códigos equivocados seguidos. Espere unos segundos y vuelva a intentarlo."
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _signed_in_with(request: HttpRequest, device) -> None:
    # A new session id once the second step is passed (as Django does at the first one).
    request.session.cycle_key()
    otp_login(request, device)


@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of sign-in: a code from the authenticator, or a backup code."""
    user, next_url = request.user, _next_url(request)
    if is_verified(user):
        return redirect(next_url)
    if authenticator_of(user) is None:
        if is_required(user):
            return redirect(f"{reverse('twofactor_enrol')}?{urlencode({'next': next_url})}")
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = verify_code(user, form.cleaned_data["code"])
        except Throttled:
            logger.warning("twofactor throttled user=%s", user.pk)
            form.add_error("code", THROTTLED)
        else:
            if device is None:
                logger.warning("twofactor failed user=%s", user.pk)
                form.add_error("code", WRONG_CODE)
            else:
                method = "backup" if isinstance(device, StaticDevice) else "totp"
                logger.info("twofactor ok user=%s method=%s", user.pk, method)
                _signed_in_with(request, device)
                if method == "backup":
                    left = len(backup_codes_left(user))
                    messages.warning(
                        request,
                        _(
                            "Usó un código de respaldo; le quedan %(n)s. Puede generar códigos "
                            "nuevos en «Seguridad de la cuenta»."
                        )
                        % {"n": left},
                    )
                return redirect(next_url)
    return render(request, "registration/otp_verify.html", {"form": form, "next": next_url})


@login_required
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn on the second factor: QR code and secret, a first code, then the backup codes."""
    user, next_url = request.user, _next_url(request)
    if authenticator_of(user) is not None:
        # Replacing an authenticator goes through the code page (or an administrator's reset).
        return redirect(next_url if is_verified(user) else reverse("twofactor_verify"))
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = new_secret()
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = enrol_authenticator(user, key=key, code=form.cleaned_data["code"])
        if device is None:
            logger.warning("twofactor enrol-failed user=%s", user.pk)
            form.add_error("code", WRONG_CODE)
        else:
            codes = create_backup_codes(user)
            del request.session[PENDING_KEY]
            _signed_in_with(request, device)
            logger.info("twofactor enrolled user=%s", user.pk)
            return _show_backup_codes(request, codes, next_url=next_url)
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr_code_svg(user, key),
        "secret": secret_for_typing(key),
        "required": is_required(user),
    }
    return render(request, "registration/otp_enrol.html", context)


def _show_backup_codes(request: HttpRequest, codes: list[str], *, next_url: str) -> HttpResponse:
    shown = [f"{code[:4]}-{code[4:]}" for code in codes]
    return render(request, "registration/otp_backup_codes.html", {"codes": shown, "next": next_url})


@login_required
def account_security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """«Seguridad de la cuenta»: whether the second factor is on, and what one may do."""
    user = request.user
    context = {
        "device": authenticator_of(user),
        "backup_left": len(backup_codes_left(user)),
        "required": is_required(user),
        "form": CodeForm(auto_id="id_%s_desactivar", autofocus=False),
        "codes_form": CodeForm(auto_id="id_%s_codigos", autofocus=False),
    }
    return render(request, "reporting/account_security.html", context)


def _confirmed_by_code(request: AuthenticatedHttpRequest) -> bool:
    """Whether the posted code is right (messages say why not)."""
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Escriba un código para confirmar."))
        return False
    try:
        device = verify_code(request.user, form.cleaned_data["code"])
    except Throttled:
        messages.error(request, THROTTLED)
        return False
    if device is None:
        logger.warning("twofactor failed user=%s", request.user.pk)
        messages.error(request, WRONG_CODE)
        return False
    return True


@login_required
def disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn the second factor off (focal points only), confirmed with a code."""
    user = request.user
    if request.method != "POST" or authenticator_of(user) is None:
        return redirect("account_security")
    if is_required(user):
        messages.error(request, _("Su cuenta necesita la verificación en dos pasos."))
        return redirect("account_security")
    if _confirmed_by_code(request):
        remove_second_factor(user)
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        logger.info("twofactor disabled user=%s", user.pk)
        messages.success(request, _("Se desactivó la verificación en dos pasos."))
    return redirect("account_security")


@login_required
def new_backup_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new set of backup codes, confirmed with a code; shown once."""
    user = request.user
    if request.method != "POST" or authenticator_of(user) is None:
        return redirect("account_security")
    if not _confirmed_by_code(request):
        return redirect("account_security")
    codes = create_backup_codes(user)
    logger.info("twofactor backup-codes-renewed user=%s", user.pk)
    return _show_backup_codes(request, codes, next_url=reverse("account_security"))
