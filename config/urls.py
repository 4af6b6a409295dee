from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from compendium.views import public
from config.lazy_urls import lazy_include
from reporting import idle, twofactor
from reporting.signin import PasswordResetView

# django-otp's documented way to make the default site require the second factor; the
# registrations and the names below stay (reporting/twofactor.py).
admin.site.__class__ = twofactor.TwoFactorAdminSite
admin.site.site_header = "Pacto Mundial para la Migración · Administración"
admin.site.site_title = "Administración PMM"

urlpatterns = [
    # The home page in Spanish at / and in English at /en/. This root LocalePrefixPattern is what
    # tells LocaleMiddleware that the language comes from the path, and only from it: a path
    # without /en/ is Spanish whatever the browser asks. The other public pages are prefixed
    # inside compendium/urls.py (docs/english-edition.md §E7).
    *i18n_patterns(path("", public.home, name="home"), prefix_default_language=False),
    path("admin/", admin.site.urls),
    # Before Django's own: the reset request is queued and rate-limited (reporting/signin.py).
    path("cuentas/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    # Two-factor sign-in and «Seguridad de la cuenta» (reporting/twofactor.py).
    path("cuentas/verificacion/", twofactor.verify, name="twofactor_verify"),
    path("cuentas/verificacion/activar/", twofactor.enrol, name="twofactor_enrol"),
    path("cuentas/seguridad/", twofactor.account_security, name="account_security"),
    path("cuentas/seguridad/desactivar/", twofactor.disable, name="twofactor_disable"),
    path("cuentas/seguridad/codigos/", twofactor.new_backup_codes, name="backup_codes_new"),
    # How long a coordinator's idle session has left; a POST extends it (reporting/idle.py).
    path("cuentas/sesion/", idle.session_status, name="session_status"),
    path("cuentas/", include("django.contrib.auth.urls")),
    path("fichas/", include("reporting.urls")),
    # The read-only public JSON API (compendium/api.py, docs/data-and-api.md §A1), imported
    # (with django-ninja) at its first request or reverse, not when the URLconf loads
    # (config/lazy_urls.py). The app name and namespace are those api.urls gives.
    lazy_include("api/v1/", "compendium.api", app_name="ninja", namespace="api-v1"),
    path("", include("compendium.urls")),
]
