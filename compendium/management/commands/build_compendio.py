"""``manage.py build_compendio --year 2023 --output FILE.pdf``: the Compendio, in the foreground."""

from compendium.compendio import render_compendio_html
from compendium.management.build_command import BuildDocumentCommand


class Command(BuildDocumentCommand):
    help = "Genera el PDF del Compendio General de un ejercicio y muestra páginas y tiempo."
    title = "Compendio General"
    render_html = staticmethod(render_compendio_html)
