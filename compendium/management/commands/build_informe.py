"""``manage.py build_informe --year 2023 [--lang en] --output FILE.pdf``: the Informe, in the
foreground; ``--lang en`` builds the English Informe (docs/english-edition.md §E3)."""

from compendium.management.build_command import BuildDocumentCommand
from compendium.models import Document


class Command(BuildDocumentCommand):
    help = "Genera el PDF del Informe Ejecutivo de un ejercicio y muestra páginas y tiempo."
    document = Document.INFORME

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lang",
            choices=["es", "en"],
            default="es",
            help="Idioma del Informe: es (español, por omisión) o en (inglés).",
        )

    def handle(self, *args, lang: str = "es", **options):
        if lang == "en":
            self.document = Document.INFORME_EN
        return super().handle(*args, **options)
