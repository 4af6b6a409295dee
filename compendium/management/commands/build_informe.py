"""``manage.py build_informe --year 2023 --output FILE.pdf``: the Informe, in the foreground."""

from compendium.informe import render_informe_html
from compendium.management.build_command import BuildDocumentCommand


class Command(BuildDocumentCommand):
    help = "Genera el PDF del Informe Ejecutivo de un ejercicio y muestra páginas y tiempo."
    title = "Informe Ejecutivo"
    render_html = staticmethod(render_informe_html)
