"""``manage.py import_ficha_docx --year YYYY --actor SIGLA FILE...``: Word fichas as drafts.

For UPMRIP's bulk work with the Word files institutions sent by email: each file becomes a new
«borrador» of the institution in the open exercise, exactly as through «Importar desde Word»
(docs/word.md §W5). A refused file creates nothing and does not stop the others; the command
ends with an error when any file was refused. Output names files and ficha ids, never content.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting.docx_import import create_draft
from reporting.docx_reader import read_docx
from reporting.docx_safety import MAX_FILE_BYTES, DocxRefused
from reporting.models import Actor, Ejercicio, User


class Command(BaseCommand):
    help = (
        "Importa fichas técnicas en Word (.docx) como borradores de una institución en el "
        "ejercicio abierto del año indicado; un borrador por archivo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Año del ejercicio (abierto).")
        parser.add_argument("--actor", required=True, help="Sigla de la institución.")
        parser.add_argument(
            "--by", default="", help="Correo de la cuenta que figura como autora (opcional)."
        )
        parser.add_argument("files", nargs="+", type=Path, help="Archivos .docx.")

    def handle(self, *args, **options) -> None:
        try:
            ejercicio = Ejercicio.objects.get(year=options["year"])
        except Ejercicio.DoesNotExist:
            raise CommandError(f"No existe el ejercicio {options['year']}.") from None
        if not ejercicio.is_open:
            raise CommandError(f"El ejercicio {ejercicio.year} no está abierto.")
        try:
            actor = Actor.objects.get(sigla__iexact=options["actor"].strip())
        except Actor.DoesNotExist:
            raise CommandError(
                f"No existe la institución con sigla «{options['actor']}»."
            ) from None
        by = None
        if options["by"]:
            by = User.objects.filter(email__iexact=options["by"].strip()).first()
            if by is None:
                raise CommandError(f"No existe la cuenta {options['by']}.")
        refused = 0
        for path in options["files"]:
            try:
                if not path.is_file():
                    raise DocxRefused("no existe o no es un archivo.")
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise DocxRefused("pesa más de 10 MB.")
                parsed = read_docx(path.read_bytes(), path.name, ejercicio=ejercicio)
                ficha = create_draft(parsed, actor=actor, ejercicio=ejercicio, by=by)
            except DocxRefused as exc:
                refused += 1
                self.stderr.write(f"{path.name}: rechazado: {exc}")
                continue
            extra = " (con texto no reconocido)" if ficha.texto_no_reconocido else ""
            self.stdout.write(f"{path.name}: borrador {ficha.pk}{extra}")
        if refused:
            raise CommandError(f"{refused} de {len(options['files'])} archivos rechazados.")
