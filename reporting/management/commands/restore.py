"""``manage.py restore DIR``: restore a backup into an empty database and MEDIA_ROOT."""

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reporting.backups import BackupError, restore_backup


class Command(BaseCommand):
    # No system checks (they import every URL and view): backups must run even when a
    # deploy left the application itself broken.
    requires_system_checks: list[str] = []
    help = (
        "Restaura una copia hecha con «manage.py backup»: verifica las sumas SHA-256, sólo "
        "escribe en una base de datos vacía, restaura los archivos de MEDIA_ROOT y comprueba "
        "los conteos de filas contra el manifiesto."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="Directorio de la copia.")
        parser.add_argument(
            "--database-url",
            help=(
                "Base de datos de destino (por omisión la configurada, DATABASE_URL). No ponga "
                "la contraseña aquí: se vería en la lista de procesos; use PGPASSWORD o "
                "~/.pgpass."
            ),
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            help="Destino de los archivos (por omisión MEDIA_ROOT).",
        )

    def handle(self, *args, **options) -> None:
        url = options["database_url"]
        database = dj_database_url.parse(url) if url else settings.DATABASES["default"]
        try:
            result = restore_backup(
                source=options["source"],
                database=database,
                media_root=options["media_root"] or Path(settings.MEDIA_ROOT),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Copia restaurada: %(tables)d tablas y %(rows)d filas, como en el manifiesto. "
                    "Archivos de MEDIA_ROOT restaurados: %(files)d."
                )
                % {"tables": result.tables, "rows": result.rows, "files": result.media_files}
            )
        )
