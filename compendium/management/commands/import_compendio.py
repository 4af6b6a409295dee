"""``manage.py import_compendio PATH --year 2023 [--publish [--pdf ORIGINAL.pdf]]``.

Loads a printed Compendio General's text as approved fichas (docs/publications.md §C11); with
``--publish`` the edition also becomes public: a published Compendio version (the original PDF
as its file, if given), its public figures, the fichas marked published and the public record
of its programs (docs/open-data.md §R3).
"""

import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from compendium import builds, public_record
from compendium.importers.compendio_import import ImportRefused, import_compendio
from compendium.informe import public_figures
from compendium.models import BuildStatus, Document, Edicion, PublicationBuild
from reporting import workflow
from reporting.models import Ficha, FichaStatus

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
        parser.add_argument(
            "--publish",
            action="store_true",
            help=(
                "Publica la edición: una versión publicada del Compendio General, sus cifras y "
                "el registro público de sus programas (explorador, datos abiertos)."
            ),
        )
        parser.add_argument(
            "--pdf",
            type=Path,
            help="PDF original del Compendio, que se ofrece como descarga (sólo con --publish).",
        )

    def handle(
        self,
        *args,
        path: Path,
        year: int,
        replace: bool,
        strict: bool,
        publish: bool = False,
        pdf: Path | None = None,
        **options,
    ):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"No se pudo leer {path}: {error}") from error
        if pdf is not None:
            if not publish:
                raise CommandError("--pdf sólo tiene sentido con --publish.")
            check_pdf(pdf)
        with transaction.atomic():
            try:
                report = import_compendio(text, year=year, replace=replace)
            except ImportRefused as error:
                raise CommandError(str(error)) from error
            build = publish_imported(report.ejercicio.edicion, pdf=pdf) if publish else None

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
        if build is not None:
            programs = build.programs.count()
            where = "con el PDF original como descarga" if build.file else "sin archivo PDF"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Publicado: Compendio General {year}, versión {build.version}, {where}; "
                    f"{programs} programas en el registro público."
                )
            )


def check_pdf(pdf: Path) -> None:
    """Refuse a file that is missing or does not start like a PDF."""
    try:
        with pdf.open("rb") as handle:
            start = handle.read(5)
    except OSError as error:
        raise CommandError(f"No se pudo leer {pdf}: {error}") from error
    if start != b"%PDF-":
        raise CommandError(f"{pdf} no es un archivo PDF.")


def _pdf_pages(pdf: Path) -> int | None:
    from pypdf import PdfReader  # noqa: PLC0415 - only --pdf needs it

    try:
        return len(PdfReader(pdf).pages)
    except Exception:  # noqa: BLE001 - the page count is informative only
        return None


def publish_imported(edicion: Edicion, *, pdf: Path | None) -> PublicationBuild:
    """Publish an imported edition as the next Compendio version, frozen (docs/open-data.md §R3).

    Side effects: one published PublicationBuild (its file the original PDF, copied into
    storage, when given; else none: the public pages then offer no download), its public
    figures, the fichas' first publication date (``reporting.workflow``), the public record
    (``compendium.public_record.freeze``). Call inside the import's transaction.
    """
    ejercicio = edicion.ejercicio
    ficha_ids = list(
        Ficha.objects.filter(ejercicio=ejercicio, status=FichaStatus.APROBADA)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    last = PublicationBuild.objects.filter(
        edicion=edicion, document=Document.COMPENDIO, draft=False
    ).aggregate(v=Max("version"))["v"]
    now = timezone.now()
    build = PublicationBuild.objects.create(
        edicion=edicion,
        document=Document.COMPENDIO,
        draft=False,
        status=BuildStatus.DONE,
        version=(last or 0) + 1,
        published_at=now,
        started_at=now,
        finished_at=now,
        public_figures=public_figures(ejercicio, ficha_ids).to_json(),
    )
    if pdf is not None:
        name = builds.file_name(build)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "original.pdf"
            shutil.copyfile(pdf, copy)
            build.file = builds.store_atomically(name, copy)
        build.size = pdf.stat().st_size
        build.pages = _pdf_pages(pdf)
        build.save(update_fields=["file", "size", "pages"])
    note = f"Publicada en el Compendio General {ejercicio.year} importado, versión {build.version}."
    workflow.mark_published(ficha_ids, by=None, at=now, note=note)
    public_record.freeze(build, ficha_ids)
    return build
