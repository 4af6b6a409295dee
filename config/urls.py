from django.contrib import admin
from django.urls import include, path

from compendium.views import public
from reporting.signin import PasswordResetView

admin.site.site_header = "Pacto Mundial para la Migración · Administración"
admin.site.site_title = "Administración PMM"

urlpatterns = [
    path("", public.home, name="home"),
    path("admin/", admin.site.urls),
    # Before Django's own: the reset request is queued and rate-limited (reporting/signin.py).
    path("cuentas/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("cuentas/", include("django.contrib.auth.urls")),
    path("fichas/", include("reporting.urls")),
    path("", include("compendium.urls")),
]
