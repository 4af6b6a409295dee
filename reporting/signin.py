"""Signing in safely: lockout of repeated failures, password reset through the worker, and a
log of sign-in events that names people only by id (docs/architecture.md §A8).

- Lockout is django-axes (settings ``AXES_*``): after ``AXES_FAILURE_LIMIT`` failures for one
  account *or* from one address, sign-in is refused for ``AXES_COOLOFF_TIME`` with a Spanish page
  (``registration/locked_out.html``). An administrator unlocks from the admin («Access attempts»)
  or with ``manage.py axes_reset_username EMAIL``.
- A password reset request only queues a task: the answer takes the same time whether the
  address has an account or not, and the task (not the request) looks the account up and sends
  the mail. Requests are limited per address and per client address.
- A burst of sign-ins is bounded per process (reporting/passwords.py): a password check that
  finds the line full raises ``PasswordChecksBusy`` and ``AnswerBusySignIns`` answers 503 with
  ``Retry-After`` at once, with the login form as typed except the password (docs/load-test.md
  §L3). Nothing is counted by django-axes for it: the check never ran.
"""

import hashlib
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import task
from django.utils.http import url_has_allowed_host_and_scheme

from reporting.passwords import PasswordChecksBusy

logger = logging.getLogger("pmm.security")

# Password reset requests per hour, per email address and per client address.
RESET_LIMIT_PER_EMAIL = 3
RESET_LIMIT_PER_CLIENT = 20
RESET_WINDOW_SECONDS = 3600


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


def _over_limit(key: str, limit: int) -> bool:
    """Count one more request under ``key``; True once the count passes ``limit``."""
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        count = 1
    return count > limit


def _digest(value: str) -> str:
    # Cache keys must not carry the address itself (caches may be shared or dumped).
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


class QueuedPasswordResetForm(PasswordResetForm):
    """Queues the reset mail instead of sending it inside the request."""

    def save(self, *args, **kwargs) -> None:
        send_password_reset.enqueue(email=self.cleaned_data["email"])


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        address = client_address(self.request)
        limited = _over_limit(f"pwreset:e:{_digest(email)}", RESET_LIMIT_PER_EMAIL) | _over_limit(
            f"pwreset:c:{_digest(address)}", RESET_LIMIT_PER_CLIENT
        )
        if limited:
            # Same answer as a sent request: the page never tells whether an address exists.
            logger.warning("password-reset limited client=%s", address)
            return redirect(self.get_success_url())
        return super().form_valid(form)


@task
def send_password_reset(email: str) -> None:
    """Background task: send the reset link if ``email`` belongs to an active account."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
    )


@receiver(user_logged_in)
def _log_sign_in(sender, request, user, **kwargs) -> None:
    logger.info("signin ok user=%s client=%s", user.pk, client_address(request))


@receiver(user_logged_out)
def _log_sign_out(sender, request, user, **kwargs) -> None:
    logger.info("signout user=%s", getattr(user, "pk", "-"))


@receiver(user_login_failed)
def _log_sign_in_failure(sender, credentials, request=None, **kwargs) -> None:
    # ``credentials`` hold the typed email: never logged.
    logger.warning("signin failed client=%s", client_address(request))


def typed_username(request: HttpRequest | None, credentials: dict | None = None) -> str:
    """The address a person typed to sign in (``AXES_USERNAME_CALLABLE``).

    Django's sign-in passes it as ``email`` (our ``USERNAME_FIELD``), the login form posts it as
    ``username``; lowercased so that «Ana@X» and «ana@x» count as one account.
    """
    credentials = credentials or {}
    typed = credentials.get("email") or credentials.get("username")
    if not typed and request is not None:
        typed = request.POST.get("username", "")
    # Capped like the account's email (254): django-axes stores it in a 255-character column,
    # and lowercasing may lengthen it («İ» becomes two characters).
    return str(typed or "").strip().lower()[:254]


def _log_lockout(sender, request, username, ip_address, **kwargs) -> None:
    from reporting.models import User

    typed = username or typed_username(request)
    user_id = User.objects.filter(email__iexact=typed).values_list("pk", flat=True)
    logger.warning(
        "signin locked-out user=%s client=%s", next(iter(user_id), "-"), ip_address or "-"
    )


def connect_lockout_log() -> None:
    """Connected from ``ReportingConfig.ready`` (axes' signals need settings loaded)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_log_lockout, dispatch_uid="pmm-lockout-log")


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """What a locked-out person sees (``AXES_LOCKOUT_CALLABLE``): Spanish, with the wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def busy_response(request: HttpRequest, retry_after: int) -> HttpResponse:
    """503 with ``Retry-After``: too many password checks in this process right now.

    A sign-in gets the login form back with the address (and ``next``) as typed, never the
    password, and a message that says to try again in a few seconds; any other form that checks
    a password (changing it) gets a short page with the same message.
    """
    logger.info("signin busy client=%s retry_after=%s", client_address(request), retry_after)
    context: dict = {"busy": True, "retry_after": retry_after}
    template = "registration/busy.html"
    if "username" in request.POST:
        template = "registration/login.html"
        typed = request.POST.get("username", "")[:254]
        # Unbound, with the typed address as its initial value: a bound form would validate,
        # that is, check the password again.
        context["form"] = AuthenticationForm(request, initial={"username": typed})
        next_url = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        context["next"] = next_url if safe else ""
    response = render(request, template, context, status=503)
    response["Retry-After"] = str(retry_after)
    # Logged above at INFO: not one ERROR line of django.request per refusal (a 5xx).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class AnswerBusySignIns:
    """Middleware: a ``PasswordChecksBusy`` from any view becomes ``busy_response``."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PasswordChecksBusy):
            return busy_response(request, exception.retry_after)
        return None
