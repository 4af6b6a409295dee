"""The public pages: publications list, edition page, file downloads, home page.

Published files are stored rows (``PublicationBuild`` with ``draft=False``) with a small file
and the figures a publication records (``public_figures``); these views never build anything, so
no PDF is rendered here. Publishing for real: tests/compendium/test_public_record.py.
"""

import datetime

import cssselect2
import pytest
import tinyhtml5
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from compendium.informe import public_figures, render_informe_html
from compendium.models import BuildStatus, Edicion, PublicationBuild
from reporting.models import FichaStatus
from tests import factories

CONTACT = ("María Pérez López", "maria.perez@prueba.gob.mx", "Directora de Área", "1234")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def publish(edicion, document, version, *, content=b"%PDF-1.7 fake", pages=12, day=1, **kw):
    """A stored version; ``figures=False``: one published before the figures were kept."""
    draft = kw.pop("draft", False)
    figures = kw.pop("figures", not draft)
    build = PublicationBuild(
        edicion=edicion,
        document=document,
        draft=draft,
        public_figures=public_figures(edicion.ejercicio).to_json() if figures else None,
        status=kw.pop("status", BuildStatus.DONE),
        version=version,
        pages=pages,
        size=len(content),
        published_at=timezone.make_aware(datetime.datetime(2024, 11, day, 10, 0)),
        **kw,
    )
    build.file.save(f"{document}-{edicion.ejercicio.year}-{version}.pdf", ContentFile(content))
    return build


@pytest.fixture
def edition(db):
    e = factories.ejercicio(2024)
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    nl = factories.actor("NUEVO LEÓN", tipo="estatal", entidad="19", name="Gobierno de Nuevo León")
    for actor, objective in ((inm, 15), (inm, 7), (nl, 15)):
        factories.ficha(actor, e, status=FichaStatus.APROBADA, objetivo_asignado_id=objective)
    return Edicion.objects.create(ejercicio=e, title="Compendio General 2024", date_line="…")


@pytest.fixture
def published(edition):
    return {
        "c1": publish(edition, "compendio", 1, content=b"%PDF compendio v1", day=1),
        "c2": publish(edition, "compendio", 2, content=b"%PDF compendio v2!", pages=13, day=5),
        "i1": publish(edition, "informe", 1, content=b"%PDF informe v1", pages=19, day=5),
        "draft": publish(edition, "informe", None, content=b"%PDF draft", draft=True),
    }


def test_list_shows_each_published_document_with_its_versions(client, published):
    response = client.get(reverse("compendium:public_list"))
    html = response.content.decode()
    assert response.status_code == 200
    editions = response.context["editions"]
    assert [e.year for e in editions] == [2024]
    docs = {d.document: d for d in editions[0].documents}
    assert docs["compendio"].current == published["c2"]
    assert docs["compendio"].previous == [published["c1"]]
    assert docs["informe"].current == published["i1"]
    assert docs["informe"].previous == []
    assert "/publicaciones/2024/compendio-v2.pdf" in html
    assert "/publicaciones/2024/compendio-v1.pdf" in html
    assert "/publicaciones/2024/informe-v1.pdf" in html
    assert "19 páginas" in html
    assert "publicado el 5 de noviembre de 2024" in html
    assert "Versiones anteriores" in html


def test_list_never_shows_drafts_or_failed_builds(client, edition):
    publish(edition, "informe", None, draft=True)
    publish(edition, "compendio", 1, status=BuildStatus.FAILED)
    response = client.get(reverse("compendium:public_list"))
    assert response.context["editions"] == []
    assert "Todavía no hay publicaciones disponibles." in response.content.decode()


def test_download_serves_the_stored_file_with_name_and_caching(client, published):
    url = reverse("compendium:public_download", args=[2024, "compendio", 2])
    assert url == "/publicaciones/2024/compendio-v2.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF compendio v2!"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="compendio-general-2024-v2.pdf"'
    )
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["ETag"] == f'"{published["c2"].pk}-v2-18"'
    assert response["Last-Modified"] == "Tue, 05 Nov 2024 16:00:00 GMT"
    informe = client.get(reverse("compendium:public_download", args=[2024, "informe", 1]))
    assert informe["Content-Disposition"] == (
        'attachment; filename="informe-ejecutivo-2024-v1.pdf"'
    )


def test_download_answers_not_modified_to_a_matching_etag(client, published):
    url = reverse("compendium:public_download", args=[2024, "informe", 1])
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_drafts_and_unknown_versions_are_not_reachable(client, published, edition):
    draft_with_version = publish(edition, "informe", 7, draft=True)
    for year, document, version in (
        (2024, "informe", 7),
        (2024, "informe", 3),
        (2023, "informe", 1),
    ):
        url = reverse("compendium:public_download", args=[year, document, version])
        assert client.get(url).status_code == 404
    assert draft_with_version.file.name not in client.get("/publicaciones/").content.decode()


