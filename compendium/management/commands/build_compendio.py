"""``manage.py build_compendio --year 2023 --output FILE.pdf``: the Compendio, in the foreground."""

from compendium.management.build_command import BuildDocumentCommand
from compendium.models import Document


class Command(BuildDocumentCommand):
    help = "Genera el PDF del Compendio General de un ejercicio y muestra páginas y tiempo."
    document = Document.COMPENDIO
