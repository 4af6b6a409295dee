"""``manage.py backup --output DIR``: a consistent backup of the database and MEDIA_ROOT."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reporting.backups import BackupError, create_backup


class Command(BaseCommand):
    # No system checks (they import every URL and view): backups must run even when a
    # deploy left the application itself broken.
    requires_system_checks: list[str] = []
    help = (
        "Escribe una copia de seguridad consistente en un directorio nuevo: la base de datos "
        "(pg_dump en PostgreSQL, la API de copia en SQLite), los archivos de MEDIA_ROOT y un "
        "manifest.json con los conteos de filas y la suma SHA-256 de cada archivo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            required=True,
            help="Directorio de la copia; no debe existir o debe estar vacío.",
        )

    def handle(self, *args, **options) -> None:
        try:
            output, manifest = create_backup(
                output=options["output"],
                database=settings.DATABASES["default"],
                media_root=Path(settings.MEDIA_ROOT),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = manifest["row_counts"]
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Copia de seguridad escrita en %(dir)s: %(tables)d tablas, %(rows)d filas, "
                    "%(files)d archivos."
                )
                % {
                    "dir": output,
                    "tables": len(counts),
                    "rows": sum(counts.values()),
                    "files": len(manifest["files"]),
                }
            )
        )
