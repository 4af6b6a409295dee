from django.urls import URLPattern, URLResolver, path

from compendium.views import editions, ficha_pdf, public

app_name = "compendium"

urlpatterns: list[URLPattern | URLResolver] = [
    path("publicaciones/", public.public_list, name="public_list"),
    path("publicaciones/<int:year>/", public.public_edition, name="public_edition"),
    path(
        "publicaciones/<int:year>/<str:document>-v<int:version>.pdf",
        public.public_download,
        name="public_download",
    ),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", public.favicon, name="favicon"),
    path("aviso-de-privacidad/", public.privacy_notice, name="privacy_notice"),
    path("accesibilidad/", public.accessibility_statement, name="accessibility_statement"),
    # UPMRIP's editions page and PDF builds (compendium/views/editions.py).
    path("ediciones/", editions.edition_list, name="editions"),
    path("ediciones/<int:year>/nueva/", editions.edition_create, name="edition_create"),
    path("ediciones/<int:pk>/", editions.edition_edit, name="edition_edit"),
    path(
        "ediciones/<int:pk>/<str:document>/borrador/",
        editions.build_request,
        name="build_request",
    ),
    path(
        "ediciones/<int:pk>/<str:document>/publicar/",
        editions.build_publish,
        name="build_publish",
    ),
    path("generaciones/<int:pk>/estado/", editions.build_status, name="build_status"),
    path("generaciones/<int:pk>/descargar/", editions.build_download, name="build_download"),
    # One ficha as a PDF, for its institution (compendium/views/ficha_pdf.py).
    path("fichas/<int:pk>/pdf/", ficha_pdf.ficha_pdf, name="ficha_pdf"),
]
