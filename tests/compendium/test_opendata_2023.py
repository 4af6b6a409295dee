"""Issue 13's done-means on the real 2023 edition: seed 003 imported once with ``--publish``.

One import for the whole module (rolled back at the end); every file, the data package and the
API are read from it. The printed texts are a good test of the formats: footnote markers, lists
printed as «- » lines, tables as «a | b» rows.
"""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from compendium import opendata
from tests.conftest import SEED_003
from tests.reference import ensure_reference_data

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SEED_003.exists(), reason=f"seed 003 not found at {SEED_003}"),
]


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            ensure_reference_data()  # a transactional test may have flushed it
            call_command(
                "import_compendio", str(SEED_003), "--year", "2023", "--publish", verbosity=0
            )
            yield
            transaction.set_rollback(True)


@pytest.fixture
def client(imported, db):
    cache.clear()
    return Client()


def content(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_2023_csv_has_356_rows(client):
    text = content(client.get("/datos/2023/programas.csv")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 356
    assert [int(r["numero"]) for r in rows] == list(range(1, 357))
    assert sum(1 for r in rows if r["objetivo_pmm"] == "7") == 43
    assert sum(1 for r in rows if r["capitulo"] == "2") == 151
    # Nothing a spreadsheet would run: every text cell starting with a formula character is
    # escaped (printed lists start with «- »).
    assert not [
        (r["numero"], k) for r in rows for k, v in r.items() if v.startswith(opendata.FORMULA_START)
    ]
    programs = json.loads(content(client.get("/datos/2023/programas.json")))["programas"]
    risky = {
        (p["numero"], k): v
        for p in programs
        for k, v in p.items()
        if isinstance(v, str) and v.startswith(opendata.FORMULA_START)
    }
    assert {key: rows[key[0] - 1][key[1]] for key in risky} == {
        key: "'" + v for key, v in risky.items()
    }


def test_2023_xlsx_and_json(client):
    book = load_workbook(
        io.BytesIO(content(client.get("/datos/2023/programas.xlsx"))), read_only=True
    )
    assert sum(1 for _row in book["Programas"].iter_rows()) == 357
    data = json.loads(content(client.get("/datos/2023/programas.json")))
    assert data["total"] == 356
    assert len(data["programas"]) == 356


def test_2023_data_package_validates(client, tmp_path):
    from frictionless import validate

    descriptor = json.loads(content(client.get("/datos/datapackage.json")))
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for resource in descriptor["resources"]:
        target = tmp_path / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content(client.get("/datos/" + resource["path"])))
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [r["stats"]["rows"] for r in descriptor["resources"]] == [356, 356]


def test_2023_api(client):
    page = client.get("/api/v1/programas", {"anio": 2023, "objetivo": 7}).json()
    assert (page["total"], page["paginas"]) == (43, 3)
    assert client.get("/api/v1/programas", {"q": "niñas"}).json()["total"] > 0
    (year,) = client.get("/api/v1/agregados").json()["anios"]
    assert year["programas"] == 356
    assert [c["programas"] for c in year["por_objetivo"]][:8] == [39, 4, 30, 28, 10, 9, 43, 19]
    assert client.get("/api/v1/programas/2023/356").status_code == 200
    assert client.get("/api/v1/programas/2023/357").status_code == 404
