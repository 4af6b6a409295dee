"""The read-only public JSON API at /api/v1/ (issue 13; docs/data-and-api.md §A1-A6).

The world of test_opendata.py (two published editions, one with only a draft, a draft ficha,
contact data everywhere), built once for the module and rolled back at the end.
"""

import json
import math

import pytest
from django.core.cache import caches
from django.db.models import Count
from django.test import Client

from compendium import opendata
from compendium.models import PublishedProgram
from tests.compendium._module_db import module_transaction
from tests.compendium.published import publish_edition
from tests.compendium.test_opendata import (
    DRAFT_NAME,
    LATE_NAME,
    UNPUBLISHED_NAME,
    build_published_world,
    contact_values,
    json_file,
)

API = "/api/v1"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_transaction(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield build_published_world()


@pytest.fixture
def client(world, db):
    # The rate limit's counts (local memory in tests) start from zero in each test.
    caches["throttle"].clear()
    return Client()


def get(client, path: str, status: int = 200, **params):
    response = client.get(API + path, params)
    assert response.status_code == status, (path, params, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- OpenAPI -----------------------------------------------------------------------------------


def test_openapi_document_loads(client):
    doc = get(client, "/openapi.json")
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["version"] == "1"
    assert set(doc["paths"]) == {
        "/api/v1/programas",
        "/api/v1/programas/{anio}/{numero}",
        "/api/v1/ediciones",
        "/api/v1/ediciones/{anio}",
        "/api/v1/objetivos",
        "/api/v1/agregados",
    }
    assert all(set(item) == {"get"} for item in doc["paths"].values())
    parameters = {p["name"] for p in doc["paths"]["/api/v1/programas"]["get"]["parameters"]}
    assert parameters >= {"anio", "objetivo", "ods", "eje", "entidad", "institucion", "q", "page"}
    program = doc["components"]["schemas"]["Programa"]["properties"]
    assert set(program) == {f.name for f in opendata.JSON_FIELDS} | {"url"}
    assert all(program[f.name].get("description") for f in opendata.JSON_FIELDS)


def test_no_swagger_page(client):
    assert client.get(API + "/docs").status_code == 404


# --- programs ----------------------------------------------------------------------------------


def test_programs_are_paginated_newest_edition_first(client):
    page = get(client, "/programas", por_pagina=5)
    assert (page["total"], page["pagina"], page["paginas"], page["por_pagina"]) == (11, 1, 3, 5)
    assert [(p["anio"], p["numero"]) for p in page["resultados"]] == [
        (2102, 1),
        (2102, 2),
        (2102, 3),
        (2101, 1),
        (2101, 2),
    ]
    assert page["anterior"] is None
    assert page["siguiente"] == "http://testserver/api/v1/programas?page=2&por_pagina=5"
    last = get(client, "/programas", page=3, por_pagina=5)
    assert [(p["anio"], p["numero"]) for p in last["resultados"]] == [(2101, 8)]
    assert last["siguiente"] is None
    assert last["anterior"].endswith("page=2&por_pagina=5")
    beyond = get(client, "/programas", page=9)
    assert (beyond["total"], beyond["resultados"]) == (11, [])
    default = get(client, "/programas")
    assert default["por_pagina"] == 20 and len(default["resultados"]) == 11


def test_program_record_is_the_files_record(client):
    page = get(client, "/programas", anio=2101, por_pagina=1)
    (program,) = page["resultados"]
    row = json_file(client, "/datos/2101/programas.json")["programas"][0]
    assert program == {**row, "url": "http://testserver/api/v1/programas/2101/1"}
    assert get(client, "/programas/2101/1") == program


@pytest.mark.parametrize(
    "params",
    [
        {"anio": "2101"},
        {"objetivo": "7"},
        {"ods": "3"},
        {"entidad": "19"},
        {"institucion": "INM"},
        {"capitulo": "2"},
        {"eje": "1"},
        {"q": "migrantes"},
        {"anio": "2101", "objetivo": "15"},
    ],
)
def test_filters_agree_with_the_explorers(client, params):
    from compendium.public_record import ProgramFilters, programs_matching

    expected = programs_matching(ProgramFilters.from_params(params))
    page = get(client, "/programas", **params, por_pagina=100)
    assert [(p["anio"], p["numero"]) for p in page["resultados"]] == list(
        expected.values_list("year", "number")
    )
    assert page["total"] == expected.count()
    assert page["filtros"] == {k: v for k, v in params.items()}


def test_filters_narrow(client):
    assert (
        get(client, "/programas", objetivo=7)["total"]
        == PublishedProgram.objects.filter(objetivo_id=7).count()
    )
    assert get(client, "/programas", anio=2102)["total"] == 3


def test_a_year_without_edition_is_a_notice_not_an_error(client):
    page = get(client, "/programas", anio=1999)
    assert page["total"] == 0
    assert "1999" in page["avisos"]["anio"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"objetivo": "99"}, "objetivo"),
        ({"objetivo": "siete"}, "objetivo"),
        ({"anio": "abc"}, "anio"),
        ({"ods": "18"}, "ods"),
        ({"entidad": "40"}, "entidad"),
        ({"capitulo": "9"}, "capitulo"),
        ({"page": "-1"}, "page"),
        ({"page": "0"}, "page"),
        ({"q": "x" * 10_000}, "q"),
        ({"q": "abc\x00def"}, "q"),
        ({"institucion": "INM\x00"}, "institucion"),
        ({"por_pagina": "0"}, "por_pagina"),
        ({"por_pagina": "1000"}, "por_pagina"),
        ({"por_pagina": "١٠"}, "por_pagina"),
    ],
)
def test_bad_filters_are_400_in_spanish(client, params, name):
    data = get(client, "/programas", 400, **params)
    assert data["error"] == "Parámetros no válidos."
    assert set(data["detalles"]) == {name}
    assert data["detalles"][name]


