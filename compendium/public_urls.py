"""The public pages that also exist in English under ``/en/`` (docs/english-edition.md §E7).

Included by ``compendium/urls.py`` inside a ``LocalePrefixPattern``: the Spanish pages keep their
paths (no prefix), the English ones are the same paths after ``/en/``. The names stay in the
``compendium`` namespace. Files (PDFs, CSV/XLSX/JSON, datapackage.json, the Atom feed) are not
here: the English pages link to the same files.
"""

from django.urls import URLPattern, path

from compendium.views import data as open_data
from compendium.views import explorer, public
from compendium.views import series as series_views

urlpatterns: list[URLPattern] = [
    path("publicaciones/", public.public_list, name="public_list"),
    path("publicaciones/<int:year>/", public.public_edition, name="public_edition"),
    # The program explorer, program pages and edition dashboards (compendium/views/explorer.py).
    path("programas/", explorer.programs, name="programs"),
    path("programas/<int:anio>/<int:number>/", explorer.program, name="program"),
    path("publicaciones/<int:year>/tablero/", explorer.dashboard, name="dashboard"),
    path("aviso-de-privacidad/", public.privacy_notice, name="privacy_notice"),
    path("accesibilidad/", public.accessibility_statement, name="accessibility_statement"),
    # The series 2018→latest (compendium/views/series.py, docs/series.md).
    path("series/", series_views.overview, name="series"),
    path("series/objetivos/", series_views.objectives, name="series_objectives"),
    path("series/ods/", series_views.ods, name="series_ods"),
    # Open data catalogue and dictionary (compendium/views/data.py, docs/data-and-api.md).
    path("datos/", open_data.catalogue, name="data"),
    path("datos/diccionario/", open_data.dictionary, name="data_dictionary"),
]
