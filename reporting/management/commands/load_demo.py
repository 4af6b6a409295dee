"""``manage.py load_demo``: fill the database with demonstration data and print the accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.demo import DEMO_YEAR, PREVIOUS_YEAR, DemoAccounts, load_demo
from reporting.models import FichaStatus


class Command(BaseCommand):
    help = (
        "Carga datos de demostración (instituciones, cuentas y fichas del Ejercicio 2024 en "
        "todos los estados). No hace nada si el Ejercicio 2024 ya existe. Sólo para "
        "demostración: no lo use en un servidor de producción."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Los datos de demostración no se cargan con DJANGO_ENV=production.")
        result = load_demo(stdout=self.stdout if options["verbosity"] > 1 else None)
        if result.created:
            self.stdout.write(self.style.SUCCESS("Datos de demostración cargados."))
            self._print_counts(result)
        else:
            self.stdout.write(self.style.WARNING("Los datos de demostración ya existen."))
        self._print_accounts(result)

    def _print_counts(self, result: DemoAccounts) -> None:
        total = sum(result.fichas_by_status.values())
        parts = ", ".join(
            f"{label.lower()}: {result.fichas_by_status.get(value, 0)}"
            for value, label in FichaStatus.choices
        )
        self.stdout.write(f"Ejercicio {DEMO_YEAR} (abierto): {total} fichas ({parts}).")
        if result.previous_year_fichas:
            self.stdout.write(
                f"Ejercicio {PREVIOUS_YEAR} (cerrado): {result.previous_year_fichas} fichas "
                "aprobadas para trasladar al nuevo ejercicio."
            )

    def _print_accounts(self, result: DemoAccounts) -> None:
        if not result.accounts:
            self.stdout.write("No hay cuentas de demostración en esta base de datos.")
            return
        headers = ("Rol", "Correo electrónico", "Institución")
        widths = [max(len(headers[i]), *(len(row[i]) for row in result.accounts)) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("Cuentas de demostración:")
        self.stdout.write(self._line(headers, widths))
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in result.accounts:
            self.stdout.write(self._line(row, widths))
        self.stdout.write("")
        self.stdout.write(
            f"Contraseña de todas las cuentas: {result.password}  "
            "(sólo para demostración; no la use en un servidor accesible desde fuera)."
        )
        self._print_second_factor(result)

    def _print_second_factor(self, result: DemoAccounts) -> None:
        if not result.second_factor:
            return
        self.stdout.write("")
        self.stdout.write(
            "Verificación en dos pasos de coordinación y administración (sólo demostración): "
            "después de la contraseña escriba el código de una app autenticadora con esta "
            "clave, o un código de respaldo (cada uno sirve una vez)."
        )
        for email, (secret, codes) in result.second_factor.items():
            shown = "  ".join(f"{code[:4]}-{code[4:]}" for code in codes)
            self.stdout.write(f"  {email}")
            self.stdout.write(f"    clave de la app autenticadora: {secret}")
            self.stdout.write(f"    códigos de respaldo: {shown}")

    @staticmethod
    def _line(cells, widths) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
