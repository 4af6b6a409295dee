"""The public record (compendium/public_record.py, docs/open-data.md §R1-R7): what a published
Compendio version freezes, how a new version replaces it, page numbers from the PDF, and the
query API (filters with their messages, search, facets) that the explorer and the API share."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import translation

from compendium import builds, public_record
from compendium.editions import create_edicion
from compendium.models import BuildStatus, Document, PublishedProgram
from compendium.public_record import ProgramFilters, facet_counts, programs_matching
from reporting.models import Ficha, FichaStatus, Nota, Reto
from tests import factories
from tests.compendium.published import CONTACT, publish_edition


def params(**values) -> ProgramFilters:
    return ProgramFilters.from_params({k: str(v) for k, v in values.items()})


@pytest.fixture
def edition(db):
    return publish_edition(2023, programs=10)


def test_freeze_stores_the_programs_as_printed_without_contact_data(edition) -> None:
    rows = list(PublishedProgram.objects.filter(build=edition).order_by("number"))
    assert [r.number for r in rows] == list(range(1, 11))
    assert {r.year for r in rows} == {2023}
    first = rows[0]
    # Print order: chapter 1 before 2, objective order inside a chapter, numbers per block.
    assert [(r.chapter, r.objetivo_id) for r in rows] == sorted(
        (r.chapter, r.objetivo_id) for r in rows
    )
    assert first.printed_number == 1 and first.printed_sigla == first.sigla
    assert first.institution and first.chapter_title
    assert "Orientación jurídica" in first.descripcion
    # Structured description fields the text lacks are printed as sentences (§C6).
    assert "Objetivo del programa:" in first.descripcion
    assert "1,245 atenciones" in first.resultados
    assert first.retos == [
        {"texto": "Falta de personal capacitado en las oficinas de atención.", "categoria": ""}
    ]
    assert first.figures["personas_atendidas"] == 1245
    assert first.ods.count() == 2 and first.eje_id and first.subtema_id
    assert first.search_text == first.search_text.lower() and "orientacion" in first.search_text
    assert first.siglas == f"|{first.sigla}|"
    state = next(r for r in rows if r.chapter == 2)
    assert state.entidad_id in {"07", "19"} and f"|{state.entidad_id}|" in state.state_codes
    assert first.page is None  # no PDF file
    for row in PublishedProgram.objects.values():
        text = repr(row)
        for value in CONTACT.values():
            assert value not in text


def test_footnotes_and_tables_are_kept_as_printed(db) -> None:
    ejercicio = factories.ejercicio(2030)
    ficha = factories.ficha(
        factories.actor("SRE"),
        ejercicio,
        status=FichaStatus.APROBADA,
        objetivo_asignado_id=7,
        descripcion="Texto con nota[^1].\n\n- viñeta uno\n- viñeta dos",
        resultados="Resultados[^2].\n\n[[tabla 1]]",
        tablas=[{"caption": "Cuadro", "header": ["A", "B"], "rows": [["1", "2"]]}],
    )
    Nota.objects.create(ficha=ficha, marker="[^1]", texto="Nota uno.")
    Nota.objects.create(ficha=ficha, marker="[^2]", texto="Nota dos.")
    Nota.objects.create(ficha=ficha, marker="", texto="Nota del encabezado.")
    [printed] = public_record.collect([ficha.pk])
    fields = printed.fields
    assert fields["notas"] == [
        {"number": 1, "texto": "Nota del encabezado."},
        {"number": 2, "texto": "Nota uno."},
        {"number": 3, "texto": "Nota dos."},
    ]
    assert fields["descripcion"].startswith("Texto con nota[2].\n\n- viñeta uno\n- viñeta dos")
    assert "Resultados[3].\n\nCuadro\nA | B\n1 | 2" in fields["resultados"]
    assert printed.anchor == "programa-1-7-1"


def test_a_new_version_replaces_the_record_and_later_edits_change_nothing(edition) -> None:
    ficha = Ficha.objects.get(pk=PublishedProgram.objects.get(build=edition, number=1).ficha_id)
    Ficha.objects.filter(pk=ficha.pk).update(nombre="Nombre cambiado después de publicar")
    Reto.objects.filter(ficha=ficha).update(texto="Reto cambiado")
    assert not PublishedProgram.objects.filter(nombre__contains="cambiado").exists()

    second = publish_edition(2023, programs=2, replace=True)
    assert second.version == 2
    assert PublishedProgram.objects.filter(year=2023).count() == 12
    assert set(PublishedProgram.objects.values_list("build", flat=True)) == {second.pk}
    assert PublishedProgram.objects.filter(nombre="Nombre cambiado después de publicar").exists()


def test_current_compendio_builds_gives_the_latest_version_per_year(edition) -> None:
    second = publish_edition(2023, programs=0, replace=True)
    other = publish_edition(2024, programs=1)
    assert public_record.current_compendio_builds() == {2023: second, 2024: other}


# --- A real build: the record is frozen with the page of each heading in the PDF ------------


@pytest.mark.slow
def test_publishing_a_compendio_freezes_the_record_with_pdf_pages(
    db, ejercicio, coordinator, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    for objective in (7, 7, 15):
        factories.ficha(inm, ejercicio, status=FichaStatus.APROBADA, objetivo_asignado_id=objective)
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    build = builds.publish(edicion, Document.COMPENDIO, by=coordinator)
    build.refresh_from_db()
    assert (build.status, build.error) == (BuildStatus.DONE, "")
    rows = list(PublishedProgram.objects.filter(build=build).order_by("number"))
    assert [(r.objetivo_id, r.printed_number) for r in rows] == [(7, 1), (7, 2), (15, 1)]
    pages = [r.page for r in rows]
    assert all(pages) and pages == sorted(pages) and pages[0] > 1
    assert max(pages) <= build.pages


# --- Filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "name", "message"),
    [
        (
            {"objetivo": "24"},
            "objetivo",
            "no es un Objetivo del PMM: indique un número del 1 al 23",
        ),
        ({"objetivo": "siete"}, "objetivo", "no es un número válido"),
        ({"ods": "0"}, "ods", "no es un ODS"),
        ({"eje": "99"}, "eje", "no es un eje temático"),
        ({"entidad": "33"}, "entidad", "no es una clave INEGI"),
        ({"entidad": "7a"}, "entidad", "no es una clave INEGI"),
        ({"capitulo": "9"}, "capitulo", "no es un capítulo del Compendio"),
        ({"anio": "20x3"}, "anio", "no es un año"),
        ({"page": "-1"}, "page", "no es un número de página"),
        ({"page": "0"}, "page", "La página debe ser un número entero desde 1"),
        ({"q": "a" * 10_000}, "q", "La búsqueda admite hasta 200 caracteres; se recibieron 10000"),
        ({"q": "migra\x00ción"}, "q", "contiene caracteres no válidos"),
        ({"institucion": "SRE|INM"}, "institucion", "no es una sigla válida"),
        ({"objetivo": "٧"}, "objetivo", "no es un número válido"),
    ],
)
def test_bad_filter_values_have_a_spanish_message_and_are_not_applied(values, name, message):
    filters = ProgramFilters.from_params(values)
    assert message in filters.errors[name]
    assert getattr(filters, name) in (None, "", 1)
    assert not filters.is_valid


def test_filters_parse_normalise_and_make_shareable_urls() -> None:
    from django.http import QueryDict

    filters = ProgramFilters.from_params(
        QueryDict("anio=2023&objetivo=7&entidad=7&q=  niñas   migrantes &page=3&utm=x")
    )
    assert filters.is_valid
    assert (filters.anio, filters.objetivo, filters.entidad, filters.page) == (2023, 7, "07", 3)
    assert filters.q == "niñas migrantes"
    assert filters.query_string() == (
        "?anio=2023&objetivo=7&entidad=07&q=ni%C3%B1as+migrantes&page=3"
    )
    assert filters.query_string(objetivo=None) == "?anio=2023&entidad=07&q=ni%C3%B1as+migrantes"
    repeated = ProgramFilters.from_params(QueryDict("ods=1&ods=2"))
    assert "un solo valor" in repeated.errors["ods"]


def test_filters_select_programs_and_facets_count_the_other_filters(edition) -> None:
    all_rows = PublishedProgram.objects.filter(year=2023)
    assert programs_matching(params(anio=2023)).count() == 10
    assert programs_matching(params(anio=2023, objetivo=7)).count() == (
        all_rows.filter(objetivo=7).count()
    )
    assert programs_matching(params(ods=1)).count() == all_rows.filter(ods=1).count()
    assert programs_matching(params(institucion="CHIAPAS")).count() == (
        all_rows.filter(sigla="CHIAPAS").count()
    )
    # «entidad»: the reporting state or a state of the program's scope.
    chiapas = programs_matching(params(entidad="07")).count()
    assert chiapas == all_rows.filter(state_codes__contains="|07|").count() > 0
    assert programs_matching(params(capitulo=2)).count() == all_rows.filter(chapter=2).count()

    facets = facet_counts(params(anio=2023, objetivo=7))
    objectives = {item.value: item.count for item in facets["objetivo"]}
    # The objective facet ignores the objective filter: every objective with programs shows.
    assert objectives == {
        str(o): all_rows.filter(objetivo=o).count()
        for o in all_rows.values_list("objetivo", flat=True).distinct()
    }
    assert [i.selected for i in facets["objetivo"] if i.value == "7"] == [True]
    # Other facets count within objective 7.
    sevens = all_rows.filter(objetivo=7)
    assert sum(i.count for i in facets["capitulo"]) == sevens.count()
    assert {i.value for i in facets["anio"]} == {"2023"}
    assert {i.value: i.count for i in facets["institucion"]} == {
        s: sevens.filter(sigla=s).count() for s in set(sevens.values_list("sigla", flat=True))
    }
    assert len(facets["ods"]) <= 17


def test_search_is_accent_and_case_insensitive_with_spanish_stems(edition) -> None:
    assert programs_matching(params(q="NIÑAS")).count() == 10
    assert programs_matching(params(q="ninas orientacion")).count() == 10
    assert programs_matching(params(q="region 3")).count() >= 1
    assert programs_matching(params(q="inexistentepalabra")).count() == 0
    if connection.vendor == "postgresql":
        # Stemming: «migrante» finds «migrantes»; web-search syntax is accepted as text.
        assert programs_matching(params(q="migrante")).count() == 10
        assert programs_matching(params(q='"personas migrantes" -zzz or (')).count() == 10


def test_unknown_year_and_institution_are_reported(edition) -> None:
    assert public_record.unknown_values(params(anio=1999, institucion="NADA")).keys() == {
        "anio",
        "institucion",
    }
    assert public_record.unknown_values(params(anio=2023, institucion="INM")) == {}


def test_singular_plural_and_unaccented_spanish_words_find_the_same_programs(edition) -> None:
    """«-ación» stems with its plural whether the accent is typed or not, and «ñ» folds to «n»
    (docs/open-data.md §R5): the stored text and the query get the same form."""
    publish_edition(2024, programs=3, resultados="Talleres de capacitaciones y evolucion, ninas.")
    expected = set(PublishedProgram.objects.filter(year=2024).values_list("pk", flat=True))
    assert len(expected) == 3

    def found(q: str) -> set[int]:
        return set(programs_matching(params(q=q)).values_list("pk", flat=True))

    # (The other programs' challenges may speak of «capacitación» too: the same set for each.)
    plural = found("capacitaciones")
    assert expected <= plural
    for q in ("capacitación", "capacitacion", "CAPACITACIÓN"):
        assert found(q) == plural, q
    assert found("evoluciones") == found("evolución") == expected
    assert expected <= found("niñas")
    assert public_record.search_form("Capacitación, EVOLUCIÓN y migración") == (
        "capacitaciones, evoluciones y migraciones"
    )


def test_summary_is_cached_per_published_record(edition, django_assert_num_queries) -> None:
    """Facets, total and unknown values: one query (the record's stamp) once counted, and
    counted again as soon as a version is published (docs/open-data.md §R7)."""
    filters = params(anio=2023, institucion="NADA")
    first = public_record.summary(filters)
    assert first.total == 0 and set(first.unknown) == {"institucion"}
    with django_assert_num_queries(1):
        assert public_record.summary(filters) == first
    old_stamp = public_record.record_stamp()
    every = public_record.summary(params())
    assert every.total == 10
    publish_edition(2024, programs=2)
    # Another process still holds the entry of the old stamp: never served again.
    old_key = (
        "summary",
        old_stamp,
        translation.get_language(),
        *public_record._filters_key(params()),
    )
    caches[public_record.CACHE_ALIAS].set(public_record._cache_key(old_key), every)
    assert public_record.summary(params()).total == 12


def test_unknown_values_are_cached_per_published_record(edition, django_assert_num_queries):
    """The API's «avisos»: the year and sigla checks cost one query (the stamp) once made, none
    without a year or sigla, and a publish that makes a year known is seen at once."""
    filters = params(anio=2024, institucion="NADA")
    first = public_record.unknown(filters)
    assert set(first) == {"anio", "institucion"}
    with django_assert_num_queries(1):
        assert public_record.unknown(filters) == first
    with django_assert_num_queries(0):
        assert public_record.unknown(params()) == {}
    publish_edition(2024, programs=2)
    assert set(public_record.unknown(filters)) == {"institucion"}


def test_the_cache_is_django_s_and_freeze_clears_it(edition):
    """The counts live in the cache alias «public_record» (config/settings.py); ``freeze``
    empties it; ``uncached`` neither reads nor fills it (the benchmark's cold rows)."""
    store = caches[public_record.CACHE_ALIAS]
    store.clear()
    with public_record.uncached():
        public_record.summary(params(anio=2023))
    assert not store._cache  # noqa: SLF001 - LocMemCache's entries
    public_record.summary(params(anio=2023))
    assert len(store._cache) == 1  # noqa: SLF001
    publish_edition(2024, programs=1)
    assert not store._cache  # noqa: SLF001