def test_download_of_a_file_missing_from_storage_is_404(client, published):
    published["i1"].file.storage.delete(published["i1"].file.name)
    url = reverse("compendium:public_download", args=[2024, "informe", 1])
    assert client.get(url).status_code == 404


def test_public_views_reject_post(client, published):
    for url in (
        reverse("compendium:public_list"),
        reverse("compendium:public_edition", args=[2024]),
        reverse("compendium:public_download", args=[2024, "informe", 1]),
    ):
        assert client.post(url).status_code == 405


def test_edition_page_shows_figures_and_charts(client, published):
    response = client.get(reverse("compendium:public_edition", args=[2024]))
    html = response.content.decode()
    assert response.status_code == 200
    data = response.context["data"]
    assert (data.participation.fichas, data.participation.institutions) == (3, 2)
    assert response.context["objectives_with_fichas"] == 2
    assert "3 programas, acciones y buenas prácticas de 2 instituciones" in html
    assert "1 de las 32 entidades federativas" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart') == 4
    assert "Fichas por Objetivo del PMM: todos los actores" in html
    # The chart's text alternative points to its table, where the values are (issue 11).
    assert "las cifras están en la tabla «Fichas por Objetivo del PMM y tipo de actor»" in html
    row_15 = [row for row in table_texts(html, "tabla-objetivos") if row[0].startswith("15. ")]
    assert [row[-1] for row in row_15] == ["2"]
    assert "CC BY 4.0" in html
    assert [r.number for r in data.most.rows][:2] == [15, 7]
    assert "/publicaciones/2024/informe-v1.pdf" in html


def table_texts(html: str, table_id: str) -> list[list[str]]:
    """The caption, then the text of each row's cells, of the table ``table_id``."""

    def text(element) -> str:
        return " ".join("".join(element.etree_element.itertext()).split())

    table = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html)).query(f"#{table_id}")
    rows = [[text(cell) for cell in row.query_all("th, td")] for row in table.query_all("tr")]
    return [[text(table.query("caption"))], *rows]


def test_edition_page_shows_the_informe_tables(client, published, edition):
    page = client.get(reverse("compendium:public_edition", args=[2024])).content.decode()
    informe = render_informe_html(edition, draft=False)
    for table_id in ("tabla-objetivos", "tabla-mas", "tabla-menos", "tabla-cifras"):
        assert table_texts(page, table_id) == table_texts(informe, table_id), table_id
    assert table_texts(page, "tabla-mas")[:3] == [
        ["Los cinco objetivos con más fichas"],
        ["Objetivo del PMM", "Número de fichas"],
        ["Objetivo 15. Proporcionar a los migrantes acceso a servicios básicos", "2"],
    ]
    # Federal, state, other actor types, total: one total row (issue 12).
    assert table_texts(page, "tabla-objetivos")[-1] == ["Total", "2", "1", "0", "3"]
    assert (
        table_texts(page, "tabla-entidades")
        == table_texts(informe, "tabla-entidades")
        == [
            ["Entidades federativas con fichas"],
            ["Entidad federativa", "Fichas"],
            ["Nuevo León", "1"],
        ]
    )


def test_edition_page_of_an_unpublished_edition_is_404(client, edition):
    publish(edition, "informe", None, draft=True)
    assert client.get(reverse("compendium:public_edition", args=[2024])).status_code == 404
    assert client.get(reverse("compendium:public_edition", args=[1999])).status_code == 404


def test_home_for_anonymous_shows_latest_edition_and_login(client, published):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["latest"].year == 2024
    assert "Publicaciones del ejercicio 2024" in html
    assert "/publicaciones/2024/compendio-v2.pdf" in html
    assert reverse("login") in html
    assert "23 objetivos" in html


