from django.urls import URLPattern, URLResolver, path
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

from compendium import public_urls
from compendium.feeds import PublicationsFeed
from compendium.views import data as open_data
from compendium.views import editions, ficha_pdf, public
from compendium.views import series as series_views
from compendium.views import workspace as informe_workspace

app_name = "compendium"

urlpatterns: list[URLPattern | URLResolver] = [
    # The public pages, in Spanish without prefix and in English under /en/ (docs/english-edition.md
    # §E7). Django's include() refuses a LocalePrefixPattern at the top of an included URLconf
    # (LocaleMiddleware only looks for one in the root URLconf); the root has one for the home
    # page (config/urls.py), and this one sits one level down, inside an empty route, so that the
    # names stay in the one «compendium» namespace.
    URLResolver(
        RoutePattern(""),
        [URLResolver(LocalePrefixPattern(prefix_default_language=False), public_urls.urlpatterns)],
    ),
    path(
        "publicaciones/<int:year>/<str:document>-v<int:version>.pdf",
        public.public_download,
        name="public_download",
    ),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", public.favicon, name="favicon"),
    # The series' open data (compendium/views/series.py, docs/series.md).
    path("datos/serie-anual.csv", series_views.objectives_csv, name="series_objectives_csv"),
    path("datos/serie-anual.json", series_views.objectives_json, name="series_objectives_json"),
    path("datos/serie-anual-ods.csv", series_views.ods_csv, name="series_ods_csv"),
    path("datos/serie-anual-ods.json", series_views.ods_json, name="series_ods_json"),
    # UPMRIP's editions page and PDF builds (compendium/views/editions.py).
    path("ediciones/", editions.edition_list, name="editions"),
    path("ediciones/<int:year>/nueva/", editions.edition_create, name="edition_create"),
    path("ediciones/<int:pk>/", editions.edition_edit, name="edition_edit"),
    path("ediciones/<int:pk>/revision/", editions.edition_check, name="edition_check"),
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
    # The Informe workspace of an edition (compendium/views/workspace.py).
    path(
        "ediciones/<int:pk>/informe/",
        informe_workspace.informe_workspace,
        name="informe_workspace",
    ),
    path(
        "ediciones/<int:pk>/informe/textos/<str:field>/",
        informe_workspace.informe_text,
        name="informe_text",
    ),
    path(
        "ediciones/<int:pk>/informe/creditos/",
        informe_workspace.informe_credits,
        name="informe_credits",
    ),
    path(
        "ediciones/<int:pk>/informe/destacadas/",
        informe_workspace.informe_highlights,
        name="informe_highlights",
    ),
    path(
        "ediciones/<int:pk>/informe/destacadas/<int:number>/",
        informe_workspace.informe_highlights_objective,
        name="informe_highlights_objective",
    ),
    path(
        "ediciones/<int:pk>/informe/retos/",
        informe_workspace.informe_retos,
        name="informe_retos",
    ),
    path(
        "ediciones/<int:pk>/informe/retos/reglas/",
        informe_workspace.informe_retos_rules,
        name="informe_retos_rules",
    ),
    # One ficha as a PDF, for its institution (compendium/views/ficha_pdf.py).
    path("fichas/<int:pk>/pdf/", ficha_pdf.ficha_pdf, name="ficha_pdf"),
    # Open data and the feed of new publications (compendium/views/data.py, docs/data-and-api.md).
    path("datos/datapackage.json", open_data.package, name="data_package"),
    path("datos/programas.<str:fmt>", open_data.all_programs_file, name="data_file_all"),
    path("datos/<int:year>/programas.<str:fmt>", open_data.programs_file, name="data_file"),
    path("publicaciones/novedades.atom", PublicationsFeed(), name="feed"),
]
