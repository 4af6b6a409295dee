"""``manage.py build_informe --year 2023 --output FILE.pdf``: the Informe, in the foreground.

For checks and timing outside the web app; the app builds in the background through
``compendium.builds``. Without ``--draft`` the file carries no watermark, but nothing is
published: publishing happens only in the editions page.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compendium.informe import render_informe_html
from compendium.models import Edicion
from compendium.pdf import render_pdf


class Command(BaseCommand):
    help = "Genera el PDF del Informe Ejecutivo de un ejercicio y muestra páginas y tiempo."

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
        edicion = Edicion.objects.select_related("ejercicio").filter(ejercicio__year=year).first()
        if edicion is None:
            raise CommandError(f"No hay edición para el ejercicio {year}.")
        started = time.monotonic()
        markup = render_informe_html(edicion, draft=draft)
        if html:
            html.write_text(markup, encoding="utf-8")
        rendered = time.monotonic()
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        pages = render_pdf(markup, target=partial, draft=draft)
        partial.replace(output)
        finished = time.monotonic()
        self.stdout.write(
            self.style.SUCCESS(
                f"Informe Ejecutivo {year}: {pages} páginas, {output.stat().st_size:,} bytes, "
                f"{finished - started:.1f} s (HTML {rendered - started:.2f} s) → {output}"
            )
        )
