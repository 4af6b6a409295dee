"""``manage.py build_informe --year 2023 --output FILE.pdf``: the Informe, in the foreground."""

from compendium.management.build_command import BuildDocumentCommand
from compendium.models import Document


class Command(BuildDocumentCommand):
    help = "Genera el PDF del Informe Ejecutivo de un ejercicio y muestra páginas y tiempo."
    document = Document.INFORME
