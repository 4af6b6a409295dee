"""``manage.py check_edition --year 2023``: the pre-publication check, in the terminal.

Lists every finding of ``compendium.checks.check_edition`` by kind, each with the address where
it is fixed, and exits with status 1 when there are blocking findings (docs/pre-publication-check.md
§K3), so a script can stop before publishing. Read-only.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compendium.checks import check_edition
from compendium.models import Document
from reporting.models import Ejercicio


class Command(BaseCommand):
    help = (
        "Revisión previa a la publicación: lista lo que habría que corregir en el Compendio "
        "y el Informe de un ejercicio; sale con estado 1 si hay hallazgos que bloquean."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Año del ejercicio.")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", ""),
            help="Prefijo de los enlaces (p. ej. https://pmm.example.gob.mx).",
        )
        parser.add_argument(
            "--document",
            choices=Document.values,
            help="Sólo los hallazgos que afectan a este documento.",
        )

    def handle(self, *args, **options):
        ejercicio = Ejercicio.objects.filter(year=options["year"]).first()
        if ejercicio is None:
            raise CommandError(f"No existe el ejercicio {options['year']}.")
        report = check_edition(ejercicio)
        base = options["base_url"].rstrip("/")
        document = options["document"]
        findings = [f for f in report.findings if document is None or f.affects(document)]
        self.stdout.write(
            f"Revisión previa a la publicación, ejercicio {ejercicio.year}: "
            f"{report.fichas} fichas aprobadas."
        )
        for group in report.groups():
            mine = [f for f in group.findings if f in findings]
            if not mine:
                continue
            kind = "BLOQUEA" if group.blocking else "aviso"
            self.stdout.write(f"\n[{kind}] {group.title} ({len(mine)})")
            for finding in mine:
                self.stdout.write(f"  - {finding.message}\n    {base}{finding.url}")
        blocking = [f for f in findings if f.blocking]
        self.stdout.write(f"\n{len(findings)} hallazgos, {len(blocking)} bloquean la publicación.")
        if blocking:
            # A non-zero exit without a traceback: the list above is the explanation.
            raise SystemExit(1)
