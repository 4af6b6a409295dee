"""Backups (``manage.py backup`` / ``restore``): round trip, checksum and empty-target refusals.

The PostgreSQL tests run ``pg_dump``/``pg_restore`` against the suite's throwaway cluster and
restore into a new database created on it; the SQLite test builds its own small database
file, so it runs whatever the suite's database is.
"""

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pypdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
from reporting import backups
from reporting.models import FichaStatus
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL"
)


def pdf_bytes() -> bytes:
    """A real (one blank page) PDF, as published files are."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Compendio General 2024"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _admin_connection():
    params = connection.settings_dict
    conn = psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"],
    )
    conn.autocommit = True
    return conn


@pytest.fixture
def empty_database():
    """A new empty database on the suite's cluster, dropped afterwards."""
    name = f"pmm_restore_{uuid.uuid4().hex[:8]}"
    with contextlib.closing(_admin_connection()) as admin, admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with contextlib.closing(_admin_connection()) as admin, admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(database) -> str:
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )


def counts_through_django() -> dict[str, int]:
    """Rows per table of the suite's database, counted independently of reporting.backups."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip(media, tmp_path, empty_database, capsys, caplog):
    # Committed data (pg_dump reads from its own session): fichas with contact data, an
    # edition and a published PDF.
    ejercicio = factories.ejercicio(2024)
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    focal = factories.user("enlace.inm@prueba.gob.mx", actor=inm)
    for objective in (7, 15):
        factories.ficha(inm, ejercicio, status=FichaStatus.APROBADA, objetivo_asignado_id=objective)
    edicion = Edicion.objects.create(ejercicio=ejercicio, title="Compendio General 2024")
    content = pdf_bytes()
    # Stored the way builds store it: the file at its final name, the row pointing at it.
    name = default_storage.save("publicaciones/2024/compendio-2024-v1.pdf", ContentFile(content))
    build = PublicationBuild.objects.create(
        edicion=edicion,
        document=Document.COMPENDIO,
        draft=False,
        status=BuildStatus.DONE,
        version=1,
        file=name,
        size=len(content),
        pages=1,
    )
    published = media / build.file.name
    expected = counts_through_django()

    call_command("backup", output=tmp_path / "copia")
    restored_media = tmp_path / "restored-media"
    call_command(
        "restore",
        tmp_path / "copia",
        database_url=database_url(empty_database),
        media_root=restored_media,
    )

    assert backups.row_counts(database=empty_database) == expected
    assert expected["reporting_ficha"] == 2 and expected["compendium_publicationbuild"] == 1
    assert (restored_media / build.file.name).read_bytes() == published.read_bytes() == content
    manifest = json.loads((tmp_path / "copia" / "manifest.json").read_text())
    assert (manifest["database_vendor"], manifest["row_counts"]) == ("postgresql", expected)
    assert sorted(manifest["files"]) == [
        "database.dump",
        "media/publicaciones/2024/compendio-2024-v1.pdf",
    ]
    # No contact data in what the commands print or log.
    said = capsys.readouterr().out + caplog.text
    for private in (focal.email, "maria.perez@prueba.gob.mx", "María Pérez", "55 4321 8765"):
        assert private not in said


@on_postgresql
@pytest.mark.django_db
def test_restore_refuses_a_tampered_file(media, tmp_path, empty_database):
    (media / "publicaciones/2024").mkdir(parents=True)
    (media / "publicaciones/2024/informe-2024-v1.pdf").write_bytes(pdf_bytes())
    call_command("backup", output=tmp_path / "copia")
    copy = tmp_path / "copia/media/publicaciones/2024/informe-2024-v1.pdf"
    tampered = bytearray(copy.read_bytes())
    tampered[len(tampered) // 2] ^= 0x01  # one bit, same size
    copy.write_bytes(bytes(tampered))

    with pytest.raises(CommandError) as refused:
        call_command(
            "restore",
            tmp_path / "copia",
            database_url=database_url(empty_database),
            media_root=tmp_path / "restored-media",
        )

    assert str(refused.value) == (
        "La suma de verificación de media/publicaciones/2024/informe-2024-v1.pdf no coincide "
        "con el manifiesto: el archivo está dañado o fue modificado. No se restauró nada."
    )
    assert backups.row_counts(database=empty_database) == {}
    assert not (tmp_path / "restored-media").exists()


@on_postgresql
@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(media, tmp_path):
    (media / "publicaciones").mkdir(parents=True)
    (media / "publicaciones/compendio-2024-v1.pdf").write_bytes(pdf_bytes())
    call_command("backup", output=tmp_path / "copia")
    before = counts_through_django()

    # The command as an operator runs it: the configured database (the suite's, with tables).
    done = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "copia")],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(connection.settings_dict),
            "MEDIA_ROOT": str(tmp_path / "restored-media"),
        },
        capture_output=True,
        text=True,
    )

    assert done.returncode == 1
    assert "La base de datos de destino no está vacía" in done.stderr
    assert "Traceback" not in done.stderr
    assert counts_through_django() == before
    assert not (tmp_path / "restored-media").exists()


def test_password_travels_in_the_environment_only():
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "pmm",
        "USER": "pmm",
        "PASSWORD": "s3cr3t-de-prueba",
        "HOST": "db.example",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require", "pool": True},
    }
    env = backups.pg_environment(database=database)
    assert {k: env[k] for k in ("PGPASSWORD", "PGHOST", "PGPORT", "PGDATABASE", "PGSSLMODE")} == {
        "PGPASSWORD": "s3cr3t-de-prueba",
        "PGHOST": "db.example",
        "PGPORT": "5433",
        "PGDATABASE": "pmm",
        "PGSSLMODE": "require",
    }


def _sqlite_database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE reporting_actor (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("CREATE TABLE reporting_ficha (id INTEGER PRIMARY KEY, actor_id INTEGER)")
        conn.executemany("INSERT INTO reporting_actor (name) VALUES (?)", [("INM",), ("STPS",)])
        conn.executemany("INSERT INTO reporting_ficha (actor_id) VALUES (?)", [(1,), (1,), (2,)])
    conn.close()


def test_sqlite_round_trip_and_refusals(tmp_path):
    source = {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "a" / "db.sqlite3"}
    target = {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "b" / "db.sqlite3"}
    (tmp_path / "a").mkdir()
    _sqlite_database(source["NAME"])
    media = tmp_path / "a" / "media"
    (media / "publicaciones/2024").mkdir(parents=True)
    (media / "publicaciones/2024/compendio-2024-v1.pdf").write_bytes(pdf_bytes())
    (media / "publicaciones/2024/.tmp-abc.pdf").write_bytes(b"half a build")

    output, manifest = backups.create_backup(
        output=tmp_path / "copia", database=source, media_root=media
    )
    assert manifest["row_counts"] == {"reporting_actor": 2, "reporting_ficha": 3}
    assert sorted(manifest["files"]) == [
        "database.sqlite3",
        "media/publicaciones/2024/compendio-2024-v1.pdf",
    ]
    with pytest.raises(backups.BackupError, match="ya existe y no está vacío"):
        backups.create_backup(output=output, database=source, media_root=media)

    result = backups.restore_backup(source=output, database=target, media_root=tmp_path / "m")
    assert (result.tables, result.rows, result.media_files) == (2, 5, 1)
    assert backups.row_counts(database=target) == manifest["row_counts"]
    assert (tmp_path / "m/publicaciones/2024/compendio-2024-v1.pdf").read_bytes() == (
        media / "publicaciones/2024/compendio-2024-v1.pdf"
    ).read_bytes()

    # Restoring again: the target has tables now.
    with pytest.raises(backups.BackupError, match="no está vacía"):
        backups.restore_backup(source=output, database=target, media_root=tmp_path / "m")
    # A manifest that points outside the backup is refused before anything is read.
    data = json.loads((output / "manifest.json").read_text())
    data["files"]["../../etc/passwd"] = {"size": 1, "sha256": "0" * 64}
    (output / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(backups.BackupError, match="Ruta no válida"):
        backups.verify_backup(source=output)