def test_home_without_publications(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["latest"] is None
    assert reverse("compendium:public_list") in response.content.decode()


def test_no_contact_data_on_any_public_page(client, published):
    for url in (
        "/",
        reverse("compendium:public_list"),
        reverse("compendium:public_edition", args=[2024]),
    ):
        html = client.get(url).content.decode()
        for value in CONTACT:
            assert value not in html, (url, value)


def test_edition_figures_change_only_with_a_new_published_version(client, published, edition):
    url = reverse("compendium:public_edition", args=[2024])
    assert client.get(url).context["data"].participation.fichas == 3
    inm = published["c1"].edicion.ejercicio.fichas.first().actor
    factories.ficha(inm, edition.ejercicio, status=FichaStatus.APROBADA, objetivo_asignado_id=1)
    assert client.get(url).context["data"].participation.fichas == 3
    publish(edition, "informe", 2, day=9)
    assert client.get(url).context["data"].participation.fichas == 4


def test_fewest_objectives_include_those_without_fichas_as_in_the_informe(
    client, published, edition
):
    page = client.get(reverse("compendium:public_edition", args=[2024])).content.decode()
    informe = render_informe_html(edition, draft=False)
    rows = table_texts(page, "tabla-menos")
    # Objectives 7 and 15 have fichas; the other 21 have none and tie at the fifth place.
    assert rows[0] == ["Los cinco objetivos con menos fichas"]
    assert [row[1] for row in rows[2:]] == ["0"] * 21
    assert [row[0].split(".")[0] for row in rows[2:]] == [
        f"Objetivo {n}" for n in range(1, 24) if n not in (7, 15)
    ]
    assert rows == table_texts(informe, "tabla-menos")
    assert "los objetivos 1, 2, 3, 4, 5, 6, 8, 9, 10," in page


@pytest.fixture
def with_actions(edition):
    e = edition.ejercicio
    sre = factories.actor("SRE", tipo="apf", name="Secretaría de Relaciones Exteriores")
    ficha = edition.ejercicio.fichas.order_by("pk")
    # The three fichas of the edition: 5 workshops, 68,412 cards, and a number with no kind.
    ficha.filter(pk=ficha[0].pk).update(num_acciones=5, tipo_acciones="Talleres")
    ficha.filter(pk=ficha[1].pk).update(
        num_acciones=68_412, tipo_acciones="Tarjetas de Visitante Regional expedidas"
    )
    ficha.filter(pk=ficha[2].pk).update(num_acciones=9, tipo_acciones="")
    factories.ficha(
        sre,
        e,
        status=FichaStatus.APROBADA,
        objetivo_asignado_id=1,
        num_acciones=12,
        tipo_acciones="talleres.",
    )
    return edition


def test_edition_page_shows_actions_by_kind_and_never_their_sum(client, with_actions):
    publish(with_actions, "informe", 1)
    page = client.get(reverse("compendium:public_edition", args=[2024])).content.decode()
    assert table_texts(page, "tabla-acciones") == [
        ["Acciones realizadas por tipo, como lo escribe cada ficha"],
        ["Tipo de acciones", "Acciones", "Fichas que lo reportan"],
        ["Talleres", "17", "2"],
        ["Tarjetas de Visitante Regional expedidas", "68,412", "1"],
    ]
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(page))
    summary = root.query("#acciones-por-tipo summary")
    assert "".join(summary.etree_element.itertext()) == "Acciones realizadas por tipo (2 tipos)"
    assert table_texts(page, "tabla-cifras")[1:] == [
        ["Personas atendidas", "4,980", "reportado en 4 de 4 fichas"],
        ["Mujeres", "2,400", "reportado en 4 de 4 fichas"],
        ["Hombres", "2,580", "reportado en 4 de 4 fichas"],
        ["Otras personas o sexo no especificado", "No reportado", "reportado en 0 de 4 fichas"],
    ]
    note = " ".join("".join(root.query("#acciones-nota").etree_element.itertext()).split())
    assert note.endswith("acciones: 4 de 4 (2 tipos distintos; 1 sin tipo indicado).")
    # 5 + 68,412 + 9 + 12: the old «Acciones realizadas» sum is nowhere.
    assert "68,438" not in page


def test_edition_page_without_reported_actions_has_no_kind_table(client, published):
    page = client.get(reverse("compendium:public_edition", args=[2024])).content.decode()
    assert 'id="tabla-acciones"' not in page
    assert "Acciones realizadas: No reportado." in page


def test_edition_page_names_the_version_its_figures_come_from(client, published, edition):
    url = reverse("compendium:public_edition", args=[2024])
    response = client.get(url)
    assert response.context["source"] == published["i1"]
    assert (
        "Cifras del Informe Ejecutivo 2024, versión 1, publicada el 5 de noviembre de 2024."
        in response.content.decode()
    )
    # Without a published Informe: the Compendio's current version.
    PublicationBuild.objects.filter(document="informe").delete()
    response = client.get(url)
    assert response.context["source"] == published["c2"]
    assert "Cifras del Compendio General 2024, versión 2," in response.content.decode()


def test_a_version_published_before_figures_were_kept_shows_none(client, edition):
    publish(edition, "compendio", 1, figures=True)
    publish(edition, "informe", 1, figures=False, day=3)
    response = client.get(reverse("compendium:public_edition", args=[2024]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["data"] is None
    assert "Las cifras de esta versión no se conservaron; consulte el PDF publicado." in html
    assert "Cifras del Informe Ejecutivo 2024, versión 1, publicada el 3 de noviembre" in html
    # Nothing counted from the live fichas instead, and the PDF is still offered.
    assert "programas, acciones y buenas prácticas" not in html
    assert "<svg" not in html and 'id="tabla-objetivos"' not in html
    assert "/publicaciones/2024/informe-v1.pdf" in html
