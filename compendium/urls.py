from django.urls import URLPattern, URLResolver, path

from compendium.feeds import PublicationsFeed
from compendium.views import data as open_data
from compendium.views import editions, explorer, ficha_pdf, public
from compendium.views import series as series_views
from compendium.views import workspace as informe_workspace

app_name = "compendium"

urlpatterns: list[URLPattern | URLResolver] = [
    path("publicaciones/", public.public_list, name="public_list"),
    path("publicaciones/<int:year>/", public.public_edition, name="public_edition"),
    path(
        "publicaciones/<int:year>/<str:document>-v<int:version>.pdf",
        public.public_download,
        name="public_download",
    ),
    # The program explorer, program pages and edition dashboards (compendium/views/explorer.py).
    path("programas/", explorer.programs, name="programs"),
    path("programas/<int:anio>/<int:number>/", explorer.program, name="program"),
    path("publicaciones/<int:year>/tablero/", explorer.dashboard, name="dashboard"),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", public.favicon, name="favicon"),
    path("aviso-de-privacidad/", public.privacy_notice, name="privacy_notice"),
    path("accesibilidad/", public.accessibility_statement, name="accessibility_statement"),
    # The series 2018→latest and its open data (compendium/views/series.py, docs/series.md).
    path("series/", series_views.overview, name="series"),
    path("series/objetivos/", series_views.objectives, name="series_objectives"),
    path("series/ods/", series_views.ods, name="series_ods"),
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
    path("datos/", open_data.catalogue, name="data"),
    path("datos/diccionario/", open_data.dictionary, name="data_dictionary"),
    path("datos/datapackage.json", open_data.package, name="data_package"),
    path("datos/programas.<str:fmt>", open_data.all_programs_file, name="data_file_all"),
    path("datos/<int:year>/programas.<str:fmt>", open_data.programs_file, name="data_file"),
    path("publicaciones/novedades.atom", PublicationsFeed(), name="feed"),
]
