"""Open data at /datos/ (issue 13): files, escaping, the data package, privacy, what is public.

One world for the module (``published_world``, rolled back at the end): two published editions
(2101 in its second version, 2102 with texts that a spreadsheet would run as formulas), an
edition of 2103 with approved fichas and only a draft build (never public), a draft ficha and a
ficha approved after 2101's publication (neither in any record), and focal points with contact
data. The editions are made by ``tests/compendium/published.py`` through the real freeze.
"""

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from compendium import opendata
from compendium.models import BuildStatus, Document, Edicion, PublicationBuild, PublishedProgram
from reporting.models import Ficha, FichaStatus, Membership, User
from tests import factories
from tests.compendium._module_db import module_transaction
from tests.compendium.published import CONTACT, make_fichas, publish_edition
from tests.reference import ensure_reference_data

FORMULAS = {
    "nombre": '=HYPERLINK("http://example.com/x","Clic")',
    "resultados": "+SUM(A1:A9)",
    "poblacion_objetivo": "@cmd",
}
UNPUBLISHED_NAME = "Programa nunca publicado de la edición sin versión"
DRAFT_NAME = "Programa en borrador que nadie ha enviado"
LATE_NAME = "Programa aprobado después de la publicación"
FOCAL_PHONE = "55 1212 3434 ext. 909"
FOCAL_POSITION = "Jefa del Departamento Reservado de Enlace"
FOCAL_EMAIL = "enlace.reservado@prueba.gob.mx"