def test_repeated_filter_is_400(client):
    response = client.get(API + "/programas?objetivo=7&objetivo=15")
    assert response.status_code == 400
    assert "objetivo" in response.json()["detalles"]


@pytest.mark.parametrize(
    "path",
    [
        "/programas/2101/99",
        "/programas/2103/1",
        "/programas/1999/1",
        "/programas/99999/1",
        "/programas/2101/0",
        "/programas/2101/99999999999999999999",
        "/ediciones/2103",
        "/ediciones/1999",
        "/ediciones/-5",
    ],
)
def test_not_published_is_404_json(client, path):
    data = get(client, path, 404)
    assert data["error"].startswith("No se encontró")


@pytest.mark.parametrize("path", ["/programas/abc/1", "/ediciones/dos-mil"])
def test_malformed_path_is_400(client, path):
    data = get(client, path, 400)
    assert data["error"] == "Parámetros no válidos."
    assert list(data["detalles"].values()) == ["Debe ser un número entero."]


def test_get_only(client):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(API + "/programas")
        assert response.status_code == 405, method


def test_queries_do_not_grow_with_the_page(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        get(client, "/programas", por_pagina=100, q="migrantes", objetivo=7)


# --- editions, objectives, aggregates -----------------------------------------------------------


def test_editions_list_published_ones_only(client):
    editions = get(client, "/ediciones")
    assert [(e["anio"], e["programas"], e["version_compendio"]) for e in editions] == [
        (2102, 3, 1),
        (2101, 8, 2),
    ]
    latest = editions[1]
    assert [(d["documento"], d["version"]) for d in latest["documentos"]] == [("compendio", 2)]
    assert latest["documentos"][0]["pdf"].endswith("/publicaciones/2101/compendio-v2.pdf")
    assert latest["datos"]["csv"].endswith("/datos/2101/programas.csv")
    assert get(client, "/ediciones/2101") == latest


def test_objectives(client):
    objectives = get(client, "/objetivos")
    assert [o["numero"] for o in objectives] == list(range(1, 24))
    assert all(o["titulo"] for o in objectives)


def test_aggregates_count_the_record(client):
    data = get(client, "/agregados")
    assert [y["anio"] for y in data["anios"]] == [2102, 2101]
    year = data["anios"][1]
    programs = PublishedProgram.objects.filter(year=2101)
    assert year["programas"] == programs.count() == 8
    assert len(year["por_objetivo"]) == 23 and len(year["por_ods"]) == 17
    expected = dict(programs.values_list("objetivo_id").annotate(n=Count("pk")))
    assert {int(c["clave"]): c["programas"] for c in year["por_objetivo"] if c["programas"]} == (
        expected
    )
    ods = PublishedProgram.ods.through.objects.filter(publishedprogram__year=2101)
    assert sum(c["programas"] for c in year["por_ods"]) == ods.count()
    assert sum(c["programas"] for c in year["por_tipo_actor"]) == 8
    states = programs.filter(entidad__isnull=False).count()
    assert sum(c["programas"] for c in year["por_entidad"]) == states
    filtered = get(client, "/agregados", anio=2101, objetivo=7)
    assert [y["programas"] for y in filtered["anios"]] == [expected[7]]
    assert get(client, "/agregados", 400, ods="0")["detalles"]["ods"]


# --- rate limit ----------------------------------------------------------------------------------


def test_rate_limit_answers_429_in_spanish(client, settings):
    settings.NINJA_DEFAULT_THROTTLE_RATES = {
        **settings.NINJA_DEFAULT_THROTTLE_RATES,
        "anon": "3/min",
    }
    for _ in range(3):
        get(client, "/objetivos")
    response = client.get(API + "/objetivos")
    assert response.status_code == 429
    assert response.json()["error"].startswith("Demasiadas solicitudes")
    assert 0 < int(response["Retry-After"]) <= 60
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.get(API + "/objetivos").status_code == 200  # per client address


def test_rate_limit_counts_in_the_shared_database_cache(client, settings):
    """Production's setting (API_THROTTLE_CACHE=database): the counts live in the table of
    migration compendium/0012, which every worker process reads (docs/data-and-api.md §A4)."""
    from django.db import connection

    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "api_throttle_cache",
        },
    }
    settings.NINJA_DEFAULT_THROTTLE_RATES = {
        **settings.NINJA_DEFAULT_THROTTLE_RATES,
        "anon": "2/min",
    }
    caches["throttle"].clear()
    for _ in range(2):
        get(client, "/objetivos")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM api_throttle_cache")
        assert cursor.fetchone()[0] == 1  # one client address, one row
    assert client.get(API + "/objetivos").status_code == 429


