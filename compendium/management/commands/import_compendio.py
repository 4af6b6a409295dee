"""``manage.py import_compendio PATH --year 2023``: load a printed Compendio General's text."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compendium.importers.compendio_import import ImportRefused, import_compendio

CHAPTER_TITLES = {
    1: "Dependencias de la Administración Pública Federal",
    2: "Entidades Federativas",
    3: "Poder Legislativo",
    4: "Poder Judicial",
    5: "Organismos Constitucionales Autónomos",
    6: "Organizaciones de la Sociedad Civil",
}


class Command(BaseCommand):
    help = (
        "Importa el texto de un Compendio General publicado como fichas aprobadas del "
        "ejercicio indicado, y muestra cada línea que no pudo ubicar."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Archivo de texto (UTF-8) del Compendio.")
        parser.add_argument("--year", type=int, required=True, help="Año del ejercicio.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Borra antes las fichas del ejercicio (con sus retos, notas e historial).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Termina con error si alguna línea no pudo ubicarse (la importación se hace).",
        )

    def handle(self, *args, path: Path, year: int, replace: bool, strict: bool, **options):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"No se pudo leer {path}: {error}") from error
        try:
            report = import_compendio(text, year=year, replace=replace)
        except ImportRefused as error:
            raise CommandError(str(error)) from error

        if report.fichas_replaced:
            self.stdout.write(f"Fichas borradas del Ejercicio {year}: {report.fichas_replaced}.")
        self.stdout.write(
            self.style.SUCCESS(f"Ejercicio {year}: {report.total} fichas aprobadas importadas.")
        )
        for chapter, count in report.fichas_per_chapter.items():
            title = CHAPTER_TITLES.get(chapter, "")
            self.stdout.write(f"  Capítulo {chapter}. {title}: {count}")
        created = ", ".join(report.actors_created) or "ninguna"
        self.stdout.write(f"Instituciones nuevas ({len(report.actors_created)}): {created}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Aviso: {warning}"))
        if report.unplaced_lines:
            self.stdout.write(
                self.style.WARNING(f"Líneas sin ubicar: {len(report.unplaced_lines)}")
            )
            for line_number, line in report.unplaced_lines:
                self.stdout.write(f"  L{line_number}: {line}")
            if strict:
                raise CommandError("Hay líneas sin ubicar (--strict).")
        else:
            self.stdout.write("Todas las líneas quedaron ubicadas.")
