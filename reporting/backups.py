"""Backups: a consistent snapshot of the database and the generated files, and its restore.

A backup is one directory::

    manifest.json       created_at, versions, database vendor, rows per table, and the size
                        and SHA-256 of every other file of the backup
    database.dump       PostgreSQL: ``pg_dump --format=custom``
    database.sqlite3    SQLite: a copy made through SQLite's backup API
    media/…             every file under MEDIA_ROOT (published PDFs and drafts)

The PostgreSQL snapshot is consistent: one REPEATABLE READ transaction exports its snapshot,
``pg_dump`` reads through that snapshot and the row counts of the manifest are taken in the
same transaction. The files are copied while that transaction is open, after the snapshot, so
every file a row of the dump names is in the backup (builds store the file before the row).
The directory is written under a temporary name beside ``output`` and renamed when complete,
so a crashed backup never looks like a finished one.

A restore goes only into an empty database (no tables): it verifies every checksum first,
then refuses a non-empty target, restores the database and the files, and compares the row
counts with the manifest. Checksums detect damage, not forgery: whoever can write the backup
can rewrite its manifest, so keep copies where only administrators can write.

Database passwords travel in the ``PGPASSWORD`` environment variable of the child process,
never on a command line or in a log line. Messages name tables, files and counts only, never
the contents of a row (which may hold contact data).
"""

import contextlib
import dataclasses
import datetime
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, TypedDict

import django
import psycopg
from django.conf import settings
from django.utils.translation import gettext as _
from psycopg import sql

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
FORMAT = 1
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Connection options of Django's OPTIONS that libpq understands, and their PG* variables.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
}

DatabaseSettings = Mapping[str, Any]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Spanish)."""


class FileEntry(TypedDict):
    size: int
    sha256: str


class Manifest(TypedDict):
    format: int
    created_at: str
    app_version: str
    django_version: str
    database_vendor: str
    row_counts: dict[str, int]
    files: dict[str, FileEntry]


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    media_files: int
    warnings: list[str]


# --- shared helpers -------------------------------------------------------------------------


def database_vendor(*, database: DatabaseSettings) -> str:
    """``postgresql`` or ``sqlite`` for a Django database settings dict; BackupError otherwise."""
    engine = str(database.get("ENGINE", ""))
    if engine.endswith(("postgresql", "postgresql_psycopg2")):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    message = _("Motor de base de datos no admitido para copias: %(engine)s")
    raise BackupError(message % {"engine": engine})


def _app_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "desconocida"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(path: Path) -> FileEntry:
    return {"size": path.stat().st_size, "sha256": _sha256(path)}


def _safe_stderr(stderr: str) -> str:
    """The error lines of pg_dump/pg_restore without DETAIL/CONTEXT lines, which can quote
    row contents (a COPY line, a duplicate key)."""
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and not any(word in line for word in ("DETAIL", "CONTEXT", "LINE "))
    ]
    return " / ".join(lines[:5]) or _("sin detalle")


def _pg_program(name: str) -> str:
    """``pg_dump``/``pg_restore`` from PATH, else the newest Debian PostgreSQL's bin folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(part) if part.isdigit() else 0 for part in p.parts[-3].split(".")],
    )
    if not candidates:
        message = _("No se encontró %(program)s (paquete Debian postgresql-client).")
        raise BackupError(message % {"program": name})
    return str(candidates[-1])