# --- privacy and what is public ----------------------------------------------------------------


def api_urls() -> list[str]:
    return [
        f"{API}/openapi.json",
        f"{API}/programas?por_pagina=100",
        f"{API}/programas?q=migrantes&por_pagina=100",
        f"{API}/programas/2101/1",
        f"{API}/programas/2102/1",
        f"{API}/ediciones",
        f"{API}/ediciones/2101",
        f"{API}/objetivos",
        f"{API}/agregados",
    ]


def test_no_contact_value_and_nothing_unpublished_in_any_response(client):
    values = contact_values()
    assert values
    for url in api_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        if "openapi" not in url:  # ours are UTF-8, not escapes a text search would miss
            assert "\\u00" not in response.content.decode()
        text = json.dumps(response.json(), ensure_ascii=False)
        assert sorted(v for v in values if v in text) == [], url
        for name in (UNPUBLISHED_NAME, DRAFT_NAME, LATE_NAME):
            assert name not in text, (url, name)
    searched = get(client, "/programas", q="nunca publicado")
    assert searched["total"] == 0
    drafts = get(client, "/programas", q="borrador")
    assert drafts["total"] == 0


def test_pages_cover_every_program(client):
    per_page = 4
    total = PublishedProgram.objects.count()
    seen = []
    for page in range(1, math.ceil(total / per_page) + 1):
        seen += [
            (p["anio"], p["numero"])
            for p in get(client, "/programas", page=page, por_pagina=per_page)["resultados"]
        ]
    assert sorted(seen) == sorted(PublishedProgram.objects.values_list("year", "number"))


def test_an_edition_published_without_pdf_is_listed_with_its_data(client):
    publish_edition(2105, programs=2)  # as import_compendio --publish without --pdf
    (edition,) = [e for e in get(client, "/ediciones") if e["anio"] == 2105]
    assert (edition["programas"], edition["version_compendio"]) == (2, 1)
    assert (edition["documentos"], edition["pagina"]) == ([], None)
    assert edition["datos"]["csv"].endswith("/datos/2105/programas.csv")
    assert get(client, "/ediciones/2105") == edition
