from django.contrib import admin
from django.urls import include, path

from compendium.api import api
from compendium.views import public
from reporting import idle, twofactor
from reporting.signin import PasswordResetView

# django-otp's documented way to make the default site require the second factor; the
# registrations and the names below stay (reporting/twofactor.py).
admin.site.__class__ = twofactor.TwoFactorAdminSite
admin.site.site_header = "Pacto Mundial para la Migración · Administración"
admin.site.site_title = "Administración PMM"

urlpatterns = [
    path("", public.home, name="home"),
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
    # The read-only public JSON API (compendium/api.py, docs/data-and-api.md).
    path("api/v1/", api.urls),
    path("", include("compendium.urls")),
]