def pg_environment(*, database: DatabaseSettings) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: libpq's PG* variables from the settings.

    The password goes only here (``PGPASSWORD``); without one, libpq still reads an inherited
    ``PGPASSWORD`` or ``~/.pgpass``.
    """
    env = dict(os.environ)
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
    }
    options = database.get("OPTIONS") or {}
    values |= {var: options.get(key) for key, var in LIBPQ_OPTIONS.items()}
    env |= {var: str(value) for var, value in values.items() if value not in (None, "")}
    return env


def _pg_connect(database: DatabaseSettings) -> Any:
    options = database.get("OPTIONS") or {}
    params = {
        "dbname": database.get("NAME"),
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
    } | {key: options[key] for key in LIBPQ_OPTIONS if key in options}
    try:
        return psycopg.connect(**{k: v for k, v in params.items() if v not in (None, "")})
    except psycopg.OperationalError as exc:
        # libpq's message names host, port and user, never the password.
        raise BackupError(
            _("No se pudo conectar con la base de datos: %(error)s")
            % {"error": _safe_stderr(str(exc))}
        ) from exc


def _pg_row_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    )
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)))
        counts[table if schema == "public" else f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _sqlite_path(database: DatabaseSettings) -> Path:
    return Path(str(database["NAME"]))


def _sqlite_row_counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        quoted = {t: '"' + t.replace('"', '""') + '"' for t in tables}
        return {t: conn.execute(f"SELECT count(*) FROM {quoted[t]}").fetchone()[0] for t in tables}


def row_counts(*, database: DatabaseSettings) -> dict[str, int]:
    """Rows in every table of ``database`` (read only; no side effects)."""
    if database_vendor(database=database) == "sqlite":
        path = _sqlite_path(database)
        return _sqlite_row_counts(path) if path.exists() else {}
    with contextlib.closing(_pg_connect(database)) as conn, conn.cursor() as cursor:
        counts = _pg_row_counts(cursor)
        conn.rollback()
        return counts


def _media_files(media_root: Path) -> Iterator[Path]:
    """Every file under MEDIA_ROOT, skipping the ``.tmp-`` scratch files of running builds."""
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.name.startswith(".tmp-"):
            yield path


# --- backup ---------------------------------------------------------------------------------


def create_backup(
    *, output: Path, database: DatabaseSettings, media_root: Path
) -> tuple[Path, Manifest]:
    """Write a backup of ``database`` and ``media_root`` into the new directory ``output``.

    Side effects: runs ``pg_dump`` (PostgreSQL) or SQLite's backup API; creates ``output``
    (mode 0700: the dump holds contact data) by renaming a complete temporary directory;
    one log line with counts. Refuses an ``output`` that exists and is not empty.
    Returns the directory and its manifest.
    """
    output = output.absolute()
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(_("El destino %(dir)s ya existe y no está vacío.") % {"dir": output})
    vendor = database_vendor(database=database)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.tmp-"))
    try:
        dump = staging / DUMP_FILES[vendor]
        if vendor == "postgresql":
            counts = _dump_postgresql(database, dump, staging, media_root)
        else:
            counts = _dump_sqlite(database, dump)
            _copy_media(media_root, staging / MEDIA_DIR)
        files = {
            path.relative_to(staging).as_posix(): _entry(path)
            for path in sorted(staging.rglob("*"))
            if path.is_file()
        }
        manifest: Manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "app_version": _app_version(),
            "django_version": django.get_version(),
            "database_vendor": vendor,
            "row_counts": counts,
            "files": files,
        }
        with (staging / MANIFEST).open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        if output.exists():
            output.rmdir()
        staging.rename(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info(
        "Backup written to %s: %s, %d tables, %d rows, %d files",
        output,
        vendor,
        len(counts),
        sum(counts.values()),
        len(files),
    )
    return output, manifest


def _dump_postgresql(
    database: DatabaseSettings, dump: Path, staging: Path, media_root: Path
) -> dict[str, int]:
    """pg_dump, row counts and the file copy under one exported snapshot."""
    program = _pg_program("pg_dump")
    with contextlib.closing(_pg_connect(database)) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_row_counts(cursor)
            # The connection settings travel in the environment; --no-password never prompts.
            done = subprocess.run(
                [
                    program,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                env=pg_environment(database=database),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(
                    _("pg_dump falló: %(error)s") % {"error": _safe_stderr(done.stderr)}
                )
            _copy_media(media_root, staging / MEDIA_DIR)
        conn.rollback()
    return counts


def _dump_sqlite(database: DatabaseSettings, dump: Path) -> dict[str, int]:
    source = _sqlite_path(database)
    if not source.is_file():
        raise BackupError(_("No existe la base de datos SQLite %(path)s.") % {"path": source})
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(dump)) as dst,
    ):
        src.backup(dst)
        # One self-contained file, whatever the journal mode of the source (WAL here).
        dst.execute("PRAGMA journal_mode=DELETE")
    # Counted on the copy itself: the counts describe exactly what the backup holds.
    return _sqlite_row_counts(dump)


def _copy_media(media_root: Path, target: Path) -> None:
    for path in _media_files(media_root):
        destination = target / path.relative_to(media_root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


# --- restore --------------------------------------------------------------------------------


def _checked_name(name: str) -> PurePosixPath:
    """A manifest path as a relative path that stays inside the backup (no ``..``, no root)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(_("Ruta no válida en el manifiesto: %(name)s") % {"name": name})
    return path


def verify_backup(*, source: Path) -> Manifest:
    """Read the manifest of ``source`` and check every file against it; return the manifest.

    No side effects. BackupError when the manifest is missing or unreadable, a file is
    missing, has another size or SHA-256, or a file is not listed.
    """
    invalid = BackupError(
        _("%(dir)s no es una copia de seguridad válida (falta o está dañado %(file)s).")
        % {"dir": source, "file": MANIFEST}
    )
    try:
        manifest: Manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        files, vendor = manifest["files"], manifest["database_vendor"]
        shapes_ok = isinstance(files, dict) and isinstance(manifest["row_counts"], dict)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise invalid from exc
    if not shapes_ok:
        raise invalid
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Formato de copia no reconocido: %(f)s") % {"f": manifest.get("format")}
        )
    if DUMP_FILES.get(vendor) not in files:
        raise BackupError(_("La copia no contiene el archivo de la base de datos."))
    for name, expected in files.items():
        path = source / _checked_name(name)
        if not path.is_file():
            raise BackupError(_("Falta el archivo %(name)s de la copia.") % {"name": name})
        if _entry(path) != expected:
            raise BackupError(
                _(
                    "La suma de verificación de %(name)s no coincide con el manifiesto: el "
                    "archivo está dañado o fue modificado. No se restauró nada."
                )
                % {"name": name}
            )
    listed = {source / _checked_name(name) for name in files} | {source / MANIFEST}
    extra = [p for p in source.rglob("*") if p.is_file() and p not in listed]
    if extra:
        raise BackupError(
            _("La copia contiene archivos que no están en el manifiesto: %(names)s")
            % {"names": ", ".join(sorted(p.relative_to(source).as_posix() for p in extra)[:5])}
        )
    return manifest


