from django.contrib import admin
from django.urls import include, path

from compendium.views import public

admin.site.site_header = "Pacto Mundial para la Migración · Administración"
admin.site.site_title = "Administración PMM"

urlpatterns = [
    path("", public.home, name="home"),
    path("admin/", admin.site.urls),
    path("cuentas/", include("django.contrib.auth.urls")),
    path("fichas/", include("reporting.urls")),
    path("", include("compendium.urls")),
]
