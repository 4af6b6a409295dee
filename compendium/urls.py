from django.urls import path  # noqa: F401

from compendium.views import public

app_name = "compendium"

urlpatterns: list = [
    path("publicaciones/", public.public_list, name="public_list"),
    path("publicaciones/<int:year>/", public.public_edition, name="public_edition"),
    path(
        "publicaciones/<int:year>/<str:document>-v<int:version>.pdf",
        public.public_download,
        name="public_download",
    ),
]

# UPMRIP's editions page and PDF builds (compendium/views/editions.py).
from compendium.views import editions as edition_views  # noqa: E402

urlpatterns += [
    path("ediciones/", edition_views.edition_list, name="editions"),
    path("ediciones/<int:year>/nueva/", edition_views.edition_create, name="edition_create"),
    path("ediciones/<int:pk>/", edition_views.edition_edit, name="edition_edit"),
    path(
        "ediciones/<int:pk>/<str:document>/borrador/",
        edition_views.build_request,
        name="build_request",
    ),
    path(
        "ediciones/<int:pk>/<str:document>/publicar/",
        edition_views.build_publish,
        name="build_publish",
    ),
    path("generaciones/<int:pk>/estado/", edition_views.build_status, name="build_status"),
    path("generaciones/<int:pk>/descargar/", edition_views.build_download, name="build_download"),
]