def build_published_world() -> dict:
    """The editions and people of this module and of test_api.py (see the module docstring)."""
    ensure_reference_data()  # a transactional test may have flushed them (tests/conftest.py)
    publish_edition(2101, programs=6, with_file=True)
    v2 = publish_edition(2101, programs=2, replace=True, with_file=True)
    formulas = publish_edition(2102, programs=3, with_file=True, **FORMULAS)
    # 2103: approved fichas and an edition, but only a draft: nothing public.
    ejercicio = factories.ejercicio(2103)
    make_fichas(ejercicio, 3, nombre=UNPUBLISHED_NAME)
    edicion = Edicion.objects.create(ejercicio=ejercicio, title="Compendio General 2103")
    PublicationBuild.objects.create(
        edicion=edicion, document=Document.COMPENDIO, draft=True, status=BuildStatus.DONE
    )
    # After 2101's publication: a draft and a newly approved ficha, in no record.
    ejercicio_2101 = v2.edicion.ejercicio
    actor = factories.actor("ACTORBORRADOR", tipo="apf", name="Institución del borrador")
    factories.ficha(actor, ejercicio_2101, status=FichaStatus.BORRADOR, nombre=DRAFT_NAME)
    factories.ficha(
        actor, ejercicio_2101, status=FichaStatus.APROBADA, objetivo_asignado_id=7, nombre=LATE_NAME
    )
    focal = factories.user(FOCAL_EMAIL, actor=actor)
    Membership.objects.filter(user=focal).update(phone=FOCAL_PHONE, position=FOCAL_POSITION)
    return {"v2": v2, "formulas": formulas, "edicion_2103": edicion}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_transaction(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield build_published_world()


@pytest.fixture
def client(world, db):
    return Client()


def contact_values() -> set[str]:
    """Every contact value in the database: the fichas' contact fields, people's addresses,
    full names, phones and positions (short values such as extensions are checked only as
    part of the fichas' fields, since four digits can occur in any figure)."""
    values: set[str] = set()
    for row in Ficha.all_objects.values_list(*Ficha.CONTACT_FIELDS):
        values.update(v for v in row if v and len(v) >= 6)
    for user in User.objects.all():
        values.add(user.email)
        full = f"{user.first_name} {user.last_name}".strip()
        if full:
            values.add(full)
    for phone, position in Membership.objects.values_list("phone", "position"):
        values.update(v for v in (phone, position) if v)
    return values


def data_urls() -> list[str]:
    urls = [
        reverse("compendium:data"),
        reverse("compendium:data_dictionary"),
        reverse("compendium:data_package"),
        reverse("compendium:feed"),
        reverse("compendium:public_edition", args=[2101]),
    ]
    for fmt in opendata.FORMATS:
        urls.append(reverse("compendium:data_file_all", args=[fmt]))
        for year in (2101, 2102):
            urls.append(reverse("compendium:data_file", args=[year, fmt]))
    return urls


def payload(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def json_file(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json"
    return json.loads(payload(response))


def body_text(response) -> str:
    content = payload(response)
    if content.startswith(b"PK"):  # XLSX: every cell of every sheet
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return content.decode("utf-8-sig")


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    content = payload(response)
    assert content.startswith("\ufeff".encode())  # the BOM, for Excel
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(payload(response)), read_only=True)
    return list(book[book.sheetnames[0]].iter_rows(values_only=True))


# --- formats and row counts ------------------------------------------------------------------


def test_csv_per_edition_and_for_all_years(client):
    rows = csv_rows(client.get("/datos/2101/programas.csv"))
    assert len(rows) == 8
    assert list(rows[0]) == opendata.HEADER
    assert {r["anio"] for r in rows} == {"2101"}
    assert {r["version"] for r in rows} == {"2"}  # the current version only
    assert [int(r["numero"]) for r in rows] == list(range(1, 9))
    assert len(csv_rows(client.get("/datos/2102/programas.csv"))) == 3
    every = csv_rows(client.get("/datos/programas.csv"))
    assert [(r["anio"], r["numero"]) for r in every] == [
        *(("2101", str(n)) for n in range(1, 9)),
        *(("2102", str(n)) for n in range(1, 4)),
    ]
    response = client.get("/datos/2101/programas.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="pmm-programas-2101.csv"' in response["Content-Disposition"]


def test_csv_values_follow_the_record(client):
    row = csv_rows(client.get("/datos/2101/programas.csv"))[0]
    program = PublishedProgram.objects.get(year=2101, number=1)
    assert row["nombre"] == program.nombre
    assert row["objetivo_pmm"] == str(program.objetivo_id)
    assert row["ods"] == "; ".join(str(n) for n in sorted(o.number for o in program.ods.all()))
    assert row["alcance_nacional"] in {"Sí", "No"}
    assert row["personas_atendidas"] == str(program.figures["personas_atendidas"])
    path = urlsplit(row["pagina_web"]).path
    assert path == "/programas/2101/1/"
    assert client.get(path).status_code == 200  # the explorer's program page


def test_xlsx_has_the_same_rows_and_a_dictionary_sheet(client):
    response = client.get("/datos/2101/programas.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'attachment; filename="pmm-programas-2101.xlsx"' == response["Content-Disposition"]
    book = load_workbook(io.BytesIO(payload(response)), read_only=True)
    assert book.sheetnames == ["Programas", "Diccionario"]
    rows = list(book["Programas"].iter_rows(values_only=True))
    assert list(rows[0]) == opendata.HEADER
    assert len(rows) == 1 + 8
    assert len(xlsx_rows(client.get("/datos/programas.xlsx"))) == 1 + 11


def test_json_keeps_lists_and_types(client):
    data = json_file(client, "/datos/2101/programas.json")
    assert (data["anio"], data["total"], len(data["programas"])) == (2101, 8, 8)
    program = data["programas"][0]
    assert list(program) == [f.name for f in opendata.JSON_FIELDS]
    assert isinstance(program["ods"], list) and all(isinstance(n, int) for n in program["ods"])
    assert isinstance(program["alcance_nacional"], bool)
    assert all(set(r) == {"texto", "categoria"} for r in program["retos"])
    assert json_file(client, "/datos/programas.json")["total"] == 11


def test_unknown_format_or_year_is_404(client):
    for url in (
        "/datos/2101/programas.exe",
        "/datos/2101/programas.CSV",
        "/datos/1999/programas.csv",
        "/datos/programas.pdf",
    ):
        assert client.get(url).status_code == 404, url


def test_files_answer_304_to_their_etag(client):
    first = client.get("/datos/2101/programas.csv")
    assert first["Cache-Control"] == "public, max-age=3600"
    again = client.get("/datos/2101/programas.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    other = client.get("/datos/2102/programas.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200


def test_a_file_is_made_once_per_published_state(client, settings):
    stored = Path(settings.MEDIA_ROOT) / "datos"
    first = payload(client.get("/datos/2102/programas.xlsx"))
    (made,) = stored.glob("pmm-programas-2102-*.xlsx")
    made.write_bytes(b"kept")  # a second request serves the stored file, not a new one
    assert payload(client.get("/datos/2102/programas.xlsx")) == b"kept"
    made.write_bytes(first)
    publish_edition(2102, programs=1, replace=True)  # version 2: a new file, the old one gone
    rows = xlsx_rows(client.get("/datos/2102/programas.xlsx"))
    assert len(rows) == 1 + 4
    assert [p.name for p in stored.glob("pmm-programas-2102-*.xlsx")] != [made.name]
    assert len(list(stored.glob("pmm-programas-2102-*.xlsx"))) == 1


# --- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+52 55", "'+52 55"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Texto = normal", "Texto = normal"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_escape_cell(value, expected):
    assert opendata.escape_cell(value) == expected


def test_xlsx_cell_drops_what_xml_cannot_hold():
    assert opendata.xlsx_cell("a\x00b\x0bc") == "abc"
    assert opendata.xlsx_cell("=x\x01") == "'=x"
    assert len(opendata.xlsx_cell("a" * 40_000)) == opendata.XLSX_MAX_CELL


def test_formulas_are_escaped_in_csv_and_xlsx_but_not_in_json(client):
    row = csv_rows(client.get("/datos/2102/programas.csv"))[0]
    program = PublishedProgram.objects.filter(year=2102).first()
    for name, column in (("nombre", "nombre"), ("resultados", "resultados")):
        printed = getattr(program, name)
        assert printed[0] in "=+@", printed
        assert row[column] == "'" + printed
    assert row["poblacion_objetivo"] == "'@cmd"
    sheet = xlsx_rows(client.get("/datos/2102/programas.xlsx"))
    header = list(sheet[0])
    assert sheet[1][header.index("nombre")] == "'" + program.nombre
    assert sheet[1][header.index("resultados")] == "'" + program.resultados
    # openpyxl reads a formula back as its text starting with «=»: none may be one.
    assert not any(
        isinstance(cell, str) and cell.startswith(("=", "+", "-", "@"))
        for line in sheet[1:]
        for cell in line
    )
    data = json_file(client, "/datos/2102/programas.json")["programas"][0]
    assert data["nombre"] == program.nombre == FORMULAS["nombre"]


# --- data package, dictionary, catalogue, feed -------------------------------------------------


def test_data_package_validates_with_frictionless(client, tmp_path):
    from frictionless import Package, validate

    response = client.get("/datos/datapackage.json")
    assert response.status_code == 200
    descriptor = response.json()
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert [r["path"] for r in descriptor["resources"]] == [
        "programas.csv",
        "2102/programas.csv",
        "2101/programas.csv",
    ]
    for resource in descriptor["resources"]:
        target = tmp_path / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload(client.get("/datos/" + resource["path"])))
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(tmp_path / "datapackage.json")
    assert [r.name for r in package.resources] == ["programas", "programas-2102", "programas-2101"]
    counts = {r.name: len(r.read_rows()) for r in package.resources}
    assert counts == {"programas": 11, "programas-2102": 3, "programas-2101": 8}
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == opendata.HEADER
    assert all(f["description"] for f in fields)
    assert descriptor["licenses"] == [opendata.license_terms()]
    assert [s["title"] for s in descriptor["sources"]] == [
        "Compendio General 2102, versión 1",
        "Compendio General 2101, versión 2",
    ]


def test_dictionary_lists_every_column(client):
    response = client.get(reverse("compendium:data_dictionary"))
    assert response.status_code == 200
    html = response.content.decode()
    for f in opendata.FIELDS:
        assert f'id="campo-{f.name}"' in html
    assert "<caption" in html


def jsonld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def test_catalogue_lists_published_editions_with_links_and_dataset_metadata(client):
    response = client.get(reverse("compendium:data"))
    assert response.status_code == 200
    html = response.content.decode()
    for year in (2101, 2102):
        for fmt in opendata.FORMATS:
            assert reverse("compendium:data_file", args=[year, fmt]) in html
    assert "/datos/2103/" not in html
    assert reverse("compendium:data_package") in html
    assert reverse("compendium:data_dictionary") in html
    assert reverse("compendium:feed") in html
    assert reverse("api-v1:openapi-json") in html
    for name in (
        "series_objectives_csv",
        "series_ods_csv",
        "series_objectives_json",
        "series_ods_json",
    ):
        try:
            assert reverse(f"compendium:{name}") in html
        except Exception as error:  # noqa: BLE001 - issue 14's URLs may not be registered yet
            if "NoReverseMatch" not in type(error).__name__:
                raise
    (dataset,) = jsonld(html)
    assert dataset["@type"] == "Dataset"
    assert dataset["temporalCoverage"] == "2101/2102"
    assert {d["encodingFormat"] for d in dataset["distribution"]} == {
        "text/csv",
        "application/json",
        opendata.MEDIA_TYPES["xlsx"],
    }


def test_catalogue_without_publications(db):
    PublishedProgram.objects.all().delete()
    response = Client().get(reverse("compendium:data"))
    assert response.status_code == 200
    assert jsonld(response.content.decode()) == []


def test_edition_page_carries_its_dataset(client):
    html = client.get(reverse("compendium:public_edition", args=[2101])).content.decode()
    datasets = [d for d in jsonld(html) if d.get("@type") == "Dataset"]
    assert [d["temporalCoverage"] for d in datasets] == ["2101"]
    assert reverse("compendium:data") in html


def test_feed_has_the_published_versions_only(client):
    response = client.get(reverse("compendium:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.count("<entry>") == 3  # 2101 v1 and v2, 2102 v1; never the 2103 draft
    assert "Compendio General 2101, versión 2" in xml
    assert "2103" not in xml
    assert "<id>http://testserver/publicaciones/2101/compendio-v2.pdf</id>" in xml


# --- privacy and what is public ----------------------------------------------------------------


def test_no_contact_value_in_any_data_response(client):
    values = contact_values()
    assert set(CONTACT.values()) - {CONTACT["contacto_extension"]} <= values
    assert {FOCAL_EMAIL, FOCAL_PHONE, FOCAL_POSITION} <= values
    for url in data_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        text = body_text(response)
        leaked = sorted(v for v in values if v in text)
        assert leaked == [], (url, leaked)


def test_unpublished_editions_and_drafts_are_in_no_file(client):
    for fmt in opendata.FORMATS:
        assert client.get(f"/datos/2103/programas.{fmt}").status_code == 404
    for url in data_urls():
        text = body_text(client.get(url))
        for name in (UNPUBLISHED_NAME, DRAFT_NAME, LATE_NAME):
            assert name not in text, (url, name)


def test_data_routes_are_read_only(client):
    for url in data_urls():
        assert client.post(url).status_code == 405, url


def test_an_edition_published_without_pdf_points_to_its_page(client):
    """Its edition page exists and says the PDF is not available (docs/open-data.md §R3)."""
    publish_edition(2105, programs=2)  # as import_compendio --publish without --pdf
    html = client.get(reverse("compendium:data")).content.decode()
    assert '<a href="/publicaciones/2105/">2105</a>' in html
    assert len(csv_rows(client.get("/datos/2105/programas.csv"))) == 2
    sources = json_file(client, "/datos/datapackage.json")["sources"]
    assert sources[0] == {
        "title": "Compendio General 2105, versión 1",
        "path": "http://testserver/publicaciones/2105/",
    }
    assert client.get("/publicaciones/2105/").status_code == 200


def test_the_licence_is_one_setting(client, settings):
    """OPEN_DATA_LICENSE (docs/data-and-api.md §D4): default «Términos de Libre Uso MX»; what
    it says is what the package, the files and the catalogue page say."""
    assert opendata.license_terms() == {
        "name": "Libre-Uso-MX",
        "path": "https://datos.gob.mx/libreusomx",
        "title": "Términos de Libre Uso MX",
    }
    other = {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "CC BY 4.0",
    }
    settings.OPEN_DATA_LICENSE = other
    assert json_file(client, "/datos/datapackage.json")["licenses"] == [other]
    assert json_file(client, "/datos/programas.json")["licencia"] == other
    page = client.get(reverse("compendium:data")).content.decode()
    assert f'href="{other["path"]}"' in page and ">CC BY 4.0</a>" in page
