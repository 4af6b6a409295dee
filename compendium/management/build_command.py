"""The shared body of ``build_compendio`` and ``build_informe``: one document, in the foreground.

Same HTML (``compendium.documents.render_document``) and renderer as the background builds of
the editions page (for scripts and benchmarks); nothing is published. Without an Edición for
the year, the default texts are used (and nothing is saved).
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compendium.documents import render_document, write_document_pdf
from compendium.editions import default_texts
from compendium.models import Document, Edicion
from reporting.models import Ejercicio


class BuildDocumentCommand(BaseCommand):
    document: Document

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Año del ejercicio.")
        parser.add_argument("--output", type=Path, required=True, help="Archivo PDF de salida.")
        parser.add_argument(
            "--draft", action="store_true", help="Marca cada página como versión preliminar."
        )
        parser.add_argument(
            "--html", type=Path, help="Guarda también el HTML intermedio (para revisarlo)."
        )

    def handle(self, *args, year: int, output: Path, draft: bool, html: Path | None, **options):
        ejercicio = Ejercicio.objects.filter(year=year).first()
        if ejercicio is None:
            raise CommandError(f"No existe el ejercicio {year}.")
        edicion = Edicion.objects.filter(ejercicio=ejercicio).first()
        if edicion is None:
            edicion = Edicion(ejercicio=ejercicio, **default_texts(ejercicio))
        started = time.monotonic()
        markup = render_document(edicion, self.document, draft=draft).html
        if html:
            html.write_text(markup, encoding="utf-8")
        rendered = time.monotonic()
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        try:
            pages = write_document_pdf(self.document, markup, target=partial, draft=draft)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        finished = time.monotonic()
        self.stdout.write(
            self.style.SUCCESS(
                f"{self.document.label} {year}: {pages} páginas, {output.stat().st_size:,} bytes, "
                f"{finished - started:.1f} s (HTML {rendered - started:.2f} s) → {output}"
            )
        )
