"""The program explorer, program pages and dashboards (compendium/views/explorer.py,
docs/open-data.md §R4-R6): filters and facets, pagination, bad input, the snapshot rule,
escaping and a number of queries that does not grow with the number of programs."""

import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compendium.models import BuildStatus, Document, Edicion, PublicationBuild, PublishedProgram
from reporting.models import Ficha
from tests import factories
from tests.compendium.published import publish_edition

EXPLORER = reverse("compendium:programs")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def editions(db):
    return publish_edition(2023, programs=25), publish_edition(2024, programs=3, with_file=True)


def stable(response) -> str:
    """The page without what changes on every request (CSP nonce, CSRF token)."""
    html = response.content.decode()
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def text_of(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_explorer_lists_all_years_20_per_page_with_shareable_pages(client, editions) -> None:
    page = client.get(EXPLORER)
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == 28
    assert len(page.context["page_obj"].object_list) == 20
    html = page.content.decode()
    assert "28 programas" in html
    # Newest edition first; links to each program's permanent page.
    first = page.context["page_obj"].object_list[0]
    assert first.year == 2024
    assert reverse("compendium:program", args=[2024, 1]) in html
    assert 'href="?page=2"' in html and 'rel="next"' in html
    second = client.get(EXPLORER, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 8
    # Beyond the last page: the last one, with a note (not an error).
    beyond = client.get(EXPLORER, {"page": 99})
    assert beyond.status_code == 200 and "La página 99 no existe" in beyond.content.decode()


def test_filters_and_facets_in_the_page(client, editions) -> None:
    sevens = PublishedProgram.objects.filter(year=2023, objetivo=7)
    page = client.get(EXPLORER, {"anio": "2023", "objetivo": "7"})
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == sevens.count() == 5
    html = page.content.decode()
    # Facet counts beside each option; the objective's own facet ignores the objective filter.
    assert (
        '<option value="7" selected>7. Abordar y reducir las vulnerabilidades en la migración (5)'
        in html
    )
    assert '<option value="15">15.' in html
    assert '<option value="2024">2024 (1)</option>' in html
    # Active filters can be removed one by one; the dashboard of the year is linked.
    assert 'href="/programas/?anio=2023"' in html
    assert reverse("compendium:dashboard", args=[2023]) in html
    by_state = client.get(EXPLORER, {"entidad": "19", "q": "NIÑAS"})
    expected = PublishedProgram.objects.filter(state_codes__contains="|19|").count()
    assert by_state.context["page_obj"].paginator.count == expected > 0


BAD_INPUT = [
    ("page=-1", "no es un número de página"),
    ("objetivo=99", "no es un Objetivo del PMM"),
    ("ods=abc", "no es un número válido"),
    ("entidad=99", "no es una clave INEGI"),
    ("anio=1999", "No hay un Compendio General publicado de 1999"),
    ("institucion=NADIE", "Ninguna institución con la sigla «NADIE»"),
    ("q=" + "x" * 10_000, "La búsqueda admite hasta 200 caracteres; se recibieron 10000"),
    ("q=migra%00cion", "contiene caracteres no válidos"),
    ("capitulo=%00", "contiene caracteres no válidos"),
    ("eje=1&eje=2", "Indique un solo valor"),
    ("anio=%F0%9F%98%80", "no es un año"),
    ("objetivo=%EF%BC%97", "no es un número válido"),
]


def test_bad_input_answers_a_page_with_a_clear_message(client, db) -> None:
    publish_edition(2023, programs=2)
    for query, message in BAD_INPUT:
        extra = "" if query.startswith("anio") else "&anio=2023"
        page = client.get(f"{EXPLORER}?{query}{extra}")
        assert page.status_code == 400, query
        html = page.content.decode()
        assert 'id="resumen-errores"' in html and message in unescape(html), query
        assert "<title>Error: " in html
        # The valid filters still apply.
        if extra:
            assert page.context["filters"].anio == 2023


def test_program_page_shows_the_printed_text_and_links_into_the_pdf(client, editions) -> None:
    row = PublishedProgram.objects.get(year=2024, number=2)
    PublishedProgram.objects.filter(pk=row.pk).update(page=57)
    page = client.get(reverse("compendium:program", args=[2024, 2]))
    assert page.status_code == 200
    html = page.content.decode()
    text = text_of(page)
    assert row.nombre in text and "Orientación jurídica" in text
    assert f"Objetivo {row.objetivo_id}. " in text and row.institution in text
    assert "Otros programas de" in text
    pdf = reverse("compendium:public_download", args=[2024, "compendio", 1])
    assert f'href="{pdf}?ver=1#page=57"' in html and "(página 57)" in text
    assert "1,245" in text  # figures formatted
    # 2023 was published without a file: no link, a note instead.
    no_file = client.get(reverse("compendium:program", args=[2023, 1]))
    assert "no está disponible en este sitio" in no_file.content.decode()
    assert client.get(reverse("compendium:program", args=[2023, 26])).status_code == 404
    assert client.get(reverse("compendium:program", args=[2019, 1])).status_code == 404


def test_the_pdf_opens_inline_at_the_page_and_downloads_elsewhere(client, editions) -> None:
    """«#page=N» works only when the browser shows the PDF: «?ver=1» serves it inline, with
    its file name; the plain address stays a download (docs/open-data.md §R2)."""
    pdf = reverse("compendium:public_download", args=[2024, "compendio", 1])
    shown = client.get(pdf + "?ver=1")
    assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"] == 'inline; filename="compendio-general-2024-v1.pdf"'
    assert shown["Cache-Control"] == "public, max-age=31536000, immutable"
    downloaded = client.get(pdf)
    assert downloaded["Content-Disposition"] == (
        'attachment; filename="compendio-general-2024-v1.pdf"'
    )
    b"".join(shown.streaming_content), b"".join(downloaded.streaming_content)  # close the files


def test_an_edition_published_without_its_pdf_has_a_page_that_says_so(client, editions) -> None:
    """2023 was published without a file (as ``import_compendio --publish`` without ``--pdf``):
    its page, listed with the others, links its programs, dashboard and data, and says that
    its PDF is not available here (docs/open-data.md §R3)."""
    page = client.get(reverse("compendium:public_edition", args=[2023]))
    assert page.status_code == 200
    html = page.content.decode()
    text = " ".join(text_of(page).split())
    assert "El PDF del Compendio General 2023 (versión 1) no está disponible en este sitio" in text
    assert f'href="{EXPLORER}?anio=2023"' in html
    assert reverse("compendium:dashboard", args=[2023]) in html
    assert reverse("compendium:data_file", args=[2023, "csv"]) in html
    assert reverse("compendium:public_download", args=[2023, "compendio", 1]) not in html
    # The edition with a file says nothing of the kind.
    with_file = client.get(reverse("compendium:public_edition", args=[2024]))
    assert "no está disponible en este sitio" not in with_file.content.decode()
    listing = client.get(reverse("compendium:public_list")).content.decode()
    assert 'id="edicion-2023"' in listing and 'id="edicion-2024"' in listing
    assert listing.index('id="edicion-2024"') < listing.index('id="edicion-2023"')
    # Its dashboard links back to the edition page.
    dashboard = client.get(reverse("compendium:dashboard", args=[2023])).content.decode()
    assert reverse("compendium:public_edition", args=[2023]) in dashboard


def test_dashboard_charts_and_tables(client, editions) -> None:
    page = client.get(reverse("compendium:dashboard", args=[2023]))
    assert page.status_code == 200
    html = page.content.decode()
    for table in ("tabla-ods", "tabla-ejes", "tabla-matriz", "tabla-entidades", "tabla-actores"):
        assert f'id="{table}"' in html
    assert html.count('role="img"') >= 4  # ODS, ejes, actor types, map
    data = page.context["data"]
    assert data.total == 25 and len(data.by_ods) == 17
    through = PublishedProgram.ods.through.objects.filter(publishedprogram__year=2023)
    assert sum(r.count for r in data.by_ods) == through.count()
    matrix_total = sum(n for _o, cells, _t in data.matrix.rows() for _ods, n in cells)
    assert matrix_total == through.count()
    chiapas = next(s for s in data.by_state if s.code == "07")
    assert (
        chiapas.total
        == PublishedProgram.objects.filter(year=2023, state_codes__contains="|07|").count()
    )
    assert client.get(reverse("compendium:dashboard", args=[2031])).status_code == 404


def test_dashboard_of_an_edition_without_a_record_says_so(client, db) -> None:
    ejercicio = factories.ejercicio(2022)
    edicion = Edicion.objects.create(ejercicio=ejercicio, title="Compendio 2022", date_line="…")
    build = PublicationBuild.objects.create(
        edicion=edicion, document=Document.INFORME, draft=False, status=BuildStatus.DONE, version=1
    )
    build.file.save("informe-2022-v1.pdf", ContentFile(b"%PDF-1.7 informe"))
    page = client.get(reverse("compendium:dashboard", args=[2022]))
    assert page.status_code == 200 and 'id="sin-registro"' in page.content.decode()


def test_unpublished_editions_and_drafts_are_unreachable(client, db) -> None:
    ejercicio = factories.ejercicio(2025)
    ficha = factories.ficha(
        factories.actor("SRE"), ejercicio, status="aprobada", objetivo_asignado_id=7
    )
    edicion = Edicion.objects.create(ejercicio=ejercicio, title="Compendio 2025", date_line="…")
    PublicationBuild.objects.create(
        edicion=edicion, document=Document.COMPENDIO, draft=True, status=BuildStatus.DONE
    )
    assert client.get(EXPLORER).context["page_obj"].paginator.count == 0
    assert client.get(EXPLORER, {"q": ficha.nombre}).context["page_obj"].paginator.count == 0
    assert ficha.nombre not in client.get(EXPLORER).content.decode()
    assert client.get(reverse("compendium:program", args=[2025, 1])).status_code == 404
    assert client.get(reverse("compendium:dashboard", args=[2025])).status_code == 404


def test_public_pages_change_only_with_a_new_version(client, editions) -> None:
    url = reverse("compendium:program", args=[2023, 1])
    row = PublishedProgram.objects.get(year=2023, number=1)
    before = stable(client.get(url))
    Ficha.objects.filter(pk=row.ficha_id).update(
        nombre="Nombre editado tras publicar", descripcion="Descripción nueva sin publicar."
    )
    assert stable(client.get(url)) == before
    listed = client.get(EXPLORER, {"q": "editado tras publicar"})
    assert listed.context["page_obj"].paginator.count == 0

    publish_edition(2023, programs=0, replace=True)
    after = client.get(url).content.decode()
    assert "Nombre editado tras publicar" in after and "Descripción nueva sin publicar." in after


def test_user_text_is_escaped(client, db) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    publish_edition(2023, programs=1, nombre=f"Programa {evil}", descripcion=f"Texto {evil}")
    pages = [
        client.get(EXPLORER),
        client.get(EXPLORER, {"q": evil[:60]}),
        client.get(reverse("compendium:program", args=[2023, 1])),
        client.get(reverse("compendium:dashboard", args=[2023])),
    ]
    for page in pages:
        html = page.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[2].content.decode()


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params or {}).status_code == 200
    return len(context.captured_queries)


def test_queries_per_page_do_not_grow_with_the_number_of_programs(
    client, db, django_assert_max_num_queries
) -> None:
    publish_edition(2023, programs=4)
    search = {"anio": "2023", "q": "migrantes", "entidad": "07"}
    small = {
        "explorer": _queries(client, EXPLORER, search),
        "program": _queries(client, reverse("compendium:program", args=[2023, 1])),
        "dashboard": _queries(client, reverse("compendium:dashboard", args=[2023])),
    }
    publish_edition(2023, programs=40, replace=True)
    publish_edition(2024, programs=10)
    with django_assert_max_num_queries(small["explorer"]):
        client.get(EXPLORER, search)
    with django_assert_max_num_queries(small["program"]):
        client.get(reverse("compendium:program", args=[2023, 30]))
    with django_assert_max_num_queries(small["dashboard"]):
        client.get(reverse("compendium:dashboard", args=[2023]))
    assert small["explorer"] <= 16