def _objects_in(database: DatabaseSettings, vendor: str) -> int:
    """How many tables, views (and, on PostgreSQL, sequences) the target already has."""
    if vendor == "sqlite":
        path = _sqlite_path(database)
        if not path.exists():
            return 0
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            return conn.execute(
                "SELECT count(*) FROM sqlite_master"
                " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
    with contextlib.closing(_pg_connect(database)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
            " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
        )
        count = cursor.fetchone()[0]
        conn.rollback()
        return count


def restore_backup(*, source: Path, database: DatabaseSettings, media_root: Path) -> RestoreResult:
    """Restore the backup in ``source`` into the empty ``database`` and into ``media_root``.

    Checks first, writes after: every checksum, the database vendor, that the target has no
    tables, and that no file under ``media_root`` would be replaced by a different one.
    Side effects: ``pg_restore --no-owner --exit-on-error --single-transaction`` into the
    target (PostgreSQL) or a copy of the file through SQLite's backup API; the media files
    written (each under a temporary name, then renamed); one log line with counts.
    BackupError when a check fails or the restored row counts differ from the manifest.
    """
    source = source.absolute()
    manifest = verify_backup(source=source)
    vendor = database_vendor(database=database)
    if manifest["database_vendor"] != vendor:
        raise BackupError(
            _("La copia es de %(backup)s y la base de datos de destino es %(target)s.")
            % {"backup": manifest["database_vendor"], "target": vendor}
        )
    existing = _objects_in(database, vendor)
    if existing:
        raise BackupError(
            _(
                "La base de datos de destino no está vacía (tiene %(count)d tablas u otros "
                "objetos). Sólo se restaura en una base de datos nueva y vacía: créela (por "
                "ejemplo con createdb) y apunte DATABASE_URL o --database-url a ella."
            )
            % {"count": existing}
        )
    media = {
        _checked_name(name).relative_to(MEDIA_DIR): entry
        for name, entry in manifest["files"].items()
        if _checked_name(name).parts[0] == MEDIA_DIR
    }
    for relative, entry in media.items():
        target = media_root / relative
        if target.exists() and (not target.is_file() or _entry(target) != entry):
            raise BackupError(
                _("Ya existe un archivo distinto en %(path)s; no se reemplaza.") % {"path": target}
            )

    dump = source / DUMP_FILES[vendor]
    if vendor == "postgresql":
        _restore_postgresql(database, dump)
    else:
        _restore_sqlite(database, dump)
    for relative in media:
        _restore_file(source / MEDIA_DIR / relative, media_root / relative)

    counts = row_counts(database=database)
    expected = manifest["row_counts"]
    differ = sorted(t for t in expected if counts.get(t) != expected[t])
    if differ:
        raise BackupError(
            _("Los conteos de filas no coinciden con el manifiesto en: %(tables)s")
            % {"tables": ", ".join(differ)}
        )
    warnings = []
    if manifest["django_version"] != django.get_version():
        warnings.append(
            _(
                "La copia se hizo con Django %(backup)s y este servidor usa Django %(here)s: "
                "ejecute «manage.py migrate» antes de abrir la aplicación."
            )
            % {"backup": manifest["django_version"], "here": django.get_version()}
        )
    logger.info(
        "Backup %s restored: %s, %d tables, %d rows, %d media files",
        source,
        vendor,
        len(expected),
        sum(expected.values()),
        len(media),
    )
    return RestoreResult(
        tables=len(expected), rows=sum(expected.values()), media_files=len(media), warnings=warnings
    )


def _restore_postgresql(database: DatabaseSettings, dump: Path) -> None:
    done = subprocess.run(
        [
            _pg_program("pg_restore"),
            "--no-owner",
            # Grants name roles that may not exist on the target server, like owners.
            "--no-privileges",
            "--exit-on-error",
            # All or nothing: a failed restore leaves the target empty for another try.
            "--single-transaction",
            "--no-password",
            f"--dbname={database.get('NAME')}",
            str(dump),
        ],
        env=pg_environment(database=database),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(_("pg_restore falló: %(error)s") % {"error": _safe_stderr(done.stderr)})


def _restore_sqlite(database: DatabaseSettings, dump: Path) -> None:
    target = _sqlite_path(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copied through the backup API rather than with cp: it writes through SQLite's own
    # locking, so a target that is open (or has a -wal file) is still replaced consistently.
    with (
        contextlib.closing(sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _restore_file(source: Path, target: Path) -> None:
    if target.exists():
        return  # identical, checked before anything was written
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(dir=target.parent, prefix=".tmp-restore-")
    os.close(fd)
    try:
        shutil.copy2(source, staged)
        os.replace(staged, target)
    finally:
        Path(staged).unlink(missing_ok=True)
